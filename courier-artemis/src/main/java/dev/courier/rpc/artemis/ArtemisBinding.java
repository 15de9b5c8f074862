package dev.courier.rpc.artemis;

import dev.courier.io.IoClock;
import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.EndpointAddress;
import dev.courier.rpc.OperationDescription;
import dev.courier.rpc.artemis.internal.AmbientTransaction;
import dev.courier.rpc.artemis.internal.Broker;
import dev.courier.rpc.artemis.internal.HostOptions;
import dev.courier.rpc.artemis.internal.QueueConsumers;
import dev.courier.rpc.artemis.internal.QueueSender;
import dev.courier.rpc.spi.Binding;
import dev.courier.rpc.spi.Connection;
import dev.courier.rpc.spi.Endpoint;
import dev.courier.rpc.spi.Listener;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Queued one-way calls through Apache Artemis, as WCF's {@code netMsmqBinding}: a call returns once the broker
 * holds its message durably, whether or not a host runs, and a host's competing consumers run each message in
 * a transaction that commits when the service ends well and rolls back, for another delivery, when it fails.
 *
 * <pre>{@code
 * ArtemisBinding binding = ArtemisBinding.create();
 * ServiceHost.builder(new OrderService())
 *     .endpoint(Orders.class, binding, "courier.artemis://localhost:61616/orders").build().open();
 * Orders orders = ChannelFactory.builder(Orders.class).binding(binding)
 *     .address("courier.artemis://localhost:61616/orders").build().createChannel();
 * orders.place(order);                // on the queue, durably, when this returns
 * }</pre>
 *
 * <p>An address {@code courier.artemis://host:port/queue} names the broker ({@code tcp://host:port}, port 61616 by
 * default) and the queue; {@link Builder#brokerUrl(String)} names the broker instead (a cluster's connectors), and
 * the address's path names the queue. Only one-way operations can be queued: a contract with a request/reply
 * operation, or a duplex one, is refused when its channel or endpoint is made. A call's arguments travel as a
 * JSON body; its action, deadline and headers (trace context included) as message properties
 * ({@link MessageProperties}).
 *
 * <p>Delivery is at least once: a host that dies in the middle of a call leaves the message to another. A message
 * that fails {@link Builder#maxDeliveries(int)} times, or whose deadline passed while it waited, or that does not
 * read by the host's contract, is moved to the dead-letter queue ({@code DLQ.<queue>} by default) with the
 * reason recorded. See docs/queued.md.
 *
 * <p>Threading: thread safe. A send does not wait for the broker: the broker's confirmation completes the call.
 * Each consumer of a host receives on a virtual thread of its own, and blocks there while its call runs.
 */
public final class ArtemisBinding implements Binding, AutoCloseable {
  /** The scheme of the binding's addresses. */
  public static final String SCHEME = "courier.artemis";
  private static final int DEFAULT_PORT = 61616;

  private final String brokerUrl;
  private final String user;
  private final String password;
  private final HostOptions options;
  private final ConcurrentMap<String, Broker> brokers = new ConcurrentHashMap<>();
  private final AmbientTransaction.Scope transactions = new AmbientTransaction.Scope();
  private volatile boolean closed;

  private ArtemisBinding(Builder b) {
    this.brokerUrl = b.brokerUrl;
    this.user = b.user;
    this.password = b.password;
    this.options = new HostOptions(b.consumers, b.consumerWindowSize, b.maxDeliveries, b.deadLetterQueue,
        b.drainTimeout);
  }

  /** A binding with the defaults: brokers from the addresses, 4 consumers per endpoint, no prefetch, 5 deliveries. */
  public static ArtemisBinding create() {
    return builder().build();
  }

  /** A builder of a binding. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String scheme() {
    return SCHEME;
  }

  /**
   * Begins a transaction on this thread: the one-way calls this thread sends through this binding's channels
   * until it closes are delivered when it commits, or not at all.
   *
   * <pre>{@code
   * try (QueuedTransaction tx = binding.beginTransaction()) { orders.place(a); orders.place(b); tx.commit(); }
   * }</pre>
   *
   * @throws IllegalStateException when a transaction of this binding is already open on this thread
   */
  public QueuedTransaction beginTransaction() {
    return new QueuedTransaction(transactions.begin());
  }

  /**
   * Refused: a queued channel needs its contract, to check that it is one-way and to encode its calls.
   *
   * @throws IllegalArgumentException always
   */
  @Override
  public Connection connect(EndpointAddress address, Endpoint callbacks, IoClock clock) {
    throw new IllegalArgumentException("a courier.artemis channel to " + address + " needs its contract (expected:"
        + " connect(address, contract, callbacks, clock), as ChannelFactory calls it)");
  }

  /**
   * Connects a channel of {@code contract} to the queue at {@code address}, connecting to its broker now.
   *
   * @throws IllegalArgumentException when the contract has an operation that is not one-way, or is duplex, or the
   *     address is not a courier.artemis address with a queue
   * @throws dev.courier.rpc.CommunicationException when the broker cannot be reached
   */
  @Override
  public Connection connect(EndpointAddress address, ContractDescription contract, Endpoint callbacks, IoClock clock) {
    checkQueued(contract);
    if (callbacks != null) {
      throw new IllegalArgumentException("a courier.artemis channel of " + contract.name() + " was given callbacks"
          + " (expected: none; a queue carries no calls back)");
    }
    String queue = queue(address);
    return QueueSender.connect(broker(address), queue, contract, transactions, SCHEME + " " + address,
        Objects.requireNonNull(clock, "clock"));
  }

  /**
   * Starts the endpoint's competing consumers on the queue at {@code address}.
   *
   * @throws IllegalArgumentException when the endpoint's contract has an operation that is not one-way, or is
   *     duplex, or the address is not a courier.artemis address with a queue
   * @throws dev.courier.rpc.CommunicationException when the broker cannot be reached
   */
  @Override
  public Listener listen(EndpointAddress address, Endpoint endpoint) {
    checkQueued(endpoint.contract());
    String queue = queue(address);
    return QueueConsumers.start(broker(address), address, queue, endpoint, options);
  }

  /** Closes the binding's connections to its brokers; channels and listeners of it stop working. */
  @Override
  public void close() {
    closed = true;
    brokers.values().forEach(Broker::close);
    brokers.clear();
  }

  @Override
  public String toString() {
    return "ArtemisBinding[" + (brokerUrl != null ? brokerUrl : "brokers from addresses") + "]";
  }

  private Broker broker(EndpointAddress address) {
    if (closed) {
      throw new IllegalStateException("the courier.artemis binding is closed (expected: an open binding for "
          + address + ")");
    }
    String url = brokerUrl;
    if (url == null) {
      String host = address.uri().getHost();
      if (host == null) {
        throw new IllegalArgumentException("address: " + address + " names no broker (expected: "
            + "courier.artemis://host:61616/queue, or a broker URL given to ArtemisBinding.Builder.brokerUrl)");
      }
      url = "tcp://" + host + ":" + (address.uri().getPort() == -1 ? DEFAULT_PORT : address.uri().getPort());
    }
    return brokers.computeIfAbsent(url, u -> Broker.of(u, user, password));
  }

  private static String queue(EndpointAddress address) {
    if (!SCHEME.equals(address.scheme())) {
      throw new IllegalArgumentException("address: " + address + " (expected: a " + SCHEME + ":// address)");
    }
    String path = address.uri().getPath();
    if (path == null || path.length() < 2 || path.indexOf('/', 1) >= 0) {
      throw new IllegalArgumentException("address: " + address + " names no queue (expected: "
          + "courier.artemis://host:61616/queue, the queue's name as the whole path)");
    }
    return path.substring(1);
  }

  private static void checkQueued(ContractDescription contract) {
    Objects.requireNonNull(contract, "contract");
    if (contract.isDuplex()) {
      throw new IllegalArgumentException("contract " + contract.name() + " is duplex (expected: a contract without a"
          + " callback contract; only one-way operations can be queued)");
    }
    for (OperationDescription op : contract.operations()) {
      if (!op.isOneWay()) {
        throw new IllegalArgumentException("operation " + op.name() + " of contract " + contract.name() + " is "
            + op.pattern().name().toLowerCase(java.util.Locale.ROOT).replace('_', '/')
            + " (expected: @Operation(oneWay = true); only one-way operations can be queued)");
      }
    }
  }

  /**
   * Builds an {@link ArtemisBinding}.
   *
   * <pre>{@code
   * ArtemisBinding binding = ArtemisBinding.builder()
   *     .brokerUrl("(tcp://a:61616,tcp://b:61616)?ha=true&reconnectAttempts=-1")
   *     .consumers(8).maxDeliveries(3).build();
   * }</pre>
   *
   * <p>Threading: a builder is used by one thread.
   */
  public static final class Builder {
    private String brokerUrl;
    private String user;
    private String password;
    private int consumers = 4;
    private int consumerWindowSize = 0;
    private int maxDeliveries = 5;
    private String deadLetterQueue;
    private Duration drainTimeout = Duration.ofSeconds(30);

    private Builder() {}

    /**
     * The broker every address of the binding goes to, as an Artemis URL (a cluster's connectors, such as
     * {@code (tcp://a:61616,tcp://b:61616)?ha=true&reconnectAttempts=-1}); an address's path then names its queue
     * and its host is not used. {@code null}, the default: each address names its broker.
     */
    public Builder brokerUrl(String url) {
      if (url != null && url.isBlank()) {
        throw new IllegalArgumentException("brokerUrl: blank (expected: an Artemis URL such as tcp://host:61616, or"
            + " null for the brokers the addresses name)");
      }
      this.brokerUrl = url;
      return this;
    }

    /** The user and password the binding connects to its brokers with; none by default. */
    public Builder credentials(String user, String password) {
      this.user = Objects.requireNonNull(user, "user");
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /** The competing consumers each endpoint runs on its queue, each a thread and a transacted session (4). */
    public Builder consumers(int consumers) {
      if (consumers < 1) {
        throw new IllegalArgumentException("consumers: " + consumers + " (expected: >= 1)");
      }
      this.consumers = consumers;
      return this;
    }

    /**
     * The bytes each consumer takes ahead of what it runs (0, the default: none, so consumers of one queue, in
     * one host or several, share its messages evenly; -1: no limit).
     */
    public Builder consumerWindowSize(int bytes) {
      if (bytes < -1) {
        throw new IllegalArgumentException("consumerWindowSize: " + bytes + " (expected: -1, 0 or more bytes)");
      }
      this.consumerWindowSize = bytes;
      return this;
    }

    /**
     * The deliveries of a message whose operation fails, after which it goes to the dead-letter queue with its
     * failure (5). Keep it below the broker's own {@code max-delivery-attempts} (10 by default).
     */
    public Builder maxDeliveries(int deliveries) {
      if (deliveries < 1) {
        throw new IllegalArgumentException("maxDeliveries: " + deliveries + " (expected: >= 1)");
      }
      this.maxDeliveries = deliveries;
      return this;
    }

    /** The dead-letter queue of every endpoint; {@code null}, the default: {@code DLQ.<queue>} for each queue. */
    public Builder deadLetterQueue(String queue) {
      if (queue != null && queue.isBlank()) {
        throw new IllegalArgumentException("deadLetterQueue: blank (expected: a queue's name, or null for DLQ.<queue>)");
      }
      this.deadLetterQueue = queue;
      return this;
    }

    /**
     * How long a closing endpoint waits for its calls in progress to finish and commit (30 s); what is still
     * running then rolls back and is delivered again.
     */
    public Builder drainTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "drainTimeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("drainTimeout: " + timeout + " (expected: >= 0)");
      }
      this.drainTimeout = timeout;
      return this;
    }

    /** The binding. */
    public ArtemisBinding build() {
      return new ArtemisBinding(this);
    }
  }
}
