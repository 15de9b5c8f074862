package dev.courier.io;

/**
 * The kind of an I/O request, with the value KMDF gives it in {@code WDF_REQUEST_TYPE}.
 *
 * <p>A request's type is fixed by its format: {@link #READ} and {@link #WRITE} by
 * {@link IoRequest#formatRead} and {@link IoRequest#formatWrite}, {@link #DEVICE_CONTROL} and
 * {@link #DEVICE_CONTROL_INTERNAL} by the device-control formats, {@link #OTHER} by
 * {@link IoRequest#formatInternalDeviceControlOthers}. {@link #NO_FORMAT} is the type reported in the
 * completion parameters of a request that was forwarded with {@link IoRequest#formatUsingCurrentType}.
 */
public enum IoRequestType {
  /** A read: data flows from the target into the request's buffer. */
  READ(0x3),
  /** A write: data flows from the request's buffer to the target. */
  WRITE(0x4),
  /** A device-control request that callers outside the device stack may send. */
  DEVICE_CONTROL(0xE),
  /** A device-control request for drivers of the same stack only. */
  DEVICE_CONTROL_INTERNAL(0xF),
  /** An internal device-control request with three opaque arguments. */
  OTHER(0x1C),
  /** No format of its own: the request was forwarded as it was presented. */
  NO_FORMAT(0xFF);

  private final int wdfValue;

  IoRequestType(int wdfValue) {
    this.wdfValue = wdfValue;
  }

  /** The {@code WDF_REQUEST_TYPE} value. */
  public int wdfValue() {
    return wdfValue;
  }
}
