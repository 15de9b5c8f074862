package dev.courier.examples;

import dev.courier.rpc.Operation;
import dev.courier.rpc.ServiceContract;

/** The demo's queued contract: orders placed as durable one-way calls, processed by whichever host takes them. */
@ServiceContract(name = "OrderDesk")
public interface OrderDesk {
  /** Places an order; returns once the broker holds it. */
  @Operation(oneWay = true)
  void place(String orderId, int quantity);
}
