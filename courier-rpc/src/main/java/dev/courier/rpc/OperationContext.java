package dev.courier.rpc;

import dev.courier.io.CallbackFailureHandler;
import dev.courier.io.IoClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * What a service knows about the call it is running: the operation, the incoming headers, who called
 * ({@link #peer()}), the deadline, the caller's cancellation, the callback channel of a duplex contract,
 * and typed extensions.
 *
 * <pre>{@code
 * public int add(int a, int b) {
 *   OperationContext ctx = OperationContext.current();
 *   ctx.callback(CalculatorEvents.class).resultReady(a + b);   // duplex: reach the caller
 *   return a + b;
 * }
 *
 * public CompletionStage<Integer> slowAddAsync(int a, int b) {
 *   OperationContext ctx = OperationContext.current();         // capture it, or run stages on ctx.executor()
 *   return other.fetchAsync(a).thenApplyAsync(x -> x + b + ctx.headers().size(), ctx.executor());
 * }
 * }</pre>
 *
 * <p>The context travels with the call, not with a thread: {@link #current()} is bound (with a
 * {@link ScopedValue}) while the service method runs, and inside tasks run on {@link #executor()}; an
 * asynchronous implementation captures the object and uses it from any stage. Calls a service makes
 * while its context is current inherit what is left of its deadline and are cancelled with it.
 *
 * <p>Thread safety: all methods are thread safe. Cancellation listeners run once, on the cancelling
 * thread, and must not block.
 */
public final class OperationContext {
  static final ScopedValue<OperationContext> CURRENT = ScopedValue.newInstance();

  private final OperationDescription operation;
  private Map<String, String> headers;         // replaced only by a host's filters, before the service runs
  private final Peer peer;
  private final IoClock clock;
  private final long deadlineNanos;            // on clock.nanoTime(); Long.MAX_VALUE for none
  private final CallbackChannel callbacks;
  private final ConcurrencyMode concurrency;
  private final Map<Class<?>, Object> extensions = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> cancellation = new CompletableFuture<>();
  private final List<Runnable> cancelListeners = new ArrayList<>();   // guarded by itself
  private InstanceGate gate;                   // guarded by this: the gate this call holds
  private boolean finished;                    // guarded by this

  /** How a context reaches the caller of a duplex contract. */
  interface CallbackChannel {
    <T> T proxy(Class<T> type, OperationContext context);
  }

  OperationContext(OperationDescription operation, Map<String, String> headers, Peer peer, IoClock clock,
      long deadlineNanos, CallbackChannel callbacks, ConcurrencyMode concurrency) {
    this.operation = operation;
    this.headers = headers;
    this.peer = peer;
    this.clock = clock;
    this.deadlineNanos = deadlineNanos;
    this.callbacks = callbacks;
    this.concurrency = concurrency;
  }

  /** The context of the call running on this thread; throws {@link IllegalStateException} outside a call. */
  public static OperationContext current() {
    if (!CURRENT.isBound()) {
      throw new IllegalStateException(
          "no operation context here (expected: inside a service operation, or a task run on OperationContext.executor())");
    }
    return CURRENT.get();
  }

  /** The context of the call running on this thread, if there is one. */
  public static Optional<OperationContext> find() {
    return CURRENT.isBound() ? Optional.of(CURRENT.get()) : Optional.empty();
  }

  /** The operation being called. */
  public OperationDescription operation() {
    return operation;
  }

  /** The headers the caller sent, and any a host's {@link CallFilter} added. */
  public Map<String, String> headers() {
    return headers;
  }

  void headers(Map<String, String> headers) {
    this.headers = headers;
  }

  /**
   * The other end of the call's connection: its address and, when the transport authenticated it (a TLS
   * client certificate), its principal and certificate chain. For a duplex callback it is the server.
   *
   * <pre>{@code
   * String caller = OperationContext.current().peer().principal().map(Principal::getName).orElse("anonymous");
   * }</pre>
   */
  public Peer peer() {
    return peer;
  }

  /** The call's deadline on the wall clock, if it has one. */
  public Optional<Instant> deadline() {
    if (deadlineNanos == Long.MAX_VALUE) {
      return Optional.empty();
    }
    return Optional.of(clock.instant().plusNanos(deadlineNanos - clock.nanoTime()));
  }

  /** What is left of the deadline (zero when past); {@code null} when the call has no deadline. */
  public Duration timeRemaining() {
    if (deadlineNanos == Long.MAX_VALUE) {
      return null;
    }
    return Duration.ofNanos(Math.max(0, deadlineNanos - clock.nanoTime()));
  }

  long deadlineNanos() {
    return deadlineNanos;
  }

  IoClock clock() {
    return clock;
  }

  ConcurrencyMode concurrency() {
    return concurrency;
  }

  /** Whether the caller cancelled the call (or its deadline passed, or the host aborted it). */
  public boolean isCancelled() {
    return cancellation.isDone();
  }

  /** Completes when the call is cancelled; never completes for a call that finishes normally. */
  public CompletionStage<Void> cancellation() {
    return cancellation.minimalCompletionStage();
  }

  /**
   * Runs {@code listener} once when the call is cancelled (at once, on this thread, if it is already). What a
   * listener run by the cancellation throws goes to {@link dev.courier.io.CallbackFailureHandler}.
   */
  public void onCancel(Runnable listener) {
    Objects.requireNonNull(listener, "listener");
    synchronized (cancelListeners) {
      if (!cancellation.isDone()) {
        cancelListeners.add(listener);
        return;
      }
    }
    listener.run();
  }

  /** Adds a cancellation listener; returns what removes it again (for calls that finish first). */
  Runnable addCancelListener(Runnable listener) {
    synchronized (cancelListeners) {
      if (!cancellation.isDone()) {
        cancelListeners.add(listener);
        return () -> {
          synchronized (cancelListeners) {
            cancelListeners.remove(listener);
          }
        };
      }
    }
    listener.run();
    return () -> { };
  }

  void cancel() {
    List<Runnable> run;
    synchronized (cancelListeners) {
      if (!cancellation.complete(null)) {
        return;
      }
      run = List.copyOf(cancelListeners);
      cancelListeners.clear();
    }
    for (Runnable r : run) {
      try {
        r.run();
      } catch (RuntimeException | Error e) {
        CallbackFailureHandler.report("cancellation listener " + r, e);
      }
    }
  }

  /**
   * A proxy for the caller's callback contract of a duplex contract; usable during the call and after it
   * (for notifications) until the caller's channel closes.
   *
   * @throws IllegalStateException when the contract has no callback contract of that type
   */
  public <T> T callback(Class<T> type) {
    Objects.requireNonNull(type, "type");
    if (callbacks == null) {
      throw new IllegalStateException("callback: operation " + operation.name()
          + " belongs to a contract without a callback contract (expected: @ServiceContract(callback = ...))");
    }
    return callbacks.proxy(type, this);
  }

  /** The extension of {@code type} set on this call, if any (WCF's extensions: per-call state, not thread-locals). */
  public <T> Optional<T> extension(Class<T> type) {
    return Optional.ofNullable(type.cast(extensions.get(type)));
  }

  /** Sets the extension of {@code type} for this call. */
  public <T> void extension(Class<T> type, T value) {
    extensions.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(value, "value"));
  }

  /** An executor that runs tasks on the caller's thread with this context {@link #current()}. */
  public Executor executor() {
    return task -> ScopedValue.where(CURRENT, this).run(task);
  }

  /** Runs {@code task} with this context {@link #current()}. */
  public void run(Runnable task) {
    ScopedValue.where(CURRENT, this).run(task);
  }

  synchronized InstanceGate gate() {
    return gate;
  }

  /** The call entered its instance's gate. */
  synchronized void entered(InstanceGate gate) {
    this.gate = gate;
  }

  /** An outgoing call lets others into the instance: takes the gate away from this call. */
  synchronized InstanceGate releaseGate() {
    InstanceGate g = gate;
    gate = null;
    return g;
  }

  /** An outgoing call came back inside the gate; false when the call has finished meanwhile (then the caller exits the gate). */
  synchronized boolean resume(InstanceGate g) {
    if (finished) {
      return false;
    }
    gate = g;
    return true;
  }

  /** The call finished: returns the gate it holds, if any, for the dispatcher to exit. */
  synchronized InstanceGate finish() {
    finished = true;
    InstanceGate g = gate;
    gate = null;
    return g;
  }

  @Override
  public String toString() {
    return "OperationContext[" + operation.name() + (isCancelled() ? ", cancelled" : "") + "]";
  }
}
