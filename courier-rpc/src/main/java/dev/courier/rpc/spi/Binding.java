package dev.courier.rpc.spi;

import dev.courier.io.IoClock;
import dev.courier.rpc.EndpointAddress;

/**
 * A transport plus an encoding: it connects client channels to endpoints and makes endpoints listen.
 *
 * <pre>{@code
 * Binding binding = InProcessBinding.create();
 * }</pre>
 *
 * <p>A client channel is an {@link dev.courier.io.IoTarget}: every call is a device-control request
 * whose context of {@link Invocation#KEY} is an {@link Invocation}, sent to {@link Connection#target()}. On the receiving side
 * the binding presents each request to a {@link Session} of the {@link Endpoint} that listens.
 */
public interface Binding {

  /** The address scheme this binding serves, such as {@code inproc}. */
  String scheme();

  /**
   * Connects to the endpoint at {@code address}. {@code callbacks} receives the other side's calls of a
   * duplex contract ({@code null} when the contract is not duplex).
   *
   * @throws dev.courier.rpc.CommunicationException when no endpoint can be reached
   */
  Connection connect(EndpointAddress address, Endpoint callbacks, IoClock clock);

  /**
   * Connects a channel of {@code contract} to the endpoint at {@code address}: a binding that checks calls
   * against the service's contract before it sends them overrides this one; by default it is
   * {@link #connect(EndpointAddress, Endpoint, IoClock)}.
   *
   * @throws dev.courier.rpc.CommunicationException when no endpoint can be reached
   */
  default Connection connect(EndpointAddress address, dev.courier.rpc.ContractDescription contract, Endpoint callbacks,
      IoClock clock) {
    return connect(address, callbacks, clock);
  }

  /**
   * Fetches the metadata of the endpoint at {@code address}: the WSDL document its host publishes
   * ({@link Endpoint#metadata()}). A binding that cannot ask for it throws, as this default does.
   *
   * @throws dev.courier.rpc.CommunicationException when no endpoint answers, or it publishes no metadata
   */
  default String fetchMetadata(EndpointAddress address, java.time.Duration timeout) {
    throw new dev.courier.rpc.CommunicationException("the " + scheme() + " binding cannot fetch metadata from "
        + address + " (expected: a binding that carries metadata requests, such as courier.tcp)", false);
  }

  /**
   * Asks the endpoint at {@code address} for its host's health ({@link Endpoint#health()}). A binding that cannot
   * ask throws, as this default does.
   *
   * @throws dev.courier.rpc.CommunicationException when no endpoint answers in time
   */
  default dev.courier.rpc.HealthState fetchHealth(EndpointAddress address, java.time.Duration timeout) {
    throw new dev.courier.rpc.CommunicationException("the " + scheme() + " binding cannot ask " + address
        + " for its health (expected: a binding that carries health requests, such as courier.tcp)", false);
  }

  /**
   * How the binding's endpoints appear in metadata: SOAP 1.1, SOAP 1.2 or a Courier binding. {@code null}, the
   * default, lets the address's scheme decide ({@code http}/{@code https}: SOAP 1.1; any other: Courier).
   */
  default dev.courier.rpc.metadata.EndpointMetadata.Protocol protocol() {
    return null;
  }

  /** Makes {@code endpoint} reachable at {@code address} until the returned listener is closed. */
  Listener listen(EndpointAddress address, Endpoint endpoint);
}
