package dev.courier.rpc;

import dev.courier.io.IoClock;
import dev.courier.io.IoTarget;
import dev.courier.rpc.spi.Binding;
import dev.courier.rpc.spi.Endpoint;
import dev.courier.rpc.spi.HostExtension;
import dev.courier.rpc.spi.Listener;
import dev.courier.rpc.spi.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Hosts a service implementation on one or more endpoints ({@code ServiceHost}).
 *
 * <pre>{@code
 * ServiceHost host = ServiceHost.builder(new CalculatorService())
 *     .endpoint(Calculator.class, InProcessBinding.create(), "inproc://calculator")
 *     .build();
 * host.open();
 * ...
 * host.close(Duration.ofSeconds(5));   // waits for calls in flight, then aborts what is left
 * }</pre>
 *
 * <ul>
 *   <li>Instancing: one instance for all calls ({@link InstanceMode#SINGLE}, the default when an instance
 *       is given), one per channel, or one per call (from a factory).
 *   <li>Concurrency: {@link ConcurrencyMode#MULTIPLE} by default (unlike WCF, whose default is SINGLE):
 *       the instance takes calls in parallel and must be thread safe. SINGLE and REENTRANT let one call
 *       at a time into an instance without holding a thread while others wait.
 *   <li>Throttles: {@code maxConcurrentCalls} queues calls beyond the limit (no thread waits);
 *       {@code maxConcurrentSessions} refuses channels beyond the limit.
 *   <li>Where services run: a SYNC implementation on the executor (a virtual thread per call by
 *       default); a TASK or BEGIN_END implementation on the thread that delivered the call, so it must not
 *       block, except that a binding delivering on its event loop has every call moved off it in one
 *       hand-off ({@link dev.courier.rpc.spi.Session#dispatchFromEventLoop}): to the executor given to the
 *       builder, or else where the binding offers, which may run the calls of one read on one virtual thread
 *       (TCP does; see its binding).
 *   <li>Faults: an exception that is not a declared {@link FaultException} reaches the caller as an
 *       internal fault without its message or stack, unless exception detail is included.
 * </ul>
 *
 * <p>Threading: thread safe. {@link #close(Duration)} blocks up to its timeout and must not be called from
 * a service operation.
 */
public final class ServiceHost implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ServiceHost.class.getName());

  private final List<ServiceEndpoint> endpoints;
  private final List<HostExtension.Factory> extensionFactories;
  private final List<HostExtension> extensions = new ArrayList<>();
  private final List<Dispatcher> dispatchers = new ArrayList<>();
  private final List<Listener> listeners = new ArrayList<>();
  private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
  private final AtomicInteger sessionCount = new AtomicInteger();
  private final int maxConcurrentSessions;
  private final boolean publishMetadata;
  private final String serviceName;
  private final CallThrottle throttle;
  private volatile CommunicationState state = CommunicationState.CREATED;
  private volatile HealthState health = HealthState.SERVING;      // what the owner says, while OPENED

  private ServiceHost(Builder b) {
    if (b.endpoints.isEmpty()) {
      throw new IllegalStateException("host has no endpoint (expected: .endpoint(contract, binding, address))");
    }
    this.endpoints = List.copyOf(b.endpoints);
    this.extensionFactories = List.copyOf(b.extensions);
    this.maxConcurrentSessions = b.maxConcurrentSessions;
    this.publishMetadata = b.publishMetadata;
    this.serviceName = b.implementation.getSimpleName().isEmpty() ? "Service" : b.implementation.getSimpleName();
    Executor executor = b.executor != null ? b.executor : new Executor() {     // a virtual thread per call, untracked
      private final java.util.concurrent.ThreadFactory threads = Thread.ofVirtual().name("courier-call-", 0).factory();

      @Override
      public void execute(Runnable task) {
        threads.newThread(task).start();
      }
    };
    this.throttle = b.maxConcurrentCalls == Integer.MAX_VALUE ? null : new CallThrottle(b.maxConcurrentCalls, executor);
    Supplier<?> factory = b.factory;
    for (int i = 0; i < endpoints.size(); i++) {
      ServiceEndpoint e = endpoints.get(i);
      List<CallFilter.Factory> filters = new ArrayList<>(b.filters);      // the host's first, then the endpoint's
      b.endpointFilters.get(i).forEach(f -> filters.add(FilterChain.everyOperation(f)));
      dispatchers.add(new Dispatcher(e.address().toString(), e.contract(), b.implementation, b.instanceMode,
          b.concurrency, factory, executor, b.executor == null, b.includeExceptionDetail, throttle, b.clock,
          List.copyOf(filters)));
    }
  }

  /** A host for one instance that serves every call ({@link InstanceMode#SINGLE}). */
  public static Builder builder(Object instance) {
    Objects.requireNonNull(instance, "instance");
    return new Builder(instance.getClass(), () -> instance, InstanceMode.SINGLE);
  }

  /** A host whose instances come from {@code factory}, one per call, per session, or one in all. */
  public static <S> Builder builder(Class<S> implementation, Supplier<? extends S> factory, InstanceMode mode) {
    return new Builder(Objects.requireNonNull(implementation, "implementation"),
        Objects.requireNonNull(factory, "factory"), Objects.requireNonNull(mode, "mode"));
  }

  /** The host's state. */
  public CommunicationState state() {
    return state;
  }

  /** The addresses the host listens at, with the ports bound (after {@link #open()}). */
  public List<String> listenAddresses() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < listeners.size(); i++) {
      EndpointAddress a = listeners.get(i).address();
      out.add((a != null ? a : endpoints.get(i).address()).toString());
    }
    return out;
  }

  /**
   * The host's endpoints, in the order they were added: after {@link #open()}, at the addresses they listen at
   * (with the ports bound).
   *
   * <pre>{@code
   * ServiceEndpoint first = host.endpoints().getFirst();
   * Calculator calc = ChannelFactory.builder(Calculator.class)
   *     .binding(first.binding()).address(first.address()).build().createChannel();
   * }</pre>
   */
  public List<ServiceEndpoint> endpoints() {
    List<String> addresses = listenAddresses();
    List<ServiceEndpoint> out = new ArrayList<>();
    for (int i = 0; i < endpoints.size(); i++) {
      ServiceEndpoint e = endpoints.get(i);
      out.add(i < addresses.size() ? new ServiceEndpoint(e.contract(), e.binding(), EndpointAddress.of(addresses.get(i))) : e);
    }
    return List.copyOf(out);
  }

  /** The calls running or waiting in the host now. */
  public int callsInFlight() {
    return dispatchers.stream().mapToInt(Dispatcher::inFlight).sum();
  }

  /**
   * What the host tells load balancers and clients ({@link HealthState}): {@code NOT_SERVING} before it opens and
   * once it has closed, {@code DRAINING} while it closes, and while it is open what its owner last set
   * ({@code SERVING} unless set). Every endpoint's binding answers health requests with it.
   */
  public HealthState health() {
    return switch (state) {
      case OPENED -> health;
      case CLOSING -> HealthState.DRAINING;
      default -> HealthState.NOT_SERVING;
    };
  }

  /**
   * Sets what the host says of its health while it is open: {@code DRAINING} before a planned close, so that
   * balancers move new calls elsewhere first; {@code NOT_SERVING} while something it needs is down. Calls are
   * taken in every state.
   *
   * <pre>{@code
   * host.health(HealthState.DRAINING);
   * }</pre>
   */
  public void health(HealthState health) {
    this.health = Objects.requireNonNull(health, "health");
  }

  /** The open sessions (client channels). */
  public int sessionCount() {
    return sessionCount.get();
  }

  /** The most calls that ran at once under the {@code maxConcurrentCalls} throttle (0 without one). */
  public int peakConcurrentCalls() {
    return throttle == null ? 0 : throttle.peak();
  }

  /** Opens every endpoint, then the extensions ({@link Builder#extension}); when one of them fails, aborts the host. */
  public synchronized ServiceHost open() {
    if (state != CommunicationState.CREATED) {
      throw new IllegalStateException("open: host is " + state + " (expected: CREATED)");
    }
    state = CommunicationState.OPENING;
    try {
      for (int i = 0; i < endpoints.size(); i++) {
        ServiceEndpoint e = endpoints.get(i);
        Dispatcher d = dispatchers.get(i);
        listeners.add(e.binding().listen(e.address(), new HostEndpoint(d)));
      }
    } catch (RuntimeException e) {
      state = CommunicationState.FAULTED;
      listeners.forEach(Listener::close);
      throw e;
    }
    state = CommunicationState.OPENED;
    try {
      for (HostExtension.Factory f : extensionFactories) {   // the host serves calls: an extension may make some
        extensions.add(Objects.requireNonNull(f.open(this), "extension (expected: a HostExtension from " + f + ")"));
      }
    } catch (RuntimeException e) {
      abort();
      state = CommunicationState.FAULTED;
      throw e;
    }
    return this;
  }

  /** An endpoint of this host: its sessions count against the host's limit, which its binding is told. */
  private final class HostEndpoint implements Endpoint {
    private final Dispatcher dispatcher;

    HostEndpoint(Dispatcher dispatcher) {
      this.dispatcher = dispatcher;
    }

    @Override
    public ContractDescription contract() {
      return dispatcher.contract();
    }

    @Override
    public Session openSession(IoTarget peer) {
      return ServiceHost.this.openSession(dispatcher, peer, Peer.UNKNOWN);
    }

    @Override
    public Session openSession(IoTarget peer, Peer remote) {
      return ServiceHost.this.openSession(dispatcher, peer, Objects.requireNonNull(remote, "remote"));
    }

    @Override
    public int maxConcurrentSessions() {
      return maxConcurrentSessions;
    }

    @Override
    public HealthState health() {
      return ServiceHost.this.health();
    }

    @Override
    public java.util.Optional<String> metadata() {
      if (!publishMetadata) {
        return java.util.Optional.empty();
      }
      String document = wsdl;
      if (document == null) {       // written once, when first asked for: the addresses are bound by then
        wsdl = document = dev.courier.rpc.metadata.Wsdl.write(ServiceHost.this.metadata(dispatcher.contract()));
      }
      return java.util.Optional.of(document);
    }

    private volatile String wsdl;
  }

  /**
   * The metadata of {@code contract} as this host serves it: the contract, and every endpoint of the host that
   * serves it, at the addresses it listens at (after {@link #open()}, with the ports bound). This is the
   * document the host publishes with {@link Builder#publishMetadata(boolean)}.
   *
   * <pre>{@code
   * String wsdl = Wsdl.write(host.metadata(Calculator.class));
   * }</pre>
   *
   * @throws IllegalArgumentException when no endpoint of the host serves {@code contract}
   */
  public dev.courier.rpc.metadata.ServiceMetadata metadata(Class<?> contract) {
    return metadata(ContractDescription.of(Objects.requireNonNull(contract, "contract")));
  }

  private dev.courier.rpc.metadata.ServiceMetadata metadata(ContractDescription contract) {
    dev.courier.rpc.metadata.ServiceMetadata.Builder b = dev.courier.rpc.metadata.ServiceMetadata.builder(serviceName);
    List<String> addresses = listenAddresses();
    boolean served = false;
    for (int i = 0; i < endpoints.size(); i++) {
      if (endpoints.get(i).contract().equals(contract)) {
        EndpointAddress at = i < addresses.size() ? EndpointAddress.of(addresses.get(i)) : endpoints.get(i).address();
        dev.courier.rpc.metadata.EndpointMetadata.Protocol protocol = endpoints.get(i).binding().protocol();
        if (protocol == null) {
          b.endpoint(contract, at);
        } else {
          b.endpoint(contract, at, protocol);
        }
        served = true;
      }
    }
    if (!served) {
      throw new IllegalArgumentException("contract " + contract.type().getName() + " (expected one the host serves: "
          + endpoints.stream().map(e -> e.contract().type().getName()).distinct().toList() + ")");
    }
    return b.build();
  }

  private Session openSession(Dispatcher dispatcher, IoTarget peer, Peer remote) {
    if (state != CommunicationState.OPENED) {
      throw new CommunicationException("host is " + state + "; new channels are refused", false);
    }
    if (sessionCount.incrementAndGet() > maxConcurrentSessions) {
      sessionCount.decrementAndGet();
      throw new CommunicationException("server too busy: " + maxConcurrentSessions
          + " sessions are open (maxConcurrentSessions); the channel was refused", false);
    }
    Session inner = dispatcher.openSession(peer, remote);
    Session session = new Session() {
      private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
      private final CompletableFuture<Void> closed = new CompletableFuture<>();

      @Override
      public void dispatch(dev.courier.io.IoRequest request) {
        inner.dispatch(request);
      }

      @Override
      public void dispatchFromEventLoop(dev.courier.io.IoRequest request) {
        inner.dispatchFromEventLoop(request);
      }

      @Override
      public void dispatchFromEventLoop(dev.courier.io.IoRequest request, Executor batched) {
        inner.dispatchFromEventLoop(request, batched);
      }

      @Override
      public void close() {
        if (closing.compareAndSet(false, true)) {
          sessions.remove(this);
          sessionCount.decrementAndGet();
          inner.close();
          closed.complete(null);
        }
      }

      @Override
      public CompletionStage<Void> closed() {
        return closed.minimalCompletionStage();
      }
    };
    sessions.add(session);
    return session;
  }

  /**
   * Closes gracefully: stops taking new channels and calls, waits up to {@code timeout} for the calls in
   * flight, then aborts what is left.
   */
  public void close(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    synchronized (this) {
      if (state == CommunicationState.CLOSED || state == CommunicationState.CLOSING) {
        return;
      }
      state = CommunicationState.CLOSING;
    }
    closeExtensions();
    listeners.forEach(Listener::close);
    dispatchers.forEach(Dispatcher::stopAccepting);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (callsInFlight() > 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(1_000_000);
    }
    if (callsInFlight() > 0) {
      LOG.log(System.Logger.Level.WARNING, callsInFlight() + " calls still running after " + timeout + "; aborting them");
    }
    finish();
  }

  /** Closes with a 10-second grace period. */
  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }

  /** Closes at once: calls in flight are cancelled and their callers get a {@link CommunicationException}. */
  public void abort() {
    synchronized (this) {
      if (state == CommunicationState.CLOSED) {
        return;
      }
      state = CommunicationState.CLOSING;
    }
    closeExtensions();
    listeners.forEach(Listener::close);
    dispatchers.forEach(Dispatcher::stopAccepting);
    finish();
  }

  private void closeExtensions() {
    for (HostExtension x : extensions.reversed()) {
      try {
        x.close();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "host extension " + x + " failed to close", e);
      }
    }
    extensions.clear();
  }

  private void finish() {
    dispatchers.forEach(Dispatcher::abortAll);
    for (Session s : List.copyOf(sessions)) {
      s.close();
    }
    state = CommunicationState.CLOSED;
  }

  @Override
  public String toString() {
    return "ServiceHost[" + endpoints.stream().map(e -> e.address().toString()).toList() + ", " + state + "]";
  }

  /** Builds a {@link ServiceHost}. */
  public static final class Builder {
    private final Class<?> implementation;
    private final Supplier<?> factory;
    private final InstanceMode instanceMode;
    private final List<ServiceEndpoint> endpoints = new ArrayList<>();
    private ConcurrencyMode concurrency = ConcurrencyMode.MULTIPLE;
    private int maxConcurrentCalls = Integer.MAX_VALUE;
    private int maxConcurrentSessions = Integer.MAX_VALUE;
    private Executor executor;
    private boolean includeExceptionDetail;
    private boolean publishMetadata;
    private IoClock clock = IoClock.system();
    private final List<HostExtension.Factory> extensions = new ArrayList<>();
    private final List<CallFilter.Factory> filters = new ArrayList<>();
    private final List<List<CallFilter>> endpointFilters = new ArrayList<>();   // by endpoint, in order

    private Builder(Class<?> implementation, Supplier<?> factory, InstanceMode instanceMode) {
      this.implementation = implementation;
      this.factory = factory;
      this.instanceMode = instanceMode;
    }

    /** An endpoint: the contract it serves, the binding and the address. Validates the contract now. */
    public Builder endpoint(Class<?> contract, Binding binding, String address) {
      return endpoint(contract, binding, address, new CallFilter[0]);
    }

    /**
     * An endpoint with filters of its own, which see its calls after the host's filters
     * ({@link #filter(CallFilter)}) have: authentication on a public endpoint only, say.
     *
     * <pre>{@code
     * .endpoint(Calculator.class, tcp, "courier.tcp://0.0.0.0:8808/calc", requireToken)   // the public one
     * .endpoint(Calculator.class, InProcessBinding.create(), "inproc://calc")            // none for this one
     * }</pre>
     */
    public Builder endpoint(Class<?> contract, Binding binding, String address, CallFilter... filters) {
      Objects.requireNonNull(filters, "filters");
      for (int i = 0; i < filters.length; i++) {
        Objects.requireNonNull(filters[i], "filters[" + i + "] of endpoint " + address);
      }
      List<CallFilter> own = List.of(filters);
      ContractDescription description = ContractDescription.of(Objects.requireNonNull(contract, "contract"));
      EndpointAddress a = EndpointAddress.of(address);
      Objects.requireNonNull(binding, "binding");
      if (!binding.scheme().equals(a.scheme())) {
        throw new IllegalArgumentException("address: " + address + " (expected: a " + binding.scheme()
            + ":// address for this binding)");
      }
      if (!contract.isAssignableFrom(implementation)) {
        throw new IllegalArgumentException("service " + implementation.getName() + " does not implement contract "
            + contract.getName() + " (expected: a class implementing the contract interface)");
      }
      endpoints.add(new ServiceEndpoint(description, binding, a));
      endpointFilters.add(own);
      return this;
    }

    /** How many calls an instance takes at a time. */
    public Builder concurrency(ConcurrencyMode concurrency) {
      this.concurrency = Objects.requireNonNull(concurrency, "concurrency");
      return this;
    }

    /** The most calls running at once; more wait in a queue. */
    public Builder maxConcurrentCalls(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConcurrentCalls: " + max + " (expected: >= 1)");
      }
      this.maxConcurrentCalls = max;
      return this;
    }

    /**
     * The most open channels (sessions) over all the host's endpoints and connections; more are refused
     * ("server too busy"). A binding that carries many channels on one connection tells each connection only
     * a share of it (TCP: half, see {@code TcpBinding.Builder.maxSessionsPerConnection}), so that one peer
     * cannot take them all; a client's binding opens another connection for its channels beyond that share.
     */
    public Builder maxConcurrentSessions(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxConcurrentSessions: " + max + " (expected: >= 1)");
      }
      this.maxConcurrentSessions = max;
      return this;
    }

    /**
     * Where synchronous implementations run, and every call a binding delivers on its event loop (by default a
     * virtual thread per call, or the binding's own virtual threads for what its event loop delivers).
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Whether internal faults carry the service's exception type, message and stack (off by default). */
    public Builder includeExceptionDetailInFaults(boolean include) {
      this.includeExceptionDetail = include;
      return this;
    }

    /**
     * Whether the host answers metadata requests with the WSDL of each endpoint's contract (off by default, as
     * in WCF). A client fetches it with {@link dev.courier.rpc.metadata.Metadata#fetch}.
     *
     * <pre>{@code
     * ServiceHost.builder(new CalculatorService()).endpoint(Calculator.class, tcp, "courier.tcp://0.0.0.0:8808/calc")
     *     .publishMetadata(true).build().open();
     * }</pre>
     */
    public Builder publishMetadata(boolean publish) {
      this.publishMetadata = publish;
      return this;
    }

    /**
     * An extension opened with the host, once its endpoints listen, and closed with it; extensions open in the
     * order they are added and close in the reverse order.
     *
     * <pre>{@code
     * ServiceHost.builder(new CalculatorService()).endpoint(Calculator.class, soap, "http://127.0.0.1:8080/calc")
     *     .extension(TestPage.at("http://127.0.0.1:8081/"))       // courier-testpage
     *     .build().open();
     * }</pre>
     */
    public Builder extension(HostExtension.Factory factory) {
      extensions.add(Objects.requireNonNull(factory, "factory"));
      return this;
    }

    /**
     * A filter on every call the host takes, on every endpoint, and on every callback its services make
     * ({@link CallFilter}); filters run in the order they are added, the first added outermost.
     *
     * <pre>{@code
     * .filter((call, next) -> call.headers().containsKey("tenant") ? next.proceed(call)
     *     : CompletableFuture.failedFuture(new FaultException(FaultException.SENDER, "no tenant header", null)))
     * }</pre>
     */
    public Builder filter(CallFilter filter) {
      filters.add(FilterChain.everyOperation(filter));
      return this;
    }

    /**
     * Filters made per operation by {@code factory} (none for an operation it returns null for); see
     * {@link #filter(CallFilter)}. The factory sees the operations of every endpoint's contract and of their
     * callback contracts, and can tell them apart by {@link OperationDescription#contractName()}.
     */
    public Builder filter(CallFilter.Factory factory) {
      filters.add(Objects.requireNonNull(factory, "factory"));
      return this;
    }

    /** The clock for deadlines. */
    public Builder clock(IoClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The host, not yet open; validates the contracts against the implementation. */
    public ServiceHost build() {
      return new ServiceHost(this);
    }
  }
}
