package dev.courier.rpc.tcp;

import static dev.courier.rpc.tcp.Frames.CANCEL;
import static dev.courier.rpc.tcp.Frames.FAULT;
import static dev.courier.rpc.tcp.Frames.GO_AWAY;
import static dev.courier.rpc.tcp.Frames.GO_AWAY_IDLE;
import static dev.courier.rpc.tcp.Frames.GO_AWAY_MESSAGE_TOO_LARGE;
import static dev.courier.rpc.tcp.Frames.GO_AWAY_NO_ERROR;
import static dev.courier.rpc.tcp.Frames.GO_AWAY_PROTOCOL_ERROR;
import static dev.courier.rpc.tcp.Frames.HEALTH;
import static dev.courier.rpc.tcp.Frames.HEALTH_GET;
import static dev.courier.rpc.tcp.Frames.METADATA;
import static dev.courier.rpc.tcp.Frames.METADATA_GET;
import static dev.courier.rpc.tcp.Frames.NOT_FOUND;
import static dev.courier.rpc.tcp.Frames.ONE_WAY;
import static dev.courier.rpc.tcp.Frames.PING;
import static dev.courier.rpc.tcp.Frames.PONG;
import static dev.courier.rpc.tcp.Frames.REPLY;
import static dev.courier.rpc.tcp.Frames.REQUEST;
import static dev.courier.rpc.tcp.Frames.SESSION_CLOSE;
import static dev.courier.rpc.tcp.Frames.SESSION_OPEN;
import static dev.courier.rpc.tcp.Frames.STATUS;

