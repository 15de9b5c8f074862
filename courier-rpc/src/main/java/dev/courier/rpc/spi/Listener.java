package dev.courier.rpc.spi;

/** An endpoint listening at an address. */
public interface Listener extends AutoCloseable {

  /** Stops accepting new connections. */
  @Override
  void close();
}
