package dev.courier.io;

import dev.courier.io.internal.RoutineScope;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * The one implementation of {@link IoRequest}.
 *
 * <p>Exactly-once completion follows KMDF's completion reference count: an accepted send sets
 * {@code refs} to 1; a cancel, a timer or a target sweep takes a temporary reference only while the
 * count is positive; every path drops its reference, and the thread that drops the last one runs the
 * completion. The lower side (the driver holding the presented request) drops the send's reference
 * when it completes.
 *
 * <p>The cancel state of the "IRP" (the cancel flag a driver sees, and the one cancel-routine slot) lives
 * on the root of a presentation chain: a request presented by a device shares it with the request its
 * sender sent, so a sender's cancel reaches whichever driver currently holds the request.
 */
final class RealIoRequest implements IoRequest, Runnable {
  private static final System.Logger LOG = System.getLogger(IoRequest.class.getName());
  private static final VarHandle REFS;
  private static final VarHandle STATE;
  private static final VarHandle SLOT;
  private static final VarHandle FRAMES;
  private static final VarHandle TIMER;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      REFS = lookup.findVarHandle(RealIoRequest.class, "refs", int.class);
      STATE = lookup.findVarHandle(RealIoRequest.class, "state", State.class);
      SLOT = lookup.findVarHandle(RealIoRequest.class, "slotRoutine", CancelRoutine.class);
      FRAMES = lookup.findVarHandle(RealIoRequest.class, "frames", int.class);
      TIMER = lookup.findVarHandle(RealIoRequest.class, "timer", TimeoutTask.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Where a request sits in its target while in flight. */
  enum ListKind { NONE, QUEUED, SENT, IGNORED }

  private final Origin origin;
  private volatile State state;

  // ---- format (owner-confined) ----
  private IoRequestType fmtType;         // null when unformatted
  private boolean passthrough;           // formatUsingCurrentType
  private RealIoTarget fmtTarget;        // null for passthrough
  private IoControlCode fmtCode;
  private IoBuffer b0;
  private IoBuffer b1;
  private IoBuffer b2;
  private long fmtDeviceOffset;
  private MemorySegment systemBuffer;    // METHOD_BUFFERED bounce, reused while large enough
  private long systemLength;
  private boolean systemBufferSent;      // the system buffer went to a device since it was last filled

  // ---- presentation ----
  private RealIoRequest source;           // the request this one presents (QUEUE_PRESENTED only)
  private PresentationOwner owner;        // told when this presented request is finished
  private RealIoRequest companion;        // this request as presented to a driver, reused per send
  private boolean markedCancelable;      // written only by the handler owning this presentation
  private volatile boolean cancelClaimed; // a cancel took this presentation's cancel routine; never presented again
  @SuppressWarnings("unused") // through FRAMES
  private volatile int frames;            // framework frames (dispatch, handler) that may complete this presentation
  RealIoRequest deferredNext;             // the next presentation waiting on a delivery trampoline
  RealIoTarget deferredTo;                // the target delivering it

  // The context, typed and untyped (the attachment is the context of ATTACHMENT): most requests carry one
  // value at most, in these two fields; several are keys and values in pairs in an array under SEVERAL.
  private IoContextKey<?> contextKey;
  private Object contextValue;

  // ---- routine ----
  private CompletionRoutine<Object> routine;
  private Object context;

  // ---- results ----
  private volatile IoStatus status = IoStatus.SUCCESS;
  private long information;
  private final IoCompletionParams params = new IoCompletionParams();

  // ---- cancel ----
  private volatile boolean cancelRequested;   // sticky until reuse
  private volatile boolean irpCancel;         // the IRP's cancel flag (meaningful on a chain root)
  private volatile CancelRoutine slotRoutine; // the IRP's cancel routine (on a chain root)
  private volatile RealIoRequest slotRequest; // the request handed to slotRoutine

  // ---- in flight ----
  @SuppressWarnings("unused") // through REFS
  private volatile int refs;
  RealIoTarget sentTo;
  ListKind listKind = ListKind.NONE;          // guarded by sentTo's lock
  RealIoRequest prev;                         // guarded by the lock of the list holding this request
  RealIoRequest next;
  private SendOptions sendOptions = SendOptions.defaults();
  private volatile TimeoutTask timer;         // the newest send's armed timeout, or null
  private volatile int timerDropped;          // the generation whose timeout a start dropped
  private volatile boolean timedOut;
  private volatile int generation;
  private volatile boolean syncDone;
  private Thread syncWaiter;                  // the synchronous sender, released after the routine

  // ---- a completion handed to an executor ----
  private CompletionRoutine<Object> pendingRoutine;
  private Object pendingContext;
  private RealIoTarget pendingTarget;
  private Thread pendingWaiter;
  private ListKind pendingKind;

  private RealIoRequest(Origin origin, RealIoRequest source) {
    this.origin = origin;
    this.source = source;
    this.state = State.UNFORMATTED;
  }

  static RealIoRequest create() {
    return new RealIoRequest(Origin.CREATED, null);
  }

  static RealIoRequest cast(IoRequest request) {
    if (request instanceof RealIoRequest real) {
      return real;
    }
    throw new IllegalArgumentException(
        "request: " + request + " (expected: a request made by IoRequest.create() or presented by Courier)");
  }

  /**
   * This request as a driver sees it: a presented request whose completion completes this one. The object is
   * reused from send to send, unless a framework frame that may still complete its previous presentation (a
   * dispatch or handler call that has not returned, and completes the request if it throws) is on a stack: then
   * this send gets a new object, so that the frame's completion cannot reach it.
   */
  RealIoRequest presentation(PresentationOwner owner) {
    RealIoRequest q = companion;
    if (q == null || (int) FRAMES.getVolatile(q) != 0) {
      q = new RealIoRequest(Origin.QUEUE_PRESENTED, this);
      companion = q;
    }
    q.present(owner);
    return q;
  }

  /** A framework frame that completes this presented request if its handler throws begins. */
  void enterFrame() {
    FRAMES.getAndAdd(this, 1);
  }

  /** The frame begun by {@link #enterFrame()} has ended. */
  void exitFrame() {
    FRAMES.getAndAdd(this, -1);
  }

  /** Whether the send in flight is synchronous: its sender waits for it. */
  boolean isSynchronousSend() {
    return sendOptions.synchronous();
  }

  /** A fresh presented request for a send-and-forget, completing this request's sender directly. */
  private RealIoRequest forgottenPresentation() {
    return new RealIoRequest(Origin.QUEUE_PRESENTED, source);
  }

  private void present(PresentationOwner owner) {
    releaseFormat();
    this.owner = owner;
    this.contextKey = null;
    this.contextValue = null;
    this.routine = null;
    this.context = null;
    this.cancelRequested = false;
    this.markedCancelable = false;
    this.status = IoStatus.SUCCESS;
    this.information = 0;
    this.sentTo = null;
    this.params.reset(IoRequestType.NO_FORMAT, null, null, null, null);
    this.state = State.UNFORMATTED;
  }

  void setOwner(PresentationOwner owner) {
    this.owner = owner;
  }

  // =============================================================================================
  // Formatting
  // =============================================================================================

  @Override
  public IoStatus formatRead(IoTarget target, IoBuffer buffer, long deviceOffset) {
    requireDeviceOffset(deviceOffset);
    return doFormat(target, IoRequestType.READ, null, buffer, null, null, deviceOffset);
  }

  @Override
  public IoStatus formatWrite(IoTarget target, IoBuffer buffer, long deviceOffset) {
    requireDeviceOffset(deviceOffset);
    return doFormat(target, IoRequestType.WRITE, null, buffer, null, null, deviceOffset);
  }

  @Override
  public IoStatus formatDeviceControl(IoTarget target, IoControlCode code, IoBuffer input, IoBuffer output) {
    Objects.requireNonNull(code, "code");
    return doFormat(target, IoRequestType.DEVICE_CONTROL, code, input, output, null, 0);
  }

  @Override
  public IoStatus formatInternalDeviceControl(
      IoTarget target, IoControlCode code, IoBuffer input, IoBuffer output) {
    Objects.requireNonNull(code, "code");
    return doFormat(target, IoRequestType.DEVICE_CONTROL_INTERNAL, code, input, output, null, 0);
  }

  @Override
  public IoStatus formatInternalDeviceControlOthers(
      IoTarget target, IoControlCode code, IoBuffer argument1, IoBuffer argument2, IoBuffer argument4) {
    Objects.requireNonNull(code, "code");
    return doFormat(target, IoRequestType.OTHER, code, argument1, argument2, argument4, 0);
  }

  @Override
  public IoStatus format(IoTarget target, IoFormat format) {
    Objects.requireNonNull(format, "format");
    return doFormat(target, format.type(), format.code(), format.first(), format.second(), format.third(),
        format.deviceOffset());
  }

  private static void requireDeviceOffset(long deviceOffset) {
    if (deviceOffset < 0) {
      throw new IllegalArgumentException("deviceOffset: " + deviceOffset + " (expected: >= 0)");
    }
  }

  private IoStatus doFormat(IoTarget target, IoRequestType type, IoControlCode code,
      IoBuffer first, IoBuffer second, IoBuffer third, long deviceOffset) {
    RealIoTarget t = RealIoTarget.cast(target);
    checkOwned();
    if (isInFlight()) {
      return IoStatus.INVALID_DEVICE_REQUEST;
    }
    if ((first != null && !first.fits()) || (second != null && !second.fits())
        || (third != null && !third.fits())) {
      unformat();
      return IoStatus.INTEGER_OVERFLOW;
    }
    if ((type == IoRequestType.DEVICE_CONTROL || type == IoRequestType.DEVICE_CONTROL_INTERNAL)
        && code.method() == IoControlCode.TransferMethod.BUFFERED) {
      checkSystemBufferSize(first, second);   // before anything changes: a rejected format leaves no trace
    }
    IoStatus accepted = t.accepts(type, code);
    if (!accepted.isSuccess()) {
      unformat();
      return accepted;
    }
    // Pin the new memory before releasing the old, so that a reformat with the same memory keeps it pinned.
    if (first != null && first != b0) first.memory().pin();
    if (second != null && second != b1) second.memory().pin();
    if (third != null && third != b2) third.memory().pin();
    if (b0 != null && b0 != first) b0.memory().unpin();
    if (b1 != null && b1 != second) b1.memory().unpin();
    if (b2 != null && b2 != third) b2.memory().unpin();
    b0 = first;
    b1 = second;
    b2 = third;
    fmtType = type;
    fmtCode = code;
    fmtTarget = t;
    fmtDeviceOffset = deviceOffset;
    passthrough = false;
    params.reset(type, code, first, second, third);
    if (isBuffered()) {
      fillSystemBuffer();
    }
    state = State.FORMATTED;
    return IoStatus.SUCCESS;
  }

  private boolean isBuffered() {
    // A passthrough request has the type of the request it presents but no code or system buffer of its own.
    return !passthrough
        && (fmtType == IoRequestType.DEVICE_CONTROL || fmtType == IoRequestType.DEVICE_CONTROL_INTERNAL)
        && fmtCode.method() == IoControlCode.TransferMethod.BUFFERED;
  }

  private static void checkSystemBufferSize(IoBuffer input, IoBuffer output) {
    long size = Math.max(input == null ? 0 : input.transferLength(), output == null ? 0 : output.transferLength());
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("buffered device-control buffers: " + size + " bytes (expected: < 2 GiB)");
    }
  }

