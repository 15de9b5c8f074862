package dev.courier.codegen;

import dev.courier.rpc.ServiceContract;
import java.util.List;

/** A second contract of the order desk's document, whose types share the order desk's. */
@ServiceContract(namespace = "urn:courier:codegen:orders", name = "Shipping")
public interface Shipping {
  /** A parcel of an order, in boxes of the order desk's sizes. */
  record Parcel(String orderId, OrderDesk.Speed speed, List<OrderDesk.Size> boxes) {}

  Parcel ship(OrderDesk.Order order);
}
