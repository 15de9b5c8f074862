package dev.courier.examples;

import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.artemis.ArtemisBinding;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A host of the demo's {@link OrderDesk} in a process of its own: it drains the queue at the address of its first
 * argument with two consumers, prints {@code READY}, then {@code PROCESSED <order>} for each order it has processed
 * (the work takes 50 ms), and runs until its standard input ends.
 *
 * <pre>{@code
 * java -cp <classpath> dev.courier.examples.OrderHost courier.artemis://127.0.0.1:61616/orders
 * }</pre>
 */
public final class OrderHost {
  /** Artemis logs through java.util.logging here: its warnings only (a reference, so that the level holds). */
  static final Logger ARTEMIS_LOG = Logger.getLogger("org.apache.activemq");

  private OrderHost() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    ARTEMIS_LOG.setLevel(Level.WARNING);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    OrderDesk desk = (orderId, quantity) -> {
      try {
        Thread.sleep(50);                      // the work of an order
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while processing " + orderId, e);
      }
      out.println("PROCESSED " + orderId);
    };
    ArtemisBinding binding = ArtemisBinding.builder().consumers(2).build();
    ServiceHost host = ServiceHost.builder(desk).endpoint(OrderDesk.class, binding, args[0]).build().open();
    out.println("READY");
    while (System.in.read() != -1) {
      // serve until the demo goes away
    }
    host.close(java.time.Duration.ofSeconds(5));
    binding.close();
  }
}
