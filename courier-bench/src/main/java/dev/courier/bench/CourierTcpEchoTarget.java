package dev.courier.bench;

/**
 * Courier's TCP binding as an {@link EchoTarget}. This build has no courier-tcp module: the target is not
 * available and {@link #open} refuses. The adapter written against the binding's API is in
 * {@code src/courier-tcp/java}; it replaces this file once courier-tcp is part of the build.
 */
final class CourierTcpEchoTarget {
  private CourierTcpEchoTarget() {}

  static boolean available() {
    return false;
  }

  static EchoTarget open(EchoTarget.Options options) {
    throw new UnsupportedOperationException("courier-tcp not available: this build has no courier-tcp module");
  }
}
