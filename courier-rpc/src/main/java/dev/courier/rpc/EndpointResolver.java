package dev.courier.rpc;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * Where the endpoints of one service are: the addresses a client over several endpoints spreads its calls
 * over, asked again when it looks for endpoints anew (a fixed list, every address of a DNS name, or a registry).
 *
 * <pre>{@code
 * ChannelFactory.builder(Calculator.class).binding(tcp)
 *     .endpoints(EndpointResolver.dns("courier.tcp://calc.internal:8808/calculator"))
 *     .build();
 * }</pre>
 *
 * <p>A name in configuration picks its resolver by its scheme ({@link #named}): {@code dns} is built in, and a
 * registry adds its own with a {@link Factory}.
 *
 * <p>Threading: {@link #resolve()} is called when a channel is created and when its endpoints are looked for
 * again, on the creating thread or a virtual thread of its own; it may block (a DNS lookup, a registry call).
 */
@FunctionalInterface
public interface EndpointResolver {

  /**
   * The endpoints' addresses now, in a stable order, at least one.
   *
   * @throws CommunicationException when none can be found
   */
  List<EndpointAddress> resolve();

  /** A fixed list of addresses. */
  static EndpointResolver of(String... addresses) {
    List<EndpointAddress> list = Arrays.stream(addresses).map(EndpointAddress::of).toList();
    return of(list);
  }

  /** A fixed list of addresses. */
  static EndpointResolver of(List<EndpointAddress> addresses) {
    List<EndpointAddress> list = List.copyOf(addresses);
    if (list.isEmpty()) {
      throw new IllegalArgumentException("addresses: none (expected: at least one endpoint address)");
    }
    return new EndpointResolver() {
      @Override
      public List<EndpointAddress> resolve() {
        return list;
      }

      @Override
      public String toString() {
        return list.toString();
      }
    };
  }

  /**
   * Every address of the host name in {@code address} (all its A and AAAA records, looked up each time), each with
   * the same scheme, port and path.
   */
  static EndpointResolver dns(String address) {
    URI uri = EndpointAddress.of(address).uri();
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("address: " + address + " (expected: scheme://host:port/path with a host name)");
    }
    return new EndpointResolver() {
      @Override
      public List<EndpointAddress> resolve() {
        InetAddress[] all;
        try {
          all = InetAddress.getAllByName(uri.getHost());
        } catch (UnknownHostException e) {
          throw new CommunicationException("no address for host " + uri.getHost() + " of " + address, false, e);
        }
        List<EndpointAddress> list = new ArrayList<>();
        for (InetAddress a : all) {
          try {
            list.add(new EndpointAddress(new URI(uri.getScheme(), uri.getUserInfo(), a.getHostAddress(), uri.getPort(),
                uri.getPath(), uri.getQuery(), uri.getFragment())));
          } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
          }
        }
        return List.copyOf(list);
      }

      @Override
      public String toString() {
        return "dns " + Objects.toString(address);
      }
    };
  }

  /**
   * The resolver of {@code name}, picked by its scheme, whose addresses have {@code addressScheme} (a binding's):
   * {@code dns://calc.internal:8808/calculator} is every address of the host name, as {@link #dns(String)}; another
   * scheme is resolved by the {@link Factory} of that scheme found with {@link ServiceLoader}.
   *
   * <pre>{@code
   * EndpointResolver.named("dns://calc.internal:8808/calculator", "courier.tcp")
   * EndpointResolver.named("registry://calculator", "courier.tcp")    // a Factory of scheme "registry"
   * }</pre>
   *
   * @throws IllegalArgumentException when the name is not a URI with a scheme, or no factory resolves its scheme
   */
  static EndpointResolver named(String name, String addressScheme) {
    Objects.requireNonNull(addressScheme, "addressScheme");
    URI uri;
    try {
      uri = new URI(Objects.requireNonNull(name, "name"));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("endpoints name: " + name + " (expected: scheme://..., such as "
          + "dns://host:port/path): " + e.getMessage(), e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("dns")) {
      return dns(addressScheme + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath()));
    }
    List<Factory> factories = ServiceLoader.load(Factory.class, Thread.currentThread().getContextClassLoader())
        .stream().map(ServiceLoader.Provider::get).toList();
    for (Factory f : factories) {
      if (f.scheme().equalsIgnoreCase(scheme)) {
        return Objects.requireNonNull(f.create(uri, addressScheme), () -> f + " made no resolver of " + name);
      }
    }
    throw new IllegalArgumentException("endpoints name: " + name + " (expected: the scheme dns"
        + factories.stream().map(f -> ", " + f.scheme()).reduce("", String::concat)
        + ", or another of an EndpointResolver.Factory on the class path)");
  }

  /**
   * Makes the resolvers of the names of one scheme: how a registry plugs in, so that a channel factory given
   * {@code .endpoints("registry://calculator")} asks it. Factories are found with {@link ServiceLoader}: list the
   * class in {@code META-INF/services/dev.courier.rpc.EndpointResolver$Factory}.
   *
   * <pre>{@code
   * public final class RegistryResolvers implements EndpointResolver.Factory {
   *   public String scheme() { return "registry"; }
   *   public EndpointResolver create(URI name, String addressScheme) {
   *     return () -> registry.lookup(name.getHost(), addressScheme);
   *   }
   * }
   * }</pre>
   */
  interface Factory {
    /** The scheme of the names it resolves, such as {@code registry}. */
    String scheme();

    /** The resolver of {@code name}, whose addresses have {@code addressScheme} (its channel's binding's). */
    EndpointResolver create(URI name, String addressScheme);
  }
}
