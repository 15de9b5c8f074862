package dev.courier.rpc.tcp;

import dev.courier.io.IoStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The frames of a Courier TCP connection (docs/tcp-protocol.md): their types and codes, and how one is built.
 * A frame is a length, a type, a session id and a call id, then the payload of its type.
 *
 * <pre>{@code
 * ByteBuf frame = Frames.frame(alloc, Frames.CANCEL, session, callId);
 * Frames.finish(frame);                 // the length, once the payload is written
 * }</pre>
 */
final class Frames {
  static final int REQUEST = 0x01;
  static final int ONE_WAY = 0x02;
  static final int REPLY = 0x03;
  static final int FAULT = 0x04;
  static final int STATUS = 0x05;
  static final int CANCEL = 0x06;
  static final int PING = 0x07;
  static final int PONG = 0x08;
  static final int GO_AWAY = 0x09;
  static final int SESSION_OPEN = 0x0A;
  static final int SESSION_CLOSE = 0x0B;
  static final int METADATA_GET = 0x0C;
  static final int METADATA = 0x0D;
  static final int HEALTH_GET = 0x0E;
  static final int HEALTH = 0x0F;

  /**
   * The STATUS answering a SESSION_OPEN beyond the sessions one connection may hold (docs/tcp-protocol.md):
   * the connection is full, not the host, and the client opens the session on another connection.
   */
  static final IoStatus CONNECTION_FULL = IoStatus.of(0xE0C1_0001);

  /** The STATUS answering a SESSION_OPEN or METADATA_GET that names a path no endpoint of the port serves. */
  static final IoStatus NOT_FOUND = IoStatus.of(0xC000_0034);     // STATUS_OBJECT_NAME_NOT_FOUND

  /** The fault code of a call or an answer above the sender's maximum message size. */
  static final String MESSAGE_TOO_LARGE = "MessageTooLarge";

  /** The fault detail kind of a fault without detail. */
  static final long NO_DETAIL = 0;
  /** The fault detail kind of a declared fault: its name, then its record. */
  static final long DECLARED_DETAIL = 1;
  /** The fault detail kind of an {@link dev.courier.rpc.ExceptionDetail} (a host that includes exception detail). */
  static final long EXCEPTION_DETAIL = 0xFFFF_FFFFL;

  static final int GO_AWAY_NO_ERROR = 0;
  static final int GO_AWAY_PROTOCOL_ERROR = 1;
  static final int GO_AWAY_UNSUPPORTED_VERSION = 2;
  static final int GO_AWAY_MESSAGE_TOO_LARGE = 3;
  static final int GO_AWAY_IDLE = 4;

  /**
   * Told by the frame decoder, in the order of the frames: a REPLY or FAULT frame of {@code length} bytes,
   * above the maximum message size, answered call {@code callId}; its bytes are skipped.
   */
  record OversizedAnswer(int callId, long length) {}

  private Frames() {}

  /** A frame with its header written and the length to fill in by {@link #finish}; {@code alloc} may be null. */
  static ByteBuf frame(ByteBufAllocator alloc, int type, int session, int callId) {
    ByteBuf buf = alloc != null ? alloc.buffer(64) : io.netty.buffer.Unpooled.buffer(64);
    buf.writeInt(0);
    buf.writeByte(type);
    buf.writeInt(session);
    buf.writeInt(callId);
    return buf;
  }

  /** Writes the frame's length: its bytes after the length field. */
  static void finish(ByteBuf frame) {
    frame.setInt(0, frame.readableBytes() - 4);
  }

  /** The bytes a finished frame takes beyond its length field: what the receiver checks against its maximum. */
  static int size(ByteBuf frame) {
    return frame.readableBytes() - 4;
  }

  /** A finished STATUS frame: an outcome that is neither a reply nor a fault, or the answer to SESSION_OPEN. */
  static ByteBuf status(ByteBufAllocator alloc, int session, int callId, IoStatus status, String message) {
    ByteBuf frame = frame(alloc, STATUS, session, callId);
    frame.writeInt(status.value());
    WireCodec.writeString(frame, message);
    finish(frame);
    return frame;
  }

  /** A finished GO_AWAY frame with its code and message. */
  static ByteBuf goAway(ByteBufAllocator alloc, int code, String message) {
    ByteBuf frame = frame(alloc, GO_AWAY, 0, 0);
    WireCodec.writeVarint(frame, code);
    WireCodec.writeString(frame, message == null ? "" : message);
    finish(frame);
    return frame;
  }

  /** The key of a call in a connection's tables: its session and its id. */
  static long key(int session, int callId) {
    return ((long) session << 32) | (callId & 0xFFFFFFFFL);
  }

  /** The session of a call's {@link #key}. */
  static int session(long key) {
    return (int) (key >>> 32);
  }
}
