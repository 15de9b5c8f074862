package dev.courier.codegen;

import dev.courier.rpc.FaultContract;
import dev.courier.rpc.MessageContract;
import dev.courier.rpc.Operation;
import dev.courier.rpc.ServiceContract;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A service contract with one of each kind of data contract, from which the tests publish metadata. */
@ServiceContract(namespace = "urn:courier:codegen:orders", name = "OrderDesk")
public interface OrderDesk {
  /** An enumeration. */
  enum Speed { SLOW, FAST }

  /** A record inside a list, with an optional nested record. */
  record Line(String sku, int quantity, Optional<Size> size) {}

  /** A nested record. */
  record Size(int width, int height) {}

  /** The order: every kind of component. */
  record Order(String id, long placedAt, double total, boolean paid, char grade, Speed speed, List<Line> lines,
      Map<String, Integer> stock, Optional<String> note, byte[] label, Size box) {}

  /** A reply of several values: the result, then two out values (WCF's {@code out} parameters). */
  @MessageContract
  record Reservation(boolean reserveResult, int reserved, Optional<String> warehouse) {}

  /** A declared fault. */
  record NoSuchOrder(String id, int tried) {}

  Order place(Order order);

  @Operation(name = "GetOrder", resultName = "Found")
  @FaultContract(NoSuchOrder.class)
  Order getOrder(String id);

  int count(Speed speed, Optional<Integer> atLeast);

  @Operation(oneWay = true)
  void forget(String id);

  Reservation reserve(String sku, int quantity);
}
