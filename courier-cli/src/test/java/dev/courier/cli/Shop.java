package dev.courier.cli;

import dev.courier.rpc.FaultContract;
import dev.courier.rpc.MessageContract;
import dev.courier.rpc.Operation;
import dev.courier.rpc.ServiceContract;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The contract the tests publish and the command line reads, describes and calls. */
@ServiceContract(namespace = "http://example.com/shop", name = "Shop")
public interface Shop {
  /** An enumeration. */
  enum Speed { SLOW, FAST }

  /** A record inside a list, with an optional component. */
  record Line(String sku, int quantity, Optional<String> note) {}

  /** The order: a record argument and result. */
  record Order(String id, Speed speed, List<Line> lines, Map<String, Integer> stock, byte[] label, char grade) {}

  /** A declared fault. */
  record NoSuchOrder(String id, int tried) {}

  /** A reply of several values (WCF's out parameters). */
  @MessageContract
  record Reserved(boolean reserveResult, int reserved, String warehouse) {}

  Order place(Order order);

  @Operation(name = "GetOrder")
  @FaultContract(NoSuchOrder.class)
  Order getOrder(String id);

  int count(Speed speed, Optional<Integer> atLeast);

  @Operation(oneWay = true)
  void forget(String id);

  Reserved reserve(String sku, int quantity);
}
