package dev.courier.rpc.tcp;

import static dev.courier.rpc.tcp.Frames.CANCEL;
import static dev.courier.rpc.tcp.Frames.DECLARED_DETAIL;
import static dev.courier.rpc.tcp.Frames.EXCEPTION_DETAIL;
import static dev.courier.rpc.tcp.Frames.FAULT;
import static dev.courier.rpc.tcp.Frames.MESSAGE_TOO_LARGE;
import static dev.courier.rpc.tcp.Frames.NO_DETAIL;
import static dev.courier.rpc.tcp.Frames.ONE_WAY;
import static dev.courier.rpc.tcp.Frames.REPLY;
import static dev.courier.rpc.tcp.Frames.REQUEST;
import static dev.courier.rpc.tcp.Frames.SESSION_CLOSE;
import static dev.courier.rpc.tcp.Frames.SESSION_OPEN;

import dev.courier.io.CompletionRoutine;
import dev.courier.io.IoCompletionParams;
import dev.courier.io.IoContextKey;
import dev.courier.io.IoControlCode;
import dev.courier.io.IoDevice;
import dev.courier.io.IoQueue;
import dev.courier.io.IoRequest;
import dev.courier.io.IoStatus;
import dev.courier.io.IoTarget;
import dev.courier.io.SendOptions;
import dev.courier.rpc.ExceptionDetail;
import dev.courier.rpc.FaultException;
import dev.courier.rpc.OperationDescription;
import dev.courier.rpc.spi.Invocation;
import dev.courier.rpc.spi.RpcStatus;
import dev.courier.rpc.spi.Session;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Supplier;

/**
 * The calls the other end of a connection sent to this one: it decodes each, hands it to its session, writes
 * its answer, and holds the peer back, never refusing a one-way call, at {@code maxCallsInFlight} and while
 * the connection has no room for answers.
 *
 * <p>Threading: frames arrive, and held frames run, on the connection's event loop; a session takes its calls
 * there (its user code goes off it, or with {@code directDispatch()} runs there). Answers are written from
 * whatever thread completes a call; those that must wait for room are written on the event loop.
 */
final class IncomingCalls {
  private static final System.Logger LOG = System.getLogger(TcpBinding.class.getName());
  private static final IoControlCode CALL = IoControlCode.of(0x8C11, 1, IoControlCode.TransferMethod.NEITHER, 0);

  /** The key of an incoming call's request context, until the session's queue hands the invocation on. */
  private static final IoContextKey<Incoming> INCOMING = IoContextKey.of("courier.tcp incoming call", Incoming.class);

  private final TcpPeer peer;
  private final TcpBinding.Settings settings;
  private final Map<Long, Incoming> calls = new ConcurrentHashMap<>();   // the peer's calls that count
  private volatile boolean readsPaused;       // at the cap: the rest wait in the connection
  private final ArrayDeque<ByteBuf> held = new ArrayDeque<>();              // event loop only
  private final Set<OperationDescription> droppedWarned = new HashSet<>();  // event loop only
  /** Answers that wait, not yet encoded, for room in the outbound buffer; their calls count until written. */
  private final Queue<Runnable> unwritten = new ConcurrentLinkedQueue<>();

  IncomingCalls(TcpPeer peer, TcpBinding.Settings settings) {
    this.peer = peer;
    this.settings = settings;
  }

