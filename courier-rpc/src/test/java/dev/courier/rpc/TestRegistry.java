package dev.courier.rpc;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A registry for tests, found by {@link EndpointResolver#named} as the {@link EndpointResolver.Factory} of scheme
 * {@code testregistry}: {@code testregistry://<service>} resolves to what {@link #register} last gave that service.
 */
public final class TestRegistry implements EndpointResolver.Factory {
  private static final Map<String, List<EndpointAddress>> SERVICES = new ConcurrentHashMap<>();

  /** Registers the endpoints of {@code service}. */
  static void register(String service, List<String> addresses) {
    SERVICES.put(service, addresses.stream().map(EndpointAddress::of).toList());
  }

  @Override
  public String scheme() {
    return "testregistry";
  }

  @Override
  public EndpointResolver create(URI name, String addressScheme) {
    String service = name.getHost();
    return () -> {
      List<EndpointAddress> found = SERVICES.get(service);
      if (found == null) {
        throw new CommunicationException("no service " + service + " in the test registry", false);
      }
      return found;
    };
  }
}
