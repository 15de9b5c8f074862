package dev.courier.io;

/**
 * What a completion routine learns about a completed request ({@code WDF_REQUEST_COMPLETION_PARAMS}):
 * its type, status and information, and the buffers, offsets and control code of its format.
 *
 * <pre>{@code
 * (request, target, params, ctx) -> {
 *   if (params.type() == IoRequestType.READ) consume(params.buffer(), params.bufferOffset(), params.length());
 * }
 * }</pre>
 *
 * <p>The object belongs to its request: it is a view that stays readable until the request is
 * formatted again, reused or its target changed, and it is rewritten by the next completion. Copy what
 * you need to keep. A request forwarded with {@link IoRequest#formatUsingCurrentType} reports type
 * {@link IoRequestType#NO_FORMAT}, where only status and information are meaningful.
 */
public final class IoCompletionParams {
  private IoRequestType type = IoRequestType.NO_FORMAT;
  private IoStatus status = IoStatus.SUCCESS;
  private long information;
  private IoControlCode code;
  private final IoMemory[] memory = new IoMemory[3];
  private final long[] offset = new long[3];

  IoCompletionParams() {}

  /** The request type. */
  public IoRequestType type() {
    return type;
  }

  /** The completion status. */
  public IoStatus status() {
    return status;
  }

  /** The information the target reported, usually bytes transferred. */
  public long information() {
    return information;
  }

  /** The read or write memory, or {@code null}. */
  public IoMemory buffer() {
    return isReadWrite() ? memory[0] : null;
  }

  /** The offset of the read or write buffer within its memory. */
  public long bufferOffset() {
    return isReadWrite() ? offset[0] : 0;
  }

  /** Bytes read or written: the information of a completed read or write, else 0. */
  public long length() {
    return isReadWrite() ? information : 0;
  }

  /** The control code of a device-control request; {@code null} for other types (including OTHER). */
  public IoControlCode ioControlCode() {
    return isDeviceControl() ? code : null;
  }

  /** The device-control input memory, or {@code null}. */
  public IoMemory input() {
    return isDeviceControl() ? memory[0] : null;
  }

  /** The offset of the device-control input within its memory. */
  public long inputOffset() {
    return isDeviceControl() ? offset[0] : 0;
  }

  /** The device-control output memory, or {@code null}. */
  public IoMemory output() {
    return isDeviceControl() ? memory[1] : null;
  }

  /** The offset of the device-control output within its memory. */
  public long outputOffset() {
    return isDeviceControl() ? offset[1] : 0;
  }

  /** Bytes of output: the information of a completed device-control request, else 0. */
  public long outputLength() {
    return isDeviceControl() ? information : 0;
  }

  /** The first opaque argument of an {@link IoRequestType#OTHER} request, or {@code null}. */
  public IoMemory argument1() {
    return type == IoRequestType.OTHER ? memory[0] : null;
  }

  /** The second opaque argument of an {@link IoRequestType#OTHER} request, or {@code null}. */
  public IoMemory argument2() {
    return type == IoRequestType.OTHER ? memory[1] : null;
  }

  /** Always 0: the third argument's slot carries the control code, which the parameters do not report. */
  public long argument3() {
    return 0;
  }

  /** The fourth opaque argument of an {@link IoRequestType#OTHER} request, or {@code null}. */
  public IoMemory argument4() {
    return type == IoRequestType.OTHER ? memory[2] : null;
  }

  /** A copy of the status and information. */
  public IoResult result() {
    return new IoResult(status, information);
  }

  private boolean isReadWrite() {
    return type == IoRequestType.READ || type == IoRequestType.WRITE;
  }

  private boolean isDeviceControl() {
    return type == IoRequestType.DEVICE_CONTROL || type == IoRequestType.DEVICE_CONTROL_INTERNAL;
  }

  void reset(IoRequestType type, IoControlCode code, IoBuffer b0, IoBuffer b1, IoBuffer b2) {
    this.type = type;
    this.code = code;
    this.status = IoStatus.SUCCESS;
    this.information = 0;
    set(0, b0);
    set(1, b1);
    set(2, b2);
  }

  void complete(IoStatus status, long information) {
    this.status = status;
    this.information = information;
  }

  private void set(int slot, IoBuffer buffer) {
    memory[slot] = buffer == null ? null : buffer.memory();
    offset[slot] = buffer == null ? 0 : buffer.offset();
  }

  @Override
  public String toString() {
    return "IoCompletionParams[" + type + ", " + status + ", information=" + information + "]";
  }
}
