package dev.courier.rpc.tcp;

import static dev.courier.rpc.tcp.Frames.DECLARED_DETAIL;
import static dev.courier.rpc.tcp.Frames.EXCEPTION_DETAIL;
import static dev.courier.rpc.tcp.Frames.FAULT;
import static dev.courier.rpc.tcp.Frames.MESSAGE_TOO_LARGE;
import static dev.courier.rpc.tcp.Frames.NO_DETAIL;
import static dev.courier.rpc.tcp.Frames.ONE_WAY;
import static dev.courier.rpc.tcp.Frames.REPLY;
import static dev.courier.rpc.tcp.Frames.REQUEST;

import dev.courier.io.CancelRoutine;
import dev.courier.io.IoRequest;
import dev.courier.io.IoStatus;
import dev.courier.rpc.ExceptionDetail;
import dev.courier.rpc.FaultException;
import dev.courier.rpc.OperationDescription;
import dev.courier.rpc.spi.Invocation;
import dev.courier.rpc.spi.RpcStatus;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The calls one end of a connection sent and waits on: it encodes each call into its frame, keeps it by call id
 * until its answer, a cancel or the connection's end completes its request, and decodes the answer.
 *
 * <p>Threading: calls are sent and cancelled from any thread; answers arrive on the connection's event loop,
 * which completes their requests (the client call moves an asynchronous shape's completion off it).
 */
final class OutgoingCalls {
  private final TcpPeer peer;
  private final AtomicInteger nextCallId;
  private final Map<Integer, Outgoing> calls = new ConcurrentHashMap<>();

  /** The calls of {@code peer}; a server's ids are even, a client's odd. */
  OutgoingCalls(TcpPeer peer, boolean server) {
    this.peer = peer;
    this.nextCallId = new AtomicInteger(server ? 2 : 1);
  }

  /** A call id of this end's parity, unused on the connection: for a call, or a metadata or health request. */
  int nextCallId() {
    return nextCallId.getAndAdd(2);
  }

  /** A call this end sent and waits on: the call, its cancel routine, its frame and its write's listener in one. */
  private final class Outgoing implements CancelRoutine, OutboundFrames.Listened {
    private final IoRequest request;
    private final OperationDescription operation;
    private final int session;
    private final int callId;
    private final SessionContract contract;   // how its answer is read
    private boolean written;                  // event loop only: its REQUEST frame went out
    private ByteBuf frame;                    // its REQUEST frame, until written

    Outgoing(IoRequest request, OperationDescription operation, int session, int callId, SessionContract contract) {
      this.request = request;
      this.operation = operation;
      this.session = session;
      this.callId = callId;
      this.contract = contract;
    }

    /**
     * The caller cancelled: CANCEL goes to the other end. On a connection that has gone, the cancel comes from its
     * end (its sessions are purged): the call is told what became of it, as the calls the connection's end fails.
     */
    @Override
    public void onCancel(IoRequest r) {
      boolean registered = calls.remove(callId) != null;
      if (!peer.isOpen()) {             // closed, or closing after the peer's GO_AWAY
        r.complete(endedWithItsConnection(peer.peerDrained()));
        return;
      }
      if (registered && peer.isOpen()) {
        ByteBuf cancel = peer.frame(Frames.CANCEL, session, callId);
        Frames.finish(cancel);
        peer.write(cancel);
      }
      r.complete(IoStatus.CANCELLED);
    }

    /**
     * What became of the call when its connection ended before its answer: it may have run if its frame was
     * written, unless the peer drained first (GO_AWAY NO_ERROR: it ran nothing it did not answer).
     */
    IoStatus endedWithItsConnection(boolean peerDrained) {
      return written && !peerDrained ? RpcStatus.CONNECTION_LOST : IoStatus.DEVICE_REMOVED_NOT_SENT;
    }

    @Override
    public ByteBuf takeFrame() {
      ByteBuf f = frame;
      frame = null;
      return f;
    }

    /** The REQUEST frame was written, or could not be. */
    @Override
    public void operationComplete(ChannelFuture f) {
      if (f.isSuccess()) {
        written = true;
      } else if (calls.remove(callId) != null && !request.unmarkCancelable().equals(IoStatus.CANCELLED)) {
        request.complete(IoStatus.DEVICE_REMOVED_NOT_SENT);
      }
    }
  }

  /** Sends the call {@code request} carries in {@code session}, checked against the session's agreement. */
  void send(int session, PeerSessions.Agreement agreement, IoRequest request) {
    Invocation inv = request.context(Invocation.KEY);
    if (inv == null || inv.operation() == null) {
      request.complete(IoStatus.INVALID_DEVICE_REQUEST);
      return;
    }
    SessionContract contract = agreement.contract;
    String refusal = contract.callRefusal(inv.operation());
    if (refusal != null) {
      // The two ends' contracts disagree on this operation: it fails here, before anything is sent.
      inv.fault(new FaultException(FaultException.CONTRACT_MISMATCH, refusal + "; the call was not sent", null));
      request.complete(RpcStatus.FAULT);
      return;
    }
    Channel ch = peer.channel();
    if (ch == null || !peer.isOpen()) {
      request.complete(IoStatus.DEVICE_REMOVED_NOT_SENT);
      return;
    }
    OperationDescription op = inv.operation();
    int callId = nextCallId();
    ByteBuf frame = peer.frame(op.isOneWay() ? ONE_WAY : REQUEST, session, callId);
    try {
      long micros = inv.timeoutNanos() == Invocation.NO_DEADLINE ? 0 : Math.max(1, inv.timeoutNanos() / 1000);
      WireCodec.writeVarint(frame, micros);
      WireCodec.writeString(frame, op.action());
      WireCodec.writeVarint(frame, inv.headers().size());
      for (Map.Entry<String, String> h : inv.headers().entrySet()) {
        WireCodec.writeString(frame, h.getKey());
        WireCodec.writeString(frame, h.getValue());
      }
      contract.writeArguments(frame, op, inv.arguments());
      Frames.finish(frame);
    } catch (RuntimeException e) {
      frame.release();
      inv.fault(new FaultException("EncodingError", "arguments of " + op.name() + " cannot be encoded: " + e.getMessage(), null));
      request.complete(RpcStatus.FAULT);
      return;
    }
    int max = peer.settings().maxMessageSize();
    if (Frames.size(frame) > max) {       // as the receiver checks it
      int size = Frames.size(frame);
      frame.release();
      inv.fault(new FaultException(MESSAGE_TOO_LARGE, "call to " + op.name() + " is " + size
          + " bytes (expected: at most " + max + ")", null));
      request.complete(RpcStatus.FAULT);
      return;
    }
    if (op.isOneWay()) {
      sendOneWay(ch, frame, request);
      return;
    }
    Outgoing call = new Outgoing(request, op, session, callId, contract);   // one object: the call, its cancel, its write
    if (request.markCancelable(call).equals(IoStatus.CANCELLED)) {
      frame.release();
      // Cancelled on its way in: by its caller, or by its session's purge as the connection ended (not sent, then)
      request.complete(peer.isOpen() ? IoStatus.CANCELLED : call.endedWithItsConnection(peer.peerDrained()));
      return;
    }
    calls.put(callId, call);
    call.frame = frame;
    peer.write(call);
  }

  /**
   * A one-way message is accepted once it is queued on a connection with room in its outbound buffer: the
   * caller goes on without waiting for the event loop. On a connection that is not writable (a peer that
   * reads slower than this side sends), the caller waits until its message is written, so a sender cannot
   * make this side buffer without bound.
   */
  private void sendOneWay(Channel ch, ByteBuf frame, IoRequest request) {
    if (ch.isWritable()) {
      peer.write(frame);
      request.complete(IoStatus.SUCCESS);              // accepted: queued on an open, writable connection
      return;
    }
    // No room: the caller waits until its frame is written (the peer reads slowly, or not at all). It may give
    // up meanwhile, and a channel that closes or aborts cancels it: it is then told CANCELLED at once, though the
    // frame, queued already, may still go out when the peer reads again.
    if (request.markCancelable(r -> r.complete(IoStatus.CANCELLED)).equals(IoStatus.CANCELLED)) {
      frame.release();
      request.complete(IoStatus.CANCELLED);
      return;
    }
    ch.writeAndFlush(frame).addListener(f -> {
      if (!request.unmarkCancelable().equals(IoStatus.CANCELLED)) {
        request.complete(f.isSuccess() ? IoStatus.SUCCESS : IoStatus.DEVICE_REMOVED_NOT_SENT);
      }
    });
  }

  /** The REPLY, FAULT or STATUS frame answering call {@code callId}. Runs on the event loop. */
  void onAnswer(int type, int callId, ByteBuf in) {
    Outgoing call = calls.remove(callId);
    if (call == null) {
      return;                       // cancelled meanwhile, or unknown: ignored
    }
    IoRequest request = call.request;
    Invocation inv = request.context(Invocation.KEY);
    IoStatus status;
    try {
      status = decodeAnswer(type, call, inv, in);
    } catch (WireCodec.WireException | IndexOutOfBoundsException e) {
      if (type != REPLY) {
        throw answerUnreadable(request, e);
      }
      // A whole frame whose result does not decode by this side's contract: that call fails, nothing else.
      inv.failureReason(e.getMessage());
      status = RpcStatus.REPLY_UNREADABLE;
    } catch (RuntimeException e) {
      throw answerUnreadable(request, e);
    }
    if (!request.unmarkCancelable().equals(IoStatus.CANCELLED)) {
      request.complete(status);
    }
  }

  /** An answer whose frame does not parse: a protocol error, which fails its call too. Returns {@code e}. */
  private static RuntimeException answerUnreadable(IoRequest request, RuntimeException e) {
    // The protocol error closes the connection, and this call, no longer among the outgoing ones that a
    // closing connection fails, must be failed here.
    if (!request.unmarkCancelable().equals(IoStatus.CANCELLED)) {
      request.complete(RpcStatus.CONNECTION_LOST);
    }
    return e;
  }

  private IoStatus decodeAnswer(int type, Outgoing call, Invocation inv, ByteBuf in) {
    WireInput values = peer.input().of(in);
    if (type == REPLY) {
      OperationDescription op = call.operation;
      Object value = call.contract.readResult(values, op);
      if (in.isReadable()) {
        throw new WireCodec.WireException(in.readableBytes() + " bytes left after the result (expected: "
            + (op.hasResult() ? "exactly one " + op.resultType().getTypeName() : "none, the result is void") + ")");
      }
      inv.reply(value);
      return IoStatus.SUCCESS;
    }
    if (type == FAULT) {
      String code = WireCodec.readString(in);
      String reason = WireCodec.readString(in);
      long kind = WireCodec.readVarint(in);
      Object detail = null;
      if (kind == EXCEPTION_DETAIL) {
        detail = exceptionDetail(in, values.budget());
      } else if (kind == DECLARED_DETAIL) {
        detail = call.contract.readFaultDetail(values, call.operation);
      } else if (kind != NO_DETAIL) {
        throw new WireCodec.WireException("fault detail kind " + kind + " (expected: " + NO_DETAIL + ", "
            + DECLARED_DETAIL + " or " + EXCEPTION_DETAIL + ")");
      }
      inv.fault(new FaultException(code, reason, detail));
      return RpcStatus.FAULT;
    }
    return IoStatus.of(in.readInt());
  }

  /** The exception detail of a fault, or {@code null} when it does not decode: the call still gets its fault. */
  private static Object exceptionDetail(ByteBuf in, WireCodec.Budget budget) {
    Object detail;
    try {
      detail = WireCodec.read(in, ExceptionDetail.class, budget);
      if (in.isReadable()) {
        detail = null;
      }
    } catch (WireCodec.WireException | IndexOutOfBoundsException e) {
      detail = null;
    }
    in.skipBytes(in.readableBytes());
    return detail;
  }

  /**
   * An answer above this side's maximum message size, whose bytes the frame decoder skips: its call fails as a
   * reply that could not be read, with both sizes, and every other call on the connection goes on.
   */
  void onOversizedAnswer(int callId, long length) {
    Outgoing call = calls.remove(callId);
    if (call == null) {
      return;                       // cancelled meanwhile, or unknown: ignored, as any answer
    }
    IoRequest request = call.request;
    request.context(Invocation.KEY).failureReason("the reply is " + length + " bytes; expected: at most "
        + peer.settings().maxMessageSize() + ", the maximum message size of this side");
    if (!request.unmarkCancelable().equals(IoStatus.CANCELLED)) {
      request.complete(RpcStatus.REPLY_UNREADABLE);
    }
  }

  /**
   * The connection closed: every call still waiting fails, as lost if it was written, else as not sent; after a
   * peer's GO_AWAY NO_ERROR ({@code peerDrained}) as not sent, since a draining host runs no call it did not answer.
   */
  void failAll(boolean peerDrained) {
    for (Integer id : List.copyOf(calls.keySet())) {
      Outgoing call = calls.remove(id);
      if (call != null && !call.request.unmarkCancelable().equals(IoStatus.CANCELLED)) {
        if (peerDrained) {
          call.request.context(Invocation.KEY).failureReason("the host closed the connection without running it");
        }
        call.request.complete(call.endedWithItsConnection(peerDrained));
      }
    }
  }
}
