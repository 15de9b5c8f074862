package dev.courier.bench;

import com.sun.net.httpserver.HttpServer;
import dev.courier.bench.jaxws.EchoClientPort;
import dev.courier.bench.jaxws.EchoEndpoint;
import dev.courier.bench.jaxws.EchoPort;
import jakarta.xml.ws.Endpoint;
import jakarta.xml.ws.Service;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.xml.namespace.QName;

/**
 * Metro, the JAX-WS reference implementation, through the standard JAX-WS API. The service:
 * {@code Endpoint.publish} on a context of the JDK's HTTP server (its one dispatcher thread reads and accepts),
 * whose executor, a fixed pool of {@link #serverThreads()} threads, runs the service ({@code Endpoint.publish(
 * address)} would give the server an unbounded cached pool). The client: {@code Service.create} from the
 * service's {@code ?wsdl} and {@code getPort}, calls through JAX-WS's asynchronous mapping with an
 * {@code AsyncHandler}: each runs on the client service's executor (Metro's default, a cached pool), blocking in
 * {@code HttpURLConnection} until its response.
 * Metro's client has no non-blocking transport, so this is a thread per call in flight, as its synchronous
 * calls from as many threads would be; the asynchronous mapping is what Metro offers for calls in flight.
 *
 * <p>The JDK's HTTP defaults are tuned as Metro deployments tune them: the client keeps up to
 * {@value #KEEP_ALIVE} idle connections alive ({@code http.maxConnections}, 5 by default: more calls in flight
 * would open a new connection each), the server twice as many ({@code sun.net.httpserver.maxIdleConnections},
 * 200 by default: it would close idle connections that the client then reuses, and the call fails with a reset)
 * and accepts as many at once (its backlog), and sets TCP_NODELAY ({@code sun.net.httpserver.nodelay}, off
 * by default: its header and body writes would wait on delayed acknowledgements).
 */
final class MetroEchoTarget extends JaxwsEchoTarget {
  /** Metro's JAX-WS implementation: the {@code jakarta.xml.ws.spi.Provider} of a Metro JVM. */
  static final String PROVIDER = "com.sun.xml.ws.spi.ProviderImpl";
  /** The idle connections the client keeps alive: enough for every call the driver has in flight. */
  static final int KEEP_ALIVE = LoadDriver.OPEN_LOOP_MAX_OUTSTANDING;
  private static final QName SERVICE = new QName(EchoPort.NAMESPACE, "EchoService");
  private static final QName PORT = new QName(EchoPort.NAMESPACE, "EchoPort");  // as EchoEndpoint names them

  private final HttpServer http;
  private final ExecutorService serverThreads;
  private final Endpoint endpoint;

  private MetroEchoTarget(HttpServer http, ExecutorService serverThreads, Endpoint endpoint, EchoClientPort client) {
    super(client);
    this.http = http;
    this.serverThreads = serverThreads;
    this.endpoint = endpoint;
  }

  /** The system properties of a Metro JVM: its JAX-WS implementation, and the JDK's HTTP settings above. */
  static List<String[]> systemProperties() {
    return List.of(new String[] {SoapEchoTarget.Kind.PROVIDER, PROVIDER},
        new String[] {"http.maxConnections", Integer.toString(KEEP_ALIVE)},
        new String[] {"sun.net.httpserver.maxIdleConnections", Integer.toString(2 * KEEP_ALIVE)},
        new String[] {"sun.net.httpserver.nodelay", "true"});
  }

  /** The server's pool: twice the processors, at least 4; the service never blocks. */
  static int serverThreads() {
    return Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
  }

  static SoapEchoTarget open(Options options) {
    // In a JVM of its own these are set on the command line; in one shared JVM (quick mode, tests) they take
    // effect unless the JDK's HTTP classes have already read them.
    for (String[] p : systemProperties()) {
      if (p[0].equals(SoapEchoTarget.Kind.PROVIDER) || System.getProperty(p[0]) == null) {
        System.setProperty(p[0], p[1]);
      }
    }
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(EchoTarget.loopback(), 0), 2 * KEEP_ALIVE);
    } catch (IOException e) {
      throw new UncheckedIOException("the JDK's HTTP server did not start on 127.0.0.1", e);
    }
    ExecutorService threads = Executors.newFixedThreadPool(serverThreads(),
        Thread.ofPlatform().name("metro-server-", 0).daemon().factory());
    http.setExecutor(threads);
    Endpoint endpoint = null;
    try {
      endpoint = Endpoint.create(new EchoEndpoint());
      endpoint.publish(http.createContext("/echo"));
      http.start();
      String address = "http://127.0.0.1:" + http.getAddress().getPort() + "/echo";
      // Metro builds a proxy from a WSDL only: the one its service publishes, as a wsimport client would
      Service service = Service.create(URI.create(address + "?wsdl").toURL(), SERVICE);
      return new MetroEchoTarget(http, threads, endpoint, service.getPort(PORT, EchoClientPort.class));
    } catch (MalformedURLException | RuntimeException e) {
      if (endpoint != null) {
        endpoint.stop();
      }
      http.stop(0);
      threads.shutdownNow();
      throw new IllegalStateException("Metro did not start on 127.0.0.1: " + e, e);
    }
  }

  @Override
  public String description() {
    return "Metro " + version() + ", both sides through the JAX-WS "
        + "API; service: Endpoint.publish on a context of the JDK's HttpServer (1 dispatcher thread; a fixed pool of "
        + serverThreads() + " threads runs the service; TCP_NODELAY on); client: Service.getPort, JAX-WS "
        + "asynchronous calls (`Future<?> echoAsync(String, AsyncHandler<EchoResponse>)`) on Metro's default "
        + "executor (a cached pool: one blocking HttpURLConnection exchange per call in flight, no receive "
        + "timeout); HTTP/1.1 keep-alive, a connection per call in flight (http.maxConnections " + KEEP_ALIVE
        + "; the server keeps " + 2 * KEEP_ALIVE + " idle and accepts a backlog of as many)";
  }

  private static String version() {
    String v = com.sun.xml.ws.util.RuntimeVersion.class.getPackage().getImplementationVersion();
    return v == null ? "version unknown" : v;
  }

  @Override
  public void close() {
    try {
      endpoint.stop();
      http.stop(0);
    } finally {
      serverThreads.shutdownNow();
      try {
        serverThreads.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
