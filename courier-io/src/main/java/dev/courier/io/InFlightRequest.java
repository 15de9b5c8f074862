package dev.courier.io;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The layer of {@link RealIoRequest} that a target keeps while the request is in flight: the list it is on, its
 * links there, the send's options, and the completion reference count.
 *
 * <p>Exactly-once completion follows KMDF's completion reference count: an accepted send sets {@code refs} to 1;
 * a cancel, a timer or a target sweep takes a temporary reference only while the count is positive; every path
 * drops its reference, and the thread that drops the last one runs the completion ({@link #finishCompletion()}).
 * The lower side (the driver holding the presented request) drops the send's reference when it completes.
 *
 * <p>Threading: {@code refs} is atomic; the list and its links are guarded by the lock of the target the request
 * was sent to; the sender writes the send's options before the target can see the request.
 */
abstract class InFlightRequest extends FormattedRequest {
  private static final VarHandle REFS = fieldHandle(MethodHandles.lookup(), "refs", int.class);

  /** Where a request sits in its target while in flight. */
  enum ListKind { NONE, QUEUED, SENT, IGNORED }

  @SuppressWarnings("unused") // through REFS
  private volatile int refs;
  RealIoTarget sentTo;
  ListKind listKind = ListKind.NONE;          // guarded by sentTo's lock
  RealIoRequest prev;                         // guarded by the lock of the list holding this request
  RealIoRequest next;
  SendOptions sendOptions = SendOptions.defaults();

  InFlightRequest(Origin origin, RealIoRequest source) {
    super(origin, source);
  }

  /** Called under the target's lock when the target accepts this request. */
  final void accepted(RealIoTarget t, State newState) {
    sentTo = t;
    status = IoStatus.PENDING;
    REFS.setRelease(this, 1);
    state = newState;
  }

  /** A target's start moved this queued request to its sent list. */
  final void markSent() {
    state = State.SENT;
  }

  /** Whether the send in flight is synchronous: its sender waits for it. */
  final boolean isSynchronousSend() {
    return sendOptions.synchronous();
  }

  /** Takes a temporary completion reference, unless none is held (not accepted, or completing). */
  final boolean tryAcquireRef() {
    int r;
    do {
      r = (int) REFS.getVolatile(this);
      if (r <= 0) {
        return false;
      }
    } while (!REFS.compareAndSet(this, r, r + 1));
    return true;
  }

  /** Drops a completion reference; the thread that drops the last one completes the request. */
  final void releaseRef() {
    int left = (int) REFS.getAndAdd(this, -1) - 1;
    if (left == 0) {
      finishCompletion();
    } else if (left < 0) {
      throw new IllegalStateException("completion reference count went negative: a request completed twice");
    }
  }

  /** Whether no completion reference is held (an acquire read): not accepted yet, or completing. */
  final boolean unreferenced() {
    return (int) REFS.getAcquire(this) == 0;
  }

  /** Completes the request; run by the thread that dropped the last completion reference. */
  abstract void finishCompletion();

  @Override
  public IoTarget target() {
    RealIoTarget formattedFor = formatTarget();
    return formattedFor != null ? formattedFor : sentTo;
  }
}
