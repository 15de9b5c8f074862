package dev.courier.io;

import dev.courier.io.InFlightRequest.ListKind;
import dev.courier.io.internal.RoutineScope;
import dev.courier.io.spi.IoDriver;
import java.util.Objects;

/**
 * The one implementation of {@link IoTarget}: the state machine, the FIFO queue of a stopped target,
 * the list of delivered requests and the separate list of ignore-state requests.
 *
 * <p>Locking: one monitor (this object) guards the state, the lists and the counters. It is held only
 * for list and counter updates; drivers, completion routines and cancel routines always run outside it.
 */
final class RealIoTarget implements IoTarget {

  /** Outcome of {@link #submit}: accepted, deliver now (STATUS_PENDING; no refusal has this value). */
  static final IoStatus DELIVER = IoStatus.PENDING;
  /** Outcome of {@link #submit}: accepted and queued (STATUS_WDF_QUEUED; no refusal has this value). */
  static final IoStatus QUEUED = new IoStatus(0x4020_0000);

  private final String name;
  private final IoDriver driver;
  private final IoClock clock;
  private final CancelRoutine queueCancel = this::cancelQueued;

  private volatile IoTargetState state = IoTargetState.STARTED;
  // All below guarded by this.
  private boolean removing;
  private final Links sent = new Links();
  private final Links ignored = new Links();
  private final Links queue = new Links();
  private int completingSent;
  private int completingIgnored;
  private int pending;
  private int waiters;
  private boolean driverClosed;

  RealIoTarget(String name, IoDriver driver, IoClock clock) {
    this.name = name;
    this.driver = driver;
    this.clock = clock;
  }