import dev.courier.io.IoClock;
import dev.courier.io.IoStatus;
import dev.courier.io.IoTarget;
import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.Peer;
import dev.courier.rpc.spi.Endpoint;
import dev.courier.rpc.spi.Session;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * One end of a Courier TCP connection (docs/tcp-protocol.md): its life (the handshake's end, keep-alive,
 * GO_AWAY, draining), its sessions, metadata and health requests, and the routing of each frame. The calls
 * this end sends are {@link OutgoingCalls}; those the other end sends, with the back-pressure that bounds
 * them, are {@link IncomingCalls}; frames are built by {@link Frames}. The two kinds of calls are kept apart
 * by call id parity.
 *
 * <p>Threading: frames are read and decoded on the connection's event loop; no service or caller code runs
 * there unless the binding was told so. Incoming calls are handed to their session through an in-process
 * device whose queue runs on the event loop: the session takes each call there
 * ({@code Session.dispatchFromEventLoop}) and moves its user code off it in one hand-off (to its host's
 * executor, or to {@link #completions()} when the host has none of its own), or, with
 * {@code directDispatch()}, runs it there ({@code Session.dispatch}). Outgoing calls complete their requests
 * from the event loop, and the client call moves its completion to {@link #completions()} for asynchronous
 * shapes. Writes happen from any thread.
 */
final class TcpPeer extends ChannelInboundHandlerAdapter {
  private static final System.Logger LOG = System.getLogger(TcpBinding.class.getName());

  private final TcpBinding.Settings settings;
  private final WireInput input;                // event loop only: each frame it decodes, with its budget
  private final boolean server;
  private final Routes routes;                // server: the endpoints of the port, by path
  private final IoClock clock;
  private final EventLoopBatches completions;   // where user code runs off the event loop, by default
  private final OutboundFrames frames = new OutboundFrames();   // calls and answers, written from any thread
  private final OutgoingCalls outgoing;
  private final IncomingCalls incoming;
  private final PeerSessions sessions;
  private final Map<Integer, CompletableFuture<String>> metadataRequests = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private volatile Channel channel;
  private volatile Peer remote;               // who is at the other end, once known
  private volatile String closedBecause;      // why the connection closed, when this end knows
  private volatile String remoteName = "the peer";
  private volatile boolean refusingFrames;    // this side closes the connection (GO_AWAY): no frame runs any more
  private volatile ChannelHandlerContext context;
  private volatile boolean pingOutstanding;
  private volatile boolean goingAway;
  private volatile boolean peerDrained;       // the peer closed with GO_AWAY NO_ERROR: it ran no call without an answer
  private volatile boolean draining;          // server: the listener closed
  private final java.util.concurrent.atomic.AtomicBoolean goneAway = new java.util.concurrent.atomic.AtomicBoolean();

  /** Server: the endpoints that listen on one port, by path (docs/tcp-protocol.md, SESSION_OPEN). */
  interface Routes {
    /** The endpoint at {@code path}, or {@code null}. */
    Endpoint endpoint(String path);

    /** The paths served, sorted: what a peer that named another path is told. */
    java.util.SortedSet<String> paths();

    /** Whether the endpoint at {@code path} ({@code null}: any) is closing: a peer is told so, not "not found". */
    boolean closing(String path);
  }

  /** A connection's end; {@code threads} starts a virtual thread per task (for {@link #completions()}). */
  TcpPeer(TcpBinding.Settings settings, boolean server, Routes routes, IoClock clock, Executor threads) {
    this.settings = settings;
    this.input = new WireInput(settings.maxMessageSize());
    this.server = server;
    this.routes = routes;
    this.clock = clock;
    this.completions = new EventLoopBatches(threads);
    this.outgoing = new OutgoingCalls(this, server);
    this.incoming = new IncomingCalls(this, settings);
    this.sessions = new PeerSessions(this, settings, routes, incoming, outgoing, completions);
  }

  // What the calls of either side share of the connection.

  TcpBinding.Settings settings() {
    return settings;
  }

  boolean isServer() {
    return server;
  }

  IoClock clock() {
    return clock;
  }

  /** The decoder of frame payloads. Event loop only. */
  WireInput input() {
    return input;
  }

  /** The connection's channel, once active. */
  Channel channel() {
    return channel;
  }

  /**
   * Writes a finished frame of a call, an answer or a cancel (or a {@link OutboundFrames.Listened} one) once the
   * connection is active; from any thread: what other threads write in one burst goes out in one event-loop task.
   */
  void write(Object frame) {
    frames.write(frame);
  }

  /** The pipeline context of this handler, once active. */
  ChannelHandlerContext context() {
    return context;
  }

  /** The other end's address, for messages. */
  String remoteName() {
    return remoteName;
  }

  /** Whether this side has sent GO_AWAY: no frame it reads runs any more. */
  boolean refusingFrames() {
    return refusingFrames;
  }

  /** The open session {@code id}, or {@code null}. */
  PeerSessions.PeerSession session(int id) {
    return sessions.get(id);
  }

  /** Client: opens a session on this connection; {@code callbacks} receives the server's calls back. */
  IoTarget openSession(String path, ContractDescription contract, Endpoint callbacks, Duration timeout) {
    return sessions.open(path, contract, callbacks, timeout);
  }

  /** Client: the channel whose calls go to {@code target} closed. */
  void closeSession(IoTarget target) {
    sessions.close(target);
  }

  /** Whether the peer closed with GO_AWAY NO_ERROR: it ran none of this side's calls that it did not answer. */
  boolean peerDrained() {
    return peerDrained;
  }

  /** Server: whether the listener closed, so that no new session opens here. */
  boolean draining() {
    return draining;
  }

  /** Completes, on the event loop, when the connection has closed. */
  CompletableFuture<Void> closeFuture() {
    return closed;
  }

  /** Why the connection closed, as far as this end knows: a GO_AWAY either way, or the connection's end. */
  String closedBecause() {
    String why = closedBecause;
    return why != null ? why : "the connection to " + remoteName + " closed";
  }

  boolean isOpen() {
    Channel ch = channel;
    return ch != null && ch.isActive() && !closed.isDone() && !goingAway;
  }

  /**
   * Server: the listener closed (its host is closing). The connection closes, with GO_AWAY NO_ERROR, as soon
   * as no call of the peer runs here any more, so that clients connect afresh to whatever listens next.
   */
  void closeWhenIdle() {
    draining = true;
    closeIfDrained();
  }

  /**
   * Server: closes the connection once draining and no call of the peer runs here any more. The GO_AWAY is
   * decided on the event loop, where no call can arrive meanwhile, and no frame read after it runs: so every call
   * of the peer that has no answer when GO_AWAY NO_ERROR reaches it did not run here.
   */
  void closeIfDrained() {
    Channel ch = channel;
    if (!draining || !incoming.isEmpty() || ch == null || goneAway.get()) {
      return;
    }
    if (!ch.eventLoop().inEventLoop()) {
      try {
        ch.eventLoop().execute(this::closeIfDrained);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // the event loop has ended with its connection: nothing to say goodbye on
      }
      return;
    }
    if (goneAway.compareAndSet(false, true)) {
      refusingFrames = true;
      // The client closes the connection once it reads the GO_AWAY. Closing it here instead could reset it while
      // the client's later frames wait unread, and a reset can drop the GO_AWAY before the client reads it; so
      // this side keeps reading (and dropping) frames, and closes only a connection the client keeps open.
      ch.writeAndFlush(Frames.goAway(ch.alloc(), GO_AWAY_NO_ERROR, "the endpoint is closing"));
      ch.eventLoop().schedule(() -> ch.close(), settings.handshakeTimeout().toMillis(),
          java.util.concurrent.TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Who is at the other end: its address and, with TLS, the principal and chain of its verified certificate
   * (none when it presented no certificate). Read once, after the handshake: sessions open only after it.
   */
  Peer remote() {
    Peer p = remote;
    if (p == null) {
      p = describe(channel);
      remote = p;
    }
    return p;
  }

  /** {@code 127.0.0.1:54321} or {@code [::1]:54321}: the IP address and port of a socket address. */
  private static String hostAndPort(java.net.SocketAddress address) {
    if (address instanceof InetSocketAddress socket) {
      String host = socket.getAddress() != null ? socket.getAddress().getHostAddress() : socket.getHostString();
      return bracketed(host) + ":" + socket.getPort();
    }
    return address == null ? "unknown" : address.toString();
  }

  /** A host as it stands in an address: an IPv6 literal in brackets. */
  static String bracketed(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  private static Peer describe(Channel ch) {
    String address = "courier.tcp://" + hostAndPort(ch.remoteAddress());
    SslHandler tls = ch.pipeline().get(SslHandler.class);
    if (tls == null) {
      return Peer.at(address);
    }
    return Peer.authenticated(address, tls.engine().getSession());
  }

  /**
   * Where this connection's user code runs off the event loop by default: the completions of its asynchronous
   * calls, and the incoming calls of a host with no executor of its own. Virtual threads: what one pass of the
   * event loop hands over, on one.
   */
  Executor completions() {
    return completions;
  }

  // =============================================================================================
  // Frames in
  // =============================================================================================

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    completions.bind(ctx.channel().eventLoop());
    frames.bind(ctx.channel());
    channel = ctx.channel();
    context = ctx;
    remoteName = hostAndPort(ctx.channel().remoteAddress());
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    if (refusingFrames) {
      in.release();                   // after a GO_AWAY of this side: what the same read brought runs no call
      return;
    }
    pingOutstanding = false;
    int type = in.readableBytes() >= 9 ? in.getUnsignedByte(in.readerIndex()) : -1;
    if (!incoming.holdBack(ctx.channel(), type, in)) {
      onFrame(ctx, in);
    }
  }

  /** Runs one frame, read now or held back until now, and releases it. Runs on the event loop. */
  void onFrame(ChannelHandlerContext ctx, ByteBuf in) {
    try {
      if (in.readableBytes() < 9) {
        throw new WireCodec.WireException("frame of " + in.readableBytes() + " bytes (expected: at least 9)");
      }
      int type = in.readUnsignedByte();
      int session = in.readInt();
      int callId = in.readInt();
      switch (type) {
        case REQUEST, ONE_WAY -> incoming.onRequest(session, callId, type == ONE_WAY, in);
        case REPLY, FAULT -> outgoing.onAnswer(type, callId, in);
        case STATUS -> {
          if (callId == 0) {
            sessions.onOpened(session, in);
          } else {
            outgoing.onAnswer(type, callId, in);
          }
        }
        case CANCEL -> incoming.cancel(session, callId);
        case PING -> {
          ByteBuf pong = frame(PONG, 0, 0);
          pong.writeBytes(in, Math.min(8, in.readableBytes()));
          Frames.finish(pong);
          ctx.writeAndFlush(pong);
        }
        case PONG -> { }
        case GO_AWAY -> {
          long code = WireCodec.readVarint(in);
          String message = WireCodec.readString(in);
          LOG.log(System.Logger.Level.DEBUG, () -> "peer goes away: " + code + " " + message);
          closedBecause = "the peer at " + remoteName + " went away: " + message
              + (code == GO_AWAY_NO_ERROR ? "" : " (GO_AWAY code " + code + ")");
          goingAway = true;          // never hand this connection to a new channel
          peerDrained = code == GO_AWAY_NO_ERROR;    // its calls without an answer did not run there
          ctx.close();
        }
        case SESSION_OPEN -> sessions.onOpen(session, in);
        case METADATA_GET -> onMetadataGet(callId, in);
        case METADATA, HEALTH -> onMetadata(callId, in);
        case HEALTH_GET -> onHealthGet(callId, in);
        case SESSION_CLOSE -> sessions.onClose(session);
        default -> throw new WireCodec.WireException("unknown frame type " + type);
      }
    } catch (WireCodec.WireException | IndexOutOfBoundsException e) {   // a payload shorter than its fields
      goAway(ctx, GO_AWAY_PROTOCOL_ERROR, e.getMessage());
    } finally {
      in.release();
    }
  }

  /** Client: asks the host for its endpoint's metadata (docs/tcp-protocol.md, METADATA_GET). */
  CompletableFuture<String> requestMetadata(String path) {
    return request(METADATA_GET, path);
  }

  /** Client: asks the host of the endpoint at {@code path} for its health (docs/tcp-protocol.md, HEALTH_GET). */
  CompletableFuture<String> requestHealth(String path) {
    return request(HEALTH_GET, path);
  }

  /** Client: sends a METADATA_GET or HEALTH_GET for {@code path}; completes with the answer's text. */
  private CompletableFuture<String> request(int type, String path) {
    int callId = outgoing.nextCallId();
    CompletableFuture<String> answer = new CompletableFuture<>();
    metadataRequests.put(callId, answer);
    answer.whenComplete((document, failure) -> metadataRequests.remove(callId, answer));   // a timed-out wait too
    ByteBuf frame = frame(type, 0, callId);
    WireCodec.writeString(frame, path);
    Frames.finish(frame);
    channel.writeAndFlush(frame);
    if (closed.isDone()) {
      answer.completeExceptionally(new dev.courier.rpc.CommunicationException("connection closed: " + closedBecause(), false));
    }
    return answer;
  }

  /** Server: answers a metadata request with the endpoint's document, or a status saying why there is none. */
  private void onMetadataGet(int callId, ByteBuf in) {
    if (!server) {
      throw new WireCodec.WireException("METADATA_GET sent to a client");
    }
    String path = WireCodec.readString(in);
    Endpoint endpoint = routes.endpoint(path);
    ByteBuf answer = frame(METADATA, 0, callId);
    java.util.Optional<String> document = endpoint == null ? java.util.Optional.empty() : endpoint.metadata();
    if (endpoint == null) {
      answer.writeInt(NOT_FOUND.value());
      WireCodec.writeString(answer, noEndpoint(path));
      WireCodec.writeString(answer, "");
    } else if (document.isEmpty()) {
      answer.writeInt(IoStatus.NOT_SUPPORTED.value());
      WireCodec.writeString(answer, "the host at " + path + " publishes no metadata (expected: "
          + "ServiceHost.Builder.publishMetadata(true))");
      WireCodec.writeString(answer, "");
    } else {
      int at = answer.writerIndex();
      answer.writeInt(0);
      WireCodec.writeString(answer, "");
      WireCodec.writeString(answer, document.get());
      if (answer.readableBytes() - 4 > settings.maxMessageSize()) {
        int size = answer.readableBytes() - 4;
        answer.writerIndex(at);
        answer.writeInt(IoStatus.BUFFER_TOO_SMALL.value());
        WireCodec.writeString(answer, "the metadata document is " + size + " bytes on the wire (expected: at most "
            + "the binding's maxMessageSize " + settings.maxMessageSize() + ")");
        WireCodec.writeString(answer, "");
      }
    }
    Frames.finish(answer);
    channel.writeAndFlush(answer);
  }

  /** Server: answers a health request with the state of the endpoint's host, or a status saying no endpoint is there. */
  private void onHealthGet(int callId, ByteBuf in) {
    if (!server) {
      throw new WireCodec.WireException("HEALTH_GET sent to a client");
    }
    String path = WireCodec.readString(in);
    Endpoint endpoint = routes.endpoint(path);
    ByteBuf answer = frame(HEALTH, 0, callId);
    if (endpoint == null) {
      answer.writeInt(NOT_FOUND.value());
      WireCodec.writeString(answer, noEndpoint(path));
      WireCodec.writeString(answer, "");
    } else {
      answer.writeInt(0);
      WireCodec.writeString(answer, "");
      WireCodec.writeString(answer, endpoint.health().name());
    }
    Frames.finish(answer);
    channel.writeAndFlush(answer);
  }

  /** Client: the answer to a metadata or health request. */
  private void onMetadata(int callId, ByteBuf in) {
    if (server) {
      throw new WireCodec.WireException("METADATA or HEALTH sent to a server");
    }
    int status = in.readInt();
    String message = WireCodec.readString(in);
    String document = WireCodec.readString(in);
    CompletableFuture<String> answer = metadataRequests.remove(callId);
    if (answer == null) {
      return;                         // its requester stopped waiting
    }
    if (status == 0) {
      answer.complete(document);
    } else {
      answer.completeExceptionally(new dev.courier.rpc.CommunicationException(message, false));
    }
  }

  /** What a peer that names a path no endpoint of this port serves is told. */
  String noEndpoint(String path) {
    return "no endpoint at path " + path + " on this port (expected one of " + routes.paths() + ")";
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof Frames.OversizedAnswer big) {
      outgoing.onOversizedAnswer(big.callId(), big.length());
      return;
    }
    if (evt instanceof IdleStateEvent) {
      if (ctx.pipeline().get(TcpBinding.PreambleHandler.class) != null) {
        return;                     // no frame before the peer's preamble; the handshake timeout rules until then
      }
      boolean heldBack = incoming.readsPaused();
      if (pingOutstanding && !heldBack) {
        goAway(ctx, GO_AWAY_IDLE, "no frame within the keep-alive timeout");
        return;
      }
      // Held back by this side, the peer's silence is this side's not reading: no verdict on it, but a PING
      // keeps the peer's own keep-alive from giving up on this side.
      pingOutstanding = !heldBack;
      ByteBuf ping = frame(PING, 0, 0);
      ping.writeLong(System.nanoTime());
      Frames.finish(ping);
      ctx.writeAndFlush(ping);
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    // A peer that does not read cannot make this side buffer without bound: stop reading and starting its
    // calls while the outbound buffer is above its high-water mark; once below, write the answers that wait,
    // then start the calls held back.
    if (ctx.channel().isWritable()) {
      incoming.onWritable();
    }
    incoming.updateAutoRead(ctx.channel());
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause.getCause() instanceof javax.net.ssl.SSLException tls) {
      // a failed TLS handshake or a broken TLS record: nothing more can be written in the clear or in TLS
      LOG.log(System.Logger.Level.DEBUG, () -> "closing connection " + ctx.channel().remoteAddress() + ": " + tls);
      ctx.close();
    } else if (cause instanceof TooLongFrameException) {
      goAway(ctx, GO_AWAY_MESSAGE_TOO_LARGE, cause.getMessage());
    } else if (cause instanceof WireCodec.WireException || cause instanceof io.netty.handler.codec.DecoderException) {
      goAway(ctx, GO_AWAY_PROTOCOL_ERROR, String.valueOf(cause.getMessage()));
    } else {
      LOG.log(System.Logger.Level.DEBUG, "connection error", cause);
      ctx.close();
    }
  }

  private void goAway(ChannelHandlerContext ctx, int code, String message) {
    refusingFrames = true;
    LOG.log(System.Logger.Level.WARNING, "closing connection " + ctx.channel().remoteAddress() + ": " + message);
    closedBecause = "this side closed the connection to " + remoteName + ": " + message;
    if (ctx.channel().isActive()) {
      ctx.writeAndFlush(Frames.goAway(ctx.alloc(), code, message)).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    incoming.onInactive(ctx);
    outgoing.failAll(peerDrained);    // before the close is seen: whoever watches it finds its calls ended
    closed.complete(null);
    for (Integer id : List.copyOf(metadataRequests.keySet())) {
      CompletableFuture<String> f = metadataRequests.remove(id);
      if (f != null) {
        f.completeExceptionally(new dev.courier.rpc.CommunicationException("connection closed before the metadata "
            + "arrived: " + closedBecause(), false));
      }
    }
    incoming.cancelAll();             // the services see their callers go away
    sessions.closeAll();
    super.channelInactive(ctx);
  }

  // =============================================================================================
  // Frames out
  // =============================================================================================

  /** A frame with its header written and the length to fill in by {@link Frames#finish}. */
  ByteBuf frame(int type, int session, int callId) {
    Channel ch = channel;
    return Frames.frame(ch != null ? ch.alloc() : null, type, session, callId);
  }

  /** A finished STATUS frame: an outcome that is neither a reply nor a fault, or the answer to SESSION_OPEN. */
  ByteBuf statusFrame(int session, int callId, IoStatus status, String message) {
    Channel ch = channel;
    return Frames.status(ch != null ? ch.alloc() : null, session, callId, status, message);
  }
}
