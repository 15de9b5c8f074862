package dev.courier.testpage;

import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.spi.HostExtension;
import dev.courier.testpage.internal.PageServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Objects;

/**
 * A page in the browser that a host serves for development, as WCF Test Client does: it lists the host's contracts and
 * operations, shows a form per operation generated from the contract's schema, calls the operation through a real
 * Courier client on the endpoint's binding, and shows the result or the fault, the time taken, and the request and
 * the response as they crossed the network.
 *
 * <pre>{@code
 * TestPage page = TestPage.at("http://127.0.0.1:8081/");
 * ServiceHost host = ServiceHost.builder(new ShopService())
 *     .endpoint(Shop.class, SoapBinding.create(), "http://127.0.0.1:8080/shop")
 *     .extension(page)                               // off unless this call is made
 *     .build().open();
 * IO.println(page.url());                            // http://127.0.0.1:8081/
 * }</pre>
 *
 * <p>The page has an HTTP port of its own, for every host (TCP-only hosts included). It calls the service: serve it
 * on loopback (the default of {@link #onPort(int)}), during development, never in production. One page serves one
 * host. Threading: thread safe.
 */
public final class TestPage implements HostExtension.Factory {
  private final InetSocketAddress at;
  private volatile PageServer server;

  private TestPage(InetSocketAddress at) {
    this.at = at;
  }

  /**
   * A page served at {@code url}, an {@code http://host:port/} address; port 0 takes a free port.
   *
   * @throws IllegalArgumentException when {@code url} is not such an address
   */
  public static TestPage at(String url) {
    URI uri;
    try {
      uri = URI.create(Objects.requireNonNull(url, "url"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("test page url: " + url + " (expected: http://host:port/): " + e.getMessage(), e);
    }
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0
        || !(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
        || uri.getRawQuery() != null) {
      throw new IllegalArgumentException("test page url: " + url + " (expected: http://host:port/, such as "
          + "http://127.0.0.1:8081/; the page is served at the root of a port of its own)");
    }
    String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
    return new TestPage(new InetSocketAddress(host, uri.getPort()));
  }

  /** A page served on loopback ({@code 127.0.0.1}) at {@code port}; 0 takes a free port. */
  public static TestPage onPort(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("test page port: " + port + " (expected: 0 to 65535, 0 for a free port)");
    }
    return new TestPage(new InetSocketAddress("127.0.0.1", port));
  }

  /**
   * The page's address, with the port bound, while its host is open.
   *
   * @throws IllegalStateException before its host opens, or after it closes
   */
  public URI url() {
    PageServer s = server;
    if (s == null) {
      throw new IllegalStateException("test page at " + at + " is not serving (expected: its host open, with "
          + ".extension(page))");
    }
    return s.url();
  }

  /** Serves the page of {@code host}; its host calls this when it opens. */
  @Override
  public synchronized HostExtension open(ServiceHost host) {
    Objects.requireNonNull(host, "host");
    if (server != null) {
      throw new IllegalStateException("test page at " + url() + " already serves another host (expected: one "
          + "TestPage per host)");
    }
    PageServer opened = PageServer.open(host, at);
    server = opened;
    return new HostExtension() {
      @Override
      public void close() {
        synchronized (TestPage.this) {
          server = null;
        }
        opened.close();
      }

      @Override
      public String toString() {
        return "TestPage[" + opened.url() + "]";
      }
    };
  }

  @Override
  public String toString() {
    PageServer s = server;
    return "TestPage[" + (s != null ? s.url() : at) + "]";
  }
}
