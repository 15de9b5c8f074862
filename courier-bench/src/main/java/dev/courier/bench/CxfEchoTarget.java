package dev.courier.bench;

import dev.courier.bench.jaxws.EchoClientPort;
import dev.courier.bench.jaxws.EchoEndpoint;
import dev.courier.bench.jaxws.EchoPort;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.frontend.ClientProxy;
import org.apache.cxf.jaxws.JaxWsProxyFactoryBean;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import org.apache.cxf.transport.http.HTTPConduit;
import org.apache.cxf.transport.http_jetty.JettyHTTPServerEngine;
import org.apache.cxf.transport.http_jetty.JettyHTTPServerEngineFactory;
import org.apache.cxf.transports.http.configuration.HTTPClientPolicy;
import org.apache.cxf.workqueue.AutomaticWorkQueueImpl;
import org.apache.cxf.workqueue.WorkQueueManager;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Apache CXF, its JAX-WS front end on both sides, each side on a CXF bus of its own. The service:
 * {@code JaxWsServerFactoryBean} on CXF's Jetty transport, whose engine for the port is given a connector of
 * {@link SoapEchoTarget.Options#eventLoopThreads()} selector threads and no acceptor thread (the selector
 * accepts), and Jetty's default {@code QueuedThreadPool} (8 to 200 threads) running the service. The client:
 * {@code JaxWsProxyFactoryBean}, calls through JAX-WS's asynchronous mapping with an {@code AsyncHandler}, on
 * CXF's default HTTP conduit (the JDK's {@code HttpClient}, asked for HTTP/1.1 so that it keeps connections
 * alive without trying an h2c upgrade); CXF reads each asynchronous response on a thread of the bus's
 * {@code http-conduit} work queue, CXF's default size with room for every call in flight.
 *
 * <p>CXF's documentation recommends its HttpClient 5 conduit ({@code cxf-rt-transports-http-hc5},
 * {@code use.async.http.conduit}) for many asynchronous calls in flight; where that module is on the class path
 * this target turns it on ({@code org.apache.cxf.transport.http.async.usePolicy=ALWAYS}) and says so in its
 * description.
 */
final class CxfEchoTarget extends JaxwsEchoTarget {
  /** CXF's JAX-WS implementation: the {@code jakarta.xml.ws.spi.Provider} of a CXF JVM. */
  static final String PROVIDER = "org.apache.cxf.jaxws.spi.ProviderImpl";
  /** The name of the work queue that CXF's HTTP conduits read asynchronous responses on, where there is one. */
  private static final String RESPONSE_QUEUE = "http-conduit";
  /** Its room: twice the most calls the driver has in flight. */
  private static final int RESPONSE_QUEUE_ROOM = 2 * LoadDriver.OPEN_LOOP_MAX_OUTSTANDING;
  /** The class of the HttpClient 5 conduit, present when {@code cxf-rt-transports-http-hc5} is. */
  private static final String HC5_CONDUIT = "org.apache.cxf.transport.http.asyncclient.hc5.AsyncHTTPConduit";

  private final Bus serverBus;
  private final Bus clientBus;
  private final Server server;
  private final int port;
  private final String description;

  private CxfEchoTarget(Bus serverBus, Bus clientBus, Server server, int port, EchoClientPort client,
      String description) {
    super(client);
    this.serverBus = serverBus;
    this.clientBus = clientBus;
    this.server = server;
    this.port = port;
    this.description = description;
  }

