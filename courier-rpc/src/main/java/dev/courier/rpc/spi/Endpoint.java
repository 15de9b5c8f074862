package dev.courier.rpc.spi;

import dev.courier.io.IoTarget;

/** The receiving side of a binding: a host's service endpoint, or a client's callback object. */
@FunctionalInterface
public interface Endpoint {

  /**
   * Opens a session for one connection. {@code peer} is the target for calls back to the other side
   * (duplex), or {@code null}.
   *
   * @throws dev.courier.rpc.CommunicationException when the endpoint refuses the session (closed, too busy)
   */
  Session openSession(IoTarget peer);
}
