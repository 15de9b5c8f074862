package dev.courier.rpc.tcp;

import static dev.courier.rpc.tcp.Frames.CONNECTION_FULL;
import static dev.courier.rpc.tcp.Frames.NOT_FOUND;
import static dev.courier.rpc.tcp.Frames.SESSION_CLOSE;
import static dev.courier.rpc.tcp.Frames.SESSION_OPEN;
import static dev.courier.rpc.tcp.Frames.STATUS;

import dev.courier.io.IoStatus;
import dev.courier.io.IoTarget;
import dev.courier.io.IoTargets;
import dev.courier.io.PurgeAction;
import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.spi.Endpoint;
import dev.courier.rpc.spi.RpcStatus;
import dev.courier.rpc.spi.Session;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sessions of one connection (docs/tcp-protocol.md, SESSION_OPEN and SESSION_CLOSE): a client opens them
 * and waits for the answer; a server checks the endpoint, the connection's share of the host's sessions and
 * the two contracts' signatures, and answers. Each session is the target its calls go to and the target its
 * calls back go to.
 *
 * <p>Threading: a client opens and closes sessions from any thread (an opener blocks until the answer, within
 * its timeout); frames about sessions arrive on the connection's event loop; a session ends on a virtual
 * thread of its own, once its one-way calls that arrived have been accepted.
 */
final class PeerSessions {
  private static final System.Logger LOG = System.getLogger(TcpBinding.class.getName());

  private final TcpPeer peer;
  private final TcpBinding.Settings settings;
  private final TcpPeer.Routes routes;        // server: the endpoints of the port, by path
  private final IncomingCalls incoming;
  private final OutgoingCalls outgoing;
  private final Executor completions;
  private final AtomicInteger nextSessionId = new AtomicInteger(1);
  private final Map<Integer, PeerSession> sessions = new ConcurrentHashMap<>();
  private final Map<Integer, CompletableFuture<Void>> sessionOpens = new ConcurrentHashMap<>();
  /** Client: the contracts of the sessions whose SESSION_OPEN is not answered yet. */
  private final Map<Integer, ContractDescription> opening = new ConcurrentHashMap<>();
  /** Server, event loop only: the agreements reached on this connection, by the client signature they answer. */
  private final Map<AgreementKey, SessionContract> agreements = new HashMap<>();
  private final AtomicInteger openSessions = new AtomicInteger();   // client: sessions the server accepted

  /** An agreement is the same for the same endpoint and the same client signature. */
  private record AgreementKey(Endpoint endpoint, java.nio.ByteBuffer signature) {}

  PeerSessions(TcpPeer peer, TcpBinding.Settings settings, TcpPeer.Routes routes, IncomingCalls incoming,
      OutgoingCalls outgoing, Executor completions) {
    this.peer = peer;
    this.settings = settings;
    this.routes = routes;
    this.incoming = incoming;
    this.outgoing = outgoing;
    this.completions = completions;
  }

