package dev.courier.rpc.spi;

import dev.courier.io.IoTarget;
import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.Peer;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

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

  /**
   * Opens a session for one connection whose other end is {@code remote}: what the session's operations see
   * as {@link dev.courier.rpc.OperationContext#peer()}. A binding that knows who is at the other end calls
   * this one; by default it is {@link #openSession(IoTarget)}, and {@code remote} is dropped.
   *
   * <pre>{@code
   * Session session = endpoint.openSession(callbacks, Peer.at("courier.tcp://10.0.0.7:54321"));
   * }</pre>
   *
   * @throws dev.courier.rpc.CommunicationException when the endpoint refuses the session (closed, too busy)
   */
  default Session openSession(IoTarget peer, Peer remote) {
    return openSession(peer);
  }

  /**
   * The most sessions this endpoint's host holds open at once, over all its connections and endpoints
   * ({@link Integer#MAX_VALUE}, no limit, by default): {@link #openSession} refuses more. A binding that
   * carries many sessions on one connection keeps any one connection to a share of it, so that one peer
   * cannot take every session and refuse everyone else.
   */
  default int maxConcurrentSessions() {
    return Integer.MAX_VALUE;
  }

  /**
   * The WSDL document that describes this endpoint's contract and where it is served, when its host publishes
   * metadata ({@code ServiceHost.Builder.publishMetadata(true)}); empty when it does not. A binding answers its
   * metadata requests with it.
   */
  default java.util.Optional<String> metadata() {
    return java.util.Optional.empty();
  }

  /**
   * What the endpoint's host says of its health ({@link dev.courier.rpc.HealthState}): a binding answers its health
   * requests with it. {@code SERVING} by default.
   */
  default dev.courier.rpc.HealthState health() {
    return dev.courier.rpc.HealthState.SERVING;
  }

  /** An endpoint serving {@code contract} whose sessions come from {@code opener}. */
  static Endpoint of(ContractDescription contract, Function<IoTarget, Session> opener) {
    Objects.requireNonNull(opener, "opener");
    return of(contract, (peer, remote) -> opener.apply(peer));
  }

  /**
   * An endpoint serving {@code contract} whose sessions come from {@code opener}, which is told who is at
   * the other end ({@link Peer#UNKNOWN} when the binding does not say).
   */
  static Endpoint of(ContractDescription contract, BiFunction<IoTarget, Peer, Session> opener) {
    Objects.requireNonNull(contract, "contract");
    Objects.requireNonNull(opener, "opener");
    return new Endpoint() {
      @Override
      public ContractDescription contract() {
        return contract;
      }

      @Override
      public Session openSession(IoTarget peer) {
        return opener.apply(peer, Peer.UNKNOWN);
      }

      @Override
      public Session openSession(IoTarget peer, Peer remote) {
        return opener.apply(peer, Objects.requireNonNull(remote, "remote"));
      }
    };
  }
}
