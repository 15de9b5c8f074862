package dev.courier.rpc.suite;

import dev.courier.rpc.AsyncCallback;
import dev.courier.rpc.AsyncResult;
import dev.courier.rpc.CompletedEvent;
import dev.courier.rpc.CompletedListener;
import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.OperationDescription;
import dev.courier.rpc.OperationShape;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Calls an operation of a client proxy in a chosen client shape and reports how it ended as an
 * {@link Outcome}, so one test body covers SYNC, TASK, BEGIN_END and EVENT alike.
 *
 * <pre>{@code
 * CallAdapter calls = new CallAdapter(SuiteContracts.Client.class, proxy);
 * Outcome o = calls.call(OperationShape.TASK, "divide", 1, 0);        // waits (bounded)
 * CallAdapter.Pending p = calls.start(OperationShape.EVENT, "hold", "t1");
 * p.cancel();                                                           // cancelAsync(userState)
 * }</pre>
 *
 * <ul>
 *   <li>SYNC: {@code op(args)} on a new virtual thread (so the test can wait with a bound, and cancel by
 *       interrupting that thread).
 *   <li>TASK: {@code opAsync(args)}; the outcome is what {@code get()} reports once the future is done;
 *       cancel is {@code future.cancel(true)}.
 *   <li>BEGIN_END: {@code beginOp(args, callback, state)}; the callback calls {@code endOp} (which must
 *       return at once there); cancel is {@code AsyncResult.cancel()}.
 *   <li>EVENT: {@code opAsync(args, userState)} with a unique user state; the listener set with
 *       {@code onOpCompleted} reports the event; cancel is {@code cancelAsync(userState)}.
 * </ul>
 *
 * <p>The methods are found through the client interface's {@link ContractDescription}, so the adapter
 * works for any contract. Thread safe.
 */
public final class CallAdapter {
  /** The bound of {@link Pending#await()}. */
  public static final Duration WAIT = Duration.ofSeconds(5);

  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final Object client;
  private final ContractDescription contract;
  private final Map<Object, Pending> eventCalls = new ConcurrentHashMap<>();
  private final Set<String> listening = ConcurrentHashMap.newKeySet();
  private final List<CompletedEvent<?>> strayEvents = new CopyOnWriteArrayList<>();

  /** An adapter over {@code client}, a proxy of the client interface {@code type}. */
  public CallAdapter(Class<?> type, Object client) {
    this.contract = ContractDescription.of(type);
    this.client = Objects.requireNonNull(client, "client");
  }

  /** Calls {@code operation} in {@code shape} and waits (up to {@link #WAIT}) for its outcome. */
  public Outcome call(OperationShape shape, String operation, Object... args) throws Exception {
    return start(shape, operation, args).await();
  }

  /** Starts a call of {@code operation} in {@code shape}; never waits for it. */
  public Pending start(OperationShape shape, String operation, Object... args) {
    OperationDescription op = contract.operation(operation);
    Method main = op.method(shape).orElseThrow(() -> new IllegalArgumentException(
        "client " + contract.type().getSimpleName() + " declares no " + shape + " method for " + operation));
    String tag = operation + "/" + shape + "#" + COUNTER.incrementAndGet();
    return switch (shape) {
      case SYNC -> startSync(main, args, tag);
      case TASK -> startTask(main, args);
      case BEGIN_END -> startBeginEnd(op, main, args, tag);
      case EVENT -> startEvent(op, main, args, tag);
    };
  }

  /** {@code isBusy()} of the event-based pattern. */
  public boolean isBusy() {
    Method m = contract.isBusyMethod().orElseThrow(() -> new IllegalStateException("client declares no isBusy()"));
    return (Boolean) invoke(m, new Object[0]);
  }

  /** {@code cancelAsync(userState)} of the event-based pattern. */
  public void cancelAsync(Object userState) {
    Method m = contract.cancelAsyncMethod()
        .orElseThrow(() -> new IllegalStateException("client declares no cancelAsync(Object)"));
    invoke(m, new Object[] {userState});
  }

  /** Events whose user state matched no call started here (there should be none). */
  public List<CompletedEvent<?>> strayEvents() {
    return List.copyOf(strayEvents);
  }

  // ---- shapes --------------------------------------------------------------------------------------

  private Pending startSync(Method m, Object[] args, String tag) {
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    Thread caller = Thread.ofVirtual().name("sync-caller " + tag).unstarted(() -> {
      Object value;
      try {
        value = invoke(m, args);
      } catch (Throwable t) {
        outcome.complete(new Outcome(OperationShape.SYNC, null, t, false, Thread.currentThread().getName(),
            null, null, null, null));
        return;
      }
      outcome.complete(new Outcome(OperationShape.SYNC, value, null, false, Thread.currentThread().getName(),
          null, null, null, null));
    });
    Pending p = new Pending(OperationShape.SYNC, null, outcome, () -> {
      caller.interrupt();
      return true;
    });
    caller.start();
    return p;
  }

