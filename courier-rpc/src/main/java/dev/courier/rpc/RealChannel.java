package dev.courier.rpc;

import dev.courier.io.CallbackFailureHandler;
import dev.courier.io.IoClock;
import dev.courier.io.IoTarget;
import dev.courier.io.SendOptions;
import dev.courier.io.StopAction;
import dev.courier.rpc.spi.Connection;
import dev.courier.rpc.spi.Invocation;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * A client channel: the dynamic proxy behind a contract interface. Each method is bound, once, to an
 * {@link InvocationAdapter} that turns the one {@link ClientCall} into its shape.
 */
final class RealChannel implements InvocationHandler, ClientChannel {
  private static final Object[] NO_ARGS = new Object[0];

  /** Turns a client call into one calling shape. */
  interface InvocationAdapter {
    Object invoke(RealChannel channel, Object[] args) throws Throwable;

    /** Makes the adapter for one method of a contract, or returns {@code null} when it is not of its shape. */
    interface Factory {
      InvocationAdapter create(ContractDescription contract, Method method);
    }
  }

  private static final List<InvocationAdapter.Factory> FACTORIES = List.of(RealChannel::customAdapter,
      RealChannel::syncAdapter, RealChannel::taskAdapter, RealChannel::beginEndAdapter, RealChannel::eventAdapter);

  private final RealChannel root;                  // the channel that owns the connection and the state
  private final ContractDescription contract;
  private final Connection connection;
  private final String address;
  private final IoClock clock;
  private final long timeoutNanos;
  private final Executor completionExecutor;
  private final SendOptions synchronousSend;      // the channel's own timeout: built once, not per call
  private final SendOptions asynchronousSend;
  private final Map<String, String> headers;
  private final Executor eventExecutor;
  private final boolean callbackChannel;
  private final Map<String, FilterChain> filters;   // null: no filter
  private final Broadcast broadcast;                // null: calls go to one endpoint
  private final Map<Method, InvocationAdapter> adapters;
  private final Map<OperationDescription, CompletedListener<Object>> listeners = new ConcurrentHashMap<>();
  private final Map<Object, List<ClientCall>> eventCalls = new HashMap<>();    // guarded by itself
  private final Object stateLock = new Object();      // not this: users hold the channel object
  private volatile CommunicationState state = CommunicationState.OPENED;   // changed under stateLock
  private volatile String lostBecause;                                     // set with FAULTED
  private Object proxy;

  private RealChannel(ContractDescription contract, Connection connection, String address, IoClock clock,
      Duration timeout, Map<String, String> headers, Executor eventExecutor, boolean callbackChannel,
      Map<String, FilterChain> filters) {
    this.root = this;
    this.contract = contract;
    this.connection = connection;
    this.address = address;
    this.clock = clock;
    this.timeoutNanos = timeout == null ? Invocation.NO_DEADLINE : timeout.toNanos();
    this.completionExecutor = connection.completionExecutor();
    this.synchronousSend = sendOptions(timeoutNanos, true, null);
    this.asynchronousSend = sendOptions(timeoutNanos, false, completionExecutor);
    this.headers = Map.copyOf(headers);
    this.eventExecutor = eventExecutor;
    this.callbackChannel = callbackChannel;
    this.filters = filters;
    this.broadcast = null;
    this.adapters = new HashMap<>();
    for (Method m : contract.type().getMethods()) {
      if (!java.lang.reflect.Modifier.isAbstract(m.getModifiers())) {
        continue;
      }
      for (InvocationAdapter.Factory f : FACTORIES) {
        InvocationAdapter a = f.create(contract, m);
        if (a != null) {
          adapters.put(m, a);
          break;
        }
      }
    }
    contract.cancelAsyncMethod().ifPresent(m -> adapters.put(m, (c, args) -> {
      c.cancelAsync(args[0]);
      return null;
    }));
    contract.isBusyMethod().ifPresent(m -> adapters.put(m, (c, args) -> c.isBusy()));
    connection.lost().thenAccept(this::connectionLost);
  }