  /** A session: its calls go to {@code local}, its calls back go through {@code peer}. */
  record PeerSession(ContractDescription contract, Session session, IoTarget local, IoTarget peer,
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
  static final class Agreement {
    volatile SessionContract contract = SessionContract.UNCHECKED;
  }

  /**
   * The one-way calls of a session that have arrived and are not yet accepted by it. A session that ends (its
   * channel closed, or the connection) first lets them in: the caller was told they were sent, and they were.
   */
  static final class Arrivals {
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
   * A SESSION_OPEN refused with {@link Frames#CONNECTION_FULL}: this connection holds its share of the host's
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

  /** The open session {@code id}, or {@code null}. */
  PeerSession get(int id) {
    return sessions.get(id);
  }

  /** The peer closed session {@code id}: its calls' services see a cancel, and it ends. Runs on the event loop. */
  void onClose(int id) {
    PeerSession ps = sessions.remove(id);
    if (ps != null) {
      incoming.cancelSession(id);
      tearDown(ps);
    }
  }

  /** The connection closed: the opens still waiting fail, and every session ends. Runs on the event loop. */
  void closeAll() {
    for (Integer id : List.copyOf(sessionOpens.keySet())) {
      CompletableFuture<Void> f = sessionOpens.remove(id);
      if (f != null) {
        f.completeExceptionally(new dev.courier.rpc.CommunicationException("connection closed", false));
      }
    }
    for (Integer id : List.copyOf(sessions.keySet())) {
      PeerSession ps = sessions.remove(id);
      if (ps != null) {
        ps.peer().purge(PurgeAction.PURGE_IO);
        tearDown(ps);
      }
    }
  }

  /** Client: opens a session on this connection; {@code callbacks} receives the server's calls back. */
  IoTarget open(String path, ContractDescription contract, Endpoint callbacks, Duration timeout) {
    int id = nextSessionId.getAndIncrement();
    Agreement agreement = new Agreement();
    IoTarget target = peerTarget(id, "courier.tcp session " + id, agreement);
    CompletableFuture<Void> opened = new CompletableFuture<>();
    sessionOpens.put(id, opened);
    if (contract != null) {
      opening.put(id, contract);
    }
    if (callbacks != null) {
      Session callbackSession = callbacks.openSession(target, peer.remote());
      sessions.put(id, new PeerSession(callbacks.contract(), callbackSession,
          incoming.localTarget(callbackSession, id, completions), target, agreement));
    } else {
      sessions.put(id, new PeerSession(null, null, null, target, agreement));
    }
    ByteBuf frame = peer.frame(SESSION_OPEN, id, 0);
    WireCodec.writeString(frame, path);                                 // which endpoint of the port
    if (contract != null) {
      frame.writeBytes(ContractSignature.of(contract).encoded());       // the server checks every call against it
    }
    Frames.finish(frame);
    peer.channel().writeAndFlush(frame);
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
  void close(int id) {
    PeerSession ps = sessions.remove(id);
    if (ps != null) {
      openSessions.decrementAndGet();
    }
    if (ps != null && peer.isOpen()) {
      ByteBuf frame = peer.frame(SESSION_CLOSE, id, 0);
      Frames.finish(frame);
      peer.channel().writeAndFlush(frame);
    }
    if (ps != null) {
      tearDown(ps);
    }
  }

  /** Client: the channel whose calls go to {@code target} closed. */
  void close(IoTarget target) {
    for (Map.Entry<Integer, PeerSession> e : sessions.entrySet()) {
      if (e.getValue().peer() == target) {
        close(e.getKey());
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
    return IoTargets.create(name, request -> outgoing.send(session, agreement, request), peer.clock());
  }

  /** Server: a client opens session {@code id}; it is answered with a STATUS. Runs on the event loop. */
  void onOpen(int id, ByteBuf in) {
    if (!peer.isServer()) {
      throw new WireCodec.WireException("SESSION_OPEN sent to a client");
    }
    if (sessions.containsKey(id)) {
      throw new WireCodec.WireException("session " + id + " is open already");
    }
    if (peer.draining()) {
      // The host is closing: a client that picked this connection from its pool opens the session afresh.
      peer.channel().writeAndFlush(peer.statusFrame(id, 0, IoStatus.INVALID_DEVICE_STATE, "the endpoint is closing"));
      return;
    }
    Endpoint endpoint;
    if (in.isReadable()) {
      String path = WireCodec.readString(in);
      endpoint = routes.endpoint(path);
      if (endpoint == null && routes.closing(path)) {
        peer.channel().writeAndFlush(peer.statusFrame(id, 0, IoStatus.INVALID_DEVICE_STATE, "the endpoint is closing"));
        return;
      }
      if (endpoint == null) {
        peer.channel().writeAndFlush(peer.statusFrame(id, 0, NOT_FOUND, peer.noEndpoint(path)));
        return;
      }
    } else {
      // A SESSION_OPEN that names no path (nor a signature): the port's only endpoint, unchecked.
      java.util.SortedSet<String> paths = routes.paths();
      endpoint = paths.size() == 1 ? routes.endpoint(paths.first()) : null;
      if (endpoint == null && paths.isEmpty() && routes.closing(null)) {
        peer.channel().writeAndFlush(peer.statusFrame(id, 0, IoStatus.INVALID_DEVICE_STATE, "the endpoint is closing"));
        return;
      }
      if (endpoint == null) {
        peer.channel().writeAndFlush(peer.statusFrame(id, 0, NOT_FOUND, "SESSION_OPEN names no path, and this port serves "
            + paths.size() + " endpoints (expected: one of " + paths + ")"));
        return;
      }
    }
    int maxSessions = sessionShare(settings.maxSessionsPerConnection(), endpoint.maxConcurrentSessions());
    if (sessions.size() >= maxSessions) {
      // Refused here, before the host counts it: one connection cannot take all of the host's sessions.
      String limit = maxSessions == settings.maxSessionsPerConnection() ? "the binding's maxSessionsPerConnection"
          : "half of the host's maxConcurrentSessions " + endpoint.maxConcurrentSessions();
      peer.channel().writeAndFlush(peer.statusFrame(id, 0, CONNECTION_FULL, "connection full: this connection has "
          + sessions.size() + " sessions open (expected: at most " + maxSessions + ", " + limit
          + "); open the session on another connection"));
      return;
    }
    Agreement agreement = new Agreement();
    ContractSignature mine = ContractSignature.of(endpoint.contract());
    if (in.isReadable()) {
      agreement.contract = agreementWith(endpoint, in, mine);
    }
    IoTarget callbacks = peerTarget(id, "courier.tcp callbacks of session " + id, agreement);
    ByteBuf answer;
    try {
      Session session = endpoint.openSession(callbacks, peer.remote());
      sessions.put(id, new PeerSession(endpoint.contract(), session, incoming.localTarget(session, id, completions),
          callbacks, agreement));
      answer = peer.frame(STATUS, id, 0);
      answer.writeInt(IoStatus.SUCCESS.value());
      WireCodec.writeString(answer, "");
      answer.writeBytes(mine.encoded());                     // the client checks its calls against it
      Frames.finish(answer);
    } catch (RuntimeException e) {
      callbacks.close();
      answer = peer.statusFrame(id, 0, RpcStatus.SERVER_TOO_BUSY, String.valueOf(e.getMessage()));
    }
    peer.channel().writeAndFlush(answer);
  }


  /** Client: the server's answer to a SESSION_OPEN, with its contract's signature when it accepted. */
  void onOpened(int session, ByteBuf in) {
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
}
