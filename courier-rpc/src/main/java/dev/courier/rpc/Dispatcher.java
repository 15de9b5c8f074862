package dev.courier.rpc;

import dev.courier.io.CallbackFailureHandler;
import dev.courier.io.IoClock;
import dev.courier.io.IoRequest;
import dev.courier.io.IoStatus;
import dev.courier.io.IoTarget;
import dev.courier.rpc.spi.Invocation;
import dev.courier.rpc.spi.RpcStatus;
import dev.courier.rpc.spi.Session;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Runs calls on a service implementation: one per contract and implementation, shared by the sessions of
 * every connection. Used by {@link ServiceHost} for services and by channels for duplex callback objects.
 *
 * <p>Threading: {@link DispatchSession#dispatch} runs on the delivering thread (for the in-process
 * binding, the caller's) and never blocks. A TASK or BEGIN_END implementation is invoked there and must
 * not block; a SYNC implementation runs on the executor (virtual threads by default). Each request is
 * completed exactly once: by the call's end, or by the caller's cancel, whichever comes first; and its
 * {@link Invocation#serviceFinished()} is called exactly once, when the service has returned (after a cancel
 * too) or at once when the call is not run.
 */
final class Dispatcher {
  private static final System.Logger LOG = System.getLogger(ServiceHost.class.getName());
  static final String INTERNAL_REASON =
      "The server was unable to process the request due to an internal error.";
  private static final MethodType GENERIC = MethodType.methodType(Object.class, Object.class, Object[].class);

  private final String name;
  private final ContractDescription contract;
  private final InstanceMode instanceMode;
  private final ConcurrencyMode concurrency;
  private final Supplier<?> factory;
  private final Executor executor;
  private final boolean defaultExecutor;     // the host's owner gave none: a binding's batched hand-off may serve
  private final boolean includeExceptionDetail;
  private final CallThrottle throttle;
  private final IoClock clock;
  private final Map<String, FilterChain> callbackFilters;   // the client side of callbacks
  private final Map<String, Invoker> invokers = new HashMap<>();
  private final Set<DispatchedCall> inFlight = ConcurrentHashMap.newKeySet();
  private final Object singletonLock = new Object();
  private volatile Object singleton;
  private final InstanceGate singletonGate;
  private volatile boolean accepting = true;

  /** How one operation is invoked on the implementation, and the filters its calls pass first ({@code null}: none). */
  private record Invoker(OperationDescription op, OperationShape shape, MethodHandle main, MethodHandle end,
      FilterChain filters) {}

  Dispatcher(String name, ContractDescription contract, Class<?> implementation, InstanceMode instanceMode,
      ConcurrencyMode concurrency, Supplier<?> factory, Executor executor, boolean defaultExecutor,
      boolean includeExceptionDetail,
      CallThrottle throttle, IoClock clock, List<CallFilter.Factory> filters) {
    this.name = name;
    this.contract = contract;
    this.instanceMode = instanceMode;
    this.concurrency = concurrency;
    this.factory = factory;
    this.executor = executor;
    this.defaultExecutor = defaultExecutor;
    this.includeExceptionDetail = includeExceptionDetail;
    this.throttle = throttle;
    this.clock = clock;
    this.singletonGate = instanceMode == InstanceMode.SINGLE && concurrency != ConcurrencyMode.MULTIPLE
        ? new InstanceGate(executor) : null;
    if (implementation != null && !contract.type().isAssignableFrom(implementation)) {
      throw new IllegalArgumentException(name + ": " + implementation.getName() + " does not implement contract "
          + contract.type().getName() + " (expected: a class implementing the contract interface)");
    }
    Map<String, FilterChain> chains = FilterChain.of(filters, contract, CallFilter.Side.SERVICE);
    for (OperationDescription op : contract.operations()) {
      invokers.put(op.action(), invoker(op, chains == null ? null : chains.get(op.action())));
    }
    this.callbackFilters = contract.callbackContract()
        .map(c -> FilterChain.of(filters, c, CallFilter.Side.CLIENT)).orElse(null);
  }

  private Invoker invoker(OperationDescription op, FilterChain filters) {
    for (OperationShape shape : new OperationShape[] {OperationShape.TASK, OperationShape.BEGIN_END, OperationShape.SYNC}) {
      var m = op.method(shape);
      if (m.isPresent()) {
        MethodHandle main = handle(m.get());
        MethodHandle end = shape == OperationShape.BEGIN_END ? handle(op.endMethod().orElseThrow()) : null;
        return new Invoker(op, shape, main, end, filters);
      }
    }
    Method m = op.method(OperationShape.EVENT).orElse(null);
    if (m == null) {
      Method custom = op.customShapes().keySet().iterator().next();
      throw new IllegalArgumentException("operation " + op.name() + " has only a client shape of a CallShape.Factory"
          + " (expected: op, opAsync returning CompletionStage, or beginOp/endOp on a service)\n    for method "
          + custom.getDeclaringClass().getSimpleName() + "." + custom.getName());
    }
    throw new IllegalArgumentException("operation " + op.name() + " has only the event-based shape, which is for clients"
        + " (expected: op, opAsync returning CompletionStage, or beginOp/endOp on a service)\n    for method "
        + m.getDeclaringClass().getSimpleName() + "." + m.getName());
  }

  private static MethodHandle handle(Method m) {
    try {
      m.setAccessible(true);
      return MethodHandles.lookup().unreflect(m).asSpreader(Object[].class, m.getParameterCount()).asType(GENERIC);
    } catch (IllegalAccessException | RuntimeException e) {
      throw new IllegalArgumentException("cannot call " + m + " (expected: an interface open to dev.courier.rpc)", e);
    }
  }

  ContractDescription contract() {
    return contract;
  }

  /** A session whose calls back go to {@code peer} (duplex) and whose operations see {@code remote}. */
  DispatchSession openSession(IoTarget peer, Peer remote) {
    return new DispatchSession(peer, remote);
  }

  /** Stops taking new calls; calls in flight go on. */
  void stopAccepting() {
    accepting = false;
  }

  int inFlight() {
    return inFlight.size();
  }

  /** Ends every call in flight: the service sees a cancellation, the caller a lost connection. */
  void abortAll() {
    for (DispatchedCall call : inFlight) {
      call.abort();
    }
  }

  private Object singletonInstance() {
    Object s = singleton;
    if (s == null) {
      synchronized (singletonLock) {
        s = singleton;
        if (s == null) {
          s = java.util.Objects.requireNonNull(factory.get(), "service factory returned null");
          singleton = s;
        }
      }
    }
    return s;
  }

  // =============================================================================================

  /** One connection's session: its instance (PER_SESSION), its gate, its callback channel. */
  final class DispatchSession implements Session, OperationContext.CallbackChannel {
    private final IoTarget peer;
    private final Peer remote;
    private final Object lock = new Object();
    private Object instance;                 // PER_SESSION, guarded by lock
    private final InstanceGate gate;
    private final Map<Class<?>, Object> callbackProxies = new ConcurrentHashMap<>();
    private volatile boolean closed;

    DispatchSession(IoTarget peer, Peer remote) {
      this.peer = peer;
      this.remote = java.util.Objects.requireNonNull(remote, "remote");
      this.gate = instanceMode == InstanceMode.PER_SESSION && concurrency != ConcurrencyMode.MULTIPLE
          ? new InstanceGate(executor) : null;
    }

    @Override
    public void dispatch(IoRequest request) {
      Dispatcher.this.dispatch(this, request, null);
    }

    @Override
    public void dispatchFromEventLoop(IoRequest request) {
      Dispatcher.this.dispatch(this, request, executor);
    }

    @Override
    public void dispatchFromEventLoop(IoRequest request, Executor batched) {
      Dispatcher.this.dispatch(this, request, defaultExecutor ? batched : executor);
    }

    @Override
    public void close() {
      closed = true;
      Object s;
      synchronized (lock) {
        s = instance;
        instance = null;
      }
      closeInstance(s);
    }

    boolean isClosed() {
      return closed;
    }

    Object instance() {
      return switch (instanceMode) {
        case SINGLE -> singletonInstance();
        case PER_CALL -> java.util.Objects.requireNonNull(factory.get(), "service factory returned null");
        case PER_SESSION -> {
          synchronized (lock) {
            if (instance == null) {
              instance = java.util.Objects.requireNonNull(factory.get(), "service factory returned null");
            }
            yield instance;
          }
        }
      };
    }

    InstanceGate gate() {
      return instanceMode == InstanceMode.SINGLE ? singletonGate : gate;
    }

    @Override
    public <T> T proxy(Class<T> type, OperationContext context) {
      ContractDescription callbackContract = contract.callbackContract().orElse(null);
      if (callbackContract == null || peer == null) {
        throw new IllegalStateException("callback: contract " + contract.name() + " has no callback channel here");
      }
      if (!type.isAssignableFrom(callbackContract.type()) && !callbackContract.type().isAssignableFrom(type)) {
        throw new IllegalArgumentException("callback type: " + type.getName() + " (expected: "
            + callbackContract.type().getName() + ", the callback contract of " + contract.name() + ")");
      }
      return type.cast(callbackProxies.computeIfAbsent(type,
          t -> RealChannel.callbackProxy(t, peer, clock, callbackFilters)));
    }
  }

  private static void closeInstance(Object instance) {
    if (instance instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        CallbackFailureHandler.report("close of service instance " + instance, e);
      }
    }
  }

  /** Dispatches a call; {@code handOff} is where its user code goes, when it was delivered on an event loop. */
  private void dispatch(DispatchSession session, IoRequest request, Executor handOff) {
    Invocation inv = request.context(Invocation.KEY);
    if (inv == null) {
      request.complete(IoStatus.INVALID_DEVICE_REQUEST);
      return;
    }
    Invoker invoker = invokers.get(inv.action());
    if (invoker == null) {
      inv.fault(new FaultException("ActionNotSupported", "no operation with action " + inv.action()
          + " in contract " + contract.name() + " at " + name, null));
      inv.serviceFailure(inv.fault());
      inv.serviceFinished();                     // not run: a binding counting the call lets it go now
      request.complete(RpcStatus.FAULT);
      return;
    }
    if (!accepting || session.isClosed()) {
      inv.serviceFailure(new CommunicationException("the host at " + name + " is closing; the call was not run", false));
      inv.serviceFinished();
      request.complete(IoStatus.INVALID_DEVICE_STATE);
      return;
    }
    long deadline = inv.timeoutNanos() == Invocation.NO_DEADLINE ? Long.MAX_VALUE : clock.nanoTime() + inv.timeoutNanos();
    OperationContext ctx = new OperationContext(invoker.op(), inv.headers(), session.remote, clock, deadline,
        contract.isDuplex() ? session : null, concurrency);
    DispatchedCall call = new DispatchedCall(session, request, inv, invoker, ctx, handOff);
    inFlight.add(call);
    if (invoker.op().isOneWay()) {
      request.complete(IoStatus.SUCCESS);        // accepted: the caller returns now
    } else if (request.markCancelable(call::cancelledByCaller).equals(IoStatus.CANCELLED)) {
      inFlight.remove(call);
      inv.serviceFailure(new CancellationException("cancelled before it started"));
      inv.serviceFinished();
      request.complete(IoStatus.CANCELLED);
      return;
    }
    if (invoker.filters() != null) {
      if (handOff != null) {
        try {
          handOff.execute(call::runFilters);     // filters are user code: off the event loop
        } catch (RejectedExecutionException e) {
          call.finish(null, new CommunicationException("host is shutting down", true, e));
        }
      } else {
        call.runFilters();
      }
      return;
    }
    call.admit();
  }

  /**
   * What a call with filters keeps beside the rest: whether it has been answered (the flag), where the service's
   * outcome goes, and the executor thread its filters ran on. A call without filters has none of it.
   */
  @SuppressWarnings("serial")
  private static final class Filtering extends AtomicBoolean {
    volatile CompletableFuture<Object> serviceOutcome;
    volatile Thread worker;
  }

  /** One call being run. */
  private final class DispatchedCall {
    private final DispatchSession session;
    private final IoRequest request;
    private final Invocation inv;
    private final Invoker invoker;
    private final OperationContext ctx;
    private final Executor handOff;          // delivered on an I/O thread: where its user code runs; else null
    private final AtomicBoolean finished = new AtomicBoolean();
    private final Filtering filtering;       // null: unfiltered
    private volatile Object instance;
    private volatile boolean admitted;     // holds a throttle slot

    DispatchedCall(DispatchSession session, IoRequest request, Invocation inv, Invoker invoker, OperationContext ctx,
        Executor handOff) {
      this.session = session;
      this.request = request;
      this.inv = inv;
      this.invoker = invoker;
      this.ctx = ctx;
      this.handOff = handOff;
      this.filtering = invoker.filters() == null ? null : new Filtering();
    }

    /** Runs the call's filters; the last one's forward reaches the service ({@link #toService}). */
    void runFilters() {
      filtering.worker = handOff != null ? Thread.currentThread() : null;
      CallFilter.Call call = new CallFilter.Call(invoker.op(), CallFilter.Side.SERVICE, inv.arguments(), inv.headers(),
          inv.timeoutNanos() == Invocation.NO_DEADLINE ? null : java.time.Duration.ofNanos(inv.timeoutNanos()),
          session.remote.address(), ctx);
      invoker.filters().run(call, this::toService).whenComplete(this::filtered);
    }

    private CompletionStage<Object> toService(CallFilter.Call call) {
      if (call.headers() != inv.headers()) {
        ctx.headers(call.headers());             // what a filter added, the service reads
      }
      CompletableFuture<Object> outcome = new CompletableFuture<>();
      filtering.serviceOutcome = outcome;
      admit();
      return outcome;
    }

    /** The filters' outcome: the call's answer. */
    private void filtered(Object value, Throwable error) {
      if (finished.compareAndSet(false, true)) {
        if (error != null) {
          inv.serviceFailure(unwrap(error));
        }
        release();                               // answered without the service, or ahead of it
      }
      if (filtering.compareAndSet(false, true)) {
        respond(value, error);
      }
    }

    void admit() {
      if (throttle != null) {
        throttle.admit(this::admitted);
      } else {
        enterGate();
      }
    }

    void admitted() {
      admitted = true;
      enterGate();
    }

    void enterGate() {
      InstanceGate gate = instanceMode == InstanceMode.PER_CALL ? null : session.gate();
      if (gate == null) {
        start();
      } else {
        gate.enter(() -> {
          ctx.entered(gate);
          start();
        });
      }
    }

    /**
     * Starts the call's user code: any call delivered on an event loop where its binding handed it (one
     * hand-off), a SYNC operation on the executor, any other here.
     */
    private void start() {
      if ((handOff != null || invoker.shape() == OperationShape.SYNC)
          && (filtering == null || Thread.currentThread() != filtering.worker)) {
        try {
          (handOff != null ? handOff : executor).execute(this::run);
        } catch (RejectedExecutionException e) {
          finish(null, new CommunicationException("host is shutting down", true, e));
        }
      } else {
        run();
      }
    }

    private void run() {
      if (ctx.isCancelled()) {
        finish(null, new CancellationException("cancelled before it started"));
        return;
      }
      Object target;
      try {
        target = session.instance();
      } catch (RuntimeException e) {
        finish(null, e);
        return;
      }
      instance = target;
      Object[] args = inv.arguments();
      switch (invoker.shape()) {
        case SYNC -> runSync(target, args);
        case TASK -> {
          CompletionStage<?> stage;
          try {
            stage = (CompletionStage<?>) ScopedValue.where(OperationContext.CURRENT, ctx)
                .call(() -> invoke(invoker.main(), target, args));
          } catch (Throwable t) {
            finish(null, t);
            return;
          }
          if (stage == null) {
            finish(null, new NullPointerException(invoker.op().name() + " returned a null CompletionStage"));
          } else {
            stage.whenComplete(this::finish);
          }
        }
        case BEGIN_END -> {
          Object[] withCallback = java.util.Arrays.copyOf(args, args.length + 2);
          withCallback[args.length] = (AsyncCallback) this::ended;
          withCallback[args.length + 1] = null;
          try {
            AsyncResult ar = (AsyncResult) ScopedValue.where(OperationContext.CURRENT, ctx)
                .call(() -> invoke(invoker.main(), target, withCallback));
            if (ar == null) {
              finish(null, new NullPointerException("begin" + ContractReader.capitalize(invoker.op().name())
                  + " returned a null AsyncResult"));
            }
          } catch (Throwable t) {
            finish(null, t);
          }
        }
        case EVENT -> throw new AssertionError("event shape is never dispatched");
      }
    }

    private void ended(AsyncResult result) {
      Object value;
      try {
        value = ScopedValue.where(OperationContext.CURRENT, ctx)
            .call(() -> invoke(invoker.end(), instance, new Object[] {result}));
      } catch (Throwable t) {
        finish(null, t);
        return;
      }
      finish(value, null);
    }

    private void runSync(Object target, Object[] args) {
      Object value;
      try {
        value = ScopedValue.where(OperationContext.CURRENT, ctx).call(() -> invoke(invoker.main(), target, args));
      } catch (Throwable t) {
        finish(null, t);
        return;
      }
      finish(value, null);
    }

    /** Gives back what the call held: its instance gate, its throttle slot, its PER_CALL instance. */
    private void release() {
      InstanceGate gate = ctx.finish();
      if (gate != null) {
        gate.exit();
      }
      if (throttle != null && admitted) {
        throttle.release();
      }
      if (instanceMode == InstanceMode.PER_CALL) {
        closeInstance(instance);
      }
      inFlight.remove(this);
      inv.serviceFinished();
    }

    void finish(Object value, Throwable error) {
      if (!finished.compareAndSet(false, true)) {
        return;
      }
      if (error != null) {
        inv.serviceFailure(unwrap(error));
      }
      release();
      CompletableFuture<Object> toFilters = filtering == null ? null : filtering.serviceOutcome;
      if (toFilters != null) {
        if (error != null) {
          toFilters.completeExceptionally(unwrap(error));
        } else {
          toFilters.complete(value);
        }
        return;
      }
      respond(value, error);
    }

    /**
     * Answers the caller (a one-way call's failure is reported, its caller having gone on, unless its binding
     * handles it: {@link Invocation#handleServiceFailure()}).
     */
    private void respond(Object value, Throwable error) {
      if (invoker.op().isOneWay()) {
        if (error != null && !inv.serviceFailureHandled()) {
          CallbackFailureHandler.report("one-way operation " + invoker.op().name(), unwrap(error));
        }
        return;
      }
      if (request.unmarkCancelable().equals(IoStatus.CANCELLED)) {
        return;       // the caller cancelled; its cancel completed the request
      }
      if (error == null) {
        inv.reply(value);
        request.complete(IoStatus.SUCCESS);
      } else {
        inv.fault(toFault(unwrap(error)));
        request.complete(RpcStatus.FAULT);
      }
    }

    /** The caller's cancel reached the call (its request's cancel routine). */
    void cancelledByCaller(IoRequest r) {
      ctx.cancel();
      r.complete(IoStatus.CANCELLED);
    }

    void abort() {
      if (finished.compareAndSet(false, true)) {
        inv.serviceFailure(new CommunicationException("the host at " + name + " aborted the call", true));
        release();
        if ((filtering == null || filtering.compareAndSet(false, true))
            && !invoker.op().isOneWay() && !request.unmarkCancelable().equals(IoStatus.CANCELLED)) {
          request.complete(RpcStatus.CONNECTION_LOST);
        }
      }
      ctx.cancel();
    }

    private FaultException toFault(Throwable e) {
      if (e instanceof FaultException f) {
        Object detail = f.detail();
        if (detail == null || invoker.op().faults().contains(detail.getClass())) {
          return new FaultException(f.code(), f.reason(), detail);
        }
        LOG.log(System.Logger.Level.WARNING, "operation " + invoker.op().name() + " raised a fault with undeclared detail "
            + detail.getClass().getName() + "; the caller gets an internal fault", e);
      } else {
        LOG.log(System.Logger.Level.WARNING, "operation " + invoker.op().name() + " failed", e);
      }
      if (includeExceptionDetail) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        return new FaultException(FaultException.INTERNAL, e.toString(),
            new ExceptionDetail(e.getClass().getName(), String.valueOf(e.getMessage()), trace.toString()));
      }
      return new FaultException(FaultException.INTERNAL, INTERNAL_REASON, null);
    }
  }

  private static Object invoke(MethodHandle handle, Object target, Object[] args) throws Throwable {
    return handle.invokeExact(target, args);
  }

  static Throwable unwrap(Throwable t) {
    return StageAsyncResult.unwrap(t);
  }
}