  /**
   * A view of {@code base}'s channel that calls with {@code options}, and sends its one-way calls to every endpoint
   * for {@code broadcast} when it is not null; its event-based calls are its own.
   */
  private RealChannel(RealChannel base, CallOptions options, Broadcast broadcast) {
    this.root = base.root;
    this.contract = base.contract;
    this.connection = base.connection;
    this.address = base.address;
    this.clock = base.clock;
    this.timeoutNanos = options.noTimeout() ? Invocation.NO_DEADLINE
        : options.timeout().map(Duration::toNanos).orElse(base.timeoutNanos);
    this.completionExecutor = options.completionExecutor().orElse(base.completionExecutor);
    this.synchronousSend = sendOptions(timeoutNanos, true, null);
    this.asynchronousSend = sendOptions(timeoutNanos, false, completionExecutor);
    Map<String, String> merged = new java.util.LinkedHashMap<>(base.headers);
    merged.putAll(options.headers());
    this.headers = Map.copyOf(merged);
    this.eventExecutor = options.completionExecutor().orElse(base.eventExecutor);
    this.callbackChannel = base.callbackChannel;
    this.filters = base.filters;
    this.broadcast = broadcast;
    this.adapters = base.adapters;
  }

  static <T> T proxy(Class<T> type, Connection connection, String address, IoClock clock, Duration timeout,
      Map<String, String> headers, Executor eventExecutor, Map<String, FilterChain> filters) {
    RealChannel channel = new RealChannel(ContractDescription.of(type), connection, address, clock, timeout, headers,
        eventExecutor, false, filters);
    return type.cast(channel.newProxy(type));
  }

  /** A proxy like {@code proxy}, over the same channel, whose calls have {@code options}. */
  static <T> T withOptions(T proxy, CallOptions options) {
    Objects.requireNonNull(options, "options");
    RealChannel base = of(proxy);
    return base.view(new RealChannel(base, options, base.broadcast));
  }

  /** Runs {@code calls} on a view of {@code proxy} whose one-way calls go to every endpoint; see ClientChannel. */
  static <T> java.util.concurrent.CompletionStage<BroadcastReport> broadcast(T proxy,
      java.util.function.Consumer<? super T> calls) {
    Objects.requireNonNull(calls, "calls");
    RealChannel base = of(proxy);
    if (!(base.connection instanceof ClusterConnection)) {
      throw new IllegalArgumentException("proxy: a channel to " + base.address + " (expected: a channel to several"
          + " endpoints, from ChannelFactory.builder(...).addresses(...) or .endpoints(...))");
    }
    Broadcast broadcast = new Broadcast();
    try {
      calls.accept(base.view(new RealChannel(base, CallOptions.builder().build(), broadcast)));
    } catch (RuntimeException | Error e) {
      broadcast.seal();
      return broadcast.report.thenCompose(r -> java.util.concurrent.CompletableFuture.failedStage(e));
    }
    broadcast.seal();
    return broadcast.report;
  }

  private static RealChannel of(Object proxy) {
    if (proxy == null || !Proxy.isProxyClass(proxy.getClass())
        || !(Proxy.getInvocationHandler(proxy) instanceof RealChannel base)) {
      throw new IllegalArgumentException("proxy: " + proxy + " (expected: a proxy made by ChannelFactory.createChannel()"
          + " or ClientChannel.withOptions)");
    }
    return base;
  }

  @SuppressWarnings("unchecked")
  private <T> T view(RealChannel derived) {
    return (T) derived.newProxy(contract.type());
  }

  /** The broadcast this view's one-way calls belong to, or null. */
  Broadcast broadcast() {
    return broadcast;
  }

  /**
   * A proxy over the callback target of a duplex session: what {@link OperationContext#callback} returns. Its
   * calls pass through {@code filters}, the host's for the callback contract.
   */
  static Object callbackProxy(Class<?> type, IoTarget peer, IoClock clock,
      Map<String, FilterChain> filters) {
    Connection connection = new Connection() {
      @Override
      public IoTarget target() {
        return peer;
      }

      @Override
      public void close() {
        // the session owns the callback target
      }
    };
    RealChannel channel = new RealChannel(ContractDescription.of(type), connection, "callback " + type.getSimpleName(),
        clock, null, Map.of(), Runnable::run, true, filters);
    return channel.newProxy(type);
  }

