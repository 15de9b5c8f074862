package dev.courier.io;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The first layer of {@link RealIoRequest}: where a request came from (its origin, and the request it presents),
 * the state it is in, and the status and information it completed with. Each layer above owns one concern's
 * fields and methods; the request is still one object, so the layers cost nothing per request.
 *
 * <p>Threading: {@code state} and {@code status} are volatile, written by the layers above (the owner's calls,
 * a target's accept, the completing thread); {@code information} and the completion parameters are written
 * before the volatile writes that publish them.
 */
abstract class StatefulRequest implements IoRequest {
  private static final VarHandle STATE = fieldHandle(MethodHandles.lookup(), "state", State.class);

  final Origin origin;
  /** The request this one presents (a {@link Origin#QUEUE_PRESENTED} request only); null on a chain's root. */
  final RealIoRequest source;
  volatile State state;
  volatile IoStatus status = IoStatus.SUCCESS;
  long information;
  final IoCompletionParams params = new IoCompletionParams();

  StatefulRequest(Origin origin, RealIoRequest source) {
    this.origin = origin;
    this.source = source;
    this.state = State.UNFORMATTED;
  }

  /**
   * A handle on the field {@code name} of the layer that {@code lookup} was made in: each layer looks its
   * fields up itself, since a VarHandle is found on the class that declares its field.
   */
  static VarHandle fieldHandle(MethodHandles.Lookup lookup, String name, Class<?> type) {
    try {
      return lookup.findVarHandle(lookup.lookupClass(), name, type);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Moves the state from {@code expected} to {@code update} atomically; false when it was not {@code expected}. */
  final boolean compareAndSetState(State expected, State update) {
    return STATE.compareAndSet(this, expected, update);
  }

  /** Whether a target holds the request: queued, or sent. */
  final boolean isInFlight() {
    State s = state;
    return s == State.QUEUED || s == State.SENT;
  }

  /** Fails unless the caller still owns the request: not completed as presented, forgotten or deleted. */
  final void checkOwned() {
    State s = state;
    if (s == State.DRIVER_COMPLETED || s == State.FORGOTTEN || s == State.DELETED) {
      throw new IllegalStateException("request no longer owned: it is " + s);
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
  public String toString() {
    return "IoRequest[" + origin + ", " + state + ", " + status + "]";
  }
}