  private void fillSystemBuffer() {
    long in = b0 == null ? 0 : b0.transferLength();
    long out = b1 == null ? 0 : b1.transferLength();
    long size = Math.max(in, out);
    if (systemBuffer == null || systemBuffer.byteSize() < size) {
      systemBuffer = MemorySegment.ofArray(new byte[(int) size]);
    }
    systemLength = size;
    systemBufferSent = false;
    if (in > 0) {
      MemorySegment.copy(b0.memory().segment(), b0.offset(), systemBuffer, 0, in);
    }
    if (out > in) {
      systemBuffer.asSlice(in, out - in).fill((byte) 0);
    }
  }

  @Override
  public void formatUsingCurrentType() {
    checkOwned();
    if (origin != Origin.QUEUE_PRESENTED) {
      throw new IllegalStateException(
          "formatUsingCurrentType: only a presented request can be forwarded as presented (this one was created)");
    }
    if (isInFlight()) {
      throw new IllegalStateException("formatUsingCurrentType: request is " + state);
    }
    releaseFormat();
    passthrough = true;
    fmtType = source.effective().fmtType;
    params.reset(IoRequestType.NO_FORMAT, null, null, null, null);
    state = State.FORMATTED;
  }

  @Override
  public IoStatus changeTarget(IoTarget target) {
    RealIoTarget t = RealIoTarget.cast(target);
    checkOwned();
    if (isInFlight()) {
      return IoStatus.INVALID_DEVICE_REQUEST;
    }
    if (!t.isOpen()) {
      return IoStatus.INVALID_DEVICE_STATE;
    }
    if (fmtType != null) {
      IoRequestType type = passthrough ? effective().fmtType : fmtType;
      IoControlCode code = passthrough ? effective().fmtCode : fmtCode;
      if (type != null) {
        IoStatus accepted = t.accepts(type, code);
        if (!accepted.isSuccess()) {
          return accepted;
        }
      }
      if (!passthrough) {
        fmtTarget = t;
      }
    }
    return IoStatus.SUCCESS;
  }