  static SoapEchoTarget open(Options options) {
    System.setProperty(Kind.PROVIDER, PROVIDER);
    boolean hc5 = hc5();
    Bus serverBus = BusFactory.newInstance().createBus();
    Bus clientBus = BusFactory.newInstance().createBus();
    Server server = null;
    int port = freePort();
    try {
      JettyHTTPServerEngine engine = serverBus.getExtension(JettyHTTPServerEngineFactory.class)
          .createJettyHTTPServerEngine("127.0.0.1", port, "http");
      org.eclipse.jetty.server.Server jetty = new org.eclipse.jetty.server.Server(new QueuedThreadPool());
      ServerConnector connector = new ServerConnector(jetty, 0, options.eventLoopThreads());
      connector.setHost("127.0.0.1");
      connector.setPort(port);
      engine.setConnector(connector);
      String address = "http://127.0.0.1:" + port + "/echo";

      JaxWsServerFactoryBean service = new JaxWsServerFactoryBean();
      service.setBus(serverBus);
      service.setServiceClass(EchoPort.class);
      service.setServiceBean(new EchoEndpoint());
      service.setAddress(address);
      server = service.create();

      // The queue on which the default conduit reads asynchronous responses: CXF's default threads (up to 25),
      // with room for every call the driver may have in flight. With CXF's default room (256), more than 281
      // calls in flight, each response issuing the next call from a queue thread, block every queue thread in
      // offering its next response to the full queue: the open loop's warm-up (512 in flight) stalls.
      clientBus.getExtension(WorkQueueManager.class).addNamedWorkQueue(RESPONSE_QUEUE,
          new AutomaticWorkQueueImpl(RESPONSE_QUEUE_ROOM, 0, 25, 5, 120_000L, RESPONSE_QUEUE));
      JaxWsProxyFactoryBean proxy = new JaxWsProxyFactoryBean();
      proxy.setBus(clientBus);
      proxy.setAddress(address);
      if (hc5) {
        proxy.setProperties(new HashMap<>(Map.of("use.async.http.conduit", Boolean.TRUE)));
      }
      EchoClientPort client = proxy.create(EchoClientPort.class);
      HTTPConduit conduit = (HTTPConduit) ClientProxy.getClient(client).getConduit();
      HTTPClientPolicy policy = conduit.getClient();
      policy.setVersion("1.1");
      String description = "CXF " + org.apache.cxf.version.Version.getCurrentVersion() + ", both sides through its "
          + "JAX-WS front end; service: JaxWsServerFactoryBean on Jetty " + org.eclipse.jetty.util.Jetty.VERSION
          + " (a ServerConnector with " + options.eventLoopThreads() + " selector thread(s), no acceptor thread; "
          + "Jetty's default QueuedThreadPool, 8 to 200 threads, runs the service); client: JaxWsProxyFactoryBean, "
          + "JAX-WS asynchronous calls (`Future<?> echoAsync(String, AsyncHandler<EchoResponse>)`) on "
          + (hc5 ? "the HttpClient 5 async conduit (`use.async.http.conduit`)"
              : "CXF's default HTTP conduit (the JDK's HttpClient: 1 selector thread; asked for HTTP/1.1), each "
                  + "response read on a work queue `http-conduit` of CXF's default size (up to 25 threads) with room "
                  + "for " + RESPONSE_QUEUE_ROOM + " (CXF's default 256 stalls beyond 281 calls in flight)")
          + ", its default 60 s receive timeout; HTTP/1.1 keep-alive, a connection per call in flight";
      return new CxfEchoTarget(serverBus, clientBus, server, port, client, description);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      if (server != null) {
        server.destroy();
      }
      clientBus.shutdown(true);
      serverBus.shutdown(true);
      JettyHTTPServerEngineFactory.destroyForPort(port);
      throw new IllegalStateException("CXF did not start on 127.0.0.1:" + port + ": " + e, e);
    }
  }

  /** Whether CXF's HttpClient 5 conduit is on the class path; if so, every async call goes through it. */
  private static boolean hc5() {
    try {
      Class.forName(HC5_CONDUIT, false, CxfEchoTarget.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      return false;
    }
    System.setProperty("org.apache.cxf.transport.http.async.usePolicy", "ALWAYS");
    return true;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public void close() {
    try {
      clientBus.shutdown(true);
      server.destroy();
    } finally {
      serverBus.shutdown(true);
      JettyHTTPServerEngineFactory.destroyForPort(port);
    }
  }
}