  /**
   * A call the peer sent, in the connection's table of incoming calls: it counts against
   * {@code maxCallsInFlight} from its frame's arrival until its request has completed (its answer written)
   * and, once a session took it, its service has finished ({@link Invocation#onServiceFinished}). A caller's
   * cancel or a deadline completes a request at once while its service may still run: the call keeps its
   * place until the service returns, so no sequence of frames runs more calls at once than the limit.
   * Its id is not reused while it is in the table.
   */
  private final class Incoming implements Runnable {
    private static final AtomicIntegerFieldUpdater<Incoming> HOLDS =
        AtomicIntegerFieldUpdater.newUpdater(Incoming.class, "holds");

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
      if (HOLDS.decrementAndGet(this) == 0 && calls.remove(key, this)) {
        resumeReadsUnderTheCap();
        peer.closeIfDrained();        // a one-way may call back over this connection until it ends
      }
    }
  }

  /** Whether no call of the peer counts here any more. */
  boolean isEmpty() {
    return calls.isEmpty();
  }

  /** Whether this end stopped reading the connection: at the cap, or with no room for answers. */
  boolean readsPaused() {
    return readsPaused;
  }

  /**
   * Where the calls of a session go: a queue that runs on the event loop, where the session takes each call
   * ({@code dispatchFromEventLoop}: its user code goes to the host's executor, or to {@code batched}; with
   * {@code directDispatch()}, {@code dispatch}: it runs here).
   */
  IoTarget localTarget(Session session, int id, java.util.concurrent.Executor batched) {
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
          session.dispatchFromEventLoop(r, batched);     // no service code on the event loop
        }
      } catch (RuntimeException | Error e) {
        if (taken != null) {
          taken.serviceFinished();      // a session that throws runs nothing: the call's place is free again
        }
        throw e;                        // the queue reports it and completes the request
      }
    }).build();
    IoDevice device = IoDevice.builder("courier.tcp session " + id).defaultQueue(queue).build();
    return device.openTarget(peer.clock());
  }

  // =============================================================================================
  // Holding the peer back
  // =============================================================================================

  /** The frames that wait while the connection is held back: everything that starts or steers the peer's calls. */
  private static boolean heldBack(int type) {
    return type == REQUEST || type == ONE_WAY || type == CANCEL || type == SESSION_OPEN || type == SESSION_CLOSE;
  }

  /**
   * Whether frame {@code in} of {@code type} must wait: at the cap, or with no room for answers, frames decoded
   * from bytes read before the pause wait here, in order, so that the cap holds however many small frames one
   * read brought, and no call starts while its answer could not be written; answers to this side's own calls
   * still go through. A frame that waits is kept here. Runs on the event loop.
   */
  boolean holdBack(Channel ch, int type, ByteBuf in) {
    if (heldBack(type) && (readsPaused || !held.isEmpty() || !ch.isWritable()
        || (type == ONE_WAY && pauseAtTheCap()))) {
      held.add(in);
      return true;
    }
    return false;
  }

  /** Runs the frames held back, in order, until the cap is reached again. Runs on the event loop. */
  private void runHeldFrames() {
    ChannelHandlerContext ctx = peer.context();
    ByteBuf next;
    while (!readsPaused && !peer.refusingFrames() && ctx.channel().isWritable() && (next = held.peek()) != null) {
      if (next.getUnsignedByte(next.readerIndex()) == ONE_WAY && pauseAtTheCap()) {
        return;                       // a one-way call is never refused: it waits until a call finishes
      }
      peer.onFrame(ctx, held.poll());
    }
  }

  private int callsRunning() {
    return calls.size();
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
      updateAutoRead(peer.channel());
    }
    return readsPaused;
  }

  private void resumeReadsUnderTheCap() {
    Channel ch = peer.channel();
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
  void updateAutoRead(Channel ch) {
    ch.config().setAutoRead(ch.isWritable() && !readsPaused);
  }

  /** The connection is writable again: the answers that wait go out, then the calls held back start. */
  void onWritable() {
    writeAnswersWhileWritable();
    runHeldFrames();
  }

  // =============================================================================================
  // Calls
  // =============================================================================================

  /** A REQUEST or ONE_WAY frame of {@code session}, whose call id and type are read. Runs on the event loop. */
  void onRequest(int session, int callId, boolean oneWay, ByteBuf in) {
    if ((callId & 1) == (peer.isServer() ? 0 : 1)) {
      throw new WireCodec.WireException("call id " + callId + " has the parity of this side's own calls");
    }
    Long key = Frames.key(session, callId);
    if (calls.containsKey(key)) {
      throw new WireCodec.WireException("call id " + callId + " of session " + session + " is in flight already"
          + " (expected: a new call id; an id is not reused while its call is in flight)");
    }
    PeerSessions.PeerSession ps = peer.session(session);
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
      args = contract.readArguments(peer.input().of(in), op);
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
    calls.put(key, call);
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

  /** The peer's CANCEL of call {@code callId} of {@code session}: its service sees it. */
  void cancel(int session, int callId) {
    Incoming call = calls.get(Frames.key(session, callId));
    if (call != null) {
      call.cancel();
    }
  }

  /** The peer closed {@code session}: its calls' services see a cancel. */
  void cancelSession(int session) {
    for (Map.Entry<Long, Incoming> e : List.copyOf(calls.entrySet())) {
      if (Frames.session(e.getKey()) == session) {
        e.getValue().cancel();
      }
    }
  }

  /**
   * The connection closed. Held-back one-way calls were received whole and their sender was told they were
   * sent: they still run (at most what one read brought), before the sessions end; nothing else held matters
   * any more. The answers that waited only end their calls now, and every call's service sees its caller go.
   * Runs on the event loop.
   */
  void onInactive(ChannelHandlerContext ctx) {
    readsPaused = false;
    writeAnswersWhileWritable();
    for (ByteBuf frame; (frame = held.poll()) != null; ) {
      if (frame.getUnsignedByte(frame.readerIndex()) == ONE_WAY) {
        peer.onFrame(ctx, frame);
      } else {
        frame.release();
      }
    }
  }

  /** Every call of the peer's service sees its caller go away. */
  void cancelAll() {
    for (Incoming call : List.copyOf(calls.values())) {
      call.cancel();
    }
  }

  // =============================================================================================
  // Calls not run
  // =============================================================================================

  /**
   * A call of an operation on which the session's two contracts disagree (they said so when it opened): not
   * run, and its arguments not read. A REQUEST gets a fault that names the difference; a ONE_WAY is logged.
   */
  private void refuseDisagreeingCall(int session, int callId, boolean oneWay, OperationDescription op, String why) {
    String reason = why + "; the call was not run";
    if (oneWay) {
      logDropped(op, () -> "one-way call " + callId + " of session " + session + " from " + peer.remoteName()
          + " dropped: " + reason);
      return;
    }
    answerFault(session, callId, FaultException.CONTRACT_MISMATCH, reason);
  }

  /**
   * A call whose frame type and operation disagree on one-way (the two sides' contracts differ): not run.
   * A REQUEST gets a fault that says why; a ONE_WAY has no answer to carry one, so this side logs it.
   */
  private void refuseMismatchedCall(PeerSessions.PeerSession ps, int session, int callId, OperationDescription op) {
    String why = op.isOneWay()
        ? "operation " + op.name() + " of contract " + ps.contract().name() + " is one-way: it is sent as ONE_WAY"
            + " and never answered, not as a REQUEST (the client's contract and the service's disagree on oneWay);"
            + " the call was not run"
        : "operation " + op.name() + " of contract " + ps.contract().name() + " answers its calls: it is sent as"
            + " a REQUEST, not as ONE_WAY (the client's contract and the service's disagree on oneWay); the call"
            + " was not run";
    if (!op.isOneWay()) {
      logDropped(op, () -> "call " + callId + " of session " + session + " from " + peer.remoteName() + ": " + why);
      return;
    }
    answerFault(session, callId, FaultException.SENDER, why);
  }

  /**
   * Logs a one-way call dropped because the two sides' contracts disagree: a WARNING for the first of each
   * operation on this connection, DEBUG after it, so that a peer's flood of such frames cannot flood the log.
   * Runs on the event loop.
   */
  private void logDropped(OperationDescription op, Supplier<String> message) {
    LOG.log(droppedWarned.add(op) ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG, message);
  }

  /**
   * The arguments of a call do not decode by the operation's parameter types: the caller gets a fault that
   * says so, and the service never sees the call. A one-way call cannot be answered: it is dropped and logged.
   */
  private void argumentsUnreadable(int session, int callId, boolean oneWay, OperationDescription op, String why) {
    String reason = "the arguments of " + op.name() + " could not be read: " + why;
    if (oneWay) {
      logDropped(op, () -> "one-way call from " + peer.remoteName() + " dropped: " + reason);
      return;
    }
    answerFault(session, callId, FaultException.DESERIALIZATION_FAILED, reason);
  }

  /** Answers a call with a fault of {@code code} that carries no detail. */
  private void answerFault(int session, int callId, String code, String reason) {
    ByteBuf fault = peer.frame(FAULT, session, callId);
    WireCodec.writeString(fault, code);
    WireCodec.writeString(fault, reason);
    WireCodec.writeVarint(fault, 0);
    Frames.finish(fault);
    peer.write(fault);
  }

  private void answerStatus(int session, int callId, boolean oneWay, IoStatus status) {
    if (oneWay) {
      return;
    }
    peer.write(peer.statusFrame(session, callId, status, ""));
  }

  // =============================================================================================
  // Answers
  // =============================================================================================

  /** Writes the answer of an incoming call when its request completes. */
  private final class Answer implements CompletionRoutine<Invocation> {
    private final int session;
    private final int callId;
    private final OperationDescription op;
    private final SessionContract encoding;
    private final PeerSessions.Arrivals arrivals;  // a one-way call's session
    private final Incoming call;

    Answer(int session, int callId, OperationDescription op, SessionContract encoding, PeerSessions.Arrivals arrivals,
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
        answerLater(() -> answerAndRelease(params, inv));
        return;
      }
      answerAndRelease(params, inv);   // a closed connection: the answer only ends its call
    }

    private void answerAndRelease(IoCompletionParams params, Invocation inv) {
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
      if (!peer.isOpen()) {
        return;
      }
      IoStatus status = params.status();
      ByteBuf frame;
      if (status.equals(IoStatus.SUCCESS)) {
        frame = peer.frame(REPLY, session, callId);
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
        frame = peer.statusFrame(session, callId, status, "");
      }
      int max = settings.maxMessageSize();
      if (Frames.size(frame) > max) {
        // A peer with the same limit would refuse it and close the connection: a fault that fits goes instead.
        int size = Frames.size(frame);
        frame.release();
        frame = faultFrame(new FaultException(MESSAGE_TOO_LARGE, "the answer of " + op.name() + " is " + size
            + " bytes (expected: at most " + max + ")", null));
        if (Frames.size(frame) > max) {
          frame.release();
          frame = faultFrame(new FaultException(MESSAGE_TOO_LARGE, "", null));
        }
      }
      Frames.finish(frame);
      peer.write(frame);
    }

    private ByteBuf faultFrame(FaultException fault) {
      ByteBuf frame = peer.frame(FAULT, session, callId);
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
    Channel ch = peer.channel();
    return ch.isActive() && (!ch.isWritable() || !unwritten.isEmpty());
  }

  /** Queues an answer that {@link #answerMustWait() must wait}, and writes it at once if room came meanwhile. */
  private void answerLater(Runnable write) {
    Channel ch = peer.channel();
    unwritten.add(write);
    if (ch.isWritable() || !ch.isActive()) {
      // Room came back, or the connection closed (its last drain may have run already), between the check and
      // the queueing: the answer must not wait for a change that has happened.
      try {
        ch.eventLoop().execute(this::writeAnswersWhileWritable);
      } catch (RejectedExecutionException e) {
        writeAnswersWhileWritable();  // the event loop has ended with its connection: answers only end their calls
      }
    }
  }

  /** Writes the answers that wait while the connection has room. Runs on the event loop. */
  private void writeAnswersWhileWritable() {
    Channel ch = peer.channel();
    Runnable write;
    while ((ch.isWritable() || !ch.isActive()) && (write = unwritten.poll()) != null) {
      write.run();
    }
  }
}