  private void unformat() {
    releaseFormat();
    params.reset(IoRequestType.NO_FORMAT, null, null, null, null);
    if (state == State.FORMATTED) {
      state = State.UNFORMATTED;
    }
  }

  private void releaseFormat() {
    if (b0 != null) b0.memory().unpin();
    if (b1 != null) b1.memory().unpin();
    if (b2 != null) b2.memory().unpin();
    b0 = b1 = b2 = null;
    fmtType = null;
    fmtCode = null;
    fmtTarget = null;
    fmtDeviceOffset = 0;
    passthrough = false;
    systemLength = 0;
  }

  /** The request whose format defines what a driver sees: this one, or the one it presents. */
  private RealIoRequest effective() {
    RealIoRequest r = this;
    while ((r.fmtType == null || r.passthrough) && r.source != null) {
      r = r.source;
    }
    return r;
  }

  // =============================================================================================
  // Completion routine and sending
  // =============================================================================================

  @Override
  @SuppressWarnings("unchecked")
  public <C> void setCompletionRoutine(CompletionRoutine<? super C> routine, C context) {
    checkOwned();
    if (isInFlight()) {
      throw new IllegalStateException("setCompletionRoutine: request is " + state + " (expected: not in flight)");
    }
    this.routine = (CompletionRoutine<Object>) routine;
    this.context = routine == null ? null : context;
  }

