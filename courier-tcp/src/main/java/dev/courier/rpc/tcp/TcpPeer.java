package dev.courier.rpc.tcp;

import dev.courier.io.CompletionRoutine;
import dev.courier.io.IoClock;
import dev.courier.io.IoCompletionParams;
import dev.courier.io.IoControlCode;
import dev.courier.io.IoDevice;
import dev.courier.io.IoQueue;
import dev.courier.io.IoRequest;
import dev.courier.io.IoStatus;
import dev.courier.io.IoTarget;
import dev.courier.io.IoTargets;
import dev.courier.io.PurgeAction;
import dev.courier.io.SendOptions;
import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.ExceptionDetail;
import dev.courier.rpc.FaultException;
import dev.courier.rpc.OperationDescription;
import dev.courier.rpc.Peer;
import dev.courier.rpc.spi.Endpoint;
import dev.courier.rpc.spi.Invocation;
import dev.courier.rpc.spi.RpcStatus;
import dev.courier.rpc.spi.Session;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One end of a Courier TCP connection (docs/tcp-protocol.md): it sends the calls of its sessions, runs the
 * calls the other end sends, and keeps the two apart by call id parity.
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
  private static final IoControlCode CALL = IoControlCode.of(0x8C11, 1, IoControlCode.TransferMethod.NEITHER, 0);

  static final int REQUEST = 0x01;
  static final int ONE_WAY = 0x02;
  static final int REPLY = 0x03;
  static final int FAULT = 0x04;
  static final int STATUS = 0x05;
  static final int CANCEL = 0x06;
  static final int PING = 0x07;
  static final int PONG = 0x08;
  static final int GO_AWAY = 0x09;
  static final int SESSION_OPEN = 0x0A;
  static final int SESSION_CLOSE = 0x0B;
  static final int METADATA_GET = 0x0C;
  static final int METADATA = 0x0D;
  static final int HEALTH_GET = 0x0E;
  static final int HEALTH = 0x0F;

  /**
   * The STATUS answering a SESSION_OPEN beyond the sessions one connection may hold (docs/tcp-protocol.md):
   * the connection is full, not the host, and the client opens the session on another connection.
   */
  static final IoStatus CONNECTION_FULL = IoStatus.of(0xE0C1_0001);

  /** The STATUS answering a SESSION_OPEN or METADATA_GET that names a path no endpoint of the port serves. */
  static final IoStatus NOT_FOUND = IoStatus.of(0xC000_0034);     // STATUS_OBJECT_NAME_NOT_FOUND

  /** The fault code of a call or an answer above the sender's maximum message size. */
  static final String MESSAGE_TOO_LARGE = "MessageTooLarge";

  /** The fault detail kind of a fault without detail. */
  static final long NO_DETAIL = 0;
  /** The fault detail kind of a declared fault: its name, then its record. */
  static final long DECLARED_DETAIL = 1;
  /** The fault detail kind of an {@link ExceptionDetail} (a host that includes exception detail in faults). */
  static final long EXCEPTION_DETAIL = 0xFFFF_FFFFL;

  /**
   * Told by the frame decoder, in the order of the frames: a REPLY or FAULT frame of {@code length} bytes,
   * above the maximum message size, answered call {@code callId}; its bytes are skipped.
   */
  record OversizedAnswer(int callId, long length) {}

  static final int GO_AWAY_NO_ERROR = 0;
  static final int GO_AWAY_PROTOCOL_ERROR = 1;
  static final int GO_AWAY_UNSUPPORTED_VERSION = 2;
  static final int GO_AWAY_MESSAGE_TOO_LARGE = 3;
  static final int GO_AWAY_IDLE = 4;

  private final TcpBinding.Settings settings;
  private final WireInput input;                // event loop only: each frame it decodes, with its budget
  private final boolean server;
  private final Routes routes;                // server: the endpoints of the port, by path
  private final IoClock clock;
  private final EventLoopBatches completions;   // where user code runs off the event loop, by default
  private final AtomicInteger nextCallId;
  private final AtomicInteger nextSessionId = new AtomicInteger(1);
  private final Map<Integer, Outgoing> outgoing = new ConcurrentHashMap<>();
  private final Map<Long, Incoming> incoming = new ConcurrentHashMap<>();   // the peer's calls that count
  private final Map<Integer, PeerSession> sessions = new ConcurrentHashMap<>();
  private final Map<Integer, CompletableFuture<Void>> sessionOpens = new ConcurrentHashMap<>();
  private final Map<Integer, CompletableFuture<String>> metadataRequests = new ConcurrentHashMap<>();
  /** Client: the contracts of the sessions whose SESSION_OPEN is not answered yet. */
  private final Map<Integer, ContractDescription> opening = new ConcurrentHashMap<>();
  /** Server, event loop only: the agreements reached on this connection, by the client signature they answer. */
  private final Map<AgreementKey, SessionContract> agreements = new HashMap<>();

  /** An agreement is the same for the same endpoint and the same client signature. */
  private record AgreementKey(Endpoint endpoint, java.nio.ByteBuffer signature) {}
  private final AtomicInteger openSessions = new AtomicInteger();   // client: sessions the server accepted
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private volatile Channel channel;
  private volatile Peer remote;               // who is at the other end, once known
  private volatile String closedBecause;      // why the connection closed, when this end knows
  private volatile String remoteName = "the peer";
  private volatile boolean readsPaused;       // one-way messages at the cap: the rest wait in the connection
  private volatile boolean refusingFrames;    // this side closes the connection (GO_AWAY): no frame runs any more
  private final java.util.ArrayDeque<ByteBuf> held = new java.util.ArrayDeque<>();   // event loop only
  private final java.util.Set<OperationDescription> droppedWarned = new java.util.HashSet<>();   // event loop only
  /** Answers that wait, not yet encoded, for room in the outbound buffer; their calls count until written. */
  private final java.util.Queue<Runnable> unwritten = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private volatile ChannelHandlerContext context;
  private volatile boolean pingOutstanding;
  private volatile boolean goingAway;
  private volatile boolean draining;          // server: the listener closed
  private final java.util.concurrent.atomic.AtomicBoolean goneAway = new java.util.concurrent.atomic.AtomicBoolean();

  /** A call this end sent and waits on. */
  private final class Outgoing implements dev.courier.io.CancelRoutine, io.netty.channel.ChannelFutureListener {
    private final IoRequest request;
    private final OperationDescription operation;
    private final int session;
    private final int callId;
    private final SessionContract contract;   // how its answer is read
    private boolean written;                  // event loop only: its REQUEST frame went out

    Outgoing(IoRequest request, OperationDescription operation, int session, int callId, SessionContract contract) {
      this.request = request;
      this.operation = operation;
      this.session = session;
      this.callId = callId;
      this.contract = contract;
    }

    IoRequest request() {
      return request;
    }

    OperationDescription operation() {
      return operation;
    }

    int session() {
      return session;
    }

    boolean written() {
      return written;
    }

    /** The caller cancelled: CANCEL goes to the other end. */
    @Override
    public void onCancel(IoRequest r) {
      cancelOutgoing(callId, r);
    }

    /** The REQUEST frame was written, or could not be. */
    @Override
    public void operationComplete(io.netty.channel.ChannelFuture f) {
      if (f.isSuccess()) {
        written = true;
      } else if (outgoing.remove(callId) != null && !request.unmarkCancelable().equals(IoStatus.CANCELLED)) {
        request.complete(IoStatus.DEVICE_REMOVED_NOT_SENT);
      }
    }
  }

  /** The key of an incoming call's request context, until the session's queue hands the invocation on. */
  private static final dev.courier.io.IoContextKey<Incoming> INCOMING =
      dev.courier.io.IoContextKey.of("courier.tcp incoming call", Incoming.class);

  /**
   * A call the peer sent, in the connection's table of incoming calls: it counts against
   * {@code maxCallsInFlight} from its frame's arrival until its request has completed (its answer written)
   * and, once a session took it, its service has finished ({@link Invocation#onServiceFinished}). A caller's
   * cancel or a deadline completes a request at once while its service may still run: the call keeps its
   * place until the service returns, so no sequence of frames runs more calls at once than the limit.
   * Its id is not reused while it is in the table.
   */
  private final class Incoming implements Runnable {
    private static final java.util.concurrent.atomic.AtomicIntegerFieldUpdater<Incoming> HOLDS =
        java.util.concurrent.atomic.AtomicIntegerFieldUpdater.newUpdater(Incoming.class, "holds");

    private final Long key;                   // boxed once, for the table
    private final IoRequest request;
    private final Invocation invocation;
    private final boolean oneWay;
    private volatile int holds = 1;           // its request; one more while a session has it

    Incoming(Long key, IoRequest request, Invocation invocation, boolean oneWay) {
      this.key = key;
      this.request = request;
      this.invocation = invocation;
      this.oneWay = oneWay;
    }

    /** Its session takes the call (on the presenting thread): it holds its place until the service finished. */
    Invocation taken() {
      HOLDS.incrementAndGet(this);
      invocation.onServiceFinished(this);
      return invocation;
    }

    /** Its service has finished. */
    @Override
    public void run() {
      release();
    }

    /** The peer cancelled the call, or went away: the service sees it. A one-way call runs whatever happens. */
    void cancel() {
      if (!oneWay) {
        request.cancelSentRequest();
      }
    }

    /** Its request completed, or its service finished: the last of the two frees its place. */
    void release() {
      if (HOLDS.decrementAndGet(this) == 0 && incoming.remove(key, this)) {
        resumeReadsUnderTheCap();
        closeIfDrained();             // a one-way may call back over this connection until it ends
      }
    }
  }

  /** A session: its calls go to {@code local}, its calls back go through {@code peer}. */
  private record PeerSession(ContractDescription contract, Session session, IoTarget local, IoTarget peer,
      Arrivals arrivals, Agreement agreement) {
    PeerSession(ContractDescription contract, Session session, IoTarget local, IoTarget peer, Agreement agreement) {
      this(contract, session, local, peer, new Arrivals(), agreement);
    }
  }

  /**
   * What the two ends of a session agreed when it opened (their signatures, docs/tcp-protocol.md section 4): set
   * once, by the event loop when the server receives SESSION_OPEN or the client its answer, before any call of
   * the session; read by every call.
   */
  private static final class Agreement {
    volatile SessionContract contract = SessionContract.UNCHECKED;
  }

  /**
   * The one-way calls of a session that have arrived and are not yet accepted by it. A session that ends (its
   * channel closed, or the connection) first lets them in: the caller was told they were sent, and they were.
   */
  private static final class Arrivals {
    private final AtomicInteger unaccepted = new AtomicInteger();
    private final CompletableFuture<Void> none = new CompletableFuture<>();
    private volatile boolean ending;

    void arrived() {
      unaccepted.incrementAndGet();
    }

    void accepted() {
      if (unaccepted.decrementAndGet() == 0 && ending) {
        none.complete(null);
      }
    }

    /** Waits, on the session's closing thread, until every one-way call that arrived has been accepted. */
    void awaitAccepted(Duration limit) {
      ending = true;
      if (unaccepted.get() == 0) {
        return;
      }
      try {
        none.get(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
        LOG.log(System.Logger.Level.WARNING, unaccepted.get() + " one-way calls not accepted within " + limit
            + " of their session's end");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

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
    this.nextCallId = new AtomicInteger(server ? 2 : 1);
  }

  /**
   * The sessions one connection may hold on a host that holds at most {@code hostLimit}: the binding's
   * limit, and at most half the host's (at least one), so that one connection never takes all of a host's
   * sessions and a second peer is still served. A client with more channels opens them on further
   * connections.
   */
  static int sessionShare(int maxSessionsPerConnection, int hostLimit) {
    return Math.min(maxSessionsPerConnection, Math.max(1, hostLimit / 2));
  }

  /**
   * A SESSION_OPEN refused with {@link #CONNECTION_FULL}: this connection holds its share of the host's
   * sessions, and another connection may still open one.
   */
  static final class ConnectionFull extends dev.courier.rpc.CommunicationException {
    private static final long serialVersionUID = 1L;
    private final int openSessions;

    ConnectionFull(String message, int openSessions) {
      super(message, false);
      this.openSessions = openSessions;
    }

    /**
     * The sessions of this side open on the connection when the refusal arrived. None: the server refuses
     * a connection on which it holds no session of ours, and would refuse any other connection the same.
     */
    int openSessions() {
      return openSessions;
    }
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

  int sessionCount() {
    return sessions.size();
  }

  /**
   * Server: the listener closed (its host is closing). The connection closes, with GO_AWAY NO_ERROR, as soon
   * as no call of the peer runs here any more, so that clients connect afresh to whatever listens next.
   */
  void closeWhenIdle() {
    draining = true;
    closeIfDrained();
  }

  private void closeIfDrained() {
    Channel ch = channel;
    if (draining && incoming.isEmpty() && ch != null
        && goneAway.compareAndSet(false, true)) {
      ByteBuf frame = frame(GO_AWAY, 0, 0);
      WireCodec.writeVarint(frame, GO_AWAY_NO_ERROR);
      WireCodec.writeString(frame, "the endpoint is closing");
      finish(frame);
      ch.writeAndFlush(frame).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
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

  // =============================================================================================
  // Sessions (the client opens them; the server answers)
  // =============================================================================================

  /**
   * Where this connection's user code runs off the event loop by default: the completions of its asynchronous
   * calls, and the incoming calls of a host with no executor of its own. Virtual threads: what one pass of the
   * event loop hands over, on one.
   */
  Executor completions() {
    return completions;
  }

  /** Client: opens a session on this connection; {@code callbacks} receives the server's calls back. */
  IoTarget openSession(String path, ContractDescription contract, Endpoint callbacks, Duration timeout) {
    int id = nextSessionId.getAndIncrement();
    Agreement agreement = new Agreement();
    IoTarget target = peerTarget(id, "courier.tcp session " + id, agreement);
    CompletableFuture<Void> opened = new CompletableFuture<>();
    sessionOpens.put(id, opened);
    if (contract != null) {
      opening.put(id, contract);
    }
    if (callbacks != null) {
      Session callbackSession = callbacks.openSession(target, remote());
      sessions.put(id, new PeerSession(callbacks.contract(), callbackSession, localTarget(callbackSession, id), target,
          agreement));
    } else {
      sessions.put(id, new PeerSession(null, null, null, target, agreement));
    }
    ByteBuf frame = frame(SESSION_OPEN, id, 0);
    WireCodec.writeString(frame, path);                                 // which endpoint of the port
    if (contract != null) {
      frame.writeBytes(ContractSignature.of(contract).encoded());       // the server checks every call against it
    }
    finish(frame);
    channel.writeAndFlush(frame);
    try {
      opened.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      dropSession(id);
      throw e.getCause() instanceof RuntimeException re ? re
          : new dev.courier.rpc.CommunicationException("session refused: " + e.getCause(), false);
    } catch (java.util.concurrent.TimeoutException e) {
      abandonOpen(id, opened);
      throw new dev.courier.rpc.CommunicationException("no answer to the session open within " + timeout, false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abandonOpen(id, opened);
      throw new dev.courier.rpc.CommunicationException("interrupted while opening a session", false);
    } finally {
      sessionOpens.remove(id);
    }
    return target;
  }

  /** Client: the opener of session {@code id} stopped waiting; the session is dropped, even if accepted meanwhile. */
  private void abandonOpen(int id, CompletableFuture<Void> opened) {
    if (!opened.cancel(false) && !opened.isCompletedExceptionally()) {
      openSessions.decrementAndGet();         // accepted as the wait ended
    }
    dropSession(id);
  }

  /** Client: the channel of session {@code id} closed. */
  void closeSession(int id) {
    PeerSession ps = sessions.remove(id);
    if (ps != null) {
      openSessions.decrementAndGet();
    }
    if (ps != null && isOpen()) {
      ByteBuf frame = frame(SESSION_CLOSE, id, 0);
      finish(frame);
      channel.writeAndFlush(frame);
    }
    if (ps != null) {
      tearDown(ps);
    }
  }

  /** Client: the channel whose calls go to {@code target} closed. */
  void closeSession(IoTarget target) {
    for (Map.Entry<Integer, PeerSession> e : sessions.entrySet()) {
      if (e.getValue().peer() == target) {
        closeSession(e.getKey());
        return;
      }
    }
  }

  private void dropSession(int id) {
    PeerSession ps = sessions.remove(id);
    if (ps != null) {
      tearDown(ps);
    }
  }

  private void tearDown(PeerSession ps) {
    Thread.ofVirtual().name("courier-tcp-session-close").start(() -> {
      ps.arrivals().awaitAccepted(settings.handshakeTimeout());
      if (ps.session() != null) {
        ps.session().close();
      }
      if (ps.local() != null) {
        ps.local().close();
      }
      ps.peer().close();
    });
  }

  private IoTarget peerTarget(int session, String name, Agreement agreement) {
    return IoTargets.create(name, request -> send(session, agreement, request), clock);
  }

  /**
   * Where the calls of a session go: a queue that runs on the event loop, where the session takes each call
   * ({@code dispatchFromEventLoop}: its user code goes to the host's executor, or to {@link #completions()};
   * with {@code directDispatch()}, {@code dispatch}: it runs here).
   */
  private IoTarget localTarget(Session session, int id) {
    boolean direct = settings.directDispatch();
    IoQueue queue = IoQueue.parallel().onDefault((q, r) -> {
      Invocation taken = null;
      Incoming call = r.context(INCOMING);
      if (call != null) {
        taken = call.taken();           // the session sees the invocation; the call counts until it is done
        r.context(Invocation.KEY, taken);
      }
      try {
        if (direct) {
          session.dispatch(r);
        } else {
          session.dispatchFromEventLoop(r, completions);     // no service code on the event loop
        }
      } catch (RuntimeException | Error e) {
        if (taken != null) {
          taken.serviceFinished();      // a session that throws runs nothing: the call's place is free again
        }
        throw e;                        // the queue reports it and completes the request
      }
    }).build();
    IoDevice device = IoDevice.builder("courier.tcp session " + id).defaultQueue(queue).build();
    return device.openTarget(clock);
  }

  // =============================================================================================
  // Outgoing calls
  // =============================================================================================

  private void send(int session, Agreement agreement, IoRequest request) {
    Invocation inv = request.context(Invocation.KEY);
    if (inv == null || inv.operation() == null) {
      request.complete(IoStatus.INVALID_DEVICE_REQUEST);
      return;
    }
    SessionContract contract = agreement.contract;
    String refusal = contract.callRefusal(inv.operation());
    if (refusal != null) {
      // The two ends' contracts disagree on this operation: it fails here, before anything is sent.
      inv.fault(new FaultException(FaultException.CONTRACT_MISMATCH, refusal + "; the call was not sent", null));
      request.complete(RpcStatus.FAULT);
      return;
    }
    Channel ch = channel;
    if (ch == null || !isOpen()) {
      request.complete(IoStatus.DEVICE_REMOVED_NOT_SENT);
      return;
    }
    OperationDescription op = inv.operation();
    int callId = nextCallId.getAndAdd(2);
    ByteBuf frame = frame(op.isOneWay() ? ONE_WAY : REQUEST, session, callId);
    try {
      long micros = inv.timeoutNanos() == Invocation.NO_DEADLINE ? 0 : Math.max(1, inv.timeoutNanos() / 1000);
      WireCodec.writeVarint(frame, micros);
      WireCodec.writeString(frame, op.action());
      WireCodec.writeVarint(frame, inv.headers().size());
      for (Map.Entry<String, String> h : inv.headers().entrySet()) {
        WireCodec.writeString(frame, h.getKey());
        WireCodec.writeString(frame, h.getValue());
      }
      contract.writeArguments(frame, op, inv.arguments());
      finish(frame);
    } catch (RuntimeException e) {
      frame.release();
      inv.fault(new FaultException("EncodingError", "arguments of " + op.name() + " cannot be encoded: " + e.getMessage(), null));
      request.complete(RpcStatus.FAULT);
      return;
    }
    if (frame.readableBytes() - 4 > settings.maxMessageSize()) {       // the length field, as the receiver checks it
      int size = frame.readableBytes() - 4;
      frame.release();
      inv.fault(new FaultException(MESSAGE_TOO_LARGE, "call to " + op.name() + " is " + size
          + " bytes (expected: at most " + settings.maxMessageSize() + ")", null));
      request.complete(RpcStatus.FAULT);
      return;
    }
    if (op.isOneWay()) {
      sendOneWay(ch, frame, request);
      return;
    }
    Outgoing call = new Outgoing(request, op, session, callId, contract);   // one object: the call, its cancel, its write
    if (request.markCancelable(call).equals(IoStatus.CANCELLED)) {
      frame.release();
      request.complete(IoStatus.CANCELLED);
      return;
    }
    outgoing.put(callId, call);
    ch.writeAndFlush(frame).addListener(call);
  }

  /**
   * A one-way message is accepted once it is queued on a connection with room in its outbound buffer: the
   * caller goes on without waiting for the event loop. On a connection that is not writable (a peer that
   * reads slower than this side sends), the caller waits until its message is written, so a sender cannot
   * make this side buffer without bound.
   */
  private static void sendOneWay(Channel ch, ByteBuf frame, IoRequest request) {
    if (ch.isWritable()) {
      ch.writeAndFlush(frame, ch.voidPromise());
      request.complete(IoStatus.SUCCESS);              // accepted: queued on an open, writable connection
      return;
    }
    // No room: the caller waits until its frame is written (the peer reads slowly, or not at all). It may give
    // up meanwhile, and a channel that closes or aborts cancels it: it is then told CANCELLED at once, though the
    // frame, queued already, may still go out when the peer reads again.
    if (request.markCancelable(r -> r.complete(IoStatus.CANCELLED)).equals(IoStatus.CANCELLED)) {
      frame.release();
      request.complete(IoStatus.CANCELLED);
      return;
    }
    ch.writeAndFlush(frame).addListener(f -> {
      if (!request.unmarkCancelable().equals(IoStatus.CANCELLED)) {
        request.complete(f.isSuccess() ? IoStatus.SUCCESS : IoStatus.DEVICE_REMOVED_NOT_SENT);
      }
    });
  }

  private void cancelOutgoing(int callId, IoRequest request) {
    Outgoing call = outgoing.remove(callId);
    if (call != null && isOpen()) {
      ByteBuf frame = frame(CANCEL, call.session(), callId);
      finish(frame);
      channel.writeAndFlush(frame);
    }
    request.complete(IoStatus.CANCELLED);
  }

  // =============================================================================================
  // Incoming frames
  // =============================================================================================

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    completions.bind(ctx.channel().eventLoop());
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
    if (heldBack(type) && (readsPaused || !held.isEmpty() || !ctx.channel().isWritable()
        || (type == ONE_WAY && pauseAtTheCap()))) {
      // At the cap, or with no room for answers: frames decoded from bytes read before the pause wait here, in
      // order, so that the cap holds however many small frames one read brought, and no call starts while its
      // answer could not be written; answers to this side's own calls still go through.
      held.add(in);
      return;
    }
    onFrame(ctx, in);
  }

  /** The frames that wait while the connection is held back: everything that starts or steers the peer's calls. */
  private static boolean heldBack(int type) {
    return type == REQUEST || type == ONE_WAY || type == CANCEL || type == SESSION_OPEN || type == SESSION_CLOSE;
  }

  /** Runs the frames held back, in order, until the cap is reached again. Runs on the event loop. */
  private void runHeldFrames() {
    ChannelHandlerContext ctx = context;
    ByteBuf next;
    while (!readsPaused && !refusingFrames && ctx.channel().isWritable() && (next = held.peek()) != null) {
      if (next.getUnsignedByte(next.readerIndex()) == ONE_WAY && pauseAtTheCap()) {
        return;                       // a one-way call is never refused: it waits until a call finishes
      }
      onFrame(ctx, held.poll());
    }
  }

  private void onFrame(ChannelHandlerContext ctx, ByteBuf in) {
    try {
      if (in.readableBytes() < 9) {
        throw new WireCodec.WireException("frame of " + in.readableBytes() + " bytes (expected: at least 9)");
      }
      int type = in.readUnsignedByte();
      int session = in.readInt();
      int callId = in.readInt();
      switch (type) {
        case REQUEST, ONE_WAY -> onRequest(session, callId, type == ONE_WAY, in);
        case REPLY, FAULT, STATUS -> onAnswer(type, session, callId, in);
        case CANCEL -> {
          Incoming call = incoming.get(key(session, callId));
          if (call != null) {
            call.cancel();
          }
        }
        case PING -> {
          ByteBuf pong = frame(PONG, 0, 0);
          pong.writeBytes(in, Math.min(8, in.readableBytes()));
          finish(pong);
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
          ctx.close();
        }
        case SESSION_OPEN -> onSessionOpen(session, in);
        case METADATA_GET -> onMetadataGet(callId, in);
        case METADATA, HEALTH -> onMetadata(callId, in);
        case HEALTH_GET -> onHealthGet(callId, in);
        case SESSION_CLOSE -> {
          PeerSession ps = sessions.remove(session);
          if (ps != null) {
            cancelIncoming(session);
            tearDown(ps);
          }
        }
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
    int callId = nextCallId.getAndAdd(2);
    CompletableFuture<String> answer = new CompletableFuture<>();
    metadataRequests.put(callId, answer);
    answer.whenComplete((document, failure) -> metadataRequests.remove(callId, answer));   // a timed-out wait too
    ByteBuf frame = frame(type, 0, callId);
    WireCodec.writeString(frame, path);
    finish(frame);
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
    finish(answer);
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
    finish(answer);
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

  /**
   * Server: the agreement with a client whose signature {@code in} holds; a signature that does not parse is a
   * protocol error. Agreements are kept per signature on the connection: its channels of one contract agree alike.
   */
  private SessionContract agreementWith(Endpoint endpoint, ByteBuf in, ContractSignature mine) {
    AgreementKey key = new AgreementKey(endpoint, java.nio.ByteBuffer.wrap(ByteBufUtil.getBytes(in)));
    SessionContract known = agreements.get(key);
    if (known == null) {
      ContractSignature theirs = ContractSignature.read(in);
      known = new SessionContract(endpoint.contract().callbackContract().orElse(null), endpoint.contract(), mine, theirs,
          false);
      if (agreements.size() < 16) {
        agreements.put(key, known);
      }
    }
    in.skipBytes(in.readableBytes());
    return known;
  }

  /** What a peer that names a path no endpoint of this port serves is told. */
  private String noEndpoint(String path) {
    return "no endpoint at path " + path + " on this port (expected one of " + routes.paths() + ")";
  }

  private void onSessionOpen(int id, ByteBuf in) {
    if (!server) {
      throw new WireCodec.WireException("SESSION_OPEN sent to a client");
    }
    if (sessions.containsKey(id)) {
      throw new WireCodec.WireException("session " + id + " is open already");
    }
    if (draining) {
      // The host is closing: a client that picked this connection from its pool opens the session afresh.
      channel.writeAndFlush(statusFrame(id, 0, IoStatus.INVALID_DEVICE_STATE, "the endpoint is closing"));
      return;
    }
    Endpoint endpoint;
    if (in.isReadable()) {
      String path = WireCodec.readString(in);
      endpoint = routes.endpoint(path);
      if (endpoint == null && routes.closing(path)) {
        channel.writeAndFlush(statusFrame(id, 0, IoStatus.INVALID_DEVICE_STATE, "the endpoint is closing"));
        return;
      }
      if (endpoint == null) {
        channel.writeAndFlush(statusFrame(id, 0, NOT_FOUND, noEndpoint(path)));
        return;
      }
    } else {
      // A SESSION_OPEN that names no path (nor a signature): the port's only endpoint, unchecked.
      java.util.SortedSet<String> paths = routes.paths();
      endpoint = paths.size() == 1 ? routes.endpoint(paths.first()) : null;
      if (endpoint == null && paths.isEmpty() && routes.closing(null)) {
        channel.writeAndFlush(statusFrame(id, 0, IoStatus.INVALID_DEVICE_STATE, "the endpoint is closing"));
        return;
      }
      if (endpoint == null) {
        channel.writeAndFlush(statusFrame(id, 0, NOT_FOUND, "SESSION_OPEN names no path, and this port serves "
            + paths.size() + " endpoints (expected: one of " + paths + ")"));
        return;
      }
    }
    int maxSessions = sessionShare(settings.maxSessionsPerConnection(), endpoint.maxConcurrentSessions());
    if (sessions.size() >= maxSessions) {
      // Refused here, before the host counts it: one connection cannot take all of the host's sessions.
      String limit = maxSessions == settings.maxSessionsPerConnection() ? "the binding's maxSessionsPerConnection"
          : "half of the host's maxConcurrentSessions " + endpoint.maxConcurrentSessions();
      channel.writeAndFlush(statusFrame(id, 0, CONNECTION_FULL, "connection full: this connection has "
          + sessions.size() + " sessions open (expected: at most " + maxSessions + ", " + limit
          + "); open the session on another connection"));
      return;
    }
    Agreement agreement = new Agreement();
    ContractSignature mine = ContractSignature.of(endpoint.contract());
    if (in.isReadable()) {
      agreement.contract = agreementWith(endpoint, in, mine);
    }
    IoTarget peer = peerTarget(id, "courier.tcp callbacks of session " + id, agreement);
    ByteBuf answer;
    try {
      Session session = endpoint.openSession(peer, remote());
      sessions.put(id, new PeerSession(endpoint.contract(), session, localTarget(session, id), peer, agreement));
      answer = frame(STATUS, id, 0);
      answer.writeInt(IoStatus.SUCCESS.value());
      WireCodec.writeString(answer, "");
      answer.writeBytes(mine.encoded());                     // the client checks its calls against it
      finish(answer);
    } catch (RuntimeException e) {
      peer.close();
      answer = statusFrame(id, 0, RpcStatus.SERVER_TOO_BUSY, String.valueOf(e.getMessage()));
    }
    channel.writeAndFlush(answer);
  }

  private void onRequest(int session, int callId, boolean oneWay, ByteBuf in) {
    if ((callId & 1) == (server ? 0 : 1)) {
      throw new WireCodec.WireException("call id " + callId + " has the parity of this side's own calls");
    }
    Long key = key(session, callId);
    if (incoming.containsKey(key)) {
      throw new WireCodec.WireException("call id " + callId + " of session " + session + " is in flight already"
          + " (expected: a new call id; an id is not reused while its call is in flight)");
    }
    PeerSession ps = sessions.get(session);
    long micros = WireCodec.readVarint(in);
    String action = WireCodec.readString(in);
    int headerCount = WireCodec.readCount(in);
    Map<String, String> headers = headerCount == 0 ? Map.of() : new HashMap<>();
    for (int i = 0; i < headerCount; i++) {
      headers.put(WireCodec.readString(in), WireCodec.readString(in));
    }
    if (ps == null || ps.session() == null) {
      answerStatus(session, callId, oneWay, IoStatus.INVALID_DEVICE_STATE);
      return;
    }
    OperationDescription op = ps.contract().operationByAction(action).orElse(null);
    if (op == null) {
      if (!oneWay) {
        answerFault(session, callId, "ActionNotSupported",
            "no operation with action " + action + " in contract " + ps.contract().name());
      }
      return;
    }
    SessionContract contract = ps.agreement().contract;
    String refusal = contract.serveRefusal(op);
    if (refusal != null) {
      refuseDisagreeingCall(session, callId, oneWay, op, refusal);
      return;
    }
    if (op.isOneWay() != oneWay) {
      refuseMismatchedCall(ps, session, callId, op);
      return;
    }
    Object[] args;
    try {
      args = contract.readArguments(input.of(in), op);
      if (in.isReadable()) {
        throw new WireCodec.WireException(in.readableBytes() + " bytes left after the last argument (expected: none)");
      }
    } catch (WireCodec.WireException | IndexOutOfBoundsException e) {
      // A whole frame whose arguments do not decode by this side's contract: that call fails, nothing else.
      argumentsUnreadable(session, callId, oneWay, op, e.getMessage());
      return;
    }
    if (!oneWay && callsRunning() >= settings.maxCallsInFlight()) {
      answerStatus(session, callId, false, RpcStatus.SERVER_TOO_BUSY);
      return;
    }
    long timeout = micros == 0 ? Invocation.NO_DEADLINE : micros * 1000;
    Invocation inv = new Invocation(op, args, headers, timeout);
    IoRequest r = IoRequest.create();
    r.formatDeviceControl(ps.local(), CALL, null, null);
    Incoming call = new Incoming(key, r, inv, oneWay);
    r.context(INCOMING, call);                // the session's queue hands the invocation on (localTarget)
    r.setCompletionRoutine(new Answer(session, callId, op, contract, oneWay ? ps.arrivals() : null, call), inv);
    incoming.put(key, call);
    if (oneWay) {
      ps.arrivals().arrived();
      pauseAtTheCap();
    }
    SendOptions options = timeout == Invocation.NO_DEADLINE ? SendOptions.defaults()
        : SendOptions.withTimeout(Duration.ofNanos(timeout));
    if (!r.send(ps.local(), options)) {       // not sent: no completion routine runs
      if (oneWay) {
        ps.arrivals().accepted();
      }
      answerStatus(session, callId, oneWay, r.status());
      call.release();
    }
  }

  /**
   * A call of an operation on which the session's two contracts disagree (they said so when it opened): not
   * run, and its arguments not read. A REQUEST gets a fault that names the difference; a ONE_WAY is logged.
   */
  private void refuseDisagreeingCall(int session, int callId, boolean oneWay, OperationDescription op, String why) {
    String reason = why + "; the call was not run";
    if (oneWay) {
      logDropped(op, () -> "one-way call " + callId + " of session " + session + " from " + remoteName + " dropped: "
          + reason);
      return;
    }
    answerFault(session, callId, FaultException.CONTRACT_MISMATCH, reason);
  }

  /**
   * A call whose frame type and operation disagree on one-way (the two sides' contracts differ): not run.
   * A REQUEST gets a fault that says why; a ONE_WAY has no answer to carry one, so this side logs it.
   */
  private void refuseMismatchedCall(PeerSession ps, int session, int callId, OperationDescription op) {
    String why = op.isOneWay()
        ? "operation " + op.name() + " of contract " + ps.contract().name() + " is one-way: it is sent as ONE_WAY"
            + " and never answered, not as a REQUEST (the client's contract and the service's disagree on oneWay);"
            + " the call was not run"
        : "operation " + op.name() + " of contract " + ps.contract().name() + " answers its calls: it is sent as"
            + " a REQUEST, not as ONE_WAY (the client's contract and the service's disagree on oneWay); the call"
            + " was not run";
    if (!op.isOneWay()) {
      logDropped(op, () -> "call " + callId + " of session " + session + " from " + remoteName + ": " + why);
      return;
    }
    answerFault(session, callId, FaultException.SENDER, why);
  }

  /**
   * Logs a one-way call dropped because the two sides' contracts disagree: a WARNING for the first of each
   * operation on this connection, DEBUG after it, so that a peer's flood of such frames cannot flood the log.
   * Runs on the event loop.
   */
  private void logDropped(OperationDescription op, java.util.function.Supplier<String> message) {
    LOG.log(droppedWarned.add(op) ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG, message);
  }

  /**
   * The arguments of a call do not decode by the operation's parameter types: the caller gets a fault that
   * says so, and the service never sees the call. A one-way call cannot be answered: it is dropped and logged.
   */
  private void argumentsUnreadable(int session, int callId, boolean oneWay, OperationDescription op, String why) {
    String reason = "the arguments of " + op.name() + " could not be read: " + why;
    if (oneWay) {
      logDropped(op, () -> "one-way call from " + remoteName + " dropped: " + reason);
      return;
    }
    answerFault(session, callId, FaultException.DESERIALIZATION_FAILED, reason);
  }

  /** Answers a call with a fault of {@code code} that carries no detail. */
  private void answerFault(int session, int callId, String code, String reason) {
    ByteBuf fault = frame(FAULT, session, callId);
    WireCodec.writeString(fault, code);
    WireCodec.writeString(fault, reason);
    WireCodec.writeVarint(fault, 0);
    finish(fault);
    channel.writeAndFlush(fault);
  }

  private int callsRunning() {
    return incoming.size();
  }

  /**
   * A one-way message cannot be answered "too busy", so a peer that sends them faster than the service runs
   * them is held back instead: at the cap on calls in flight this end stops reading the connection (the
   * messages wait in the peer's socket and its sender blocks once its buffer is full) and reads again when
   * one finishes. Returns whether reading is paused. Runs on the event loop.
   */
  private boolean pauseAtTheCap() {
    if (!readsPaused && callsRunning() >= settings.maxCallsInFlight()) {
      readsPaused = true;
      // A call that finished between the count and the flag saw no pause to lift: look again.
      if (callsRunning() < settings.maxCallsInFlight()) {
        readsPaused = false;
      }
      updateAutoRead(channel);
    }
    return readsPaused;
  }

  private void resumeReadsUnderTheCap() {
    Channel ch = channel;
    if (readsPaused && callsRunning() < settings.maxCallsInFlight() && ch.isActive()) {
      ch.eventLoop().execute(() -> {
        if (readsPaused && callsRunning() < settings.maxCallsInFlight()) {
          readsPaused = false;
          runHeldFrames();                  // may reach the cap again
          updateAutoRead(ch);
        }
      });
    }
  }

  /** Reads while the connection is writable and one-way messages are under the cap. Runs on the event loop. */
  private void updateAutoRead(Channel ch) {
    ch.config().setAutoRead(ch.isWritable() && !readsPaused);
  }

  /** Writes the answer of an incoming call when its request completes. */
  private final class Answer implements CompletionRoutine<Invocation> {
    private final int session;
    private final int callId;
    private final OperationDescription op;
    private final SessionContract encoding;
    private final Arrivals arrivals;          // a one-way call's session
    private final Incoming call;

    Answer(int session, int callId, OperationDescription op, SessionContract encoding, Arrivals arrivals,
        Incoming call) {
      this.session = session;
      this.callId = callId;
      this.op = op;
      this.encoding = encoding;
      this.arrivals = arrivals;
      this.call = call;
    }

    @Override
    public void onCompletion(IoRequest request, IoTarget target, IoCompletionParams params, Invocation inv) {
      if (!op.isOneWay() && answerMustWait()) {
        // Encoded and written once the connection has room: until then it counts against maxCallsInFlight.
        answerLater(() -> answerAndCloseIfDrained(params, inv));
        return;
      }
      answerAndCloseIfDrained(params, inv);   // a closed connection: the answer only ends its call
    }

    private void answerAndCloseIfDrained(IoCompletionParams params, Invocation inv) {
      try {
        answer(params, inv);
      } finally {
        call.release();               // after the answer: writes keep their order
      }
    }

    private void answer(IoCompletionParams params, Invocation inv) {
      if (op.isOneWay()) {
        arrivals.accepted();          // its service finishing, or not running it, releases it too
        return;
      }
      if (!isOpen()) {
        return;
      }
      IoStatus status = params.status();
      ByteBuf frame;
      if (status.equals(IoStatus.SUCCESS)) {
        frame = frame(REPLY, session, callId);
        try {
          encoding.writeResult(frame, op, inv.reply());
        } catch (RuntimeException e) {
          frame.release();
          frame = faultFrame(new FaultException(FaultException.INTERNAL,
              "the result of " + op.name() + " cannot be encoded: " + e.getMessage(), null));
        }
      } else if (status.equals(RpcStatus.FAULT)) {
        frame = faultFrame(inv.fault());
      } else if (status.equals(IoStatus.CANCELLED) || status.equals(IoStatus.IO_TIMEOUT)) {
        return;                     // the caller has completed its call already
      } else {
        frame = statusFrame(session, callId, status, "");
      }
      if (frame.readableBytes() - 4 > settings.maxMessageSize()) {
        // A peer with the same limit would refuse it and close the connection: a fault that fits goes instead.
        int size = frame.readableBytes() - 4;
        frame.release();
        frame = faultFrame(new FaultException(MESSAGE_TOO_LARGE, "the answer of " + op.name() + " is " + size
            + " bytes (expected: at most " + settings.maxMessageSize() + ")", null));
        if (frame.readableBytes() - 4 > settings.maxMessageSize()) {
          frame.release();
          frame = faultFrame(new FaultException(MESSAGE_TOO_LARGE, "", null));
        }
      }
      finish(frame);
      channel.writeAndFlush(frame);
    }

    private ByteBuf faultFrame(FaultException fault) {
      ByteBuf frame = frame(FAULT, session, callId);
      WireCodec.writeString(frame, fault.code());
      WireCodec.writeString(frame, fault.reason());
      Object detail = fault.detail();
      if (detail instanceof ExceptionDetail) {
        WireCodec.writeVarint(frame, EXCEPTION_DETAIL);
        WireCodec.write(frame, ExceptionDetail.class, detail);
      } else if (!(detail instanceof Record declared) || !op.faults().contains(detail.getClass())) {
        WireCodec.writeVarint(frame, NO_DETAIL);
      } else {
        WireCodec.writeVarint(frame, DECLARED_DETAIL);
        encoding.writeFaultDetail(frame, op, declared);
      }
      return frame;
    }
  }

  /**
   * Whether an answer must wait: it is written at once when the connection has room in its outbound buffer
   * and no answer waits before it (or when the connection has closed, where writing it only ends its call);
   * otherwise it waits, not yet encoded, until the connection is writable again. So a peer that does not
   * read holds at most the outbound buffer's high-water mark in encoded answers (plus what answers racing
   * the check add), and the rest as the results its services returned, at most maxCallsInFlight of them.
   */
  private boolean answerMustWait() {
    Channel ch = channel;
    return ch.isActive() && (!ch.isWritable() || !unwritten.isEmpty());
  }

  /** Queues an answer that {@link #answerMustWait() must wait}, and writes it at once if room came meanwhile. */
  private void answerLater(Runnable write) {
    Channel ch = channel;
    unwritten.add(write);
    if (ch.isWritable() || !ch.isActive()) {
      // Room came back, or the connection closed (its last drain may have run already), between the check and
      // the queueing: the answer must not wait for a change that has happened.
      try {
        ch.eventLoop().execute(this::writeAnswersWhileWritable);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        writeAnswersWhileWritable();  // the event loop has ended with its connection: answers only end their calls
      }
    }
  }

  /** Writes the answers that wait while the connection has room. Runs on the event loop. */
  private void writeAnswersWhileWritable() {
    Channel ch = channel;
    Runnable write;
    while ((ch.isWritable() || !ch.isActive()) && (write = unwritten.poll()) != null) {
      write.run();
    }
  }

  private void answerStatus(int session, int callId, boolean oneWay, IoStatus status) {
    if (oneWay) {
      return;
    }
    channel.writeAndFlush(statusFrame(session, callId, status, ""));
  }

  /** A finished STATUS frame: an outcome that is neither a reply nor a fault, or the answer to SESSION_OPEN. */
  private ByteBuf statusFrame(int session, int callId, IoStatus status, String message) {
    ByteBuf frame = frame(STATUS, session, callId);
    frame.writeInt(status.value());
    WireCodec.writeString(frame, message);
    finish(frame);
    return frame;
  }

  private void onAnswer(int type, int session, int callId, ByteBuf in) {
    if (type == STATUS && callId == 0) {
      onSessionOpened(session, in);   // out of line: this method is on every reply's path, and small enough to inline
      return;
    }
    Outgoing call = outgoing.remove(callId);
    if (call == null) {
      return;                       // cancelled meanwhile, or unknown: ignored
    }
    IoRequest request = call.request();
    Invocation inv = request.context(Invocation.KEY);
    IoStatus status;
    try {
      status = decodeAnswer(type, call, inv, in);
    } catch (WireCodec.WireException | IndexOutOfBoundsException e) {
      if (type != REPLY) {
        throw answerUnreadable(request, e);
      }
      // A whole frame whose result does not decode by this side's contract: that call fails, nothing else.
      inv.failureReason(e.getMessage());
      status = RpcStatus.REPLY_UNREADABLE;
    } catch (RuntimeException e) {
      throw answerUnreadable(request, e);
    }
    if (!request.unmarkCancelable().equals(IoStatus.CANCELLED)) {
      request.complete(status);
    }
  }

  /** Client: the server's answer to a SESSION_OPEN, with its contract's signature when it accepted. */
  private void onSessionOpened(int session, ByteBuf in) {
    CompletableFuture<Void> open = sessionOpens.remove(session);
    ContractDescription contract = opening.remove(session);
    int value = in.readInt();
    String message = WireCodec.readString(in);
    if (open != null) {
      if (value == IoStatus.SUCCESS.value()) {
        PeerSession ps = sessions.get(session);
        if (ps != null && contract != null && in.isReadable()) {
          // The service's signature: calls it would refuse fail here, before they are sent.
          ps.agreement().contract = new SessionContract(contract, ps.contract(), ContractSignature.of(contract),
              ContractSignature.read(in), true);
        }
        openSessions.incrementAndGet();       // counted before its opener sees it (a refusal after it sees the count)
        if (!open.complete(null)) {
          openSessions.decrementAndGet();     // its opener stopped waiting and dropped it
        }
      } else if (value == CONNECTION_FULL.value()) {
        open.completeExceptionally(new ConnectionFull(message, openSessions.get()));
      } else {
        open.completeExceptionally(new dev.courier.rpc.CommunicationException(message, false));
      }
    }
  }

  /** An answer whose frame does not parse: a protocol error, which fails its call too. Returns {@code e}. */
  private static RuntimeException answerUnreadable(IoRequest request, RuntimeException e) {
    // The protocol error closes the connection, and this call, no longer among the outgoing ones that a
    // closing connection fails, must be failed here.
    if (!request.unmarkCancelable().equals(IoStatus.CANCELLED)) {
      request.complete(RpcStatus.CONNECTION_LOST);
    }
    return e;
  }

  private IoStatus decodeAnswer(int type, Outgoing call, Invocation inv, ByteBuf in) {
    WireInput values = input.of(in);
    IoStatus status;
    if (type == REPLY) {
      OperationDescription op = call.operation();
      Object value = call.contract.readResult(values, op);
      if (in.isReadable()) {
        throw new WireCodec.WireException(in.readableBytes() + " bytes left after the result (expected: "
            + (op.hasResult() ? "exactly one " + op.resultType().getTypeName() : "none, the result is void") + ")");
      }
      inv.reply(value);
      status = IoStatus.SUCCESS;
    } else if (type == FAULT) {
      String code = WireCodec.readString(in);
      String reason = WireCodec.readString(in);
      long kind = WireCodec.readVarint(in);
      Object detail = null;
      if (kind == EXCEPTION_DETAIL) {
        detail = exceptionDetail(in, values.budget());
      } else if (kind == DECLARED_DETAIL) {
        detail = call.contract.readFaultDetail(values, call.operation());
      } else if (kind != NO_DETAIL) {
        throw new WireCodec.WireException("fault detail kind " + kind + " (expected: " + NO_DETAIL + ", "
            + DECLARED_DETAIL + " or " + EXCEPTION_DETAIL + ")");
      }
      inv.fault(new FaultException(code, reason, detail));
      status = RpcStatus.FAULT;
    } else {
      status = IoStatus.of(in.readInt());
    }
    return status;
  }

  /** The exception detail of a fault, or {@code null} when it does not decode: the call still gets its fault. */
  private static Object exceptionDetail(ByteBuf in, WireCodec.Budget budget) {
    Object detail;
    try {
      detail = WireCodec.read(in, ExceptionDetail.class, budget);
      if (in.isReadable()) {
        detail = null;
      }
    } catch (WireCodec.WireException | IndexOutOfBoundsException e) {
      detail = null;
    }
    in.skipBytes(in.readableBytes());
    return detail;
  }

  /**
   * An answer above this side's maximum message size, whose bytes the frame decoder skips: its call fails as a
   * reply that could not be read, with both sizes, and every other call on the connection goes on.
   */
  private void onOversizedAnswer(int callId, long length) {
    Outgoing call = outgoing.remove(callId);
    if (call == null) {
      return;                       // cancelled meanwhile, or unknown: ignored, as any answer
    }
    IoRequest request = call.request();
    request.context(Invocation.KEY).failureReason("the reply is " + length + " bytes; expected: at most "
        + settings.maxMessageSize() + ", the maximum message size of this side");
    if (!request.unmarkCancelable().equals(IoStatus.CANCELLED)) {
      request.complete(RpcStatus.REPLY_UNREADABLE);
    }
  }

  // =============================================================================================
  // Connection events
  // =============================================================================================

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof OversizedAnswer big) {
      onOversizedAnswer(big.callId(), big.length());
      return;
    }
    if (evt instanceof IdleStateEvent) {
      if (ctx.pipeline().get(TcpBinding.PreambleHandler.class) != null) {
        return;                     // no frame before the peer's preamble; the handshake timeout rules until then
      }
      boolean heldBack = readsPaused;
      if (pingOutstanding && !heldBack) {
        goAway(ctx, GO_AWAY_IDLE, "no frame within the keep-alive timeout");
        return;
      }
      // Held back by this side, the peer's silence is this side's not reading: no verdict on it, but a PING
      // keeps the peer's own keep-alive from giving up on this side.
      pingOutstanding = !heldBack;
      ByteBuf ping = frame(PING, 0, 0);
      ping.writeLong(System.nanoTime());
      finish(ping);
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
      writeAnswersWhileWritable();
      runHeldFrames();
    }
    updateAutoRead(ctx.channel());
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
      ByteBuf frame = frame(GO_AWAY, 0, 0);
      WireCodec.writeVarint(frame, code);
      WireCodec.writeString(frame, message == null ? "" : message);
      finish(frame);
      ctx.writeAndFlush(frame).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    // Held-back one-way calls were received whole and their sender was told they were sent: they still run
    // (at most what one read brought), before the sessions end. Nothing else held matters any more.
    readsPaused = false;
    writeAnswersWhileWritable();      // the answers that waited only end their calls now
    for (ByteBuf frame; (frame = held.poll()) != null; ) {
      if (frame.getUnsignedByte(frame.readerIndex()) == ONE_WAY) {
        onFrame(ctx, frame);
      } else {
        frame.release();
      }
    }
    closed.complete(null);
    for (Integer id : List.copyOf(outgoing.keySet())) {
      Outgoing call = outgoing.remove(id);
      if (call != null && !call.request().unmarkCancelable().equals(IoStatus.CANCELLED)) {
        call.request().complete(call.written() ? RpcStatus.CONNECTION_LOST : IoStatus.DEVICE_REMOVED_NOT_SENT);
      }
    }
    for (Integer id : List.copyOf(sessionOpens.keySet())) {
      CompletableFuture<Void> f = sessionOpens.remove(id);
      if (f != null) {
        f.completeExceptionally(new dev.courier.rpc.CommunicationException("connection closed", false));
      }
    }
    for (Integer id : List.copyOf(metadataRequests.keySet())) {
      CompletableFuture<String> f = metadataRequests.remove(id);
      if (f != null) {
        f.completeExceptionally(new dev.courier.rpc.CommunicationException("connection closed before the metadata "
            + "arrived: " + closedBecause(), false));
      }
    }
    for (Incoming call : List.copyOf(incoming.values())) {
      call.cancel();                  // the service sees its caller go away
    }
    for (Integer id : List.copyOf(sessions.keySet())) {
      PeerSession ps = sessions.remove(id);
      if (ps != null) {
        ps.peer().purge(PurgeAction.PURGE_IO);
        tearDown(ps);
      }
    }
    super.channelInactive(ctx);
  }

  private void cancelIncoming(int session) {
    for (Map.Entry<Long, Incoming> e : List.copyOf(incoming.entrySet())) {
      if ((int) (e.getKey() >>> 32) == session) {
        e.getValue().cancel();
      }
    }
  }

  // =============================================================================================
  // Frames
  // =============================================================================================

  private static long key(int session, int callId) {
    return ((long) session << 32) | (callId & 0xFFFFFFFFL);
  }

  /** A frame with its header written and the length to fill in by {@link #finish}. */
  private ByteBuf frame(int type, int session, int callId) {
    Channel ch = channel;
    ByteBuf buf = ch != null ? ch.alloc().buffer(64) : io.netty.buffer.Unpooled.buffer(64);
    buf.writeInt(0);
    buf.writeByte(type);
    buf.writeInt(session);
    buf.writeInt(callId);
    return buf;
  }

  private static void finish(ByteBuf frame) {
    frame.setInt(0, frame.readableBytes() - 4);
  }
}
