package dev.courier.rpc.metadata;

import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.EndpointAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.xml.namespace.QName;

/**
 * What one WSDL document describes: contracts, the schema types their messages use, and the endpoints that
 * serve them. Built from {@link ContractDescription}s, or read from a document by {@link Wsdl#read}.
 *
 * <pre>{@code
 * ServiceMetadata metadata = ServiceMetadata.builder("CalculatorService")
 *     .endpoint(ContractDescription.of(Calculator.class), EndpointAddress.of("courier.tcp://localhost:8808/calc"))
 *     .build();
 * String wsdl = Wsdl.write(metadata);
 * }</pre>
 *
 * <p>Immutable; equal documents read back into equal values.
 *
 * @param name the service's name ({@code wsdl:service})
 * @param targetNamespace the document's target namespace: the contracts' namespace
 * @param contracts the contracts (port types)
 * @param types the named schema types, in document order
 * @param endpoints the endpoints (ports)
 */
public record ServiceMetadata(String name, String targetNamespace, List<ContractMetadata> contracts,
    List<SchemaType> types, List<EndpointMetadata> endpoints) {

  /** Copies the lists. */
  public ServiceMetadata {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(targetNamespace, "targetNamespace");
    contracts = List.copyOf(contracts);
    types = List.copyOf(types);
    endpoints = List.copyOf(endpoints);
  }

  /**
   * This metadata as a client that reached the host at {@code reached} should see it, as WCF writes the address a
   * request came to: the endpoints of {@code reached}'s scheme at {@code servedPort} (the port the request came in
   * at, when it has a port) take {@code reached}'s host and port, which a proxy may have changed; any other endpoint at a
   * wildcard address ({@code 0.0.0.0}, {@code ::}) takes {@code reached}'s host. Itself when nothing changes.
   *
   * <pre>{@code
   * metadata.reachedAt(URI.create("http://calc.example.com/calc"), 8080);
   * }</pre>
   */
  public ServiceMetadata reachedAt(java.net.URI reached, int servedPort) {
    String host = reached.getHost();
    if (host == null || isWildcard(host)) {
      return this;
    }
    boolean changed = false;
    List<EndpointMetadata> moved = new ArrayList<>();
    for (EndpointMetadata e : endpoints) {
      java.net.URI a = e.address();
      boolean served = servedPort >= 0 && a.getPort() == servedPort && a.getScheme() != null
          && a.getScheme().equals(reached.getScheme());           // an address without a port (inproc) names itself
      if (served || (a.getHost() != null && isWildcard(a.getHost()))) {
        try {
          java.net.URI b = new java.net.URI(a.getScheme(), a.getUserInfo(), host, served ? reached.getPort()
              : a.getPort(), a.getPath(), a.getQuery(), a.getFragment());
          changed |= !b.equals(a);
          a = b;
        } catch (java.net.URISyntaxException ex) {
          throw new IllegalArgumentException("reached: " + reached + " (expected: an address with a host)", ex);
        }
      }
      moved.add(new EndpointMetadata(e.name(), e.contract(), e.protocol(), a));
    }
    return changed ? new ServiceMetadata(name, targetNamespace, contracts, types, moved) : this;
  }

  private static boolean isWildcard(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return h.equals("0.0.0.0") || h.equals("::") || h.equals("0:0:0:0:0:0:0:0");
  }

  /** A builder of the metadata of the service called {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The contract called {@code localName}; throws {@link IllegalArgumentException} listing them when there is none. */
  public ContractMetadata contract(String localName) {
    return contracts.stream().filter(c -> c.name().getLocalPart().equals(localName)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("contract: " + localName + " (expected one of "
            + contracts.stream().map(c -> c.name().getLocalPart()).toList() + ")"));
  }

  /** The type called {@code name}, when the document defines it (built-in XML Schema types are not listed). */
  public Optional<SchemaType> type(QName name) {
    return types.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /** Builds {@link ServiceMetadata} from contract descriptions. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final Map<ContractDescription, List<Endpoint>> contracts = new LinkedHashMap<>();

    private record Endpoint(EndpointAddress address, EndpointMetadata.Protocol protocol) {}

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** Describes {@code contract}, with no endpoint (yet). */
    public Builder contract(ContractDescription contract) {
      contracts.computeIfAbsent(Objects.requireNonNull(contract, "contract"), c -> new ArrayList<>());
      return this;
    }

    /**
     * Describes {@code contract} served at {@code address}: over SOAP 1.1 for {@code http} and {@code https},
     * else over the Courier binding that the address's scheme names.
     */
    public Builder endpoint(ContractDescription contract, EndpointAddress address) {
      String scheme = Objects.requireNonNull(address, "address").scheme();
      return endpoint(contract, address, scheme.equals("http") || scheme.equals("https")
          ? EndpointMetadata.Protocol.SOAP_11 : EndpointMetadata.Protocol.COURIER);
    }

    /**
     * Describes {@code contract} served at {@code address} over {@code protocol}.
     *
     * @throws IllegalArgumentException when the protocol cannot carry the contract (SOAP and a duplex contract)
     */
    public Builder endpoint(ContractDescription contract, EndpointAddress address, EndpointMetadata.Protocol protocol) {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(protocol, "protocol");
      if (contract.isDuplex() && !protocol.carriesDuplex()) {
        throw new IllegalArgumentException("endpoint " + address + ": " + protocol + " cannot carry the duplex contract "
            + contract.name() + " (its callbacks need a connection the service can call back on; expected: a Courier "
            + "binding such as courier.tcp)");
      }
      contract(contract);
      contracts.get(contract).add(new Endpoint(address, protocol));
      return this;
    }

    /**
     * The metadata.
     *
     * @throws IllegalArgumentException when the contracts do not share one namespace, or when two types of the
     *     contracts would have one schema name
     */
    public ServiceMetadata build() {
      if (contracts.isEmpty()) {
        throw new IllegalArgumentException("service " + name + " has no contract (expected: at least one)");
      }
      String namespace = contracts.keySet().iterator().next().namespace();
      ContractMapper mapper = new ContractMapper(namespace);
      List<ContractMetadata> described = new ArrayList<>();
      List<EndpointMetadata> endpoints = new ArrayList<>();
      Map<String, Integer> portNames = new LinkedHashMap<>();
      for (Map.Entry<ContractDescription, List<Endpoint>> e : contracts.entrySet()) {
        ContractDescription contract = e.getKey();
        if (!contract.namespace().equals(namespace)) {
          throw new IllegalArgumentException("contract " + contract.name() + " has namespace " + contract.namespace()
              + " (expected: " + namespace + ", the namespace of " + contracts.keySet().iterator().next().name()
              + ": the contracts of one document share its target namespace)");
        }
        ContractMetadata c = mapper.contract(contract);
        described.add(c);
        for (Endpoint endpoint : e.getValue()) {
          String base = bindingName(endpoint) + "_" + contract.name();
          int n = portNames.merge(base, 1, Integer::sum);
          endpoints.add(new EndpointMetadata(n == 1 ? base : base + n, c.name(), endpoint.protocol(),
              endpoint.address().uri()));
        }
      }
      // The types in document order, one schema (namespace) after another, so that a document read back is equal.
      List<String> schemas = List.copyOf(WsdlWriter.schemaNamespaces(
          new ServiceMetadata(name, namespace, described, mapper.types(), endpoints)));
      List<SchemaType> types = new ArrayList<>(mapper.types());
      types.sort(java.util.Comparator.comparingInt(t -> schemas.indexOf(t.name().getNamespaceURI())));
      return new ServiceMetadata(name, namespace, described, types, endpoints);
    }

    private static String bindingName(Endpoint endpoint) {
      return switch (endpoint.protocol()) {
        case SOAP_11 -> "BasicHttpBinding";
        case SOAP_12 -> "Soap12Binding";
        case COURIER -> {
          StringBuilder b = new StringBuilder();
          for (String word : endpoint.address().scheme().split("[^A-Za-z0-9]+")) {
            if (!word.isEmpty()) {
              b.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
            }
          }
          yield b.append("Binding").toString();
        }
      };
    }
  }
}
