package dev.courier.rpc.spi;

import dev.courier.io.IoTarget;

/** A client's connection to an endpoint. */
public interface Connection {

  /** The target calls are sent to. */
  IoTarget target();

  /** Closes the connection; requests still in flight are cancelled. */
  void close();
}
