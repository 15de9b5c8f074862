package dev.courier.rpc.spi;

/** An endpoint listening at an address. */
public interface Listener extends AutoCloseable {

  /** The address it listens at, with the port it bound (for an address that asked for port 0). */
  default dev.courier.rpc.EndpointAddress address() {
    return null;
  }

  /** Stops accepting new connections. */
  @Override
  void close();
}
