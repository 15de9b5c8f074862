package dev.courier.rpc.soap;

import dev.courier.io.IoClock;
import dev.courier.io.IoTarget;
import dev.courier.io.IoTargets;
import dev.courier.rpc.CommunicationException;
import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.EndpointAddress;
import dev.courier.rpc.Tls;
import dev.courier.rpc.spi.Binding;
import dev.courier.rpc.spi.Connection;
import dev.courier.rpc.spi.Endpoint;
import dev.courier.rpc.spi.Listener;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * SOAP over HTTP, in the shape of WCF's basicHttpBinding: a contract's operations as document/literal wrapped
 * SOAP 1.1 (or 1.2) messages, on Netty's HTTP/1.1 codecs, with the WSDL at {@code ?wsdl}.
 *
 * <pre>{@code
 * SoapBinding soap = SoapBinding.create();
 * ServiceHost.builder(new CalculatorService())
 *     .endpoint(Calculator.class, soap, "http://0.0.0.0:8080/calc").publishMetadata(true).build().open();
 * Calculator calc = ChannelFactory.builder(Calculator.class).binding(soap)
 *     .address("http://localhost:8080/calc").build().createChannel();
 * }</pre>
 *
 * <p>HTTPS with {@link Builder#tls} ({@link Tls}, the options courier-tcp takes). A duplex contract is refused: HTTP cannot call the client back (WCF's rule for basicHttpBinding). A
 * request/reply call is answered 200 with its reply or 500 with a SOAP fault; a one-way call 202 once the host has
 * accepted it. Endpoints of one binding share a port when their addresses differ in path only.
 *
 * <p>Threading: one Netty event-loop group per binding reads and writes; services run on virtual threads, never
 * on the event loop; a client's calls complete on virtual threads too. Thread safe.
 */
public final class SoapBinding implements Binding, AutoCloseable {
  /** The default largest message, either way: 4 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 4 << 20;
  /** The default longest text of one element: 1 Mi characters. */
  public static final int DEFAULT_MAX_TEXT_LENGTH = 1 << 20;
  /** The default most connections a client opens to one {@code host:port}: 256. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_HOST = 256;

  private final SoapVersion version;
  private final int maxMessageSize;
  private final Duration idleTimeout;
  private final int maxTextLength;
  private final int maxConnectionsPerHost;
  private final Tls tls;                             // null: plain HTTP
  private final ExecutorService virtualThreads =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("courier-soap-call-", 0).factory());
  private final Map<String, Port> ports = new ConcurrentHashMap<>();
  private final Map<String, SoapClient> clients = new ConcurrentHashMap<>();
  private volatile EventLoopGroup group;

  private SoapBinding(Builder b) {
    this.version = b.version;
    this.maxMessageSize = b.maxMessageSize;
    this.idleTimeout = b.idleTimeout;
    this.maxTextLength = b.maxTextLength;
    this.maxConnectionsPerHost = b.maxConnectionsPerHost;
    this.tls = b.tls;
  }

  /** This binding's TLS, or empty for plain HTTP. */
  public Optional<Tls> tls() {
    return Optional.ofNullable(tls);
  }

  /** A SOAP 1.1 binding with the defaults. */
  public static SoapBinding create() {
    return builder().build();
  }

  /** A builder of a binding. */
  public static Builder builder() {
    return new Builder();
  }

  /** The SOAP version this binding's clients send and its endpoints expect first. */
  public SoapVersion version() {
    return version;
  }

  /** {@code https} with TLS, {@code http} without. */
  @Override
  public String scheme() {
    return tls == null ? "http" : "https";
  }

  /** Its endpoints are described with a SOAP binding of this binding's {@link #version()}. */
  @Override
  public dev.courier.rpc.metadata.EndpointMetadata.Protocol protocol() {
    return version == SoapVersion.SOAP_12 ? dev.courier.rpc.metadata.EndpointMetadata.Protocol.SOAP_12
        : dev.courier.rpc.metadata.EndpointMetadata.Protocol.SOAP_11;
  }

  // ---- listening ----------------------------------------------------------------------------------------

  /** One listening socket and its endpoints by path. */
  private static final class Port implements SoapServer.Routes {
    final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    final java.util.Set<Channel> accepted = ConcurrentHashMap.newKeySet();
    Channel server;

    @Override
    public Endpoint endpoint(String path) {
      return endpoints.get(path);
    }

    @Override
    public SortedSet<String> paths() {
      return new TreeSet<>(endpoints.keySet());
    }
  }

  @Override
  public Listener listen(EndpointAddress address, Endpoint endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    if (endpoint.contract().isDuplex()) {
      throw new IllegalArgumentException("endpoint " + address + ": contract " + endpoint.contract().name() + " is "
          + "duplex, and HTTP cannot call the client back (expected: a contract without callbacks, or a Courier "
          + "binding such as courier.tcp)");
    }
    SoapServer.codec(endpoint.contract());            // refuses what SOAP cannot carry, before anything listens
    if (tls != null && !tls.listens()) {
      throw new IllegalStateException("cannot listen at " + address + ": this binding's TLS does not listen "
          + "(expected: Tls.server(...) or serverKeys(...)): " + tls);
    }
    URI uri = address.uri();
    String host = uri.getHost() == null ? "0.0.0.0" : uri.getHost();
    int requested = uri.getPort() < 0 ? 80 : uri.getPort();
    String path = path(uri);
    String key = host + ":" + requested;
    Port port;
    synchronized (ports) {
      port = requested == 0 ? null : ports.get(key);
      if (port == null) {
        port = bind(host, requested, address, endpoint);
        ports.put(host + ":" + ((InetSocketAddress) port.server.localAddress()).getPort(), port);
      }
      Endpoint there = port.endpoints.putIfAbsent(path, endpoint);
      if (there != null) {
        throw new IllegalStateException("cannot listen at " + address + " for contract " + endpoint.contract().name()
            + ": the address is in use by an endpoint for contract " + there.contract().name());
      }
    }
    Port listening = port;
    int bound = ((InetSocketAddress) port.server.localAddress()).getPort();
    EndpointAddress actual = EndpointAddress.of(uri.getScheme() + "://" + (host.contains(":") ? "[" + host + "]" : host)
        + ":" + bound + path);
    return new Listener() {
      @Override
      public EndpointAddress address() {
        return actual;
      }

      @Override
      public void close() {
        synchronized (ports) {
          listening.endpoints.remove(path, endpoint);
          if (listening.endpoints.isEmpty()) {
            ports.values().remove(listening);
            if (listening.server.eventLoop().isShuttingDown()) {
              return;                                   // the binding closed first: so did its sockets
            }
            listening.server.close().syncUninterruptibly();
            for (Channel ch : listening.accepted) {          // idle ones close now, busy ones once they have answered
              ch.pipeline().fireUserEventTriggered(SoapServer.DRAIN);
            }
          }
        }
      }
    };
  }

  private Port bind(String host, int port, EndpointAddress address, Endpoint endpoint) {
    Port p = new Port();
    ServerBootstrap b = new ServerBootstrap().group(group()).channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            p.accepted.add(ch);
            ch.closeFuture().addListener(f -> p.accepted.remove(ch));
            if (tls != null) {
              SslHandler handler = new SslHandler(tls.serverEngine());
              handler.setHandshakeTimeoutMillis(idleTimeout.toMillis());
              ch.pipeline().addLast("tls", handler);
            }
            ch.pipeline().addLast(new io.netty.handler.timeout.IdleStateHandler(idleTimeout.toMillis(), 0, 0,
                TimeUnit.MILLISECONDS), new HttpServerCodec(), new HttpObjectAggregator(maxMessageSize),
                new SoapServer(p, virtualThreads, maxMessageSize, maxTextLength));
          }
        });
    ChannelFuture bound = b.bind(host, port).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      throw new IllegalStateException("cannot listen at " + address + " for contract " + endpoint.contract().name()
          + ": " + bound.cause().getMessage(), bound.cause());
    }
    p.server = bound.channel();
    return p;
  }

  private static String path(URI uri) {
    String p = uri.getRawPath();
    if (p == null || p.isEmpty()) {
      return "/";
    }
    return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }

  // ---- connecting ---------------------------------------------------------------------------------------

  /**
   * Refused: SOAP messages are encoded by the contract, so a channel connects with it
   * ({@link #connect(EndpointAddress, ContractDescription, Endpoint, IoClock)}, which {@code ChannelFactory} calls).
   */
  @Override
  public Connection connect(EndpointAddress address, Endpoint callbacks, IoClock clock) {
    throw new IllegalArgumentException("the SOAP binding encodes calls by their contract (expected: "
        + "connect(address, contract, callbacks, clock), as ChannelFactory does)");
  }

  @Override
  public Connection connect(EndpointAddress address, ContractDescription contract, Endpoint callbacks, IoClock clock) {
    Objects.requireNonNull(contract, "contract");
    if (callbacks != null || contract.isDuplex()) {
      throw new IllegalArgumentException("contract " + contract.name() + " is duplex, and HTTP cannot call the "
          + "client back (expected: a contract without callbacks, or a Courier binding such as courier.tcp)");
    }
    SoapCodec codec = SoapServer.codec(contract);
    if (tls != null && !tls.connects()) {
      throw new IllegalStateException("cannot connect to " + address + ": this binding's TLS does not connect "
          + "(expected: Tls.client(...) or trustServers(...)): " + tls);
    }
    SoapClient client = client(address.uri());
    String path = SoapClient.pathOf(address.uri());
    IoTarget target = IoTargets.create("courier.soap " + address,
        request -> client.call(codec, version, path, request), clock);
    return new Connection() {
      @Override
      public IoTarget target() {
        return target;
      }

      @Override
      public java.util.concurrent.Executor completionExecutor() {
        return virtualThreads;                          // completions arrive on the event loop
      }

      @Override
      public void close() {
        target.close();
      }
    };
  }

  private SoapClient client(URI uri) {
    String key = uri.getHost() + ":" + uri.getPort();
    return clients.computeIfAbsent(key,
        k -> new SoapClient(group(), uri, tls, maxMessageSize, maxTextLength, maxConnectionsPerHost));
  }

  @Override
  public String fetchMetadata(EndpointAddress address, Duration timeout) {
    return answer(client(address.uri()).fetchWsdl(address.uri()), address + "?wsdl", "metadata", timeout);
  }

  /** Asks {@code GET address?health}: the host's health (200 when serving, 503 with the state otherwise). */
  @Override
  public dev.courier.rpc.HealthState fetchHealth(EndpointAddress address, Duration timeout) {
    return answer(client(address.uri()).fetchHealth(address.uri()), address + "?health", "health", timeout);
  }

  /** Waits up to {@code timeout} for the answer to a GET of {@code resource}; its failures as CommunicationExceptions. */
  private static <T> T answer(java.util.concurrent.CompletableFuture<T> answer, String resource, String what,
      Duration timeout) {
    try {
      return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof CommunicationException ce ? ce
          : new CommunicationException("fetching " + resource + " failed: " + e.getCause(), false, e.getCause());
    } catch (TimeoutException e) {
      throw new CommunicationException("no " + what + " from " + resource + " within " + timeout, false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommunicationException("interrupted while fetching " + resource, false, e);
    }
  }

  private EventLoopGroup group() {
    EventLoopGroup g = group;
    if (g == null) {
      synchronized (this) {
        g = group;
        if (g == null) {
          g = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("courier-soap", true),
              NioIoHandler.newFactory());
          group = g;
        }
      }
    }
    return g;
  }

  /** Closes the binding's connections and stops its event loop; its endpoints stop listening. */
  @Override
  public void close() {
    clients.values().forEach(SoapClient::close);
    EventLoopGroup g = group;
    if (g != null) {
      g.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
    virtualThreads.close();
  }

  /** Builds a {@link SoapBinding}. Not thread safe. */
  public static final class Builder {
    private SoapVersion version = SoapVersion.SOAP_11;
    private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
    private Duration idleTimeout = Duration.ofSeconds(30);
    private int maxTextLength = DEFAULT_MAX_TEXT_LENGTH;
    private int maxConnectionsPerHost = DEFAULT_MAX_CONNECTIONS_PER_HOST;
    private Tls tls;

    private Builder() {}

    /**
     * HTTPS for every connection this binding listens for or makes (plain HTTP by default): its addresses are
     * {@code https://} ones, its clients check the server's certificate and name, its listeners may ask clients
     * for certificates.
     */
    public Builder tls(Tls tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /** The SOAP version clients send (endpoints take both). SOAP 1.1 by default, as WCF's basicHttpBinding. */
    public Builder version(SoapVersion version) {
      this.version = Objects.requireNonNull(version, "version");
      return this;
    }

    /** The largest message either way, in bytes: 4 MiB by default. */
    public Builder maxMessageSize(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxMessageSize: " + bytes + " (expected: at least 1024 bytes)");
      }
      this.maxMessageSize = bytes;
      return this;
    }

    /**
     * How long a server connection may send nothing while no call of its own runs (30 s by default): a request
     * dribbled slower, or a kept-alive connection left idle, is closed.
     */
    public Builder idleTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("idleTimeout: " + timeout + " (expected: a positive duration)");
      }
      this.idleTimeout = timeout;
      return this;
    }

    /**
     * The longest text of one element a message may carry, in characters (a string, or a {@code byte[]}'s
     * base64): 1 Mi by default. A longer one fails its call with a clear reason (WCF's
     * {@code MaxStringContentLength}), its connection and other calls going on.
     */
    public Builder maxTextLength(int chars) {
      if (chars < 1) {
        throw new IllegalArgumentException("maxTextLength: " + chars + " (expected: at least 1 character)");
      }
      this.maxTextLength = chars;
      return this;
    }

    /**
     * How many connections the binding's clients open to one {@code host:port} at most: 256 by default. HTTP/1.1
     * carries one call at a time on a connection, so a call beyond them waits for the first one free, within its
     * deadline; a cancelled waiting call is never sent.
     */
    public Builder maxConnectionsPerHost(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConnectionsPerHost: " + max + " (expected: at least 1)");
      }
      this.maxConnectionsPerHost = max;
      return this;
    }

    /** The binding. */
    public SoapBinding build() {
      return new SoapBinding(this);
    }
  }
}
