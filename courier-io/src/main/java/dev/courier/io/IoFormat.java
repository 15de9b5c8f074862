package dev.courier.io;

import java.util.Objects;

/**
 * A request format as a value: the kind, its control code, up to three buffers and a device offset.
 *
 * <p>It is what {@link IoRequest#format(IoTarget, IoFormat)} and the synchronous helpers of
 * {@link IoTarget} take; the {@code formatRead}/{@code formatWrite}/... methods of {@link IoRequest}
 * say the same without building a value.
 *
 * <pre>{@code
 * IoResult r = file.sendSynchronously(IoFormat.read(IoBuffer.of(page), 0), SendOptions.synchronously());
 * }</pre>
 *
 * @param type the request type; never {@link IoRequestType#NO_FORMAT}
 * @param code the control code of a device-control or internal request, else {@code null}
 * @param first the read or write buffer, the device-control input, or the first opaque argument
 * @param second the device-control output, or the second opaque argument
 * @param third the fourth opaque argument (the third carries the code)
 * @param deviceOffset the device offset of a read or write, else 0
 */
public record IoFormat(
    IoRequestType type, IoControlCode code, IoBuffer first, IoBuffer second, IoBuffer third, long deviceOffset) {

  /** Checks the combination of fields against the type. */
  public IoFormat {
    Objects.requireNonNull(type, "type");
    switch (type) {
      case READ, WRITE -> {
        if (code != null || second != null || third != null) {
          throw new IllegalArgumentException(type + " takes one buffer and no control code");
        }
        if (deviceOffset < 0) {
          throw new IllegalArgumentException("deviceOffset: " + deviceOffset + " (expected: >= 0)");
        }
      }
      case DEVICE_CONTROL, DEVICE_CONTROL_INTERNAL, OTHER -> {
        Objects.requireNonNull(code, "code");
        if (deviceOffset != 0) {
          throw new IllegalArgumentException(type + " has no device offset");
        }
        if (type != IoRequestType.OTHER && third != null) {
          throw new IllegalArgumentException(type + " takes an input and an output buffer only");
        }
      }
      case NO_FORMAT -> throw new IllegalArgumentException("NO_FORMAT is not a format");
    }
  }

  /** A read into {@code buffer} (or none) at {@code deviceOffset}. */
  public static IoFormat read(IoBuffer buffer, long deviceOffset) {
    return new IoFormat(IoRequestType.READ, null, buffer, null, null, deviceOffset);
  }

  /** A write from {@code buffer} (or none) at {@code deviceOffset}. */
  public static IoFormat write(IoBuffer buffer, long deviceOffset) {
    return new IoFormat(IoRequestType.WRITE, null, buffer, null, null, deviceOffset);
  }

  /** A device-control request with optional input and output buffers. */
  public static IoFormat deviceControl(IoControlCode code, IoBuffer input, IoBuffer output) {
    return new IoFormat(IoRequestType.DEVICE_CONTROL, code, input, output, null, 0);
  }

  /** An internal device-control request with optional input and output buffers. */
  public static IoFormat internalDeviceControl(IoControlCode code, IoBuffer input, IoBuffer output) {
    return new IoFormat(IoRequestType.DEVICE_CONTROL_INTERNAL, code, input, output, null, 0);
  }

  /** An internal device-control request with three opaque arguments. */
  public static IoFormat internalDeviceControlOthers(
      IoControlCode code, IoBuffer argument1, IoBuffer argument2, IoBuffer argument4) {
    return new IoFormat(IoRequestType.OTHER, code, argument1, argument2, argument4, 0);
  }
}
