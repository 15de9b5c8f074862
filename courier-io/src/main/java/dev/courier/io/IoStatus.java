package dev.courier.io;

import java.util.Map;

/**
 * The outcome of an I/O operation, as an NTSTATUS value so that it can cross a wire and be recognised.
 *
 * <p>A status is a success when its severity bit is clear ({@code NT_SUCCESS}): {@link #SUCCESS} and
 * informational values such as {@link #PENDING} are successes, everything with the high bit set is a
 * failure.
 *
 * <pre>{@code
 * if (!request.send(target, SendOptions.defaults())) {
 *   IoStatus why = request.status();          // e.g. STATUS_INVALID_DEVICE_STATE (0xC0000184)
 * }
 * }</pre>
 *
 * @param value the 32-bit NTSTATUS value
 */
public record IoStatus(int value) {

  /** The operation succeeded. */
  public static final IoStatus SUCCESS = new IoStatus(0x0000_0000);
  /** The request is queued or sent and has not completed yet. */
  public static final IoStatus PENDING = new IoStatus(0x0000_0103);
  /** Unsuccessful, with no more specific reason. */
  public static final IoStatus UNSUCCESSFUL = new IoStatus(0xC000_0001);
  /** An argument or option is invalid. */
  public static final IoStatus INVALID_PARAMETER = new IoStatus(0xC000_000D);
  /** The request is not valid for this request or target (for example a second format of a sent request). */
  public static final IoStatus INVALID_DEVICE_REQUEST = new IoStatus(0xC000_0010);
  /** A read started at or past the end of a file. */
  public static final IoStatus END_OF_FILE = new IoStatus(0xC000_0011);
  /** Access to the target was denied. */
  public static final IoStatus ACCESS_DENIED = new IoStatus(0xC000_0022);
  /** The output buffer is too small for the result. */
  public static final IoStatus BUFFER_TOO_SMALL = new IoStatus(0xC000_0023);
  /** The device is out of space. */
  public static final IoStatus DISK_FULL = new IoStatus(0xC000_007F);
  /** An offset plus a length lies beyond the buffer, or the sum overflows. */
  public static final IoStatus INTEGER_OVERFLOW = new IoStatus(0xC000_0095);
  /** Resources needed for the request could not be allocated. */
  public static final IoStatus INSUFFICIENT_RESOURCES = new IoStatus(0xC000_009A);
  /** The request was cancelled because its send timeout expired. */
  public static final IoStatus IO_TIMEOUT = new IoStatus(0xC000_00B5);
  /** The target does not support the request (for example an unknown control code). */
  public static final IoStatus NOT_SUPPORTED = new IoStatus(0xC000_00BB);
  /** The request cannot be accepted in its present form (for example it is not formatted for this target). */
  public static final IoStatus REQUEST_NOT_ACCEPTED = new IoStatus(0xC000_00D0);
  /** The request was cancelled. */
  public static final IoStatus CANCELLED = new IoStatus(0xC000_0120);
  /** The target is purged, closed or deleted. */
  public static final IoStatus INVALID_DEVICE_STATE = new IoStatus(0xC000_0184);
  /** The device reported an I/O error. */
  public static final IoStatus IO_DEVICE_ERROR = new IoStatus(0xC000_0185);
  /** A queued request was flushed by purge, close or delete before it was sent. */
  public static final IoStatus DEVICE_REMOVED_NOT_SENT = new IoStatus(0xC020_0206);
  /** The request is in a state that does not allow the operation. */
  public static final IoStatus REQUEST_INVALID_STATE = new IoStatus(0xC020_0208);

  private static final Map<Integer, String> NAMES = Map.ofEntries(
      Map.entry(SUCCESS.value, "STATUS_SUCCESS"),
      Map.entry(PENDING.value, "STATUS_PENDING"),
      Map.entry(UNSUCCESSFUL.value, "STATUS_UNSUCCESSFUL"),
      Map.entry(INVALID_PARAMETER.value, "STATUS_INVALID_PARAMETER"),
      Map.entry(INVALID_DEVICE_REQUEST.value, "STATUS_INVALID_DEVICE_REQUEST"),
      Map.entry(END_OF_FILE.value, "STATUS_END_OF_FILE"),
      Map.entry(ACCESS_DENIED.value, "STATUS_ACCESS_DENIED"),
      Map.entry(BUFFER_TOO_SMALL.value, "STATUS_BUFFER_TOO_SMALL"),
      Map.entry(DISK_FULL.value, "STATUS_DISK_FULL"),
      Map.entry(INTEGER_OVERFLOW.value, "STATUS_INTEGER_OVERFLOW"),
      Map.entry(INSUFFICIENT_RESOURCES.value, "STATUS_INSUFFICIENT_RESOURCES"),
      Map.entry(IO_TIMEOUT.value, "STATUS_IO_TIMEOUT"),
      Map.entry(NOT_SUPPORTED.value, "STATUS_NOT_SUPPORTED"),
      Map.entry(REQUEST_NOT_ACCEPTED.value, "STATUS_REQUEST_NOT_ACCEPTED"),
      Map.entry(CANCELLED.value, "STATUS_CANCELLED"),
      Map.entry(INVALID_DEVICE_STATE.value, "STATUS_INVALID_DEVICE_STATE"),
      Map.entry(IO_DEVICE_ERROR.value, "STATUS_IO_DEVICE_ERROR"),
      Map.entry(DEVICE_REMOVED_NOT_SENT.value, "STATUS_WDF_DEVICE_REMOVED_NOT_SENT"),
      Map.entry(REQUEST_INVALID_STATE.value, "STATUS_WDF_REQUEST_INVALID_STATE"));

  private static final IoStatus[] KNOWN = {
    SUCCESS, PENDING, UNSUCCESSFUL, INVALID_PARAMETER, INVALID_DEVICE_REQUEST, END_OF_FILE, ACCESS_DENIED,
    BUFFER_TOO_SMALL, DISK_FULL, INTEGER_OVERFLOW, INSUFFICIENT_RESOURCES, IO_TIMEOUT, NOT_SUPPORTED,
    REQUEST_NOT_ACCEPTED, CANCELLED, INVALID_DEVICE_STATE, IO_DEVICE_ERROR, DEVICE_REMOVED_NOT_SENT,
    REQUEST_INVALID_STATE
  };

  /** Returns the status for an NTSTATUS value, the shared constant when it is a known one. */
  public static IoStatus of(int value) {
    for (IoStatus known : KNOWN) {
      if (known.value == value) {
        return known;
      }
    }
    return new IoStatus(value);
  }

  /** Whether this is a success or informational status ({@code NT_SUCCESS}). */
  public boolean isSuccess() {
    return value >= 0;
  }

  /** The symbolic name, such as {@code STATUS_CANCELLED}, or the hex value when the status is not a known one. */
  public String name() {
    String name = NAMES.get(value);
    return name != null ? name : String.format("0x%08X", value);
  }

  /** Throws {@link IoStatusException} unless this status is a success; returns this status otherwise. */
  public IoStatus orThrow() {
    if (!isSuccess()) {
      throw new IoStatusException(this);
    }
    return this;
  }

  @Override
  public String toString() {
    return NAMES.containsKey(value) ? String.format("%s (0x%08X)", name(), value) : name();
  }
}
