package dev.courier.testpage;

import dev.courier.rpc.FaultContract;
import dev.courier.rpc.Operation;
import dev.courier.rpc.ServiceContract;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The contract the page's tests call: records, nested records, a list, a map, an enum, an Optional, bytes, a fault. */
@ServiceContract(name = "Shop", namespace = "http://example.com/shop")
public interface Shop {

  /** Places an order; an order of a sku that is out of stock fails with {@link OutOfStock}. */
  @FaultContract(OutOfStock.class)
  Receipt place(Order order);

  /** Counts each word of {@code words}. */
  Map<String, Integer> count(List<String> words);

  /** Takes a note and answers nothing. */
  @Operation(oneWay = true)
  void note(String text, Priority priority);

  /** How urgent an order is. */
  enum Priority { LOW, NORMAL, URGENT }

  /** Where an order goes. */
  record Address(String street, String city) {}

  /** One line of an order. */
  record Line(String sku, int count) {}

  /** An order. */
  record Order(String customer, Address shipTo, List<Line> lines, Priority priority, Optional<String> gift,
      byte[] attachment, boolean express) {}

  /** What the shop answers. */
  record Receipt(String summary, int items, Priority priority, String gift, int attachmentBytes) {}

  /** The fault of an order of a sku that is out of stock. */
  record OutOfStock(String sku, int available) {}

  /** The shop: keeps the notes it is sent. */
  final class Service implements Shop {
    final java.util.concurrent.BlockingQueue<String> notes = new java.util.concurrent.LinkedBlockingQueue<>();

    @Override
    public Receipt place(Order order) {
      int items = 0;
      for (Line line : order.lines()) {
        if (line.sku().startsWith("gone-")) {
          throw new dev.courier.rpc.FaultException(line.sku() + " is out of stock", new OutOfStock(line.sku(), 0));
        }
        items += line.count();
      }
      String summary = order.customer() + " to " + order.shipTo().city() + ": " + order.lines().stream()
          .map(l -> l.count() + " x " + l.sku()).toList() + (order.express() ? ", express" : "");
      return new Receipt(summary, items, order.priority(), order.gift().orElse("no gift"),
          order.attachment() == null ? -1 : order.attachment().length);
    }

    @Override
    public Map<String, Integer> count(List<String> words) {
      Map<String, Integer> counts = new java.util.TreeMap<>();
      words.forEach(w -> counts.merge(w, 1, Integer::sum));
      return counts;
    }

    @Override
    public void note(String text, Priority priority) {
      notes.add(priority + ": " + text);
    }
  }
}
