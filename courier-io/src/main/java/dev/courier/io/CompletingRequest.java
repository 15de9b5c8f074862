package dev.courier.io;

import dev.courier.io.internal.RoutineScope;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * The layer of {@link RealIoRequest} that completes it: the lower side's completion drops the send's reference,
 * and the thread that drops the last one runs the completion routine, itself or by handing the request to the
 * send's completion executor (the request is the {@link Runnable}, so the hand-off allocates nothing), then tells
 * the target and releases a synchronous sender.
 *
 * <p>Threading: the owner sets the routine while the request is not in flight; one thread completes it (see
 * {@link InFlightRequest}), and the executor's thread reads what that thread left for it, published by the
 * executor's hand-off. The synchronous sender parks until the completing thread sets {@code syncDone}.
 */
abstract class CompletingRequest extends TimedRequest implements Runnable {
  private static final System.Logger LOG = System.getLogger(IoRequest.class.getName());

  private CompletionRoutine<Object> routine;
  private Object context;
  private volatile boolean syncDone;
  private Thread syncWaiter;                  // the synchronous sender, released after the routine

  // ---- a completion handed to an executor ----
  private CompletionRoutine<Object> pendingRoutine;
  private Object pendingContext;
  private RealIoTarget pendingTarget;
  private Thread pendingWaiter;
  private ListKind pendingKind;

  CompletingRequest(Origin origin, RealIoRequest source) {
    super(origin, source);
  }

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

  /** Whether a completion routine is set for the next send. */
  final boolean hasRoutine() {
    return routine != null;
  }

  /** Drops the completion routine and its context. */
  final void clearRoutine() {
    routine = null;
    context = null;
  }

  /** The send now beginning is waited for by {@code sender}, when synchronous; by nobody when null. */
  final void waitedBy(Thread sender) {
    if (sender != null) {
      syncDone = false;
    }
    syncWaiter = sender;
  }

  /** The synchronous sender waits until the routine has run; interrupted, it cancels its request and waits on. */
  final void awaitCompletion() {
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

  /** The lower side completed this request with a status and information (IoCompleteRequest). */
  final void lowerComplete(IoStatus st, long info) {
    copyOutputBack(info);
    information = info;
    status = st;
    releaseRef();
  }

  /**
   * A framework failure of a request that never reached a driver (flushed, refused on resubmit, cancelled while
   * queued).
   */
  final void failUndelivered(IoStatus st) {
    information = 0;
    status = st;
    releaseRef();
  }

  @Override
  final void finishCompletion() {
    disarmTimer();
    endTargetCancel();
    IoStatus st = status;
    if (timedOut() && st.equals(IoStatus.CANCELLED)) {
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
        LOG.log(System.Logger.Level.WARNING,
            "completion executor rejected the routine; running it on the completing thread", e);
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
}
