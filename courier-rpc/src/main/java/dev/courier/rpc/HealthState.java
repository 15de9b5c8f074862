package dev.courier.rpc;

import dev.courier.rpc.spi.Binding;
import java.time.Duration;
import java.util.Objects;

/**
 * What a host says of itself to load balancers and clients over several endpoints: whether new calls are welcome.
 * It is advice: a host takes calls in every state until it closes.
 *
 * <pre>{@code
 * host.health(HealthState.DRAINING);           // balancers move new calls elsewhere...
 * host.close(Duration.ofSeconds(30));          // ...then the calls in flight finish
 *
 * HealthState state = HealthState.fetch(TcpBinding.create(), "courier.tcp://10.0.0.7:8808/calc", Duration.ofSeconds(1));
 * }</pre>
 *
 * <p>Every binding answers it: TCP with a health request on the endpoint's port, SOAP with {@code GET <path>?health}
 * (HTTP 200 and {@code SERVING}, or 503 and the state, for a balancer's probe), in-process by looking.
 */
public enum HealthState {
  /** Takes new calls. */
  SERVING,
  /** Finishes its calls and takes new ones, but is about to close: send new calls elsewhere. */
  DRAINING,
  /** Should get no calls: not open yet, closed, or marked so by its owner (a dependency it needs is down). */
  NOT_SERVING;

  /**
   * Asks the endpoint at {@code address}, over {@code binding}, for its host's state, waiting at most {@code timeout}.
   *
   * @throws CommunicationException when no endpoint answers at the address in time
   */
  public static HealthState fetch(Binding binding, String address, Duration timeout) {
    Objects.requireNonNull(binding, "binding");
    Objects.requireNonNull(timeout, "timeout");
    EndpointAddress at = EndpointAddress.of(address);
    if (!binding.scheme().equals(at.scheme())) {
      throw new IllegalArgumentException("address: " + address + " (expected: a " + binding.scheme()
          + ":// address for this binding)");
    }
    return binding.fetchHealth(at, timeout);
  }
}
