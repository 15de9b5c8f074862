package dev.courier.io;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The layer of {@link RealIoRequest} that formats it for a target, and shows a driver the format: the type,
 * the control code, up to three pinned buffers, the device offset, and the system buffer of a
 * {@link IoControlCode.TransferMethod#BUFFERED} device control (its input copied in before a send, its output
 * copied back on completion). A presented request forwarded as presented has no format of its own: a driver
 * sees the format of the request it presents.
 *
 * <p>Threading: owner-confined. The owner formats a request that is not in flight; a driver reads the format
 * of the presented request it holds, which the send published to it.
 */
abstract class FormattedRequest extends ContextualRequest {
  private IoRequestType fmtType;         // null when unformatted
  private boolean passthrough;           // formatUsingCurrentType
  private RealIoTarget fmtTarget;        // null for passthrough
  private IoControlCode fmtCode;
  private IoBuffer b0;
  private IoBuffer b1;
  private IoBuffer b2;
  private long fmtDeviceOffset;
  private MemorySegment systemBuffer;    // METHOD_BUFFERED bounce, reused while large enough
  private long systemLength;
  private boolean systemBufferSent;      // the system buffer went to a device since it was last filled

  FormattedRequest(Origin origin, RealIoRequest source) {
    super(origin, source);
  }

  @Override
  public IoStatus formatRead(IoTarget target, IoBuffer buffer, long deviceOffset) {
    requireDeviceOffset(deviceOffset);
    return doFormat(target, IoRequestType.READ, null, buffer, null, null, deviceOffset);
  }

  @Override
  public IoStatus formatWrite(IoTarget target, IoBuffer buffer, long deviceOffset) {
    requireDeviceOffset(deviceOffset);
    return doFormat(target, IoRequestType.WRITE, null, buffer, null, null, deviceOffset);
  }

  @Override
  public IoStatus formatDeviceControl(IoTarget target, IoControlCode code, IoBuffer input, IoBuffer output) {
    Objects.requireNonNull(code, "code");
    return doFormat(target, IoRequestType.DEVICE_CONTROL, code, input, output, null, 0);
  }

  @Override
  public IoStatus formatInternalDeviceControl(
      IoTarget target, IoControlCode code, IoBuffer input, IoBuffer output) {
    Objects.requireNonNull(code, "code");
    return doFormat(target, IoRequestType.DEVICE_CONTROL_INTERNAL, code, input, output, null, 0);
  }

  @Override
  public IoStatus formatInternalDeviceControlOthers(
      IoTarget target, IoControlCode code, IoBuffer argument1, IoBuffer argument2, IoBuffer argument4) {
    Objects.requireNonNull(code, "code");
    return doFormat(target, IoRequestType.OTHER, code, argument1, argument2, argument4, 0);
  }

  @Override
  public IoStatus format(IoTarget target, IoFormat format) {
    Objects.requireNonNull(format, "format");
    return doFormat(target, format.type(), format.code(), format.first(), format.second(), format.third(),
        format.deviceOffset());
  }

  private static void requireDeviceOffset(long deviceOffset) {
    if (deviceOffset < 0) {
      throw new IllegalArgumentException("deviceOffset: " + deviceOffset + " (expected: >= 0)");
    }
  }

  private IoStatus doFormat(IoTarget target, IoRequestType type, IoControlCode code,
      IoBuffer first, IoBuffer second, IoBuffer third, long deviceOffset) {
    RealIoTarget t = RealIoTarget.cast(target);
    checkOwned();
    if (isInFlight()) {
      return IoStatus.INVALID_DEVICE_REQUEST;
    }
    if ((first != null && !first.fits()) || (second != null && !second.fits())
        || (third != null && !third.fits())) {
      unformat();
      return IoStatus.INTEGER_OVERFLOW;
    }
    if ((type == IoRequestType.DEVICE_CONTROL || type == IoRequestType.DEVICE_CONTROL_INTERNAL)
        && code.method() == IoControlCode.TransferMethod.BUFFERED) {
      checkSystemBufferSize(first, second);   // before anything changes: a rejected format leaves no trace
    }
    IoStatus accepted = t.accepts(type, code);
    if (!accepted.isSuccess()) {
      unformat();
      return accepted;
    }
    // Pin the new memory before releasing the old, so that a reformat with the same memory keeps it pinned.
    if (first != null && first != b0) first.memory().pin();
    if (second != null && second != b1) second.memory().pin();
    if (third != null && third != b2) third.memory().pin();
    if (b0 != null && b0 != first) b0.memory().unpin();
    if (b1 != null && b1 != second) b1.memory().unpin();
    if (b2 != null && b2 != third) b2.memory().unpin();
    b0 = first;
    b1 = second;
    b2 = third;
    fmtType = type;
    fmtCode = code;
    fmtTarget = t;
    fmtDeviceOffset = deviceOffset;
    passthrough = false;
    params.reset(type, code, first, second, third);
    if (isBuffered()) {
      fillSystemBuffer();
    }
    state = State.FORMATTED;
    return IoStatus.SUCCESS;
  }

