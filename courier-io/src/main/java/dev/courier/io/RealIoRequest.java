package dev.courier.io;

import dev.courier.io.internal.RoutineScope;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The one implementation of {@link IoRequest}: its life across a presentation chain (presenting it to a driver,
 * sending it, completing it as presented, reusing and deleting it), over layers that each own one concern's
 * fields and methods, bottom first:
 *
 * <ul>
 *   <li>{@link StatefulRequest}: origin, the request it presents, state, status and information;
 *   <li>{@link ContextualRequest}: the typed context;
 *   <li>{@link FormattedRequest}: the format, its system buffer, and what a driver sees of it;
 *   <li>{@link InFlightRequest}: the target's lists, the send's options, the completion reference count;
 *   <li>{@link PresentedRequest}: the presented object reused per send, its presenter and frames;
 *   <li>{@link CancelableRequest}: the IRP's cancel state, shared along a presentation chain;
 *   <li>{@link TimedRequest}: a send's timeout;
 *   <li>{@link CompletingRequest}: the completion routine, run inline or on the send's executor.
 * </ul>
 *
 * <p>A request is made per call, so it stays one object: the layers are classes, not parts.
 */
final class RealIoRequest extends CompletingRequest {

  private RealIoRequest(Origin origin, RealIoRequest source) {
    super(origin, source);
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
    if (q == null || q.inFrame()) {
      q = new RealIoRequest(Origin.QUEUE_PRESENTED, this);
      companion = q;
    }
    q.present(owner);
    return q;
  }

  /** A fresh presented request for a send-and-forget, completing this request's sender directly. */
  private RealIoRequest forgottenPresentation() {
    return new RealIoRequest(Origin.QUEUE_PRESENTED, source);
  }

  private void present(PresentationOwner owner) {
    releaseFormat();
    setOwner(owner);
    clearContext();
    clearRoutine();
    clearCancelForPresentation();
    this.status = IoStatus.SUCCESS;
    this.information = 0;
    this.sentTo = null;
    this.params.reset(IoRequestType.NO_FORMAT, null, null, null, null);
    this.state = State.UNFORMATTED;
  }

  // =============================================================================================
  // Sending
  // =============================================================================================

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
    } else if (origin == Origin.QUEUE_PRESENTED && !hasRoutine()) {
      return refuse(IoStatus.INVALID_DEVICE_REQUEST);
    }
    if (!isFormattedFor(t)) {
      return refuse(IoStatus.REQUEST_NOT_ACCEPTED);
    }
    prepareSystemBuffer();   // before the target can see the request
    sendOptions = opts;
    int gen = beginSend();
    waitedBy(opts.synchronous() ? Thread.currentThread() : null);
    IoStatus outcome = t.submit(this, opts.ignoreTargetState());
    if (!outcome.equals(RealIoTarget.DELIVER) && !outcome.equals(RealIoTarget.QUEUED)) {   // by value, not identity
      waitedBy(null);
      systemBufferNotSent();
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
    if (hasOwnFormat()) {
      return refuse(IoStatus.INVALID_DEVICE_REQUEST);
    }
    if (!t.isOpen()) {
      return refuse(IoStatus.INVALID_DEVICE_STATE);
    }
    RealIoRequest down = forgottenPresentation();
    source.retire(this);   // never present a forgotten object again: it stays FORGOTTEN for its holder
    dropCancelMark();
    PresentationOwner presenter = takeOwner();
    releaseFormat();
    state = State.FORGOTTEN;
    if (presenter != null) {
      presenter.finished(this);
    }
    t.deliverForgotten(down);
    return true;
  }

  @Override
  public CompletableFuture<IoResult> sendAsync(IoTarget target, SendOptions options) {
    RealIoTarget.cast(target);       // a bad target fails before the registered routine is replaced
    FutureRoutine future = new FutureRoutine(this);
    setCompletionRoutine(future, null);
    if (!send(target, options)) {
      clearRoutine();
      future.complete(new IoResult(status, 0));
    }
    return future;
  }

  /** The routine of {@link #sendAsync}: completes its future, and cancels the request when the future is. */
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
  // Presented requests: completion by the handler
  // =============================================================================================

  @Override
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
        || !compareAndSetState(s, State.DRIVER_COMPLETED)) {
      throw new IllegalStateException("complete: request is " + state + " (expected: presented and not in flight)");
    }
    dropCancelMark();
    releaseFormat();
    PresentationOwner presenter = takeOwner();
    RealIoRequest sender = source;
    if (presenter != null) {
      presenter.finished(this);
    }
    sender.lowerComplete(st, info);
  }

  // =============================================================================================
  // Reuse and deletion
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
    clearRoutine();
    clearContext();
    clearCancelForReuse();
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
    clearRoutine();
    state = State.DELETED;
  }
}