  static RealIoTarget cast(IoTarget target) {
    Objects.requireNonNull(target, "target");
    if (target instanceof RealIoTarget real) {
      return real;
    }
    throw new IllegalArgumentException(
        "target: " + target + " (expected: a target made by Courier: IoTargets, IoDevice or FileTarget)");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public IoTargetState state() {
    return state;
  }

  @Override
  public IoClock clock() {
    return clock;
  }

  boolean isOpen() {
    IoTargetState s = state;
    return s != IoTargetState.CLOSED && s != IoTargetState.DELETED;
  }

  IoStatus accepts(IoRequestType type, IoControlCode code) {
    if (!isOpen()) {
      return IoStatus.INVALID_DEVICE_STATE;
    }
    IoStatus st = driver.accepts(type, code);
    return st == null ? IoStatus.SUCCESS : st;
  }

  // =============================================================================================
  // Sending and completing
  // =============================================================================================

  /** Accepts or refuses a send; returns {@link #DELIVER}, {@link #QUEUED} or the refusal status. */
  IoStatus submit(RealIoRequest r, boolean ignoreState) {
    synchronized (this) {
      ListKind kind;
      IoTargetState s = state;
      if (ignoreState) {
        if ((s == IoTargetState.CLOSED || s == IoTargetState.DELETED) && !removing) {
          return IoStatus.INVALID_DEVICE_STATE;
        }
        kind = ListKind.IGNORED;
      } else if (s == IoTargetState.STARTED) {
        kind = ListKind.SENT;
      } else if (s == IoTargetState.STOPPED) {
        kind = ListKind.QUEUED;
      } else {
        return IoStatus.INVALID_DEVICE_STATE;
      }
      if (r.sendCancelled()) {
        return IoStatus.CANCELLED;
      }
      if (kind == ListKind.QUEUED && !r.installCancelRoutine(queueCancel)) {
        return IoStatus.CANCELLED;
      }
      r.accepted(this, kind == ListKind.QUEUED ? IoRequest.State.QUEUED : IoRequest.State.SENT);
      r.listKind = kind;
      list(kind).add(r);
      pending++;
      return kind == ListKind.QUEUED ? QUEUED : DELIVER;
    }
  }

  private Links list(ListKind kind) {
    return switch (kind) {
      case SENT -> sent;
      case IGNORED -> ignored;
      case QUEUED -> queue;
      case NONE -> throw new IllegalArgumentException("NONE");
    };
  }

  /** Hands an accepted request to the driver, outside any lock. */
  void deliver(RealIoRequest r) {
    deliverPresented(r.presentation(null), !r.isSynchronousSend());
  }

  void deliverForgotten(RealIoRequest presented) {
    deliverPresented(presented, true);
  }

  /** Delivers a presented request that waited on this thread's {@link DeliveryTrampoline}. */
  void deliverDeferred(RealIoRequest presented) {
    deliverPresented(presented, true);
  }

  /**
   * Calls the driver, or, nested deeper than {@link DeliveryTrampoline#MAX_DEPTH} deliveries on this thread,
   * leaves the request to the outermost one (never a synchronous send: its sender waits on this thread).
   */
  private void deliverPresented(RealIoRequest presented, boolean mayDefer) {
    DeliveryTrampoline trampoline = DeliveryTrampoline.current();
    if (mayDefer && trampoline.depth >= DeliveryTrampoline.MAX_DEPTH) {
      trampoline.defer(presented, this);
      return;
    }
    trampoline.depth++;
    presented.enterFrame();
    try {
      dispatch(presented);
    } finally {
      presented.exitFrame();
      trampoline.depth--;
    }
    if (trampoline.depth == 0) {
      trampoline.runDeferred();
    }
  }

  private void dispatch(RealIoRequest presented) {
    try {
      driver.dispatch(presented);
    } catch (RuntimeException | Error e) {
      CallbackFailureHandler.report("dispatch of the driver of target " + name + " (the request is completed with STATUS_UNSUCCESSFUL)", e);
      presented.completeIfOwned(IoStatus.UNSUCCESSFUL);
    }
  }

  /** The framework's cancel routine for a request waiting in the queue of a stopped target. */
  private void cancelQueued(IoRequest request) {
    RealIoRequest r = (RealIoRequest) request;
    synchronized (this) {
      if (r.listKind == ListKind.QUEUED) {
        queue.remove(r);
        r.listKind = ListKind.NONE;
      }
    }
    r.failUndelivered(IoStatus.CANCELLED);
  }

  /** Called when a request's completion starts: takes it off its list. Returns the list it was on. */
  ListKind completing(InFlightRequest r) {
    synchronized (this) {
      ListKind kind = r.listKind;
      switch (kind) {
        case SENT -> {
          sent.remove(r);
          completingSent++;
        }
        case IGNORED -> {
          ignored.remove(r);
          completingIgnored++;
        }
        case QUEUED -> queue.remove(r);
        case NONE -> { }
      }
      r.listKind = ListKind.NONE;
      return kind;
    }
  }

  /** Called after a request's completion routine has returned. */
  void completed(ListKind kind) {
    synchronized (this) {
      if (kind == ListKind.SENT) {
        completingSent--;
      } else if (kind == ListKind.IGNORED) {
        completingIgnored--;
      }
      pending--;
      if (waiters > 0) {
        notifyAll();
      }
    }
  }

  // =============================================================================================
  // State control
  // =============================================================================================

  @Override
  public IoStatus start() {
    RealIoRequest[] detached;
    synchronized (this) {
      IoTargetState s = state;
      if (s == IoTargetState.CLOSED || s == IoTargetState.DELETED) {
        return IoStatus.INVALID_DEVICE_STATE;
      }
      state = IoTargetState.STARTED;
      detached = queue.detachAll();
    }
    for (RealIoRequest r : detached) {
      resubmit(r);
    }
    return IoStatus.SUCCESS;
  }

  /**
   * Takes a request detached from the queue away from its queue cancel routine; false when a cancel or the
   * timer owns it, or when it has completed and been sent again since (then the new send is not ours).
   */
  private boolean claimDetached(RealIoRequest r) {
    synchronized (this) {   // a new queued send installs queueCancel under this lock
      return r.listKind == ListKind.NONE && r.removeCancelRoutine(queueCancel);
    }
  }

  /**
   * Delivers one request taken from the queue by {@link #start()}, unless a cancel or timer owns it. Like
   * KMDF's resubmission (a plain submit), a target stopped again meanwhile queues it again, and any
   * other state fails it.
   */
  private void resubmit(RealIoRequest r) {
    if (!claimDetached(r)) {
      return;     // a cancel or the timer owns it and completes it
    }
    r.dropTimerOnResubmit();
    boolean started;
    IoStatus failure = IoStatus.INVALID_DEVICE_STATE;
    synchronized (this) {
      IoTargetState s = state;
      started = s == IoTargetState.STARTED;
      if (started) {
        r.listKind = ListKind.SENT;
        sent.add(r);
        r.markSent();
      } else if (s == IoTargetState.STOPPED) {
        if (r.installCancelRoutine(queueCancel)) {
          r.listKind = ListKind.QUEUED;
          queue.add(r);
          return;
        }
        failure = IoStatus.CANCELLED;   // cancelled while between the queues
      }
    }
    if (!started) {
      r.failUndelivered(failure);
      return;
    }
    deliver(r);
  }

  @Override
  public void stop(StopAction action) {
    Objects.requireNonNull(action, "action");
    if (action != StopAction.LEAVE_SENT_IO_PENDING) {
      RoutineScope.checkMayBlock("stop(" + action + ")");
    }
    RealIoRequest[] toCancel = null;
    synchronized (this) {
      IoTargetState s = state;
      if (s == IoTargetState.STARTED || s == IoTargetState.PURGED || s == IoTargetState.STOPPED) {
        state = IoTargetState.STOPPED;
      }
      if (action == StopAction.CANCEL_SENT_IO) {
        toCancel = sent.acquireAll();
      }
    }
    cancelAll(toCancel);
    if (action != StopAction.LEAVE_SENT_IO_PENDING) {
      awaitDrained();
    }
  }

  @Override
  public void purge(PurgeAction action) {
    Objects.requireNonNull(action, "action");
    if (action == PurgeAction.PURGE_IO_AND_WAIT) {
      RoutineScope.checkMayBlock("purge(" + action + ")");
    }
    RealIoRequest[] flush;
    RealIoRequest[] toCancel;
    synchronized (this) {
      IoTargetState s = state;
      if (s == IoTargetState.STARTED || s == IoTargetState.STOPPED || s == IoTargetState.PURGED) {
        state = IoTargetState.PURGED;
      }
      flush = queue.detachAll();
      toCancel = sent.acquireAll();
    }
    flushAll(flush);
    cancelAll(toCancel);
    if (action == PurgeAction.PURGE_IO_AND_WAIT) {
      awaitDrained();
    }
  }

  @Override
  public void close() {
    shutDown(IoTargetState.CLOSED);
  }

  @Override
  public void delete() {
    shutDown(IoTargetState.DELETED);
  }

  private void shutDown(IoTargetState end) {
    RoutineScope.checkMayBlock(end == IoTargetState.CLOSED ? "close()" : "delete()");
    RealIoRequest[] flush;
    RealIoRequest[] toCancel;
    synchronized (this) {
      IoTargetState s = state;
      if (s == IoTargetState.DELETED || (s == IoTargetState.CLOSED && !removing)) {
        state = end == IoTargetState.DELETED ? IoTargetState.DELETED : s;
        return;
      }
      state = end;
      removing = true;
      flush = queue.detachAll();
      RealIoRequest[] a = sent.acquireAll();
      RealIoRequest[] b = ignored.acquireAll();
      toCancel = new RealIoRequest[a.length + b.length];
      System.arraycopy(a, 0, toCancel, 0, a.length);
      System.arraycopy(b, 0, toCancel, a.length, b.length);
    }
    flushAll(flush);
    cancelAll(toCancel);
    if (awaitRemoved()) {
      try {
        driver.onClose();
      } catch (RuntimeException e) {
        CallbackFailureHandler.report("onClose of the driver of target " + name, e);
      }
    }
  }

  @Override
  public IoStatus open() {
    synchronized (this) {
      if (state != IoTargetState.CLOSED || removing) {
        return IoStatus.INVALID_DEVICE_STATE;
      }
    }
    IoStatus opened = driver.onOpen();
    if (opened == null || !opened.isSuccess()) {
      return opened == null ? IoStatus.UNSUCCESSFUL : opened;
    }
    synchronized (this) {
      if (state != IoTargetState.CLOSED || removing) {
        return IoStatus.INVALID_DEVICE_STATE;
      }
      driverClosed = false;
      state = IoTargetState.STARTED;
    }
    return IoStatus.SUCCESS;
  }

  private void flushAll(RealIoRequest[] detached) {
    for (RealIoRequest r : detached) {
      if (claimDetached(r)) {
        r.failUndelivered(IoStatus.DEVICE_REMOVED_NOT_SENT);
      }
    }
  }

  private static void cancelAll(RealIoRequest[] held) {
    if (held != null) {
      for (RealIoRequest r : held) {
        r.cancelHeldByTarget();
      }
    }
  }

  /**
   * Waits until nothing is pending, then ends the removal in the same hold of the lock, so that a request sent
   * with ignoreTargetState while removing is waited for, and one sent after is refused: the driver's onClose
   * never runs while it holds a request. Returns whether the driver is still to be closed.
   */
  private boolean awaitRemoved() {
    boolean interrupted;
    boolean closeDriver;
    synchronized (this) {
      interrupted = waitUntil(() -> pending == 0);
      removing = false;
      closeDriver = !driverClosed;
      driverClosed = true;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return closeDriver;
  }

  /** Waits until no delivered request is pending (stop and purge with waiting). */
  private void awaitDrained() {
    boolean interrupted;
    synchronized (this) {
      interrupted = waitUntil(() -> sent.size == 0 && completingSent == 0);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits on this target's monitor, which the caller holds, until {@code done}; returns whether the thread was
   * interrupted meanwhile (the wait goes on: a target's removal is not abandoned half way).
   */
  private boolean waitUntil(java.util.function.BooleanSupplier done) {
    boolean interrupted = false;
    waiters++;
    try {
      while (!done.getAsBoolean()) {
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      waiters--;
    }
    return interrupted;
  }

  @Override
  public synchronized int pendingCount() {
    return pending;
  }

  @Override
  public synchronized int queuedCount() {
    return queue.size;
  }

  @Override
  public IoResult sendSynchronously(IoRequest request, IoFormat format, SendOptions options) {
    Objects.requireNonNull(format, "format");
    RoutineScope.checkMayBlock("sendSynchronously");
    SendOptions opts = options == null ? SendOptions.synchronously() : options;
    if (opts.sendAndForget()) {
      throw new IllegalArgumentException("options: sendAndForget (expected: a synchronous send)");
    }
    if (!opts.synchronous()) {
      opts = opts.toBuilder().synchronous().build();
    }
    RealIoRequest r = request == null ? RealIoRequest.create() : RealIoRequest.cast(request);
    IoStatus formatted = r.format(this, format);
    if (!formatted.isSuccess()) {
      return new IoResult(formatted, 0);
    }
    r.setCompletionRoutine(null, null);
    if (!r.send(this, opts)) {
      return new IoResult(r.status(), 0);
    }
    return new IoResult(r.status(), r.information());
  }

  @Override
  public String toString() {
    return "IoTarget[" + name + ", " + state + "]";
  }

  /** An intrusive doubly linked FIFO over the requests' own links. Guarded by the target's lock. */
  static final class Links {
    private RealIoRequest head;
    private RealIoRequest tail;
    int size;

    void add(RealIoRequest r) {
      r.next = null;
      r.prev = tail;
      if (tail == null) {
        head = r;
      } else {
        tail.next = r;
      }
      tail = r;
      size++;
    }

    void remove(InFlightRequest r) {
      RealIoRequest p = r.prev;
      RealIoRequest n = r.next;
      if (p == null) {
        if (head != r) {
          return;     // not on this list
        }
        head = n;
      } else {
        p.next = n;
      }
      if (n == null) {
        tail = p;
      } else {
        n.prev = p;
      }
      r.prev = null;
      r.next = null;
      size--;
    }

    /**
     * Empties the list and returns its requests in order, unlinked: once the lock is released, a request
     * may complete and be sent again, which relinks it into another list.
     */
    RealIoRequest[] detachAll() {
      RealIoRequest[] all = new RealIoRequest[size];
      int n = 0;
      for (RealIoRequest r = head; r != null; ) {
        RealIoRequest following = r.next;
        r.listKind = ListKind.NONE;
        r.prev = null;
        r.next = null;
        all[n++] = r;
        r = following;
      }
      head = null;
      tail = null;
      size = 0;
      return n == all.length ? all : java.util.Arrays.copyOf(all, n);
    }

    /** Takes a completion reference on each request still in flight; returns those. */
    RealIoRequest[] acquireAll() {
      RealIoRequest[] held = new RealIoRequest[size];
      int n = 0;
      for (RealIoRequest r = head; r != null; r = r.next) {
        if (r.tryAcquireRef()) {
          held[n++] = r;
        }
      }
      return n == held.length ? held : java.util.Arrays.copyOf(held, n);
    }
  }
}