  private boolean isBuffered() {
    // A passthrough request has the type of the request it presents but no code or system buffer of its own.
    return !passthrough
        && (fmtType == IoRequestType.DEVICE_CONTROL || fmtType == IoRequestType.DEVICE_CONTROL_INTERNAL)
        && fmtCode.method() == IoControlCode.TransferMethod.BUFFERED;
  }

  private static void checkSystemBufferSize(IoBuffer input, IoBuffer output) {
    long size = Math.max(input == null ? 0 : input.transferLength(), output == null ? 0 : output.transferLength());
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("buffered device-control buffers: " + size + " bytes (expected: < 2 GiB)");
    }
  }

  private void fillSystemBuffer() {
    long in = b0 == null ? 0 : b0.transferLength();
    long out = b1 == null ? 0 : b1.transferLength();
    long size = Math.max(in, out);
    if (systemBuffer == null || systemBuffer.byteSize() < size) {
      systemBuffer = MemorySegment.ofArray(new byte[(int) size]);
    }
    systemLength = size;
    systemBufferSent = false;
    if (in > 0) {
      MemorySegment.copy(b0.memory().segment(), b0.offset(), systemBuffer, 0, in);
    }
    if (out > in) {
      systemBuffer.asSlice(in, out - in).fill((byte) 0);
    }
  }

  @Override
  public void formatUsingCurrentType() {
    checkOwned();
    if (origin != Origin.QUEUE_PRESENTED) {
      throw new IllegalStateException(
          "formatUsingCurrentType: only a presented request can be forwarded as presented (this one was created)");
    }
    if (isInFlight()) {
      throw new IllegalStateException("formatUsingCurrentType: request is " + state);
    }
    releaseFormat();
    passthrough = true;
    fmtType = source.effective().fmtType;
    params.reset(IoRequestType.NO_FORMAT, null, null, null, null);
    state = State.FORMATTED;
  }

  @Override
  public IoStatus changeTarget(IoTarget target) {
    RealIoTarget t = RealIoTarget.cast(target);
    checkOwned();
    if (isInFlight()) {
      return IoStatus.INVALID_DEVICE_REQUEST;
    }
    if (!t.isOpen()) {
      return IoStatus.INVALID_DEVICE_STATE;
    }
    if (fmtType != null) {
      IoRequestType type = passthrough ? effective().fmtType : fmtType;
      IoControlCode code = passthrough ? effective().fmtCode : fmtCode;
      if (type != null) {
        IoStatus accepted = t.accepts(type, code);
        if (!accepted.isSuccess()) {
          return accepted;
        }
      }
      if (!passthrough) {
        fmtTarget = t;
      }
    }
    return IoStatus.SUCCESS;
  }

  private void unformat() {
    releaseFormat();
    params.reset(IoRequestType.NO_FORMAT, null, null, null, null);
    if (state == State.FORMATTED) {
      state = State.UNFORMATTED;
    }
  }

  /** Unpins the buffers and forgets the format (the system buffer is kept for the next buffered format). */
  final void releaseFormat() {
    if (b0 != null) b0.memory().unpin();
    if (b1 != null) b1.memory().unpin();
    if (b2 != null) b2.memory().unpin();
    b0 = b1 = b2 = null;
    fmtType = null;
    fmtCode = null;
    fmtTarget = null;
    fmtDeviceOffset = 0;
    passthrough = false;
    systemLength = 0;
  }

  /** The request whose format defines what a driver sees: this one, or the one it presents. */
  final FormattedRequest effective() {
    FormattedRequest r = this;
    while ((r.fmtType == null || r.passthrough) && r.source != null) {
      r = r.source;
    }
    return r;
  }

  /** Whether this request may be sent to {@code t}: formatted for it, or forwarded as presented. */
  final boolean isFormattedFor(RealIoTarget t) {
    return fmtType != null && (passthrough || fmtTarget == t);
  }

  /** Whether this request has a format of its own (not unformatted, nor forwarded as presented). */
  final boolean hasOwnFormat() {
    return fmtType != null && !passthrough;
  }

  /** The target this request is formatted for; null when unformatted or forwarded as presented. */
  final RealIoTarget formatTarget() {
    return fmtTarget;
  }

  /**
   * Readies the system buffer for a send, before the target can see the request: a resend without a new format
   * copies the input in again, since the device may have overwritten it.
   */
  final void prepareSystemBuffer() {
    if (systemBufferSent && isBuffered()) {
      fillSystemBuffer();
    }
    systemBufferSent = true;
  }

  /** The send that {@link #prepareSystemBuffer()} readied was refused: no device saw the system buffer. */
  final void systemBufferNotSent() {
    systemBufferSent = false;
  }

  /** On completion by the lower side: copies a buffered device control's output back to its output buffer. */
  final void copyOutputBack(long info) {
    if (isBuffered() && b1 != null && info > 0) {
      long n = Math.min(info, Math.min(b1.transferLength(), systemLength));
      MemorySegment.copy(systemBuffer, 0, b1.memory().segment(), b1.offset(), n);
    }
  }

  // =============================================================================================
  // The format as a driver sees it
  // =============================================================================================

  @Override
  public IoRequestType type() {
    FormattedRequest e = effective();
    return e.fmtType == null ? IoRequestType.NO_FORMAT : e.fmtType;
  }

  @Override
  public long length() {
    FormattedRequest e = effective();
    return (e.fmtType == IoRequestType.READ || e.fmtType == IoRequestType.WRITE) && e.b0 != null
        ? e.b0.transferLength() : 0;
  }

  @Override
  public long deviceOffset() {
    return effective().fmtDeviceOffset;
  }

  @Override
  public IoControlCode ioControlCode() {
    return effective().fmtCode;
  }

  @Override
  public long inputLength() {
    FormattedRequest e = effective();
    if (e.fmtType == IoRequestType.READ) {
      return 0;
    }
    return e.b0 == null ? 0 : e.b0.transferLength();
  }

  @Override
  public long outputLength() {
    FormattedRequest e = effective();
    if (e.fmtType == IoRequestType.READ) {
      return e.b0 == null ? 0 : e.b0.transferLength();
    }
    if (e.fmtType == IoRequestType.WRITE || e.fmtType == IoRequestType.OTHER) {
      return 0;
    }
    return e.b1 == null ? 0 : e.b1.transferLength();
  }

  @Override
  public MemorySegment inputBuffer() {
    FormattedRequest e = effective();
    if (e.isBuffered()) {
      return e.systemBuffer.asSlice(0, e.b0 == null ? 0 : e.b0.transferLength());
    }
    IoBuffer b = switch (e.fmtType == null ? IoRequestType.NO_FORMAT : e.fmtType) {
      case WRITE, DEVICE_CONTROL, DEVICE_CONTROL_INTERNAL -> e.b0;
      default -> null;
    };
    if (b == null) {
      throw new IllegalStateException("inputBuffer: a " + type() + " request with no input buffer");
    }
    return b.memory().segment().asSlice(b.offset(), b.transferLength());
  }

  @Override
  public MemorySegment outputBuffer() {
    FormattedRequest e = effective();
    if (e.isBuffered()) {
      return e.systemBuffer.asSlice(0, e.b1 == null ? 0 : e.b1.transferLength());
    }
    IoBuffer b = switch (e.fmtType == null ? IoRequestType.NO_FORMAT : e.fmtType) {
      case READ -> e.b0;
      case DEVICE_CONTROL, DEVICE_CONTROL_INTERNAL -> e.b1;
      default -> null;
    };
    if (b == null) {
      throw new IllegalStateException("outputBuffer: a " + type() + " request with no output buffer");
    }
    return b.memory().segment().asSlice(b.offset(), b.transferLength());
  }

  @Override
  public IoBuffer otherArgument(int index) {
    FormattedRequest e = effective();
    if (e.fmtType != IoRequestType.OTHER) {
      return null;
    }
    return switch (index) {
      case 1 -> e.b0;
      case 2 -> e.b1;
      case 4 -> e.b2;
      default -> throw new IllegalArgumentException("index: " + index + " (expected: 1, 2 or 4)");
    };
  }
}
