package dev.courier.rpc.tcp;

import dev.courier.io.IoClock;
import dev.courier.io.IoTarget;
import dev.courier.rpc.CommunicationException;
import dev.courier.rpc.EndpointAddress;
import dev.courier.rpc.Tls;
import dev.courier.rpc.spi.Binding;
import dev.courier.rpc.spi.Connection;
import dev.courier.rpc.spi.Endpoint;
import dev.courier.rpc.spi.Listener;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Java to Java calls over TCP (docs/tcp-protocol.md): length-prefixed binary frames on Netty, arguments
 * encoded by the contract's types, many calls in flight on one connection, and both ends able to call,
 * so duplex callbacks ride the same connection.
 *
 * <pre>{@code
 * TcpBinding tcp = TcpBinding.create();
 * ServiceHost host = ServiceHost.builder(new CalculatorService())
 *     .endpoint(Calculator.class, tcp, "courier.tcp://0.0.0.0:8808/calculator").build().open();
 * Calculator calc = ChannelFactory.builder(Calculator.class).binding(tcp)
 *     .address("courier.tcp://calc.example:8808/calculator").build().createChannel();
 * }</pre>
 *
 * <p>The channels a binding makes to one host and port share one connection; each channel is a session on
 * it. Cancels and deadlines travel on the wire. Limits: a maximum message size (what a frame's length field
 * counts) checked on the length prefix before anything is buffered, a handshake timeout, an idle timeout
 * with keep-alive pings, and a cap on calls in flight per connection. A malformed or oversized frame closes
 * its connection (with a GO_AWAY saying why); other connections go on. Calls whose connection breaks fail
 * with a {@link CommunicationException} that says whether the request may have reached the service, and
 * the channels on it become {@link dev.courier.rpc.CommunicationState#FAULTED} (a new channel connects
 * afresh).
 *
 * <p>A one-way call returns as soon as its message is queued on a connection with room in its outbound
 * buffer, and waits for the write only when the connection is full; a host runs at most
 * {@link Builder#maxCallsInFlight} of a connection's calls at once and holds further one-way messages back
 * by not reading, so a fast sender slows down instead of filling the host's memory. Likewise a peer that
 * does not read its answers: while the connection's outbound buffer is above its high-water mark no call
 * of it starts, and answers wait unencoded until there is room.
 *
 * <p>TLS when configured ({@link Builder#tls}, the JDK's TLS 1.3 or 1.2, optionally with client
 * certificates); plain TCP otherwise. With TLS the handshake comes first, then the preamble, inside it.
 * A service sees its client in {@link dev.courier.rpc.OperationContext#peer()}: its address and port and,
 * when it presented a certificate the server verified, its subject and chain (a duplex callback sees the
 * server the same way).
 *
 * <p>Threading: Netty event loops (epoll when available, NIO otherwise) read, decode and write; no user code
 * runs on an event loop unless the builder asks for it. A host's session takes each incoming call on the
 * event loop and moves all of its service code (filters, the instance's creation, the operation in any shape)
 * off it in one hand-off: to the host's executor when its owner gave one, else to virtual threads named
 * {@code courier-tcp-call}. The completions of a channel's asynchronous calls (futures, their callbacks,
 * listeners) run on those virtual threads too. What one pass of the event loop hands off (the calls or the
 * replies of one read) runs on one such thread, in order, so a call or a reply does not cost a thread of its
 * own; one that blocks (on I/O, a lock, a synchronous call, another call's future) hands the rest of its pass
 * to another thread at the event loop's next pass, or within a few tens of milliseconds when no pass comes. A synchronous call's caller waits for
 * its own reply and wakes on it, with no thread in between.
 * {@link Builder#directDispatch()} and {@link Builder#directCompletions()} run that code on the event loop
 * instead. Thread safe; one binding may serve many hosts and channels.
 */
public final class TcpBinding implements Binding, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(TcpBinding.class.getName());
  static final byte[] MAGIC = {'C', 'R', 'T', 'P'};
  static final int VERSION = 3;

  /** The limits and threads of a binding. */
  record Settings(int maxMessageSize, Duration handshakeTimeout, Duration idleTimeout, int maxCallsInFlight,
      int eventLoopThreads, boolean nativeTransport, boolean directCompletions, boolean directDispatch,
      boolean sharedConnections, int maxSessionsPerConnection) {}

  private static final java.util.concurrent.atomic.AtomicLong CHANNELS = new java.util.concurrent.atomic.AtomicLong();

  private final Settings settings;
  private final Tls tls;                 // null: plain TCP
  private final Map<String, ClientConnection> connections = new ConcurrentHashMap<>();
  /** Client connections that write what they accepted, then close (at most the handshake timeout). */
  private final java.util.Set<Channel> closing = ConcurrentHashMap.newKeySet();
  /** The local addresses of this binding's open client connections: its hosts know their own clients by them. */
  private final java.util.Set<java.net.SocketAddress> ownClients = ConcurrentHashMap.newKeySet();
  /** Connections this binding's hosts accepted from this binding's own client connections. */
  private final java.util.Set<Channel> ownServed = ConcurrentHashMap.newKeySet();
  /** A virtual thread per task, none tracked: where completions run (see {@link TcpPeer#completions()}). */
  private static final java.util.concurrent.ThreadFactory CALL_THREADS =
      Thread.ofVirtual().name("courier-tcp-call").factory();
  private final java.util.concurrent.Executor virtualThreads = task -> CALL_THREADS.newThread(task).start();
  private volatile EventLoopGroup group;

  private TcpBinding(Settings settings, Tls tls) {
    this.settings = settings;
    this.tls = tls;
  }

  /** This binding's TLS configuration, or null for plain TCP. */
  public Tls tls() {
    return tls;
  }

  /**
   * A binding with the default limits: 4 MiB messages, 5 s handshake, 60 s idle, 1,000 calls in flight and
   * 100 sessions per connection.
   */
  public static TcpBinding create() {
    return builder().build();
  }

  /** A builder for a binding with other limits. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String scheme() {
    return "courier.tcp";
  }

  private EventLoopGroup group() {
    EventLoopGroup g = group;
    if (g == null) {
      synchronized (this) {
        g = group;
        if (g == null) {
          DefaultThreadFactory threads = new DefaultThreadFactory("courier-tcp", true);
          g = useEpoll()
              ? new MultiThreadIoEventLoopGroup(settings.eventLoopThreads(), threads, EpollIoHandler.newFactory())
              : new MultiThreadIoEventLoopGroup(settings.eventLoopThreads(), threads, NioIoHandler.newFactory());
          group = g;
        }
      }
    }
    return g;
  }

  private boolean useEpoll() {
    return settings.nativeTransport() && Epoll.isAvailable();
  }

  /**
   * Releases the binding's threads: closes its client connections and shuts its event loop down. Hosts
   * and channels that use it stop working; close them first.
   *
   * <p>What the binding's channels accepted is not lost: a one-way call accepted (queued on its connection)
   * is written before its connection closes, and a host of this binding reads to the end what this
   * binding's own channels wrote to it. Closing waits for that at most the handshake timeout (5 s by
   * default, {@link Builder#handshakeTimeout}): a connection whose peer does not read its messages within
   * it, or a host connection whose service holds its client back for longer, is closed then, and what it
   * still held is lost. Blocks; must not be called on an event loop.
   */
  @Override
  public void close() {
    List<ClientConnection> open;
    synchronized (connections) {
      open = List.copyOf(connections.values());
      connections.clear();
    }
    for (ClientConnection c : open) {
      closeAfterWrites(c.channel);
    }
    long deadline = System.nanoTime() + settings.handshakeTimeout().toNanos();
    awaitClosed(closing, deadline);       // what the channels accepted is written, and their connections closed
    awaitClosed(ownServed, deadline);     // this binding's hosts read what this binding's channels wrote
    EventLoopGroup g;
    synchronized (this) {
      g = group;
      group = null;
    }
    if (g != null) {
      g.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  /**
   * Closes a client connection once everything queued on it is written (its one-way calls accepted), or
   * after the handshake timeout when its peer does not read them.
   */
  private void closeAfterWrites(Channel ch) {
    if (!ch.isOpen() || ch.eventLoop().isShuttingDown()) {
      ch.close();
      return;
    }
    closing.add(ch);
    ScheduledFuture<?> limit = ch.eventLoop().schedule(() -> {
      if (ch.isActive()) {
        LOG.log(System.Logger.Level.DEBUG, () -> "closing " + ch.remoteAddress() + " with writes pending after "
            + settings.handshakeTimeout());
      }
      ch.close();
    }, settings.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    ch.closeFuture().addListener(f -> {
      limit.cancel(false);
      closing.remove(ch);
    });
    // Written in order: the empty buffer completes once every write queued before it has been written.
    ch.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(f -> ch.close());
  }

  private static void awaitClosed(java.util.Set<Channel> channels, long deadline) {
    for (Channel ch : List.copyOf(channels)) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !ch.closeFuture().awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
        return;                           // past the limit: the event loop's shutdown closes the rest
      }
    }
  }

  /** The client connections this binding has open now (channels to one host and port share one by default). */
  public int openConnections() {
    synchronized (connections) {
      return connections.size();
    }
  }

  /** How many connections this binding's hosts have accepted, open or closed since (for tests of who connects). */
  int connectionsAccepted() {
    synchronized (PORTS) {
      return PORTS.values().stream().filter(p -> p.owner == this).mapToInt(p -> p.acceptedEver.get()).sum();
    }
  }

  /** Whether this binding's connections use the native epoll transport. */
  public boolean usesNativeTransport() {
    return useEpoll();
  }

  private static InetSocketAddress socketAddress(EndpointAddress address) {
    URI uri = address.uri();
    if (uri.getHost() == null || uri.getPort() < 0) {
      throw new IllegalArgumentException("address: " + address + " (expected: courier.tcp://host:port/path)");
    }
    return new InetSocketAddress(uri.getHost(), uri.getPort());
  }

  private void pipeline(SocketChannel ch, TcpPeer peer, boolean server, InetSocketAddress remote) {
    if (tls != null) {
      SslHandler handler = new SslHandler(server ? tls.serverEngine()
          : tls.clientEngine(remote.getHostString(), remote.getPort()));        // the name to verify
      handler.setHandshakeTimeoutMillis(settings.handshakeTimeout().toMillis());
      ch.pipeline().addLast("tls", handler);
    }
    ch.pipeline()
        .addLast("flush", new FlushConsolidationHandler(256, true))
        .addLast("preamble", new PreambleHandler(settings, server, this::started))
        .addLast("frames", new FrameDecoder(settings.maxMessageSize()))
        // After the frame decoder: keep-alive counts whole frames, so a frame that has begun arriving must
        // be complete within the keep-alive timeout, however its bytes trickle in.
        .addLast("idle", new IdleStateHandler(settings.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS))
        .addLast("peer", peer);
  }

  /**
   * A connection starts, before a client sends its preamble and when a host has received one: the binding
   * remembers its own client connections, and the connections its hosts accepted from them.
   */
  private void started(Channel ch, boolean server) {
    if (!server) {
      java.net.SocketAddress local = ch.localAddress();
      ownClients.add(local);
      ch.closeFuture().addListener(f -> ownClients.remove(local));
    } else if (ownClients.contains(ch.remoteAddress())) {
      ownServed.add(ch);
      ch.closeFuture().addListener(f -> ownServed.remove(ch));
    }
  }

  // =============================================================================================
  // Client
  // =============================================================================================

  @Override
  public Connection connect(EndpointAddress address, Endpoint callbacks, IoClock clock) {
    return connect(address, null, callbacks, clock);
  }

  /**
   * Connects a channel of {@code contract}: its session sends the contract's signature, and the service's
   * comes back, so that a call of an operation on which they disagree fails before it is sent
   * (docs/tcp-protocol.md, section 4). With a {@code null} contract the session is unchecked.
   */
  @Override
  public Connection connect(EndpointAddress address, dev.courier.rpc.ContractDescription contract, Endpoint callbacks,
      IoClock clock) {
    if (tls != null && !tls.connects()) {
      throw new IllegalStateException("this binding's TLS does not connect (expected: Tls.client(...) or "
          + "trustServers(...)): " + tls);
    }
    InetSocketAddress socket = socketAddress(address);
    String hostAndPort = socket.getHostString() + ":" + socket.getPort()
        + (settings.sharedConnections() ? "" : "#" + CHANNELS.incrementAndGet());
    ClientConnection shared;
    IoTarget target;
    String key;
    boolean retried = false;
    while (true) {
      ClientConnection connection;
      boolean fresh;
      synchronized (connections) {
        // The first connection to the host and port with room for a session; a new one when all are full.
        for (int n = 0; ; n++) {
          key = n == 0 ? hostAndPort : hostAndPort + "/" + n;
          connection = connections.get(key);
          fresh = connection == null || !connection.peer.isOpen();
          if (fresh || !connection.full && connection.sessions < settings.maxSessionsPerConnection()) {
            break;
          }
        }
        if (fresh) {
          connection = open(socket, clock);
          connections.put(key, connection);
        }
        connection.sessions++;
      }
      try {
        target = connection.peer.openSession(path(address.uri()), contract, callbacks, settings.handshakeTimeout());
        shared = connection;
        break;
      } catch (PeerSessions.ConnectionFull e) {
        // The host keeps each connection to a share of its sessions: this one is full (until one of its
        // sessions ends), and the session opens on another. A host that refuses a connection on which this
        // binding has no session open would refuse every connection: then the channel fails.
        if (e.openSessions() == 0) {
          release(key, connection, false);
          throw e;
        }
        synchronized (connections) {
          connection.full = true;
        }
        release(key, connection, false);
      } catch (RuntimeException e) {
        release(key, connection, false);
        if (fresh || retried) {
          throw e;
        }
        retried = true;
        // A pooled connection may belong to a host that has just closed (a new one may listen on the port
        // now): drop it from the pool and try once on a fresh connection.
        synchronized (connections) {
          connections.remove(key, connection);
        }
      }
    }
    ClientConnection sharedConnection = shared;
    String sharedKey = key;
    IoTarget sessionTarget = target;
    java.util.concurrent.CompletableFuture<String> lost = sharedConnection.watch();
    return new Connection() {
      private volatile boolean closed;

      @Override
      public IoTarget target() {
        return sessionTarget;
      }

      @Override
      public java.util.concurrent.Executor completionExecutor() {
        return settings.directCompletions() ? null : sharedConnection.peer.completions();
      }

      @Override
      public java.util.concurrent.CompletionStage<String> lost() {
        return lost;
      }

      /** HEALTH_GET on this connection: no connection of its own for a balancer that asks every few seconds. */
      @Override
      public java.util.concurrent.CompletionStage<dev.courier.rpc.HealthState> health(java.time.Duration timeout) {
        return sharedConnection.peer.requestHealth(path(address.uri()))
            .orTimeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)   // also forgets the request
            .thenApply(dev.courier.rpc.HealthState::valueOf);
      }

      @Override
      public void close() {
        if (closed) {
          return;
        }
        closed = true;
        sharedConnection.unwatch(lost);     // a long-lived shared connection keeps no trace of closed channels
        sessionTarget.close();
        sharedConnection.peer.closeSession(sessionTarget);     // SESSION_CLOSE: the host ends the session (the connection may stay)
        release(sharedKey, sharedConnection, true);
      }
    };
  }

  /**
   * Fetches the endpoint's WSDL on a connection of its own, closed when the answer has arrived (metadata
   * requests are rare; they take no session and leave the pooled connections alone).
   */
  @Override
  public String fetchMetadata(EndpointAddress address, java.time.Duration timeout) {
    return ask(address, timeout, "the metadata", peer -> peer.requestMetadata(path(address.uri())));
  }

  /**
   * Asks the endpoint's host for its health on a connection of its own, as {@link #fetchMetadata} does: for a
   * caller with no connection to it (a channel over several endpoints asks over the connection it has, {@link
   * Connection#health}).
   */
  @Override
  public dev.courier.rpc.HealthState fetchHealth(EndpointAddress address, java.time.Duration timeout) {
    return dev.courier.rpc.HealthState.valueOf(
        ask(address, timeout, "the health", peer -> peer.requestHealth(path(address.uri()))));
  }

  private String ask(EndpointAddress address, java.time.Duration timeout, String what,
      java.util.function.Function<TcpPeer, java.util.concurrent.CompletableFuture<String>> request) {
    if (tls != null && !tls.connects()) {
      throw new IllegalStateException("this binding's TLS does not connect (expected: Tls.client(...) or "
          + "trustServers(...)): " + tls);
    }
    ClientConnection connection = open(socketAddress(address), IoClock.system());
    try {
      return request.apply(connection.peer).get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof CommunicationException ce ? ce
          : new CommunicationException("fetching " + what + " of " + address + " failed: " + e.getCause(), false, e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new CommunicationException("no answer with " + what + " of " + address + " within " + timeout, false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommunicationException("interrupted while fetching " + what + " of " + address, false, e);
    } finally {
      connection.channel.close();
    }
  }

  /** A session of {@code connection} ended ({@code opened}: it was open), or did not open. */
  private void release(String key, ClientConnection connection, boolean opened) {
    boolean last;
    synchronized (connections) {
      if (opened) {
        connection.full = false;       // room again, as far as the host's share goes
      }
      last = --connection.sessions == 0;
      if (last) {
        connections.remove(key, connection);
      }
    }
    if (last) {
      closeAfterWrites(connection.channel);     // its one-way calls accepted are written first
    }
  }

  private static final class ClientConnection {
    final Channel channel;
    final TcpPeer peer;
    int sessions;   // guarded by connections: the sessions open and opening
    boolean full;   // guarded by connections: the host refused a session as beyond this connection's share
    private final java.util.Set<java.util.concurrent.CompletableFuture<String>> watchers =
        ConcurrentHashMap.newKeySet();

    ClientConnection(Channel channel, TcpPeer peer) {
      this.channel = channel;
      this.peer = peer;
      peer.closeFuture().thenRun(() -> watchers.forEach(w -> w.complete(peer.closedBecause())));
    }

    /** A future that completes with the reason when this connection closes, until {@link #unwatch}. */
    java.util.concurrent.CompletableFuture<String> watch() {
      java.util.concurrent.CompletableFuture<String> w = new java.util.concurrent.CompletableFuture<>();
      watchers.add(w);
      if (peer.closeFuture().isDone()) {          // closed before it was added: the closing pass may have missed it
        w.complete(peer.closedBecause());
      }
      return w;
    }

    void unwatch(java.util.concurrent.CompletableFuture<String> w) {
      watchers.remove(w);
    }
  }

  private ClientConnection open(InetSocketAddress socket, IoClock clock) {
    TcpPeer peer = new TcpPeer(settings, false, null, clock, virtualThreads);
    Bootstrap b = new Bootstrap().group(group())
        .channel(useEpoll() ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.handshakeTimeout().toMillis())
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            pipeline(ch, peer, false, socket);
          }
        });
    try {
      Channel ch = b.connect(socket).syncUninterruptibly().channel();
      PreambleHandler preamble = (PreambleHandler) ch.pipeline().get("preamble");
      if (preamble != null && !preamble.handshake.await(settings.handshakeTimeout().toMillis())) {
        ch.close();
        throw new CommunicationException("no Courier preamble from " + socket + " within "
            + settings.handshakeTimeout(), false);
      }
      if (preamble != null && !preamble.handshake.isSuccess()) {
        ch.close();
        throw new CommunicationException("handshake with " + socket + " failed: " + preamble.handshake.cause(), false,
            preamble.handshake.cause());
      }
      return new ClientConnection(ch, peer);
    } catch (CommunicationException e) {
      throw e;
    } catch (Exception e) {
      throw new CommunicationException("cannot connect to " + socket + ": " + e, false, e);
    }
  }

  // =============================================================================================
  // Server
  // =============================================================================================

  /**
   * The listening sockets of this JVM's TCP bindings, by the host and port they were asked for: endpoints of
   * one binding share a port, each at its own path, as WCF's port sharing lets services do. Guarded by itself.
   */
  private static final Map<String, Port> PORTS = new java.util.HashMap<>();

  /** One listening socket and the endpoints it serves, by path. */
  private static final class Port implements TcpPeer.Routes {
    final TcpBinding owner;
    final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    final java.util.Set<TcpPeer> accepted = ConcurrentHashMap.newKeySet();
    final java.util.concurrent.atomic.AtomicInteger acceptedEver = new java.util.concurrent.atomic.AtomicInteger();
    String key;                     // set once bound (with the port bound), before the port is registered
    Channel server;                 // likewise

    Port(TcpBinding owner) {
      this.owner = owner;
    }

    @Override
    public Endpoint endpoint(String path) {
      return endpoints.get(path);
    }

    @Override
    public java.util.SortedSet<String> paths() {
      return new java.util.TreeSet<>(endpoints.keySet());
    }

    /**
     * The paths whose endpoints are closing: a session opened meanwhile is refused as closing (its client opens it
     * afresh elsewhere), not as not found. The port's last endpoint stays here while its connections drain.
     */
    final java.util.Set<String> closed = ConcurrentHashMap.newKeySet();

    @Override
    public boolean closing(String path) {
      return path == null ? !closed.isEmpty() : closed.contains(path);
    }
  }

  /** The path of an address as sessions name it: {@code /} when there is none, without a trailing slash. */
  static String path(URI uri) {
    String p = uri.getRawPath();
    if (p == null || p.isEmpty()) {
      return "/";
    }
    return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }

  /**
   * Makes {@code endpoint} reachable at {@code address}. Endpoints of this binding, of one host or several,
   * share a port when their addresses differ in path only; a session names the path it opens
   * (docs/tcp-protocol.md, SESSION_OPEN), and one that names a path nobody serves is refused with the list of
   * those served.
   *
   * @throws IllegalStateException when another endpoint listens at the same address, when another binding of
   *     this JVM holds the port, or when the port cannot be bound (another process holds it): each names the
   *     address and the endpoint's contract
   */
  @Override
  public Listener listen(EndpointAddress address, Endpoint endpoint) {
    if (tls != null && !tls.listens()) {
      throw new IllegalStateException("this binding's TLS does not listen (expected: Tls.server(...) or "
          + "serverKeys(...)): " + tls);
    }
    InetSocketAddress socket = socketAddress(address);
    if (endpoint.maxConcurrentSessions() < 1) {
      throw new IllegalArgumentException("endpoint's maxConcurrentSessions: " + endpoint.maxConcurrentSessions()
          + " (expected: >= 1)");
    }
    String path = path(address.uri());
    String what = address + " for contract " + endpoint.contract().name();
    Port port;
    synchronized (PORTS) {
      String key = socket.getHostString() + ":" + socket.getPort();
      port = socket.getPort() == 0 ? null : PORTS.get(key);
      if (port != null && port.server.isOpen()) {
        if (port.owner != this) {
          throw new IllegalStateException("cannot listen at " + what + ": port " + socket.getPort() + " is served by "
              + "another TcpBinding of this JVM (expected: one binding for the endpoints that share a port, whose "
              + "settings they share)");
        }
        Endpoint there = port.endpoints.putIfAbsent(path, endpoint);
        if (there == null) {
          port.closed.remove(path);                 // served again
        }
        if (there != null) {
          throw new IllegalStateException("cannot listen at " + what + ": the address is in use by an endpoint for "
              + "contract " + there.contract().name() + " (expected: another path, or another port)");
        }
      } else {
        port = null;
      }
    }
    if (port == null) {
      Port fresh = bind(socket, what);          // not under the lock: binding waits for an event loop
      fresh.endpoints.put(path, endpoint);
      synchronized (PORTS) {
        PORTS.put(fresh.key, fresh);
      }
      fresh.server.closeFuture().addListener(f -> {
        synchronized (PORTS) {
          PORTS.remove(fresh.key, fresh);       // closed with its binding: the port may be bound afresh
        }
      });
      port = fresh;
    }
    InetSocketAddress bound = (InetSocketAddress) port.server.localAddress();
    URI u = address.uri();
    EndpointAddress actual = EndpointAddress.of(u.getScheme() + "://" + TcpPeer.bracketed(socket.getHostString()) + ":"
        + bound.getPort() + (u.getRawPath() == null ? "" : u.getRawPath()));
    Port listening = port;
    return new Listener() {
      @Override
      public EndpointAddress address() {
        return actual;
      }

      @Override
      public void close() {
        boolean last;
        synchronized (PORTS) {
          listening.closed.add(path);               // before it goes from the routes: no window says "not found"
          listening.endpoints.remove(path, endpoint);
          last = listening.endpoints.isEmpty();
          if (last) {
            PORTS.remove(listening.key, listening);
          }
        }
        if (!last) {
          listening.closed.remove(path);            // closed: its path is not found from now on
          return;                                   // the port serves other endpoints: its connections stay
        }
        Channel server = listening.server;
        if (server.isOpen()) {                      // closed already when its binding closed first
          // Not sync: a binding closing at the same moment ends the event loop, which closes the socket too,
          // and the close then fails only with the loop's refusal.
          server.close().awaitUninterruptibly();
        }
        listening.accepted.forEach(TcpPeer::closeWhenIdle);   // the connections go once their calls have ended
      }
    };
  }

  /** Binds a listening socket at {@code socket}; {@code what} names the address and endpoint in errors. */
  private Port bind(InetSocketAddress socket, String what) {
    Port port = new Port(this);
    ServerBootstrap b = new ServerBootstrap().group(group())
        .channel(useEpoll() ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            TcpPeer peer = new TcpPeer(settings, true, port, IoClock.system(), virtualThreads);
            port.accepted.add(peer);
            port.acceptedEver.incrementAndGet();
            ch.closeFuture().addListener(f -> port.accepted.remove(peer));
            pipeline(ch, peer, true, null);
          }
        });
    io.netty.channel.ChannelFuture bound = b.bind(socket).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      Throwable cause = bound.cause();
      // The JDK's transport says BindException; the native one an IOException with the system's message.
      boolean inUse = cause instanceof java.net.BindException
          || cause instanceof java.io.IOException && String.valueOf(cause.getMessage()).contains("Address already in use");
      String why = inUse ? "the address is in use (by another process, or by a socket of this one that is not a "
          + "Courier endpoint)" : String.valueOf(cause);
      throw new IllegalStateException("cannot listen at " + what + ": " + why, cause);
    }
    port.server = bound.channel();
    port.key = socket.getHostString() + ":" + ((InetSocketAddress) port.server.localAddress()).getPort();
    return port;
  }

  // =============================================================================================
  // Preamble
  // =============================================================================================

  /** Exchanges the 8-byte preambles, then gets out of the way; closes a peer that is too slow or wrong. */
  static final class PreambleHandler extends ByteToMessageDecoder {
    private final Settings settings;
    private final boolean server;
    private final java.util.function.BiConsumer<Channel, Boolean> started;
    final io.netty.util.concurrent.DefaultPromise<Void> handshake =
        new io.netty.util.concurrent.DefaultPromise<>(io.netty.util.concurrent.GlobalEventExecutor.INSTANCE);
    private ScheduledFuture<?> timeout;

    PreambleHandler(Settings settings, boolean server, java.util.function.BiConsumer<Channel, Boolean> started) {
      this.settings = settings;
      this.server = server;
      this.started = started;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      if (!server) {
        started.accept(ctx.channel(), false);
        ctx.writeAndFlush(preamble(ctx));
      }
      timeout = ctx.executor().schedule(() -> {
        if (!handshake.isDone()) {
          handshake.tryFailure(new CommunicationException("no Courier preamble within " + settings.handshakeTimeout(), false));
          LOG.log(System.Logger.Level.DEBUG, () -> "closing " + ctx.channel().remoteAddress() + ": no preamble within " + settings.handshakeTimeout());
          ctx.close();
        }
      }, settings.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
      super.channelActive(ctx);
    }

    private static ByteBuf preamble(ChannelHandlerContext ctx) {
      ByteBuf b = ctx.alloc().buffer(8);
      b.writeBytes(MAGIC);
      b.writeByte(VERSION);
      b.writeByte(0);
      b.writeShort(0);
      return b;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      for (int i = 0; i < Math.min(4, in.readableBytes()); i++) {
        if (in.getByte(in.readerIndex() + i) != MAGIC[i]) {     // refused as soon as a byte differs
          in.skipBytes(in.readableBytes());
          handshake.tryFailure(new CommunicationException("not a Courier TCP peer", false));
          ctx.close();
          return;
        }
      }
      if (in.readableBytes() < 8) {
        return;
      }
      byte[] magic = new byte[4];
      in.readBytes(magic);
      int version = in.readUnsignedByte();
      in.skipBytes(3);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        handshake.tryFailure(new CommunicationException("not a Courier TCP peer", false));
        ctx.close();
        return;
      }
      if (server) {
        started.accept(ctx.channel(), true);
        ctx.writeAndFlush(preamble(ctx));
      }
      if (version != VERSION) {
        handshake.tryFailure(new CommunicationException("unsupported protocol version " + version, false));
        ByteBuf goAway = ctx.alloc().buffer();
        goAway.writeInt(0);
        goAway.writeByte(Frames.GO_AWAY);
        goAway.writeInt(0);
        goAway.writeInt(0);
        WireCodec.writeVarint(goAway, Frames.GO_AWAY_UNSUPPORTED_VERSION);
        WireCodec.writeString(goAway, "unsupported protocol version " + version + " (expected: " + VERSION + ")");
        goAway.setInt(0, goAway.readableBytes() - 4);
        ctx.writeAndFlush(goAway).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
        return;
      }
      if (timeout != null) {
        timeout.cancel(false);
      }
      handshake.trySuccess(null);
      ctx.pipeline().remove(this);     // the rest of the buffer goes on to the frame decoder
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      handshake.tryFailure(new CommunicationException("connection closed during the handshake", false));
      super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof SslHandshakeCompletionEvent tlsDone && !tlsDone.isSuccess()) {
        Throwable cause = tlsDone.cause();
        handshake.tryFailure(new CommunicationException("TLS handshake failed: "
            + (cause.getMessage() != null ? cause.getMessage() : cause.toString()), false, cause));
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
      // TLS 1.3: a client learns that the server refused its certificate only after its own handshake is done
      Throwable tlsCause = cause.getCause() instanceof SSLException ? cause.getCause() : cause;
      if (tlsCause instanceof SSLException) {
        handshake.tryFailure(new CommunicationException("TLS: " + tlsCause.getMessage(), false, tlsCause));
      }
      super.exceptionCaught(ctx, cause);
    }
  }

  /**
   * Cuts frames on their 4-byte length field and refuses, as soon as it has read it, a length field above the
   * maximum message size: the same bound a sender of that size puts on the frames it sends.
   *
   * <p>An answer above the maximum (REPLY or FAULT) is not buffered either, and does not close the connection:
   * once its header has arrived the peer is told ({@link Frames.OversizedAnswer}) and its bytes are skipped
   * as they arrive, so that only its call fails.
   */
  static final class FrameDecoder extends LengthFieldBasedFrameDecoder {
    private final int maxMessageSize;
    private long length;          // the last length field read
    private long skipping;        // bytes of an oversized answer still to skip

    FrameDecoder(int maxMessageSize) {
      // Netty's maximum counts the length field's own 4 bytes: a length field of maxMessageSize is the largest.
      super((int) Math.min(Integer.MAX_VALUE, maxMessageSize + 4L), 0, 4, 0, 4, true);
      this.maxMessageSize = maxMessageSize;
    }

    @Override
    protected long getUnadjustedFrameLength(ByteBuf buf, int offset, int fieldLength, java.nio.ByteOrder order) {
      length = super.getUnadjustedFrameLength(buf, offset, fieldLength, order);
      return length;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
      int at = in.readerIndex();
      if (skipping == 0 && in.readableBytes() >= 4 && in.getUnsignedInt(at) > maxMessageSize) {
        if (in.readableBytes() < 5) {
          return null;            // its type says whether it may be an answer
        }
        int type = in.getUnsignedByte(at + 4);
        boolean answer = type == Frames.REPLY || type == Frames.FAULT;
        if (answer && in.readableBytes() < 13) {
          return null;            // and its call id, which call it answers
        }
        if (answer) {
          long oversized = in.getUnsignedInt(at);
          int callId = in.getInt(at + 9);
          in.skipBytes(13);
          skipping = oversized - 9;
          ctx.fireUserEventTriggered(new Frames.OversizedAnswer(callId, oversized));
        }
      }
      if (skipping > 0) {
        int n = (int) Math.min(skipping, in.readableBytes());
        in.skipBytes(n);
        skipping -= n;
        return null;
      }
      try {
        return super.decode(ctx, in);
      } catch (TooLongFrameException e) {
        throw new TooLongFrameException("frame length " + length + " (expected: at most " + maxMessageSize
            + ", the maximum message size, which counts type, session, call id and payload)");
      }
    }
  }

  /** Builds a {@link TcpBinding}. */
  public static final class Builder {
    private int maxMessageSize = 4 << 20;
    private Duration handshakeTimeout = Duration.ofSeconds(5);
    private Duration idleTimeout = Duration.ofSeconds(60);
    private int maxCallsInFlight = 1000;
    private int maxSessionsPerConnection = 100;
    private int eventLoopThreads = 1;
    private boolean nativeTransport = true;
    private boolean directCompletions;
    private boolean directDispatch;
    private boolean sharedConnections = true;
    private Tls tls;

    private Builder() {}

    /** TLS for every connection this binding listens for or makes (plain TCP by default). */
    public Builder tls(Tls tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /**
     * The largest message sent or accepted, in bytes as a frame's length field counts them: type, session,
     * call id and payload, not the length field itself (4 MiB by default). A receiver checks the length
     * field before it buffers the frame; a sender refuses a call above it.
     */
    public Builder maxMessageSize(int bytes) {
      if (bytes < 64) {
        throw new IllegalArgumentException("maxMessageSize: " + bytes + " (expected: >= 64)");
      }
      this.maxMessageSize = bytes;
      return this;
    }

    /** How long a new connection may take to send its preamble, TLS handshake included (5 s by default). */
    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = positive(timeout, "handshakeTimeout");
      return this;
    }

    /**
     * After this long without a frame a PING goes out; after twice this long the connection closes (60 s).
     * Only whole frames count: a frame that has begun arriving must be complete within twice this long, or
     * its connection closes with GO_AWAY IDLE, however its bytes trickle in.
     */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = positive(timeout, "idleTimeout");
      return this;
    }

    /**
     * The most calls a connection runs at once (1,000 by default), a call counting until its answer is
     * written: more requests are answered "server too busy"; at the limit one-way calls, which have no answer,
     * are held back by not reading the connection
     * (answers included: a one-way operation that waits on a call back to its own client waits until its
     * deadline while the connection is held back). A call counts from its frame's arrival until its service
     * has returned, even when its caller cancelled it or its deadline passed before, so no sequence of
     * frames (cancelling each call as soon as it is sent included) runs more calls at once.
     */
    public Builder maxCallsInFlight(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxCallsInFlight: " + max + " (expected: >= 1)");
      }
      this.maxCallsInFlight = max;
      return this;
    }

    /**
     * The most sessions (channels) one connection may have open at once (100 by default). A host holds a
     * connection to this many, and to at most half of its {@code maxConcurrentSessions} (at least one), so
     * that one connection cannot hold more of its memory than this, nor take every session it has and refuse
     * everyone else. It refuses a session beyond that with STATUS CONNECTION_FULL (docs/tcp-protocol.md),
     * before it counts it. A client opens another connection to the same host and port for its channels
     * beyond its own limit, or beyond what the host refused on a connection, so one client still gets every
     * session of the host over several connections.
     */
    public Builder maxSessionsPerConnection(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxSessionsPerConnection: " + max + " (expected: >= 1)");
      }
      this.maxSessionsPerConnection = max;
      return this;
    }

    /** Event-loop threads (1 by default). */
    public Builder eventLoopThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("eventLoopThreads: " + threads + " (expected: >= 1)");
      }
      this.eventLoopThreads = threads;
      return this;
    }

    /** Whether to use the native epoll transport when it is available (true by default). */
    public Builder nativeTransport(boolean use) {
      this.nativeTransport = use;
      return this;
    }

    /**
     * Completes asynchronous calls on the event loop instead of a virtual thread: faster, but the
     * caller's continuations then run on the I/O thread and must not block (like grpc's direct executor).
     * By default they run on virtual threads, those of one read on one, in order (see the class's threading).
     */
    public Builder directCompletions() {
      this.directCompletions = true;
      return this;
    }

    /**
     * Presents incoming calls to the service on the event loop instead of a virtual thread: faster for
     * services that never block (TASK and BEGIN_END shapes), like grpc's direct executor; a SYNC service
     * still runs on the host's executor. By default the host moves each call's service code, whatever its
     * shape, to its executor in one hand-off from the event loop (see the class's threading).
     */
    public Builder directDispatch() {
      this.directDispatch = true;
      return this;
    }

    /** Gives every channel a connection of its own, instead of sharing one per host and port. */
    public Builder connectionPerChannel() {
      this.sharedConnections = false;
      return this;
    }

    /** The binding. */
    public TcpBinding build() {
      return new TcpBinding(new Settings(maxMessageSize, handshakeTimeout, idleTimeout, maxCallsInFlight,
          eventLoopThreads, nativeTransport, directCompletions, directDispatch, sharedConnections,
          maxSessionsPerConnection), tls);
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + ": " + d + " (expected: > 0)");
      }
      return d;
    }
  }
}