  private Object newProxy(Class<?> type) {
    proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type, ClientChannel.class}, this);
    return proxy;
  }

  // ---- ClientChannel ------------------------------------------------------------------------------

  @Override
  public CommunicationState state() {
    return root.state;
  }

  @Override
  public String address() {
    return address;
  }

  @Override
  public void close() {
    if (root != this) {
      root.close();
      return;
    }
    CommunicationState was;
    synchronized (stateLock) {
      was = state;
      if (was == CommunicationState.OPENED) {
        state = CommunicationState.CLOSING;
      }
    }
    if (was == CommunicationState.FAULTED) {
      abort();
    }
    if (was != CommunicationState.OPENED) {
      return;
    }
    try {
      connection.target().stop(StopAction.WAIT_FOR_SENT_IO);   // calls in flight finish
      ClusterConnection cluster = cluster();
      if (cluster != null) {
        cluster.awaitDirectCalls();                              // and those sent straight to its endpoints
      }
    } finally {
      connection.close();
      state = CommunicationState.CLOSED;
    }
  }

  @Override
  public void abort() {
    if (root != this) {
      root.abort();
      return;
    }
    synchronized (stateLock) {
      if (state == CommunicationState.CLOSED) {
        return;
      }
      state = CommunicationState.CLOSING;
    }
    connection.close();                                          // calls in flight are cancelled
    state = CommunicationState.CLOSED;
  }

  /**
   * The connection is gone without the channel's close: the channel faults. Its session, and the service
   * instance of a PER_SESSION host, went with it, so it never reconnects. May run on an I/O thread.
   */
  private void connectionLost(String because) {
    synchronized (stateLock) {
      if (state != CommunicationState.OPENED) {
        return;                                                  // closing or closed by its user
      }
      lostBecause = because;
      state = CommunicationState.FAULTED;
    }
  }

  // ---- calls --------------------------------------------------------------------------------------

  IoTarget target() {
    return connection.target();
  }

  /** The connection when it is one to several endpoints, or null. */
  ClusterConnection cluster() {
    return connection instanceof ClusterConnection c ? c : null;
  }

  IoClock clock() {
    return clock;
  }

  /** The filters of {@code op}'s calls, or {@code null} for none. */
  FilterChain filters(OperationDescription op) {
    return filters == null ? null : filters.get(op.action());
  }

  /** How a call of this channel is sent: with {@code timeoutNanos} left, waiting for it or not. */
  SendOptions sendOptions(long timeoutNanos, boolean synchronous) {
    if (timeoutNanos == this.timeoutNanos) {
      return synchronous ? synchronousSend : asynchronousSend;
    }
    return sendOptions(timeoutNanos, synchronous, completionExecutor);
  }

  private static SendOptions sendOptions(long timeoutNanos, boolean synchronous, Executor executor) {
    SendOptions.Builder options = SendOptions.builder();
    if (timeoutNanos != Invocation.NO_DEADLINE) {
      options.timeout(Duration.ofNanos(timeoutNanos));
    }
    if (synchronous) {
      options.synchronous();
    } else if (executor != null) {
      options.completionExecutor(executor);      // keep user code off the binding's I/O thread
    }
    return options.build();
  }

  long timeoutNanos() {
    return timeoutNanos;
  }

  Map<String, String> headers() {
    return headers;
  }

  boolean isCallbackChannel() {
    return callbackChannel;
  }

  /** Null when calls may go out, else the exception a call gets. */
  RuntimeException checkOpen(OperationDescription op) {
    if (root != this) {
      return root.checkOpen(op);
    }
    CommunicationState s = state;
    if (s == CommunicationState.OPENED) {
      return null;
    }
    if (s == CommunicationState.FAULTED) {
      return new CommunicationException("channel to " + address + " is FAULTED: its connection was lost ("
          + lostBecause + "); call to " + op.name() + " was not sent (expected: a new channel from the"
          + " ChannelFactory; a channel whose connection was lost does not reconnect)", false);
    }
    return new CommunicationException("channel to " + address + " is " + s + " (expected: OPENED); call to "
        + op.name() + " was not sent", false);
  }

  @Override
  public Object invoke(Object self, Method method, Object[] args) throws Throwable {
    InvocationAdapter adapter = adapters.get(method);
    if (adapter != null) {
      return adapter.invoke(this, args == null ? NO_ARGS : args);
    }
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "equals" -> self == args[0];
        case "hashCode" -> System.identityHashCode(self);
        case "toString" -> "Channel[" + contract.name() + " at " + address + ", " + root.state + "]";
        default -> throw new UnsupportedOperationException(method.toString());
      };
    }
    if (method.getDeclaringClass() == ClientChannel.class) {
      return method.invoke(this, args);
    }
    if (method.isDefault()) {
      return InvocationHandler.invokeDefault(self, method, args);
    }
    throw new UnsupportedOperationException("method " + method + " is not an operation of " + contract.name());
  }

  // ---- adapters -----------------------------------------------------------------------------------

  private static OperationDescription find(ContractDescription contract, Method m, OperationShape shape) {
    for (OperationDescription op : contract.operations()) {
      if (op.method(shape).filter(m::equals).isPresent()) {
        return op;
      }
    }
    return null;
  }

  private static InvocationAdapter syncAdapter(ContractDescription contract, Method m) {
    OperationDescription op = find(contract, m, OperationShape.SYNC);
    if (op == null) {
      return null;
    }
    return (channel, args) -> ClientCall.create(channel, op).call(args);
  }

  /** A method of a {@link dev.courier.rpc.spi.CallShape}: the shape gets a starter of the call's future. */
  private static InvocationAdapter customAdapter(ContractDescription contract, Method m) {
    for (OperationDescription op : contract.operations()) {
      dev.courier.rpc.spi.CallShape shape = op.customShapes().get(m);
      if (shape != null) {
        return (channel, args) -> shape.invoke(args, logical -> {
          ClientCall call = ClientCall.create(channel, op);
          CallFuture future = new CallFuture(call);
          call.start(logical, future::settle);
          return future;
        });
      }
    }
    return null;
  }

  private static InvocationAdapter taskAdapter(ContractDescription contract, Method m) {
    OperationDescription op = find(contract, m, OperationShape.TASK);
    if (op == null) {
      return null;
    }
    return (channel, args) -> {
      ClientCall call = ClientCall.create(channel, op);
      CallFuture future = new CallFuture(call);
      call.start(args, future::settle);
      return future;
    };
  }

  /** A future whose cancellation cancels its call. */
  private static final class CallFuture extends CompletableFuture<Object> {
    private final ClientCall call;

    CallFuture(ClientCall call) {
      this.call = call;
    }

    void settle(Object result, RuntimeException error) {
      if (error != null) {
        completeExceptionally(error);
      } else {
        complete(result);
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      call.cancel();
      return super.cancel(mayInterruptIfRunning);
    }
  }

  private static InvocationAdapter beginEndAdapter(ContractDescription contract, Method m) {
    OperationDescription begin = find(contract, m, OperationShape.BEGIN_END);
    if (begin != null) {
      int n = m.getParameterCount() - 2;
      return (channel, args) -> {
        Object[] logical = java.util.Arrays.copyOf(args, n);
        AsyncCallback callback = (AsyncCallback) args[n];
        Object state = args[n + 1];
        ClientCall call = ClientCall.create(channel, begin);
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        call.start(logical, (r, e) -> {
          if (e != null) {
            outcome.completeExceptionally(e);
          } else {
            outcome.complete(r);
          }
        });
        return new CallAsyncResult(begin, channel,
            StageAsyncResult.of(outcome, null, state, call::cancel), callback);
      };
    }
    for (OperationDescription op : contract.operations()) {
      if (op.endMethod().filter(m::equals).isPresent()) {
        return (channel, args) -> {
          if (!(args[0] instanceof CallAsyncResult ar) || ar.operation != op || ar.channel != channel) {
            throw new IllegalArgumentException("end" + ContractReader.capitalize(op.name()) + ": " + args[0]
                + " (expected: the AsyncResult returned by begin" + ContractReader.capitalize(op.name())
                + " of this channel)");
          }
          return ar.join();
        };
      }
    }
    return null;
  }

  /** The Begin/End handle of a client call; the callback runs after the handle can be ended. */
  private static final class CallAsyncResult implements AsyncResult {
    final OperationDescription operation;
    final RealChannel channel;
    private final StageAsyncResult delegate;

    CallAsyncResult(OperationDescription operation, RealChannel channel, StageAsyncResult delegate,
        AsyncCallback callback) {
      this.operation = operation;
      this.channel = channel;
      this.delegate = delegate;
      if (callback != null) {
        delegate.whenDone(() -> {
          try {
            callback.completed(this);
          } catch (RuntimeException | Error e) {
            CallbackFailureHandler.report("AsyncCallback of begin" + ContractReader.capitalize(operation.name()), e);
          }
        });
      }
    }

    @Override
    public boolean isCompleted() {
      return delegate.isCompleted();
    }

    @Override
    public boolean completedSynchronously() {
      return delegate.completedSynchronously();
    }

    @Override
    public Object asyncState() {
      return delegate.asyncState();
    }

    @Override
    public Object join() {
      return delegate.join();
    }

    @Override
    public boolean cancel() {
      return delegate.cancel();
    }

    @Override
    public String toString() {
      return "AsyncResult[" + operation.name() + ", " + (isCompleted() ? "completed" : "pending") + "]";
    }
  }

  @SuppressWarnings("unchecked")
  private static InvocationAdapter eventAdapter(ContractDescription contract, Method m) {
    OperationDescription call = find(contract, m, OperationShape.EVENT);
    if (call != null) {
      int n = m.getParameterCount() - 1;
      String listen = call.completedListenerMethod().map(Method::getName)
          .orElse("on" + ContractReader.capitalize(call.name()) + "Completed");
      String unheard = m.getName() + ": no listener is registered with " + listen + ", so the call's completion"
          + " would reach no one; it was not sent (expected: " + listen + "(listener) before the call)";
      return (channel, args) -> {
        if (!channel.listeners.containsKey(call)) {
          throw new IllegalStateException(unheard);
        }
        channel.startEventCall(call, java.util.Arrays.copyOf(args, n), args[n]);
        return null;
      };
    }
    for (OperationDescription op : contract.operations()) {
      if (op.completedListenerMethod().filter(m::equals).isPresent()) {
        String taken = m.getName() + ": a listener is registered already (expected: " + m.getName()
            + "(null) to remove it before registering another)";
        return (channel, args) -> {
          if (args[0] == null) {
            channel.listeners.remove(op);
            return null;
          }
          CompletedListener<Object> was = channel.listeners.putIfAbsent(op, (CompletedListener<Object>) args[0]);
          if (was != null && was != args[0]) {
            throw new IllegalStateException(taken);
          }
          return null;
        };
      }
    }
    return null;
  }

  /**
   * Starts an event-based call. Its completion goes to the listener registered for the operation when it
   * completes; one removed meanwhile, and none registered since, leaves it unreported.
   */
  private void startEventCall(OperationDescription op, Object[] args, Object userState) {
    ClientCall call = ClientCall.create(this, op);
    synchronized (eventCalls) {
      if (userState != null && eventCalls.containsKey(userState)) {
        throw new IllegalArgumentException("userState: " + userState
            + " is in use by a call still in flight (expected: a unique user state per pending call)");
      }
      eventCalls.computeIfAbsent(userState, k -> new ArrayList<>(1)).add(call);
    }
    call.start(args, (result, error) -> {
      synchronized (eventCalls) {
        List<ClientCall> calls = eventCalls.get(userState);
        if (calls != null && calls.remove(call) && calls.isEmpty()) {
          eventCalls.remove(userState);
        }
      }
      CompletedListener<Object> listener = listeners.get(op);
      if (listener == null) {
        return;
      }
      CompletedEvent<Object> event = error == null
          ? CompletedEvent.succeeded(result, userState) : CompletedEvent.failed(error, userState);
      eventExecutor.execute(() -> {
        try {
          listener.completed(event);
        } catch (RuntimeException | Error e) {
          CallbackFailureHandler.report("completed listener of " + op.name() + "Async", e);
        }
      });
    });
  }

  private void cancelAsync(Object userState) {
    List<ClientCall> calls;
    synchronized (eventCalls) {
      List<ClientCall> pending = eventCalls.get(userState);
      calls = pending == null ? List.of() : List.copyOf(pending);
    }
    for (ClientCall c : calls) {
      c.cancel();
    }
  }

  private boolean isBusy() {
    synchronized (eventCalls) {
      return !eventCalls.isEmpty();        // a user state's list goes once its last call has ended
    }
  }
}
