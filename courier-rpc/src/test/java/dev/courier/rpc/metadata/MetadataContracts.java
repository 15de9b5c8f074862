package dev.courier.rpc.metadata;

import dev.courier.rpc.AsyncCallback;
import dev.courier.rpc.AsyncResult;
import dev.courier.rpc.CompletedListener;
import dev.courier.rpc.DataContract;
import dev.courier.rpc.FaultContract;
import dev.courier.rpc.Operation;
import dev.courier.rpc.ServiceContract;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Contracts whose metadata the tests write, read back and hand to other stacks' tools. */
public final class MetadataContracts {
  private MetadataContracts() {}

  /** A calculator declared in every client shape: still one operation per action. */
  @ServiceContract(namespace = "http://example.com/calc")
  public interface Calculator {
    int add(int a, int b);

    CompletableFuture<Integer> addAsync(int a, int b);

    AsyncResult beginAdd(int a, int b, AsyncCallback callback, Object state);

    int endAdd(AsyncResult result);

    void addAsync(int a, int b, Object userState);

    void onAddCompleted(CompletedListener<Integer> listener);

    @FaultContract(DivideByZero.class)
    double divide(double dividend, double divisor);

    @Operation(oneWay = true)
    void reset();
  }

  /** The detail of a division by zero. */
  public record DivideByZero(double dividend, String reason) {}

  /** An enum. */
  public enum Color { RED, GREEN, BLUE }

  /** A record. */
  public record Point(int x, int y) {}

  /** Nested records, a list, a map, an enum, optional and binary data. */
  public record Shape(String name, Color color, List<Point> points, Map<String, Integer> tags, Optional<String> note,
      byte[] thumbnail, Point origin, Long id, boolean closed, char mark, List<List<Integer>> grid) {}

  /** A recursive record. */
  public record Node(String label, List<Node> children) {}

  /** Data contracts of every kind, a fault, and a one-way operation. */
  @ServiceContract(namespace = "http://example.com/shapes/")
  public interface Drawing {
    @FaultContract(DivideByZero.class)
    @FaultContract(NotFound.class)
    Shape find(String name, Optional<Color> color);

    List<Shape> all();

    Map<Color, List<Point>> byColor(Map<String, Color> hints);

    Node tree(Node root, byte[] data, Optional<Integer> depth);

    @Operation(oneWay = true)
    void draw(Shape shape);

    void clear();
  }

  /** Nothing found. */
  public record NotFound(String name) {}

  /** A duplex contract: the service calls the client back. */
  @ServiceContract(namespace = "http://example.com/chat", callback = ChatEvents.class)
  public interface Chat {
    @Operation(oneWay = true)
    void post(String line);

    int join(String who);
  }

  /** Chat's callbacks. */
  @ServiceContract(namespace = "http://example.com/chat")
  public interface ChatEvents {
    @Operation(oneWay = true)
    void posted(String who, String line);

    boolean ping(long sent);
  }

  /** The namespace of the order schema, shared by contracts of other namespaces. */
  public static final String ORDERS_SCHEMA = "http://schemas.example.com/orders/2026";

  /** A data contract of a schema namespace of its own. */
  @DataContract(namespace = ORDERS_SCHEMA)
  public record Order(String id, List<Line> lines, Status status, Optional<Point> pickup) {}

  /** A data contract with a schema name of its own. */
  @DataContract(namespace = ORDERS_SCHEMA, name = "OrderLine")
  public record Line(String sku, int count) {}

  /** An enum of the order schema. */
  @DataContract(namespace = ORDERS_SCHEMA)
  public enum Status { OPEN, SHIPPED }

  /** A fault of the order schema. */
  @DataContract(namespace = ORDERS_SCHEMA)
  public record Rejected(String reason) {}

  /** Types of two schemas: its own namespace's and the order schema's. */
  @ServiceContract(namespace = "http://example.com/orders")
  public interface Orders {
    @FaultContract(Rejected.class)
    Order place(Order order);

    List<Order> open(Map<String, Status> filter);
  }

  /** Every contract of this class, for tests that take them all. */
  public static List<Class<?>> all() {
    return List.of(Calculator.class, Drawing.class, Chat.class, Orders.class);
  }
}
