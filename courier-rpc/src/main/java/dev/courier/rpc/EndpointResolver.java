package dev.courier.rpc;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

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
}
