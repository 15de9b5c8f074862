package dev.courier.rpc;

import dev.courier.io.IoClock;
import dev.courier.rpc.spi.Binding;
import dev.courier.rpc.spi.Connection;
import dev.courier.rpc.spi.Endpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Makes client channels for a contract: dynamic proxies whose every method is a call
 * ({@code ChannelFactory<TChannel>}).
 *
 * <pre>{@code
 * ChannelFactory<Calculator> factory = ChannelFactory.builder(Calculator.class)
 *     .binding(InProcessBinding.create()).address("inproc://calculator")
 *     .eventExecutor(SwingUtilities::invokeLater)        // where event-based completions are raised
 *     .build();
 * Calculator calc = factory.createChannel();
 * int sum = calc.add(1, 2);
 * }</pre>
 *
 * <p>The contract is validated when the factory is built. A duplex contract needs a callback object
 * implementing its callback contract; the service's calls on it run on virtual threads (or inline for
 * the asynchronous shapes), any number at a time.
 */
public final class ChannelFactory<T> {
  private static final ExecutorService CALLBACK_EXECUTOR =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("courier-callback-", 0).factory());

  private final Class<T> type;
  private final ContractDescription contract;
  private final Binding binding;
  private final EndpointAddress address;                   // null: several endpoints
  private final EndpointResolver endpoints;                 // null: one address
  private final ClusterPolicy policy;
  private final Object callback;
  private final Executor eventExecutor;
  private final Duration timeout;
  private final Map<String, String> headers;
  private final IoClock clock;
  private final Map<String, FilterChain> filters;
  private final Dispatcher callbackDispatcher;

  private ChannelFactory(Builder<T> b) {
    this.type = b.type;
    this.contract = ContractDescription.of(b.type);
    this.binding = Objects.requireNonNull(b.binding, "binding (expected: ChannelFactory.builder(...).binding(...))");
    if ((b.address == null) == (b.endpoints == null && b.endpointsName == null)) {
      throw new IllegalArgumentException(b.address == null
          ? "address: none (expected: ChannelFactory.builder(...).address(...), or .addresses(...) or .endpoints(...))"
          : "address: both " + b.address + " and endpoints " + (b.endpoints != null ? b.endpoints : b.endpointsName)
              + " (expected: one address, or several)");
    }
    this.address = b.address;
    this.endpoints = b.endpoints != null ? b.endpoints
        : b.endpointsName != null ? EndpointResolver.named(b.endpointsName, binding.scheme()) : null;
    this.policy = new ClusterPolicy(b.balancing, b.healthInterval, b.resolveInterval, b.hedging);
    if (address != null && !binding.scheme().equals(address.scheme())) {
      throw new IllegalArgumentException("address: " + address + " (expected: a " + binding.scheme()
          + ":// address for this binding)");
    }
    this.callback = b.callback;
    this.eventExecutor = b.eventExecutor;
    this.timeout = b.timeout;
    this.headers = Map.copyOf(b.headers);
    this.clock = b.clock;
    this.filters = FilterChain.of(b.filters, contract, CallFilter.Side.CLIENT);
    ContractDescription callbackContract = contract.callbackContract().orElse(null);
    if (callbackContract != null && callback == null) {
      throw new IllegalArgumentException("contract " + contract.name() + " is duplex (expected: a callback object implementing "
          + callbackContract.type().getName() + ", given with .callback(...))");
    }
    if (callbackContract == null && callback != null) {
      throw new IllegalArgumentException("callback: contract " + contract.name()
          + " has no callback contract (expected: no callback, or @ServiceContract(callback = ...))");
    }
    this.callbackDispatcher = callbackContract == null ? null
        : new Dispatcher("callback of " + contract.name(), callbackContract, callback.getClass(), InstanceMode.SINGLE,
            ConcurrencyMode.MULTIPLE, () -> callback, CALLBACK_EXECUTOR, true, false, null, clock, b.filters);
  }

  /** A builder for channels of {@code contract}. */
  public static <T> Builder<T> builder(Class<T> contract) {
    return new Builder<>(contract);
  }

  /** The contract's description. */
  public ContractDescription contract() {
    return contract;
  }

  /**
   * Connects a new, open channel.
   *
   * @throws CommunicationException when no endpoint is reachable at the address
   */
  public T createChannel() {
    Endpoint callbacks = callbackDispatcher == null ? null
        : Endpoint.of(callbackDispatcher.contract(), (peer, remote) -> callbackDispatcher.openSession(peer, remote));
    if (endpoints != null) {
      ClusterConnection cluster = ClusterConnection.connect(binding, endpoints, contract, callbacks, clock, policy);
      return RealChannel.proxy(type, cluster, endpoints.toString(), clock, timeout, headers, eventExecutor, filters);
    }
    Connection connection = binding.connect(address, contract, callbacks, clock);
    return RealChannel.proxy(type, connection, address.toString(), clock, timeout, headers, eventExecutor, filters);
  }

  /** Builds a {@link ChannelFactory}. */
  public static final class Builder<T> {
    private final Class<T> type;
    private Binding binding;
    private EndpointAddress address;
    private EndpointResolver endpoints;
    private String endpointsName;
    private LoadBalancing balancing = LoadBalancing.ROUND_ROBIN;
    private Duration healthInterval = Duration.ofSeconds(5);
    private Duration resolveInterval = Duration.ofSeconds(30);
    private ClusterPolicy.Hedging hedging;
    private Object callback;
    private Executor eventExecutor = Runnable::run;
    private Duration timeout = Duration.ofMinutes(1);
    private final Map<String, String> headers = new LinkedHashMap<>();
    private IoClock clock = IoClock.system();
    private final List<CallFilter.Factory> filters = new ArrayList<>();

    private Builder(Class<T> type) {
      this.type = Objects.requireNonNull(type, "contract");
    }

    /** The binding. */
    public Builder<T> binding(Binding binding) {
      this.binding = Objects.requireNonNull(binding, "binding");
      return this;
    }

    /** The endpoint's address. */
    public Builder<T> address(String address) {
      this.address = EndpointAddress.of(address);
      return this;
    }

    /** The endpoint's address. */
    public Builder<T> address(EndpointAddress address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * Several endpoints of one service, instead of one address: each call goes to one of them, and on to the next
     * when it provably reached none (or, for an {@linkplain Operation#idempotent() idempotent} operation, when its
     * connection was lost); see {@link #endpoints(EndpointResolver)}.
     *
     * <pre>{@code
     * .addresses("courier.tcp://10.0.0.1:8808/calc", "courier.tcp://10.0.0.2:8808/calc")
     * }</pre>
     */
    public Builder<T> addresses(String... addresses) {
      return endpoints(EndpointResolver.of(addresses));
    }

    /**
     * Several endpoints of one service, as {@code resolver} finds them when a channel is created and every
     * {@link #resolveInterval} after. A channel connects to each; each call goes to the one {@link #loadBalancing} picks among those not ejected. A call that provably
     * reached no service goes on to the next endpoint, within its deadline; one that may have reached a service goes
     * on only when its operation is {@linkplain Operation#idempotent() idempotent}; a fault is never sent again. An
     * endpoint whose connection fails is left out for a while and connected again. A channel over several
     * endpoints does not become FAULTED when one connection is lost.
     */
    public Builder<T> endpoints(EndpointResolver resolver) {
      this.endpoints = Objects.requireNonNull(resolver, "resolver");
      this.endpointsName = null;
      return this;
    }

    /**
     * Several endpoints of one service, found by the resolver that {@code name}'s scheme picks
     * ({@link EndpointResolver#named}): {@code dns://calc.internal:8808/calculator}, or a registry's scheme; the
     * addresses take the binding's scheme. See {@link #endpoints(EndpointResolver)}.
     */
    public Builder<T> endpoints(String name) {
      this.endpointsName = Objects.requireNonNull(name, "name");
      this.endpoints = null;
      return this;
    }

    /** How a channel over several endpoints picks each call's ({@link LoadBalancing#ROUND_ROBIN} by default). */
    public Builder<T> loadBalancing(LoadBalancing balancing) {
      this.balancing = Objects.requireNonNull(balancing, "balancing");
      return this;
    }

    /**
     * How often a channel over several endpoints asks each endpoint's host for its health ({@link HealthState},
     * 5 s by default); a host that says DRAINING or NOT_SERVING gets new calls only when no other can take them.
     * {@code null}: never ask.
     */
    public Builder<T> healthInterval(Duration interval) {
      if (interval != null && (interval.isNegative() || interval.isZero())) {
        throw new IllegalArgumentException("healthInterval: " + interval + " (expected: > 0, or null for never)");
      }
      this.healthInterval = interval;
      return this;
    }

    /**
     * How often a channel over several endpoints asks its resolver for the endpoints anew (30 s by default), and
     * at most once a second when a call finds no endpoint to take it: a new endpoint gets calls once connected, one
     * no longer named gets no new call and is closed after its last. {@code null}: the endpoints found when the
     * channel was created, for good.
     */
    public Builder<T> resolveInterval(Duration interval) {
      if (interval != null && (interval.isNegative() || interval.isZero())) {
        throw new IllegalArgumentException("resolveInterval: " + interval + " (expected: > 0, or null for never)");
      }
      this.resolveInterval = interval;
      return this;
    }

    /**
     * Hedges the calls of {@linkplain Operation#idempotent() idempotent} request/reply operations over several
     * endpoints: when {@code delay} passes without an answer, a copy of the call goes to another endpoint, and so on
     * until {@code copies} endpoints have it (2 to 64; fewer when there are fewer endpoints). The first answer, a
     * reply or a fault, is the call's, and the other copies are cancelled, so that their services see the
     * cancellation. The call's deadline holds for every copy. Hedging trades load for latency: pick a delay near
     * the operation's 95th percentile, so that about one call in twenty sends a copy.
     *
     * <pre>{@code
     * .addresses(a, b, c).hedging(Duration.ofMillis(20), 2)
     * }</pre>
     */
    public Builder<T> hedging(Duration delay, int copies) {
      Objects.requireNonNull(delay, "delay (expected: a duration >= 0)");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("hedging delay: " + delay + " (expected: >= 0)");
      }
      if (copies < 2 || copies > ClusterConnection.MAX_ENDPOINTS) {
        throw new IllegalArgumentException("hedging copies: " + copies + " (expected: 2 to "
            + ClusterConnection.MAX_ENDPOINTS + ", the call itself and at least one copy)");
      }
      this.hedging = new ClusterPolicy.Hedging(delay, copies);
      return this;
    }

    /** The object that receives the service's callbacks (duplex contracts). */
    public Builder<T> callback(Object callback) {
      this.callback = Objects.requireNonNull(callback, "callback");
      return this;
    }

    /** Where event-based completions are raised (a UI thread's executor, say); the completing thread by default. */
    public Builder<T> eventExecutor(Executor executor) {
      this.eventExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** How long a call may take (one minute by default); {@code null} for no limit. */
    public Builder<T> operationTimeout(Duration timeout) {
      if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
        throw new IllegalArgumentException("operationTimeout: " + timeout + " (expected: > 0, or null for none)");
      }
      this.timeout = timeout;
      return this;
    }

    /** A header sent with every call. */
    public Builder<T> header(String name, String value) {
      headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * A filter on every call of the channels, and on every callback they receive ({@link CallFilter}); filters run
     * in the order they are added, the first added outermost.
     *
     * <pre>{@code
     * .filter((call, next) -> next.proceed(call.withHeader("tenant", "blue")))
     * }</pre>
     */
    public Builder<T> filter(CallFilter filter) {
      filters.add(FilterChain.everyOperation(filter));
      return this;
    }

    /** Filters made per operation by {@code factory} (none for an operation it returns null for); see {@link #filter(CallFilter)}. */
    public Builder<T> filter(CallFilter.Factory factory) {
      filters.add(java.util.Objects.requireNonNull(factory, "factory"));
      return this;
    }

    /** The clock for timeouts. */
    public Builder<T> clock(IoClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The factory; validates the contract and the callback. */
    public ChannelFactory<T> build() {
      return new ChannelFactory<>(this);
    }
  }
}