  @Override
  public boolean send(IoTarget target, SendOptions options) {
    RealIoTarget t = RealIoTarget.cast(target);
    SendOptions opts = options == null ? SendOptions.defaults() : options;
    checkOwned();
    if (isInFlight()) {
      throw new IllegalStateException("request already sent: it is " + state + " on target " + sentTo.name());
    }
    if (opts.sendAndForget()) {
      return sendAndForget(t);
    }
    if (opts.synchronous()) {
      RoutineScope.checkMayBlock("a synchronous send");
    } else if (origin == Origin.QUEUE_PRESENTED && routine == null) {
      return refuse(IoStatus.INVALID_DEVICE_REQUEST);
    }
    if (fmtType == null || (!passthrough && fmtTarget != t)) {
      return refuse(IoStatus.REQUEST_NOT_ACCEPTED);
    }
    if (systemBufferSent && isBuffered()) {
      fillSystemBuffer();    // a resend without a new format: the device may have overwritten the input
    }
    systemBufferSent = true;   // before the target can see the request
    sendOptions = opts;
    timedOut = false;
    int gen = generation + 1;
    generation = gen;
    if (opts.synchronous()) {
      syncDone = false;
      syncWaiter = Thread.currentThread();
    } else {
      syncWaiter = null;
    }
    IoStatus outcome = t.submit(this, opts.ignoreTargetState());
    if (!outcome.equals(RealIoTarget.DELIVER) && !outcome.equals(RealIoTarget.QUEUED)) {   // by value, not identity
      syncWaiter = null;
      systemBufferSent = false;
      return refuse(outcome);
    }
    if (opts.hasTimeout()) {
      armTimer(t, opts, gen);
    }
    if (outcome.equals(RealIoTarget.DELIVER)) {
      t.deliver(this);
    }
    if (opts.synchronous()) {
      awaitCompletion();
    }
    return true;
  }

  private boolean refuse(IoStatus why) {
    status = why;
    return false;
  }

  private boolean sendAndForget(RealIoTarget t) {
    if (origin == Origin.CREATED) {
      return refuse(IoStatus.INVALID_DEVICE_STATE);
    }
    if (fmtType != null && !passthrough) {
      return refuse(IoStatus.INVALID_DEVICE_REQUEST);
    }
    if (!t.isOpen()) {
      return refuse(IoStatus.INVALID_DEVICE_STATE);
    }
    RealIoRequest down = forgottenPresentation();
    if (source.companion == this) {
      source.companion = null;   // never present a forgotten object again: it stays FORGOTTEN for its holder
    }
    dropCancelMark();
    PresentationOwner presenter = owner;
    owner = null;
    releaseFormat();
    state = State.FORGOTTEN;
    if (presenter != null) {
      presenter.finished(this);
    }
    t.deliverForgotten(down);
    return true;
  }

  /** Called under the target's lock when the target accepts this request. */
  void accepted(RealIoTarget t, State newState) {
    sentTo = t;
    status = IoStatus.PENDING;
    REFS.setRelease(this, 1);
    state = newState;
  }

  void markSent() {
    state = State.SENT;
  }

  /**
   * Arms the timeout of send {@code gen}. Scheduling may take a while (a clock's own lock), during which this
   * send may complete and the request be sent again from its routine: a timer is installed only over an older
   * send's, and cancels itself when its send completed, or was delivered by a start, before it was installed.
   */
  private void armTimer(RealIoTarget t, SendOptions opts, int gen) {
    IoClock clock = t.clock();
    long delay = opts.deadline() != null
        ? java.time.Duration.between(clock.instant(), opts.deadline()).toNanos()
        : opts.timeout().toNanos();
    TimeoutTask task = new TimeoutTask(this, gen);
    task.scheduled = clock.schedule(task, delay);
    for (;;) {
      TimeoutTask current = timer;
      if (current != null && current.generation - gen > 0) {
        task.cancel();      // a later send's timer is armed already
        return;
      }
      if (TIMER.compareAndSet(this, current, task)) {
        if (current != null) {
          current.cancel();   // an earlier send's, left by a send that was still arming it
        }
        break;
      }
    }
    if (generation != gen || (int) REFS.getAcquire(this) == 0 || timerDropped == gen) {
      TIMER.compareAndSet(this, task, null);   // completed, or delivered by a start, before the timer was armed
      task.cancel();
    }
  }

  /** Drops the timeout of a queued request that a start delivers (KMDF does not re-arm it). */
  void dropTimerOnResubmit() {
    if (sendOptions.synchronous()) {
      return;     // a synchronous caller's wait keeps its timeout
    }
    timerDropped = generation;    // before reading the timer: a send still arming it cancels it itself
    TimeoutTask armed = timer;
    if (armed != null && TIMER.compareAndSet(this, armed, null)) {
      armed.cancel();
    }
  }

