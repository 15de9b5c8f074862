package dev.courier.rpc.spi;

import dev.courier.io.IoTarget;
import dev.courier.rpc.ContractDescription;

/** The receiving side of a binding: a host's service endpoint, or a client's callback object. */
public interface Endpoint {

  /** The contract this endpoint serves: a binding that encodes calls reads their types from it. */
  ContractDescription contract();

  /**
   * Opens a session for one connection. {@code peer} is the target for calls back to the other side
   * (duplex), or {@code null}.
   *
   * @throws dev.courier.rpc.CommunicationException when the endpoint refuses the session (closed, too busy)
   */
  Session openSession(IoTarget peer);

  /** An endpoint serving {@code contract} whose sessions come from {@code opener}. */
  static Endpoint of(ContractDescription contract, java.util.function.Function<IoTarget, Session> opener) {
    java.util.Objects.requireNonNull(contract, "contract");
    java.util.Objects.requireNonNull(opener, "opener");
    return new Endpoint() {
      @Override
      public ContractDescription contract() {
        return contract;
      }

      @Override
      public Session openSession(IoTarget peer) {
        return opener.apply(peer);
      }
    };
  }
}
