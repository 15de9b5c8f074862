package dev.courier.rpc.soap;

import dev.courier.rpc.metadata.EndpointMetadata;
import dev.courier.rpc.metadata.ServiceMetadata;
import dev.courier.rpc.metadata.Wsdl;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/** The metadata a host serves, with the addresses a client reached it by (WCF writes the request's host). */
final class Addresses {
  private Addresses() {}

  /**
   * {@code wsdl} with its SOAP endpoints at {@code hostHeader} (the request's {@code Host}: a name and maybe a
   * port) and its other endpoints' wildcard hosts ({@code 0.0.0.0}, {@code ::}) replaced by that name.
   */
  static String asReachedAt(String wsdl, String hostHeader) {
    URI reached;
    try {
      reached = new URI("http://" + hostHeader.strip() + "/");
    } catch (URISyntaxException e) {
      return wsdl;                                    // a Host header that is no host: the document as it is
    }
    if (reached.getHost() == null) {
      return wsdl;
    }
    ServiceMetadata m = Wsdl.read(wsdl);
    List<EndpointMetadata> endpoints = new ArrayList<>();
    for (EndpointMetadata e : m.endpoints()) {
      URI a = e.address();
      boolean soap = e.protocol() != EndpointMetadata.Protocol.COURIER;
      if (soap || wildcard(a.getHost())) {
        a = with(a, reached.getHost(), soap ? reached.getPort() : a.getPort());
      }
      endpoints.add(new EndpointMetadata(e.name(), e.contract(), e.protocol(), a));
    }
    return Wsdl.write(new ServiceMetadata(m.name(), m.targetNamespace(), m.contracts(), m.types(), endpoints));
  }

  private static URI with(URI a, String host, int port) {
    try {
      return new URI(a.getScheme(), a.getUserInfo(), host, port, a.getPath(), a.getQuery(), a.getFragment());
    } catch (URISyntaxException e) {
      return a;
    }
  }

  static boolean wildcard(String host) {
    if (host == null) {
      return false;
    }
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return h.equals("0.0.0.0") || h.equals("::") || h.equals("0:0:0:0:0:0:0:0");
  }
}
