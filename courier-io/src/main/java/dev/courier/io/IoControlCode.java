package dev.courier.io;

/**
 * A 32-bit device-control code laid out as {@code CTL_CODE(deviceType, function, method, access)}.
 *
 * <p>The transfer method in the low two bits decides how buffers reach the device:
 * {@link TransferMethod#BUFFERED} copies the input into a system buffer when the request is formatted
 * and copies back only the bytes the device reports as transferred; the other methods let the device
 * use the caller's memory directly.
 *
 * <pre>{@code
 * static final IoControlCode GET_STATS = IoControlCode.of(0x8000, 0x801, TransferMethod.BUFFERED, 0);
 * }</pre>
 *
 * @param value the encoded 32-bit code
 */
public record IoControlCode(int value) {

  /** How a device-control request's buffers are passed ({@code METHOD_*}). */
  public enum TransferMethod {
    /** {@code METHOD_BUFFERED}: one system buffer, input copied in, output copied back. */
    BUFFERED,
    /** {@code METHOD_IN_DIRECT}: the device reads the caller's output memory directly. */
    IN_DIRECT,
    /** {@code METHOD_OUT_DIRECT}: the device writes the caller's output memory directly. */
    OUT_DIRECT,
    /** {@code METHOD_NEITHER}: both buffers are passed as they are. */
    NEITHER
  }

  private static final TransferMethod[] METHODS = TransferMethod.values();

  /** Builds a code from its four fields, as the {@code CTL_CODE} macro does. */
  public static IoControlCode of(int deviceType, int function, TransferMethod method, int access) {
    if (deviceType < 0 || deviceType > 0xFFFF) {
      throw new IllegalArgumentException("deviceType: " + deviceType + " (expected: 0..0xFFFF)");
    }
    if (function < 0 || function > 0xFFF) {
      throw new IllegalArgumentException("function: " + function + " (expected: 0..0xFFF)");
    }
    if (access < 0 || access > 3) {
      throw new IllegalArgumentException("access: " + access + " (expected: 0..3)");
    }
    return new IoControlCode((deviceType << 16) | (access << 14) | (function << 2) | method.ordinal());
  }

  /** The device type field (bits 16 to 31). */
  public int deviceType() {
    return value >>> 16;
  }

  /** The function field (bits 2 to 13). */
  public int function() {
    return (value >>> 2) & 0xFFF;
  }

  /** The required access field (bits 14 and 15). */
  public int access() {
    return (value >>> 14) & 0x3;
  }

  /** The transfer method (bits 0 and 1). */
  public TransferMethod method() {
    return METHODS[value & 0x3];
  }

  @Override
  public String toString() {
    return String.format("IoControlCode[0x%08X, function=0x%X, %s]", value, function(), method());
  }
}
