package dev.courier.rpc.spi;

import dev.courier.rpc.FaultException;
import dev.courier.rpc.OperationDescription;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.Objects;

/**
 * One call as it travels: the operation's action, the arguments, the headers and the deadline, and on
 * the way back the reply or the fault. It rides the call's {@link dev.courier.io.IoRequest} as the
 * request's context of {@link #KEY}; a binding that crosses a process encodes it.
 *
 * <pre>{@code
 * Invocation inv = request.context(Invocation.KEY);     // null: not a call
 * }</pre>
 *
 * <p>The reply side is written once by the receiving dispatcher, before it completes the presented
 * request; the sender reads it in its completion routine (the request's completion orders the two).
 */
public final class Invocation {
  private static final VarHandle ON_SERVICE_FINISHED;

  static {
    try {
      ON_SERVICE_FINISHED = MethodHandles.lookup().findVarHandle(Invocation.class, "onServiceFinished", Runnable.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** No deadline. */
  public static final long NO_DEADLINE = Long.MAX_VALUE;

  /** The key of a call's request context: the invocation it carries. */
  public static final dev.courier.io.IoContextKey<Invocation> KEY =
      dev.courier.io.IoContextKey.of("invocation", Invocation.class);

  private final String action;
  private final OperationDescription operation;
  private final Object[] arguments;
  private final Map<String, String> headers;
  private final long timeoutNanos;
  private Object reply;
  private FaultException fault;
  private String failureReason;
  private volatile Throwable serviceFailure;
  private volatile boolean serviceFailureHandled;
  private volatile Runnable onServiceFinished;

  /**
   * A call of {@code action}.
   *
   * @param timeoutNanos the time left for the call when it was sent, or {@link #NO_DEADLINE}
   */
  public Invocation(String action, Object[] arguments, Map<String, String> headers, long timeoutNanos) {
    this(null, action, arguments, headers, timeoutNanos);
  }

  /**
   * A call of {@code operation} as the caller's contract describes it (a binding that encodes the call
   * reads the parameter and result types from it).
   */
  public Invocation(OperationDescription operation, Object[] arguments, Map<String, String> headers, long timeoutNanos) {
    this(operation, operation.action(), arguments, headers, timeoutNanos);
  }

  private Invocation(OperationDescription operation, String action, Object[] arguments, Map<String, String> headers,
      long timeoutNanos) {
    this.operation = operation;
    this.action = Objects.requireNonNull(action, "action");
    this.arguments = arguments == null ? new Object[0] : arguments;
    this.headers = headers == null ? Map.of() : headers;
    this.timeoutNanos = timeoutNanos;
  }

  /** The operation's action. */
  public String action() {
    return action;
  }

  /** The operation as the caller's contract describes it, or {@code null} when the caller did not say. */
  public OperationDescription operation() {
    return operation;
  }

  /** The logical arguments, in order. */
  public Object[] arguments() {
    return arguments;
  }

  /** The headers sent with the call. */
  public Map<String, String> headers() {
    return headers;
  }

  /** The time left for the call when it was sent, in nanoseconds, or {@link #NO_DEADLINE}. */
  public long timeoutNanos() {
    return timeoutNanos;
  }

  /** The reply value of a successful call. */
  public Object reply() {
    return reply;
  }

  /** Sets the reply value (by the receiving side). */
  public void reply(Object value) {
    this.reply = value;
  }

  /** The fault of a failed call, or {@code null}. */
  public FaultException fault() {
    return fault;
  }

  /** Sets the fault (by the receiving side). */
  public void fault(FaultException fault) {
    this.fault = fault;
  }

  /**
   * Why the binding failed the call, for a status that comes with a reason ({@link RpcStatus#REPLY_UNREADABLE}),
   * or {@code null}.
   */
  public String failureReason() {
    return failureReason;
  }

  /** Sets why the binding failed the call (by the binding, before it completes the call's request). */
  public void failureReason(String reason) {
    this.failureReason = reason;
  }

  /**
   * Runs {@code action} once the service has finished this call, whatever its outcome, or once the session
   * that took the call decided not to run it. A one-way call's request completes when the call is accepted,
   * before the service runs it, and a cancelled or timed-out call's request completes while its service may
   * still run: a binding that bounds the calls it runs at once learns here when one is done.
   *
   * <pre>{@code
   * inv.onServiceFinished(running::decrementAndGet);
   * }</pre>
   *
   * <p>Set it before the call's request reaches its session; {@code action} runs on the thread that finishes
   * the call and must not block. A request that never reaches a session (not sent, or cancelled while it
   * waited in a queue) never runs it.
   */
  public void onServiceFinished(Runnable action) {
    onServiceFinished = Objects.requireNonNull(action, "action");
  }

  /**
   * Why the call did not end well on the receiving side, or {@code null} when it did (or has not ended): what the
   * service threw, or why the session did not run it (unknown action, host closing, host aborted). The receiving
   * dispatcher sets it before {@link #serviceFinished()}, so a binding reads it in its
   * {@link #onServiceFinished(Runnable)} action: the one way it learns a one-way call's outcome.
   *
   * <pre>{@code
   * inv.onServiceFinished(() -> outcome.complete(inv.serviceFailure()));   // null: commit; else roll back
   * }</pre>
   */
  public Throwable serviceFailure() {
    return serviceFailure;
  }

  /** Records why the call did not end well (by the receiving dispatcher, before {@link #serviceFinished()}). */
  public void serviceFailure(Throwable failure) {
    this.serviceFailure = Objects.requireNonNull(failure, "failure");
  }

  /**
   * Says that the binding handles this call's {@link #serviceFailure()} itself (by the binding, before the call's
   * request reaches its session): the dispatcher then does not also report a one-way call's failure to
   * {@link dev.courier.io.CallbackFailureHandler}, as it does when no one else learns of it.
   *
   * <pre>{@code
   * inv.handleServiceFailure();     // a queued binding rolls the message back instead
   * }</pre>
   */
  public void handleServiceFailure() {
    serviceFailureHandled = true;
  }

  /** Whether the binding said it handles this call's failure ({@link #handleServiceFailure()}). */
  public boolean serviceFailureHandled() {
    return serviceFailureHandled;
  }

  /** Says that the service has finished this call (by the receiving dispatcher, once). */
  public void serviceFinished() {
    Runnable action = onServiceFinished == null ? null : (Runnable) ON_SERVICE_FINISHED.getAndSet(this, null);
    if (action != null) {
      action.run();
    }
  }

  @Override
  public String toString() {
    return "Invocation[" + action + ", " + arguments.length + " arguments]";
  }
}
