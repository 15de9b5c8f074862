package dev.courier.rpc.artemis;

import dev.courier.rpc.Operation;
import dev.courier.rpc.OperationContext;
import dev.courier.rpc.ServiceContract;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/** The contract, the service and the bounded waits of the queued binding's tests. Nothing sleeps. */
final class QueueTestSupport {
  /** How long a wait for the queue's work waits at most: generous, for a busy two-core machine. */
  static final Duration LIMIT = Duration.ofSeconds(60);

  private QueueTestSupport() {}

  /** What an order is: every kind of value the JSON body carries. */
  enum Kind { STANDARD, EXPRESS }

  /** An order. */
  record Order(String id, int quantity, List<String> lines, Map<String, Integer> stock, Kind kind, byte[] signature,
      Optional<String> note) {
    static Order of(String id) {
      return new Order(id, 1, List.of("line"), Map.of(), Kind.STANDARD, new byte[0], Optional.empty());
    }
  }

  /** The queued contract of the tests, with the shapes a client may call it in. */
  @ServiceContract(name = "Orders")
  public interface Orders {
    /** Records the order. */
    @Operation(oneWay = true)
    void place(Order order);

    /** Fails, always, with an {@link IllegalStateException} saying {@code why}. */
    @Operation(oneWay = true)
    void reject(String why);

    /** Holds the call until the test releases {@code id}. */
    @Operation(oneWay = true)
    void hold(String id);
  }

  /** The client's view of {@link Orders}, with a task-based shape. */
  @ServiceContract(name = "Orders")
  public interface OrdersClient {
    @Operation(oneWay = true)
    void place(Order order);

    /** {@link #place} as a future that completes when the broker has the message. */
    @Operation(oneWay = true)
    CompletableFuture<Void> placeAsync(Order order);

    @Operation(oneWay = true)
    void reject(String why);

    @Operation(oneWay = true)
    void hold(String id);
  }

  /** The service side of {@link Orders} in the task-based shape: what a call does completes later, elsewhere. */
  @ServiceContract(name = "Orders")
  public interface AsyncOrders {
    @Operation(oneWay = true)
    CompletionStage<Void> placeAsync(Order order);

    @Operation(oneWay = true)
    CompletionStage<Void> rejectAsync(String why);

    @Operation(oneWay = true)
    CompletionStage<Void> holdAsync(String id);
  }

  /** A contract that cannot be queued: one of its operations answers. */
  @ServiceContract(name = "Status")
  public interface Status {
    @Operation(oneWay = true)
    void ping(String id);

    String status(String id);
  }

  /** One call as the service saw it. */
  record Seen(String id, Map<String, String> headers, Optional<Instant> deadline, String thread) {}

  /** Records what it runs; holds {@code hold} calls until released; counts its {@code reject} calls. */
  static final class OrderService implements Orders {
    final Queue<Seen> seen = new ConcurrentLinkedQueue<>();
    final Queue<Order> orders = new ConcurrentLinkedQueue<>();
    final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    final AtomicInteger rejected = new AtomicInteger();
    final Semaphore entered = new Semaphore(0);
    private final Map<String, CompletableFuture<Void>> gates = new ConcurrentHashMap<>();
    private final String name;

    OrderService(String name) {
      this.name = name;
    }

    @Override
    public void place(Order order) {
      orders.add(order);
      record(order.id());
    }

    @Override
    public void reject(String why) {
      rejected.incrementAndGet();
      throw new IllegalStateException(why);
    }

    @Override
    public void hold(String id) {
      record(id);
      entered.release();
      gates.computeIfAbsent(id, k -> new CompletableFuture<>()).join();
    }

    void release(String id) {
      gates.computeIfAbsent(id, k -> new CompletableFuture<>()).complete(null);
    }

    private void record(String id) {
      OperationContext ctx = OperationContext.current();
      seen.add(new Seen(id, ctx.headers(), ctx.deadline(), name));
      runs.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    }

    int runs(String id) {
      AtomicInteger n = runs.get(id);
      return n == null ? 0 : n.get();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** Waits, at most {@link #LIMIT}, until {@code condition} holds, polling without sleeping a fixed time. */
  static void until(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + LIMIT + ": " + what);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
  }
}
