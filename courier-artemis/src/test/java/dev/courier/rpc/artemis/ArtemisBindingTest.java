package dev.courier.rpc.artemis;

import static dev.courier.rpc.artemis.QueueTestSupport.LIMIT;
import static dev.courier.rpc.artemis.QueueTestSupport.until;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.artemis.QueueTestSupport.AsyncOrders;
import dev.courier.rpc.artemis.QueueTestSupport.Kind;
import dev.courier.rpc.artemis.QueueTestSupport.Order;
import dev.courier.rpc.artemis.QueueTestSupport.OrderService;
import dev.courier.rpc.artemis.QueueTestSupport.Orders;
import dev.courier.rpc.artemis.QueueTestSupport.OrdersClient;
import dev.courier.rpc.artemis.QueueTestSupport.Seen;
import dev.courier.rpc.artemis.QueueTestSupport.Status;
import jakarta.jms.Message;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The queued binding against an embedded broker: sends, hosts, redelivery, dead letters, expiry, transactions. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ArtemisBindingTest {
  @RegisterExtension
  static final EmbeddedBroker broker = new EmbeddedBroker();

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private String queue;

  @org.junit.jupiter.api.BeforeEach
  void nameTheTestsQueue(TestInfo test) {
    queue = test.getTestMethod().orElseThrow().getName();
  }

  @AfterEach
  void closeEverything() throws Exception {
    while (!resources.isEmpty()) {
      resources.pop().close();
    }
  }

  private ArtemisBinding binding(ArtemisBinding.Builder builder) {
    ArtemisBinding binding = builder.build();
    resources.push(binding);
    return binding;
  }

  private OrdersClient channel(ArtemisBinding binding, ChannelFactory.Builder<OrdersClient> options) {
    OrdersClient client = options.binding(binding).address(broker.address(queue)).build().createChannel();
    resources.push(() -> ClientChannel.of(client).close());
    return client;
  }

  private OrdersClient channel(ArtemisBinding binding) {
    return channel(binding, ChannelFactory.builder(OrdersClient.class));
  }

  private ServiceHost host(OrderService service, ArtemisBinding binding) {
    ServiceHost host = ServiceHost.builder(service).endpoint(Orders.class, binding, broker.address(queue)).build().open();
    resources.push(host::close);
    return host;
  }

  private static String body(Message m) {
    try {
      return m.getBody(String.class);
    } catch (jakarta.jms.JMSException e) {
      throw new AssertionError("the body of " + m, e);
    }
  }

  @Test
  void aOneWayCallIsOnTheQueueOnceTheCallReturnsThoughNoHostRuns() throws Exception {
    OrdersClient orders = channel(binding(ArtemisBinding.builder()));

    orders.place(Order.of("o-1"));

    until(() -> broker.messageCount(queue) == 1, "the message counted in the queue");
    assertThat(broker.take(queue, 1, LIMIT).getFirst().getStringProperty(MessageProperties.ACTION)).endsWith("place");
  }

  @Test
  void aHostRunsEachQueuedCallWithItsArgumentsAsTheyWereSent() throws Exception {
    ArtemisBinding binding = binding(ArtemisBinding.builder());
    OrdersClient orders = channel(binding);
    Order full = new Order("o-2", 3, List.of("a", "b"), Map.of("a", 7), Kind.EXPRESS, new byte[] {1, 2, 3},
        Optional.of("ring twice"));
    orders.placeAsync(full).get(LIMIT.toSeconds(), TimeUnit.SECONDS);
    OrderService service = new OrderService("host");

    host(service, binding);

    until(() -> service.runs("o-2") == 1, "the order ran");
    assertThat(service.orders.peek()).usingRecursiveComparison().isEqualTo(full);
    until(() -> broker.messageCount(queue) == 0, "the receive committed");
  }

  @Test
  void aContractWithARequestReplyOperationIsRefusedNamingTheOperation() {
    ArtemisBinding binding = binding(ArtemisBinding.builder());

    assertThatThrownBy(() -> ChannelFactory.builder(Status.class).binding(binding).address(broker.address(queue)).build()
        .createChannel())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("operation status of contract Status")
        .hasMessageContaining("only one-way operations can be queued");
    Status service = new Status() {
      @Override
      public void ping(String id) {}

      @Override
      public String status(String id) {
        return id;
      }
    };
    assertThatThrownBy(() -> ServiceHost.builder(service).endpoint(Status.class, binding, broker.address(queue)).build()
        .open())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("operation status of contract Status is request/reply (expected: @Operation(oneWay = true); only"
            + " one-way operations can be queued)");
  }

  @Test
  void twoHostsShareOneQueuesLoadEachTakingAtLeastAQuarter() throws Exception {
    ArtemisBinding binding = binding(ArtemisBinding.builder().consumers(2));
    OrderService first = new OrderService("first");
    OrderService second = new OrderService("second");
    host(first, binding);
    host(second, binding);
    until(() -> broker.consumerCount(queue) == 4, "both hosts consume");
    OrdersClient orders = channel(binding);

    for (int i = 0; i < 200; i++) {
      orders.place(Order.of("o-" + i));
    }

    until(() -> first.seen.size() + second.seen.size() == 200, "every order ran");
    assertThat(first.seen.size()).as("orders the first host ran of 200 (fair share 100)").isGreaterThanOrEqualTo(50);
    assertThat(second.seen.size()).as("orders the second host ran of 200 (fair share 100)").isGreaterThanOrEqualTo(50);
  }

  @Test
  void anOperationThatFailsIsDeliveredAgainAndAfterMaxDeliveriesIsInTheDeadLetterQueueWithItsFailure() throws Exception {
    ArtemisBinding binding = binding(ArtemisBinding.builder().maxDeliveries(3));
    OrderService service = new OrderService("host");
    host(service, binding);

    channel(binding).reject("out of stock");

    Message dead = broker.take("DLQ." + queue, 1, LIMIT).getFirst();
    assertThat(service.rejected).as("deliveries that ran").hasValue(3);
    assertThat(dead.getStringProperty(MessageProperties.DEAD_LETTER_REASON)).isEqualTo(DeadLetterReason.FAILED.name());
    assertThat(dead.getStringProperty(MessageProperties.FAILURE_CLASS)).isEqualTo(IllegalStateException.class.getName());
    assertThat(dead.getStringProperty(MessageProperties.FAILURE_MESSAGE)).isEqualTo("out of stock");
    assertThat(dead.getIntProperty(MessageProperties.DELIVERY_COUNT)).isEqualTo(3);
    assertThat(dead.getStringProperty(MessageProperties.ORIGINAL_QUEUE)).isEqualTo(queue);
    assertThat(dead.getBody(String.class)).isEqualTo("[\"out of stock\"]");
    until(() -> broker.messageCount(queue) == 0, "the queue is empty");
    assertThat(service.rejected).as("deliveries that ran").hasValue(3);
  }

  @Test
  void anAsynchronousServiceCommitsWhenItsStageCompletesAndIsDeliveredAgainWhenItFails() throws Exception {
    ArtemisBinding binding = binding(ArtemisBinding.builder().maxDeliveries(2));
    java.util.Queue<String> placed = new java.util.concurrent.ConcurrentLinkedQueue<>();
    AtomicInteger rejected = new AtomicInteger();
    java.util.concurrent.Executor later = r -> Thread.ofVirtual().start(r);
    AsyncOrders service = new AsyncOrders() {
      @Override
      public CompletionStage<Void> placeAsync(Order order) {
        return CompletableFuture.runAsync(() -> placed.add(order.id()), later);
      }

      @Override
      public CompletionStage<Void> rejectAsync(String why) {
        rejected.incrementAndGet();
        return CompletableFuture.runAsync(() -> {
          throw new IllegalStateException(why);
        }, later);
      }

      @Override
      public CompletionStage<Void> holdAsync(String id) {
        return CompletableFuture.completedFuture(null);
      }
    };
    ServiceHost host = ServiceHost.builder(service).endpoint(AsyncOrders.class, binding, broker.address(queue)).build()
        .open();
    resources.push(host::close);
    OrdersClient orders = channel(binding);

    orders.place(Order.of("later"));
    orders.reject("later, and wrong");

    Message dead = broker.take("DLQ." + queue, 1, LIMIT).getFirst();
    assertThat(dead.getStringProperty(MessageProperties.FAILURE_MESSAGE)).isEqualTo("later, and wrong");
    assertThat(dead.getIntProperty(MessageProperties.DELIVERY_COUNT)).isEqualTo(2);
    assertThat(rejected).as("deliveries that ran").hasValue(2);
    until(() -> broker.messageCount(queue) == 0, "the queue is empty");
    assertThat(placed).containsExactly("later");
  }

  @Test
  void aMessageWhoseDeadlinePassedWhileItWaitedGoesToTheDeadLetterQueueMarkedExpiredAndNeverRuns() throws Exception {
    ArtemisBinding binding = binding(ArtemisBinding.builder());
    OrdersClient orders = channel(binding, ChannelFactory.builder(OrdersClient.class)
        .operationTimeout(Duration.ofMillis(200)));
    orders.place(Order.of("late"));
    Instant sent = Instant.now();
    until(() -> Instant.now().isAfter(sent.plusMillis(400)), "the message's deadline passed");
    OrderService service = new OrderService("host");

    host(service, binding);
    Message dead = broker.take("DLQ." + queue, 1, LIMIT).getFirst();

    assertThat(dead.getStringProperty(MessageProperties.DEAD_LETTER_REASON)).isEqualTo(DeadLetterReason.EXPIRED.name());
    assertThat(dead.getStringProperty(MessageProperties.FAILURE_MESSAGE)).contains("deadline").contains("passed");
    assertThat(service.seen).as("calls run").isEmpty();
  }

  @Test
  void aBodyThatDoesNotReadByTheContractGoesStraightToTheDeadLetterQueueWithTheReason() throws Exception {
    ArtemisBinding binding = binding(ArtemisBinding.builder().consumers(1));
    OrderService service = new OrderService("host");
    String action = dev.courier.rpc.ContractDescription.of(Orders.class).operation("place").action();
    broker.send(queue, "{\"not\":\"an array\"}", Map.of(MessageProperties.ACTION, action));
    broker.send(queue, "[]", Map.of(MessageProperties.ACTION, "urn:nowhere"));

    host(service, binding);
    List<Message> dead = broker.take("DLQ." + queue, 2, LIMIT);

    assertThat(dead).allSatisfy(m -> assertThat(m.getStringProperty(MessageProperties.DEAD_LETTER_REASON))
        .isEqualTo(DeadLetterReason.UNREADABLE.name()));
    assertThat(dead.get(0).getStringProperty(MessageProperties.FAILURE_MESSAGE)).contains("arguments of place");
    assertThat(dead.get(0).getIntProperty(MessageProperties.DELIVERY_COUNT)).as("delivered once").isEqualTo(1);
    assertThat(dead.get(1).getStringProperty(MessageProperties.FAILURE_MESSAGE))
        .isEqualTo("no operation with action urn:nowhere in contract Orders");
    assertThat(service.seen).as("calls run").isEmpty();
  }

  @Test
  void theCallsHeadersAndDeadlineArriveInTheOperationContext() {
    ArtemisBinding binding = binding(ArtemisBinding.builder());
    OrdersClient orders = channel(binding, ChannelFactory.builder(OrdersClient.class)
        .operationTimeout(Duration.ofHours(1))
        .header("x-tenant", "acme")
        .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
    Instant before = Instant.now();
    orders.place(Order.of("with-context"));
    Instant after = Instant.now();
    OrderService service = new OrderService("host");

    host(service, binding);

    until(() -> !service.seen.isEmpty(), "the call ran");
    Seen seen = service.seen.peek();
    assertThat(seen.headers()).containsEntry("x-tenant", "acme")
        .containsEntry("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    assertThat(seen.deadline()).hasValueSatisfying(d -> assertThat(d)
        .isBetween(before.plus(Duration.ofHours(1)).minusSeconds(1), after.plus(Duration.ofHours(1)).plusSeconds(1)));
  }

  @Test
  void callsInACommittedTransactionAreDeliveredTogetherAndInOneClosedWithoutCommitNotAtAll() throws Exception {
    ArtemisBinding binding = binding(ArtemisBinding.builder());
    OrdersClient orders = channel(binding);

    try (QueuedTransaction tx = binding.beginTransaction()) {
      orders.place(Order.of("a"));
      orders.place(Order.of("b"));
      assertThat(broker.messageCount(queue)).as("messages before the commit").isZero();
      tx.commit();
    }
    until(() -> broker.messageCount(queue) == 2, "both messages counted in the queue");

    try (QueuedTransaction tx = binding.beginTransaction()) {
      orders.place(Order.of("c"));
      orders.place(Order.of("d"));
      assertThat(tx.committed()).isFalse();
    }
    orders.place(Order.of("after"));
    assertThat(broker.take(queue, 3, LIMIT)).as("a, b and the call after the rolled-back transaction, in order")
        .extracting(ArtemisBindingTest::body).allSatisfy(body -> assertThat(body).doesNotContain("\"c\"", "\"d\""))
        .satisfiesExactly(a -> assertThat(a).contains("\"a\""), b -> assertThat(b).contains("\"b\""),
            after -> assertThat(after).contains("\"after\""));
    until(() -> broker.messageCount(queue) == 0, "nothing more in the queue");
  }

  @Test
  void aTransactionIsItsThreadsAlone() throws Exception {
    ArtemisBinding binding = binding(ArtemisBinding.builder());
    OrdersClient orders = channel(binding);
    try (QueuedTransaction tx = binding.beginTransaction()) {
      assertThatThrownBy(binding::beginTransaction).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already open");
      Thread other = Thread.ofVirtual().start(() -> orders.place(Order.of("outside")));
      other.join();
      until(() -> broker.messageCount(queue) == 1, "the other thread's call, outside the transaction, in the queue");
      assertThat(java.util.concurrent.CompletableFuture.runAsync(tx::commit, r -> Thread.ofVirtual().start(r)))
          .failsWithin(LIMIT).withThrowableThat().havingCause().isInstanceOf(IllegalStateException.class)
          .withMessageContaining("expected: the thread that began it");
    }
  }

  @Test
  void tenThousandCallsSentWhileNoHostRunsAreEachRunOnceWhenAHostStarts() throws Exception {
    ArtemisBinding binding = binding(ArtemisBinding.builder().consumers(8));
    OrdersClient orders = channel(binding);
    int count = 10_000;
    List<java.util.concurrent.CompletableFuture<Void>> sends = new java.util.ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      sends.add(orders.placeAsync(Order.of("o-" + i)));
    }
    java.util.concurrent.CompletableFuture.allOf(sends.toArray(new java.util.concurrent.CompletableFuture<?>[0]))
        .get(LIMIT.toSeconds(), TimeUnit.SECONDS);
    until(() -> broker.messageCount(queue) == count, "every message counted in the queue");
    OrderService service = new OrderService("host");

    host(service, binding);

    until(() -> service.seen.size() >= count, "every call ran");
    until(() -> broker.messageCount(queue) == 0, "every receive committed");
    assertThat(service.runs).hasSize(count);
    assertThat(service.runs.values()).as("runs of each call").allSatisfy(n -> assertThat(n).hasValue(1));
  }

  @Test
  void aGracefulCloseLetsTheCallInProgressCommitAndTakesNothingMore() throws Exception {
    ArtemisBinding binding = binding(ArtemisBinding.builder().consumers(2));
    OrderService service = new OrderService("host");
    ServiceHost host = host(service, binding);
    OrdersClient orders = channel(binding);
    orders.hold("running");
    assertThat(service.entered.tryAcquire(LIMIT.toSeconds(), TimeUnit.SECONDS)).as("the call entered").isTrue();

    Thread closing = Thread.ofVirtual().start(host::close);
    until(() -> broker.consumerCount(queue) == 1, "the idle consumer stopped");
    orders.hold("waiting");
    until(() -> broker.messageCount(queue) == 2, "both messages on the queue");
    service.release("running");
    closing.join(LIMIT);

    assertThat(closing.isAlive()).as("the close returned").isFalse();
    assertThat(service.seen).extracting(Seen::id).containsExactly("running");
    assertThat(broker.messageCount(queue)).as("the waiting message, still queued").isEqualTo(1);
    assertThat(body(broker.take(queue, 1, LIMIT).getFirst())).isEqualTo("[\"waiting\"]");
  }

  @Test
  void aBadAddressOrOptionOrAClosedBindingIsRefusedNamingWhatWasExpected() {
    ArtemisBinding binding = binding(ArtemisBinding.builder());

    assertThatThrownBy(() -> ChannelFactory.builder(OrdersClient.class).binding(binding)
        .address("courier.artemis://127.0.0.1:1/").build().createChannel())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names no queue");
    assertThatThrownBy(() -> ArtemisBinding.builder().consumers(0)).hasMessage("consumers: 0 (expected: >= 1)");
    ArtemisBinding closed = ArtemisBinding.create();
    closed.close();
    assertThatThrownBy(() -> ChannelFactory.builder(OrdersClient.class).binding(closed).address(broker.address(queue))
        .build().createChannel()).isInstanceOf(IllegalStateException.class).hasMessageContaining("binding is closed");
    assertThatThrownBy(() -> ArtemisBinding.builder().maxDeliveries(0)).hasMessage("maxDeliveries: 0 (expected: >= 1)");
  }

  @Test
  void aCallWhenTheBrokerIsUnreachableFailsNamingTheBroker() {
    ArtemisBinding binding = binding(ArtemisBinding.builder().brokerUrl("tcp://127.0.0.1:1?reconnectAttempts=0"));
    AtomicInteger unused = new AtomicInteger();

    assertThatThrownBy(() -> ChannelFactory.builder(OrdersClient.class).binding(binding)
        .address("courier.artemis:///orders").build().createChannel())
        .isInstanceOf(dev.courier.rpc.CommunicationException.class)
        .hasMessageContaining("cannot reach the broker at tcp://127.0.0.1:1");
    assertThat(unused).hasValue(0);
  }
}