  /** The timeout of one send; its handle is set once scheduled, before anyone else can see the task. */
  private static final class TimeoutTask implements Runnable {
    final RealIoRequest request;
    final int generation;
    volatile IoClock.Scheduled scheduled;

    TimeoutTask(RealIoRequest request, int generation) {
      this.request = request;
      this.generation = generation;
    }

    @Override
    public void run() {
      request.onTimeout(generation);
    }

    void cancel() {
      IoClock.Scheduled s = scheduled;
      if (s != null) {
        s.cancel();
      }
    }
  }

  private void onTimeout(int gen) {
    if (generation != gen || !tryAcquireRef()) {
      return;
    }
    if (generation != gen) {
      releaseRef();
      return;
    }
    timedOut = true;
    cancelRequested = true;
    irpCancel();
    releaseRef();
  }

  private void awaitCompletion() {
    boolean interrupted = false;
    while (!syncDone) {
      LockSupport.park(this);
      if (Thread.interrupted() && !interrupted) {
        interrupted = true;
        cancelSentRequest();    // an interrupted synchronous sender cancels its request and waits for it
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public CompletableFuture<IoResult> sendAsync(IoTarget target, SendOptions options) {
    RealIoTarget.cast(target);       // a bad target fails before the registered routine is replaced
    FutureRoutine future = new FutureRoutine(this);
    setCompletionRoutine(future, null);
    if (!send(target, options)) {
      routine = null;
      future.complete(new IoResult(status, 0));
    }
    return future;
  }

  private static final class FutureRoutine extends CompletableFuture<IoResult>
      implements CompletionRoutine<Object> {
    private final RealIoRequest request;

    FutureRoutine(RealIoRequest request) {
      this.request = request;
    }

    @Override
    public void onCompletion(IoRequest req, IoTarget target, IoCompletionParams params, Object context) {
      complete(new IoResult(params.status(), params.information()));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      // Cancel the future first: cancelling the request may complete it at once, which would otherwise
      // complete this future normally, so that cancel() returned false and the outcome depended on a race.
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      if (cancelled) {
        request.cancelSentRequest();
      }
      return cancelled;
    }
  }

  // =============================================================================================
  // Cancellation
  // =============================================================================================

  @Override
  public boolean cancelSentRequest() {
    checkOwned();
    cancelRequested = true;
    if (!tryAcquireRef()) {
      return false;
    }
    boolean reached = irpCancel();
    releaseRef();
    return reached;
  }

  /** A cancel by the target (stop, purge, close) of a request whose reference the caller holds. */
  void cancelHeld() {
    cancelRequested = true;
    irpCancel();
    releaseRef();
  }

  @Override
  public boolean cancelRequested() {
    return cancelRequested;
  }

  private RealIoRequest irpRoot() {
    RealIoRequest r = this;
    while (r.source != null) {
      r = r.source;
    }
    return r;
  }

  /** Sets the IRP's cancel flag and runs the cancel routine if one is installed; returns whether one ran. */
  private boolean irpCancel() {
    RealIoRequest root = irpRoot();
    root.irpCancel = true;
    CancelRoutine r = (CancelRoutine) SLOT.getAndSet(root, (CancelRoutine) null);
    if (r == null) {
      return false;
    }
    RealIoRequest holder = root.slotRequest;
    holder.claimedByCancel();
    try {
      r.onCancel(holder);
    } catch (RuntimeException | Error e) {
      // The routine owned the request; unless it completed it before throwing, nobody else will.
      CallbackFailureHandler.report("cancel routine of " + holder + " (the request is completed with STATUS_CANCELLED)", e);
      holder.completeIfOwned(IoStatus.CANCELLED);
    }
    return true;
  }

  /**
   * Records that a cancel took this request's cancel routine, before the routine runs: the handler holding a
   * presented request may call {@link #unmarkCancelable()} at any time after, and the routine's completion
   * must not make the framework present the same object again for the sender's next send, which the handler
   * would then be touching.
   */
  private void claimedByCancel() {
    if (origin == Origin.QUEUE_PRESENTED) {
      cancelClaimed = true;
      if (source.companion == this) {
        source.companion = null;
      }
    }
  }

  /** Installs a cancel routine in the IRP slot; false when the IRP is cancelled already. */
  boolean installCancelRoutine(CancelRoutine r) {
    RealIoRequest root = irpRoot();
    if (root.irpCancel) {
      return false;
    }
    root.slotRequest = this;
    root.slotRoutine = r;
    if (root.irpCancel && SLOT.compareAndSet(root, r, (CancelRoutine) null)) {
      return false;
    }
    return true;
  }

  /**
   * Takes the cancel routine out of the IRP slot if it is still {@code r} installed by this request; false when a
   * cancel claimed it, or when the slot holds a later presentation's routine (one routine object may serve many
   * requests: a queue's). A caller that can race a new installation of {@code r} claims under the lock it installs
   * {@code r} with.
   */
  boolean removeCancelRoutine(CancelRoutine r) {
    RealIoRequest root = irpRoot();
    return root.slotRequest == this && SLOT.compareAndSet(root, r, (CancelRoutine) null);
  }

  @Override
  public IoStatus markCancelable(CancelRoutine routine) {
    Objects.requireNonNull(routine, "routine");
    checkPresented("markCancelable");
    if (markedCancelable) {
      throw new IllegalStateException("markCancelable: request is marked cancelable already");
    }
    if (!installCancelRoutine(routine)) {
      return IoStatus.CANCELLED;
    }
    markedCancelable = true;
    return IoStatus.SUCCESS;
  }

  @Override
  public IoStatus unmarkCancelable() {
    if (origin != Origin.QUEUE_PRESENTED) {
      throw new IllegalStateException("unmarkCancelable: only a presented request can be (un)marked cancelable");
    }
    // The state is read before the claim: a cancel routine records its claim before it can complete the
    // request, so a completion seen here is either the routine's (claimed) or the handler's own.
    State s = state;
    if (cancelClaimed || s == State.DRIVER_COMPLETED) {
      return IoStatus.CANCELLED;   // the cancel routine completes it, or has completed it
    }
    if (s == State.FORGOTTEN) {
      throw new IllegalStateException("request no longer owned: it is " + s);
    }
    if (!markedCancelable) {
      throw new IllegalStateException("unmarkCancelable: request is not marked cancelable");
    }
    markedCancelable = false;
    CancelRoutine current = irpRoot().slotRoutine;
    if (current != null && removeCancelRoutine(current)) {
      return IoStatus.SUCCESS;
    }
    return IoStatus.CANCELLED;     // a cancel took the routine meanwhile
  }

  private void dropCancelMark() {
    if (!cancelClaimed && markedCancelable) {   // once claimed, the mark is the handler's: the routine leaves it
      markedCancelable = false;
      CancelRoutine current = irpRoot().slotRoutine;
      if (current != null) {
        removeCancelRoutine(current);
      }
    }
  }

  @Override
  public boolean isCanceled() {
    return irpRoot().irpCancel;
  }

  // =============================================================================================
  // Completion
  // =============================================================================================

  boolean tryAcquireRef() {
    int r;
    do {
      r = (int) REFS.getVolatile(this);
      if (r <= 0) {
        return false;
      }
    } while (!REFS.compareAndSet(this, r, r + 1));
    return true;
  }

  void releaseRef() {
    int left = (int) REFS.getAndAdd(this, -1) - 1;
    if (left == 0) {
      finishCompletion();
    } else if (left < 0) {
      throw new IllegalStateException("completion reference count went negative: a request completed twice");
    }
  }

  /** The lower side completed this request with a status and information (IoCompleteRequest). */
  void lowerComplete(IoStatus st, long info) {
    if (isBuffered() && b1 != null && info > 0) {
      long n = Math.min(info, Math.min(b1.transferLength(), systemLength));
      MemorySegment.copy(systemBuffer, 0, b1.memory().segment(), b1.offset(), n);
    }
    information = info;
    status = st;
    releaseRef();
  }

  /** A framework failure of a request that never reached a driver (flushed, refused on resubmit, cancelled while queued). */
  void failUndelivered(IoStatus st) {
    information = 0;
    status = st;
    releaseRef();
  }

  private void finishCompletion() {
    if (timer != null) {
      TimeoutTask armed = (TimeoutTask) TIMER.getAndSet(this, (TimeoutTask) null);
      if (armed != null) {
        armed.cancel();
      }
    }
    IoStatus st = status;
    if (timedOut && st.equals(IoStatus.CANCELLED)) {
      st = IoStatus.IO_TIMEOUT;
      status = st;
    }
    params.complete(st, information);
    RealIoTarget t = sentTo;
    CompletionRoutine<Object> r = routine;
    Object ctx = context;
    routine = null;
    context = null;
    Thread waiter = syncWaiter;
    syncWaiter = null;
    Executor executor = sendOptions.completionExecutor();
    ListKind kind = t.completing(this);
    state = State.COMPLETED;
    if (executor != null && r != null) {
      pendingRoutine = r;
      pendingContext = ctx;
      pendingTarget = t;
      pendingWaiter = waiter;
      pendingKind = kind;
      try {
        executor.execute(this);
        return;
      } catch (RejectedExecutionException e) {
        LOG.log(System.Logger.Level.WARNING, "completion executor rejected the routine; running it on the completing thread", e);
        pendingRoutine = null;
        pendingContext = null;
        pendingTarget = null;
        pendingWaiter = null;
      }
    }
    deliverRoutine(r, ctx, t, waiter, kind);
  }


  /** Runs a completion routine handed to a completion executor. */
  @Override
  public void run() {
    CompletionRoutine<Object> r = pendingRoutine;
    Object ctx = pendingContext;
    RealIoTarget t = pendingTarget;
    Thread waiter = pendingWaiter;
    ListKind kind = pendingKind;
    pendingRoutine = null;
    pendingContext = null;
    pendingTarget = null;
    pendingWaiter = null;
    pendingKind = null;
    deliverRoutine(r, ctx, t, waiter, kind);
  }

  private void deliverRoutine(CompletionRoutine<Object> r, Object ctx, RealIoTarget t, Thread waiter, ListKind kind) {
    try {
      if (r != null) {
        int[] depth = RoutineScope.enter();
        try {
          r.onCompletion(this, t, params, ctx);
        } catch (RuntimeException | Error e) {
          CallbackFailureHandler.report("completion routine of " + this + " (the request is completed regardless)", e);
        } finally {
          RoutineScope.exit(depth);
        }
      }
    } finally {
      t.completed(kind);
      if (waiter != null) {
        syncDone = true;
        LockSupport.unpark(waiter);
      }
    }
  }

  // =============================================================================================
  // Presented requests: completion by the handler
  // =============================================================================================

  /**
   * Completes a presented request whose handler (a driver, a queue handler, a cancel routine) threw, if the
   * handler still owned it: not yet sent on, or sent on and back. {@link #complete} decides ownership; a
   * request that is in flight again, or already completed by someone else, is left alone.
   */
  void completeIfOwned(IoStatus st) {
    if (origin != Origin.QUEUE_PRESENTED) {
      return;
    }
    try {
      complete(st);
    } catch (IllegalStateException notOwned) {
      // in flight again, or completed meanwhile
    }
  }

  @Override
  public void complete(IoStatus st, long info) {
    Objects.requireNonNull(st, "status");
    if (info < 0) {
      throw new IllegalArgumentException("information: " + info + " (expected: >= 0)");
    }
    if (origin != Origin.QUEUE_PRESENTED) {
      throw new IllegalStateException(
          "complete: a created request is deleted or reused by its owner, not completed");
    }
    State s = state;
    if (s != State.UNFORMATTED && s != State.FORMATTED && s != State.COMPLETED
        || !STATE.compareAndSet(this, s, State.DRIVER_COMPLETED)) {
      throw new IllegalStateException("complete: request is " + state + " (expected: presented and not in flight)");
    }
    dropCancelMark();
    releaseFormat();
    PresentationOwner presenter = owner;
    owner = null;
    RealIoRequest sender = source;
    if (presenter != null) {
      presenter.finished(this);
    }
    sender.lowerComplete(st, info);
  }

  // =============================================================================================
  // Reuse, deletion, accessors
  // =============================================================================================

  @Override
  public IoStatus reuse(IoStatus newStatus) {
    Objects.requireNonNull(newStatus, "status");
    checkOwned();
    if (isInFlight()) {
      throw new IllegalStateException("reuse: request is " + state + " on target " + sentTo.name()
          + " (expected: completed or never sent)");
    }
    releaseFormat();
    params.reset(IoRequestType.NO_FORMAT, null, null, null, null);
    routine = null;
    context = null;
    contextKey = null;
    contextValue = null;
    cancelRequested = false;
    if (source == null) {
      irpCancel = false;
      slotRoutine = null;
    }
    status = newStatus;
    information = 0;
    if (origin == Origin.CREATED) {
      sentTo = null;
    }
    state = State.UNFORMATTED;
    return IoStatus.SUCCESS;
  }

  @Override
  public void delete() {
    checkOwned();
    if (origin != Origin.CREATED) {
      throw new IllegalStateException("delete: a presented request is completed by its handler, not deleted");
    }
    if (isInFlight()) {
      throw new IllegalStateException("delete: request is " + state + " (expected: completed or never sent)");
    }
    releaseFormat();
    routine = null;
    context = null;
    state = State.DELETED;
  }

  private boolean isInFlight() {
    State s = state;
    return s == State.QUEUED || s == State.SENT;
  }

  private void checkOwned() {
    State s = state;
    if (s == State.DRIVER_COMPLETED || s == State.FORGOTTEN || s == State.DELETED) {
      throw new IllegalStateException("request no longer owned: it is " + s);
    }
  }

  private void checkPresented(String what) {
    if (origin != Origin.QUEUE_PRESENTED) {
      throw new IllegalStateException(what + ": only a presented request can be (un)marked cancelable");
    }
    checkOwned();
  }

  @Override
  public void attach(Object attachment) {
    setContext("attach", ATTACHMENT, attachment);
  }

  @Override
  public Object attachment() {
    return context(ATTACHMENT);
  }

  @Override
  public <T> void context(IoContextKey<T> key, T value) {
    setContext("context", Objects.requireNonNull(key, "key"), value == null ? null : key.cast(value));
  }

  @Override
  public <T> T context(IoContextKey<T> key) {
    for (RealIoRequest r = this; r != null; r = r.source) {
      Object v = r.ownContext(key);
      if (v != null) {
        return key.cast(v);
      }
    }
    return null;
  }

  /** The untyped context: what {@link #attach} sets. */
  private static final IoContextKey<Object> ATTACHMENT = IoContextKey.of("attachment", Object.class);
  /** The key under which a request holding several contexts keeps them, in pairs. */
  private static final IoContextKey<Object[]> SEVERAL = IoContextKey.of("several", Object[].class);

  private Object ownContext(IoContextKey<?> key) {
    IoContextKey<?> k = contextKey;
    if (k == key) {
      return contextValue;
    }
    if (k == SEVERAL) {
      Object[] pairs = (Object[]) contextValue;
      for (int i = 0; i < pairs.length; i += 2) {
        if (pairs[i] == key) {
          return pairs[i + 1];
        }
      }
    }
    return null;
  }

  private void setContext(String what, IoContextKey<?> key, Object value) {
    checkOwned();
    if (isInFlight()) {
      throw new IllegalStateException(what + ": request is " + state + " (expected: not in flight)");
    }
    IoContextKey<?> k = contextKey;
    if (k == null || k == key) {
      contextKey = value == null ? null : key;
      contextValue = value;
    } else if (k == SEVERAL) {
      Object[] pairs = (Object[]) contextValue;
      for (int i = 0; i < pairs.length; i += 2) {
        if (pairs[i] == key) {
          pairs[i + 1] = value;
          return;
        }
      }
      if (value != null) {
        Object[] more = java.util.Arrays.copyOf(pairs, pairs.length + 2);
        more[pairs.length] = key;
        more[pairs.length + 1] = value;
        contextValue = more;
      }
    } else if (value != null) {
      contextValue = new Object[] {k, contextValue, key, value};
      contextKey = SEVERAL;
    }
  }

  @Override
  public Origin origin() {
    return origin;
  }

  @Override
  public State state() {
    return state;
  }

  @Override
  public IoStatus status() {
    return status;
  }

  @Override
  public long information() {
    return information;
  }

  @Override
  public IoCompletionParams completionParams() {
    return params;
  }

  @Override
  public IoTarget target() {
    return fmtTarget != null ? fmtTarget : sentTo;
  }

  @Override
  public IoRequestType type() {
    RealIoRequest e = effective();
    return e.fmtType == null ? IoRequestType.NO_FORMAT : e.fmtType;
  }

  @Override
  public long length() {
    RealIoRequest e = effective();
    return (e.fmtType == IoRequestType.READ || e.fmtType == IoRequestType.WRITE) && e.b0 != null
        ? e.b0.transferLength() : 0;
  }

  @Override
  public long deviceOffset() {
    return effective().fmtDeviceOffset;
  }

  @Override
  public IoControlCode ioControlCode() {
    return effective().fmtCode;
  }

  @Override
  public long inputLength() {
    RealIoRequest e = effective();
    if (e.fmtType == IoRequestType.READ) {
      return 0;
    }
    return e.b0 == null ? 0 : e.b0.transferLength();
  }

  @Override
  public long outputLength() {
    RealIoRequest e = effective();
    if (e.fmtType == IoRequestType.READ) {
      return e.b0 == null ? 0 : e.b0.transferLength();
    }
    if (e.fmtType == IoRequestType.WRITE || e.fmtType == IoRequestType.OTHER) {
      return 0;
    }
    return e.b1 == null ? 0 : e.b1.transferLength();
  }

  @Override
  public MemorySegment inputBuffer() {
    RealIoRequest e = effective();
    if (e.isBuffered()) {
      return e.systemBuffer.asSlice(0, e.b0 == null ? 0 : e.b0.transferLength());
    }
    IoBuffer b = switch (e.fmtType == null ? IoRequestType.NO_FORMAT : e.fmtType) {
      case WRITE, DEVICE_CONTROL, DEVICE_CONTROL_INTERNAL -> e.b0;
      default -> null;
    };
    if (b == null) {
      throw new IllegalStateException("inputBuffer: a " + type() + " request with no input buffer");
    }
    return b.memory().segment().asSlice(b.offset(), b.transferLength());
  }

  @Override
  public MemorySegment outputBuffer() {
    RealIoRequest e = effective();
    if (e.isBuffered()) {
      return e.systemBuffer.asSlice(0, e.b1 == null ? 0 : e.b1.transferLength());
    }
    IoBuffer b = switch (e.fmtType == null ? IoRequestType.NO_FORMAT : e.fmtType) {
      case READ -> e.b0;
      case DEVICE_CONTROL, DEVICE_CONTROL_INTERNAL -> e.b1;
      default -> null;
    };
    if (b == null) {
      throw new IllegalStateException("outputBuffer: a " + type() + " request with no output buffer");
    }
    return b.memory().segment().asSlice(b.offset(), b.transferLength());
  }

  @Override
  public IoBuffer otherArgument(int index) {
    RealIoRequest e = effective();
    if (e.fmtType != IoRequestType.OTHER) {
      return null;
    }
    return switch (index) {
      case 1 -> e.b0;
      case 2 -> e.b1;
      case 4 -> e.b2;
      default -> throw new IllegalArgumentException("index: " + index + " (expected: 1, 2 or 4)");
    };
  }

  @Override
  public String toString() {
    return "IoRequest[" + origin + ", " + state + ", " + status + "]";
  }
}
