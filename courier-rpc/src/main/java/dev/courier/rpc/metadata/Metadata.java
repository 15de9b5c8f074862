package dev.courier.rpc.metadata;

import dev.courier.rpc.EndpointAddress;
import dev.courier.rpc.spi.Binding;
import java.time.Duration;
import java.util.Objects;

/**
 * The metadata an endpoint publishes: the WSDL document as it was sent, and the model read from it.
 *
 * <pre>{@code
 * Metadata m = Metadata.fetch(TcpBinding.create(), "courier.tcp://localhost:8808/calc");
 * for (OperationMetadata op : m.service().contracts().getFirst().operations()) IO.println(op.name());
 * }</pre>
 *
 * @param document the WSDL document
 * @param service what it describes
 */
public record Metadata(String document, ServiceMetadata service) {
  /** How long {@link #fetch(Binding, String)} waits for an answer. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** Checks the values. */
  public Metadata {
    Objects.requireNonNull(document, "document");
    Objects.requireNonNull(service, "service");
  }

  /**
   * Fetches the metadata of the endpoint at {@code address} over {@code binding}, waiting at most
   * {@link #DEFAULT_TIMEOUT}. The host must publish it ({@code ServiceHost.Builder.publishMetadata(true)}).
   *
   * @throws dev.courier.rpc.CommunicationException when no endpoint answers, or it publishes no metadata
   * @throws IllegalArgumentException when the document it sends cannot be read
   */
  public static Metadata fetch(Binding binding, String address) {
    return fetch(binding, EndpointAddress.of(address), DEFAULT_TIMEOUT);
  }

  /**
   * Fetches the metadata of the endpoint at {@code address} over {@code binding}, waiting at most {@code timeout}.
   * The addresses are those this client reached the host by ({@link ServiceMetadata#reachedAt}): the endpoints at
   * {@code address}'s port, and those at a wildcard address ({@code 0.0.0.0}, {@code ::}), take its host name, as
   * WCF writes the host a request names; the document is then written anew with those addresses.
   *
   * @throws dev.courier.rpc.CommunicationException when no endpoint answers in time, or it publishes no metadata
   * @throws IllegalArgumentException when the document it sends cannot be read
   */
  public static Metadata fetch(Binding binding, EndpointAddress address, Duration timeout) {
    Objects.requireNonNull(binding, "binding");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(timeout, "timeout");
    if (!binding.scheme().equals(address.scheme())) {
      throw new IllegalArgumentException("address: " + address + " (expected: a " + binding.scheme()
          + ":// address for this binding)");
    }
    String document = binding.fetchMetadata(address, timeout);
    ServiceMetadata service = Wsdl.read(document);
    ServiceMetadata reached = service.reachedAt(address.uri(), address.uri().getPort());
    return reached == service ? new Metadata(document, service) : new Metadata(Wsdl.write(reached), reached);
  }
}