  private Pending startTask(Method m, Object[] args) {
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    CompletableFuture<?> future;
    try {
      future = (CompletableFuture<?>) invoke(m, args);
    } catch (Throwable t) {
      outcome.complete(new Outcome(OperationShape.TASK, null, t, true, Thread.currentThread().getName(),
          null, null, null, null));
      return new Pending(OperationShape.TASK, null, outcome, () -> false);
    }
    future.whenComplete((ignored, alsoIgnored) -> {
      Object value = null;
      Throwable error = null;
      try {
        value = future.get();      // done: reports the caller's view (cause of ExecutionException, or cancellation)
      } catch (ExecutionException e) {
        error = e.getCause();
      } catch (CancellationException e) {
        error = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        error = e;
      }
      outcome.complete(new Outcome(OperationShape.TASK, value, error, false, Thread.currentThread().getName(),
          null, null, null, null));
    });
    return new Pending(OperationShape.TASK, null, outcome, () -> future.cancel(true));
  }

  private Pending startBeginEnd(OperationDescription op, Method begin, Object[] args, String state) {
    Method end = op.endMethod().orElseThrow();
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    AtomicInteger callbacks = new AtomicInteger();
    AsyncCallback callback = ar -> {
      if (callbacks.incrementAndGet() > 1) {
        outcome.obtrudeException(new AssertionError("the AsyncCallback of " + state + " ran twice"));
        return;
      }
      Object value = null;
      Throwable error = null;
      try {
        value = invoke(end, new Object[] {ar});
      } catch (Throwable t) {
        error = t;
      }
      outcome.complete(new Outcome(OperationShape.BEGIN_END, value, error, false, Thread.currentThread().getName(),
          ar.asyncState(), ar, null, null));
    };
    Object[] full = Arrays.copyOf(args, args.length + 2);
    full[args.length] = callback;
    full[args.length + 1] = state;
    AsyncResult handle;
    try {
      handle = (AsyncResult) invoke(begin, full);
    } catch (Throwable t) {
      outcome.complete(new Outcome(OperationShape.BEGIN_END, null, t, true, Thread.currentThread().getName(),
          null, null, null, null));
      return new Pending(OperationShape.BEGIN_END, state, outcome, () -> false);
    }
    Pending p = new Pending(OperationShape.BEGIN_END, state, outcome, handle::cancel);
    p.handle = handle;
    return p;
  }

  @SuppressWarnings("unchecked")
  private Pending startEvent(OperationDescription op, Method main, Object[] args, String userState) {
    if (listening.add(op.name())) {
      Method listen = op.completedListenerMethod().orElseThrow(() -> new IllegalArgumentException(
          "client declares no on" + op.name() + "Completed(CompletedListener) for " + op.name()));
      CompletedListener<Object> listener = e -> {
        Pending p = eventCalls.remove(e.userState());
        if (p == null) {
          strayEvents.add(e);
          return;
        }
        Throwable resultThrew = null;
        try {
          e.result();
        } catch (Throwable t) {
          resultThrew = t;
        }
        p.outcome.complete(new Outcome(OperationShape.EVENT, e.error() == null ? e.result() : null, e.error(), false,
            Thread.currentThread().getName(), e.userState(), null, e.cancelled(), resultThrew));
      };
      invoke(listen, new Object[] {listener});
    }
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    Pending p = new Pending(OperationShape.EVENT, userState, outcome, () -> {
      cancelAsync(userState);
      return true;
    });
    eventCalls.put(userState, p);
    Object[] full = Arrays.copyOf(args, args.length + 1);
    full[args.length] = userState;
    try {
      invoke(main, full);
    } catch (Throwable t) {
      eventCalls.remove(userState);
      outcome.complete(new Outcome(OperationShape.EVENT, null, t, true, Thread.currentThread().getName(),
          userState, null, null, null));
    }
    return p;
  }

  private Object invoke(Method m, Object[] args) {
    try {
      return m.invoke(client, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("checked exception from " + m.getName(), cause);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot call " + m, e);
    }
  }

  /** A call in flight. */
  public static final class Pending {
    private final OperationShape shape;
    private final Object userState;
    private final CompletableFuture<Outcome> outcome;
    private final BooleanSupplier canceller;
    private volatile AsyncResult handle;

    Pending(OperationShape shape, Object userState, CompletableFuture<Outcome> outcome, BooleanSupplier canceller) {
      this.shape = shape;
      this.userState = userState;
      this.outcome = outcome;
      this.canceller = canceller;
    }

    /** The client shape of the call. */
    public OperationShape shape() {
      return shape;
    }

    /** The user state of an EVENT call, the state of a BEGIN_END call, else {@code null}. */
    public Object userState() {
      return userState;
    }

    /** The handle {@code beginOp} returned (BEGIN_END), else {@code null}. */
    public AsyncResult handle() {
      return handle;
    }

    /**
     * Cancels the call the way its shape does: interrupts the SYNC caller's thread, {@code future.cancel(true)},
     * {@code AsyncResult.cancel()}, {@code cancelAsync(userState)}. Returns what the shape's cancel
     * returned ({@code true} for SYNC and EVENT, whose cancels return nothing).
     */
    public boolean cancel() {
      return canceller.getAsBoolean();
    }

    /** Whether the outcome is known. */
    public boolean isDone() {
      return outcome.isDone();
    }

    /** Waits up to {@link #WAIT} for the outcome. */
    public Outcome await() throws InterruptedException, ExecutionException {
      try {
        return outcome.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError(shape + " call " + (userState == null ? "" : userState + " ")
            + "did not complete within " + WAIT, e);
      }
    }
  }
}
