package dev.courier.rpc;

import dev.courier.rpc.spi.Binding;
import java.util.Objects;

/**
 * One endpoint of a {@link ServiceHost}: the contract it serves, its binding and its address.
 *
 * <pre>{@code
 * for (ServiceEndpoint e : host.endpoints()) {
 *   IO.println(e.contract().name() + " at " + e.address());   // Calculator at courier.tcp://127.0.0.1:40123/calc
 * }
 * }</pre>
 *
 * @param contract the contract the endpoint serves
 * @param binding the binding it listens with
 * @param address where it listens: once its host is open, with the port it bound
 */
public record ServiceEndpoint(ContractDescription contract, Binding binding, EndpointAddress address) {

  /** Checks that nothing is null. */
  public ServiceEndpoint {
    Objects.requireNonNull(contract, "contract");
    Objects.requireNonNull(binding, "binding");
    Objects.requireNonNull(address, "address");
  }
}
