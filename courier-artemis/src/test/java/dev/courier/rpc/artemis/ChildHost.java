package dev.courier.rpc.artemis;

import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.artemis.QueueTestSupport.Order;
import dev.courier.rpc.artemis.QueueTestSupport.Orders;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * A host in its own JVM for {@link ArtemisFailureTest}: hosts {@link Orders} at the address of its first argument
 * with one consumer, prints {@code LISTENING} once it is open, then {@code ENTERED <id>} as each hold call enters
 * (hold calls never return). Exits when its standard input closes, so it cannot outlive the test JVM.
 */
public final class ChildHost {
  private ChildHost() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Orders service = new Orders() {
      @Override
      public void place(Order order) {
        out.println("PLACED " + order.id());
      }

      @Override
      public void reject(String why) {
        throw new IllegalStateException(why);
      }

      @Override
      public void hold(String id) {
        out.println("ENTERED " + id);
        new CompletableFuture<Void>().join();
      }
    };
    ArtemisBinding binding = ArtemisBinding.builder().consumers(1).build();
    ServiceHost host = ServiceHost.builder(service).endpoint(Orders.class, binding, args[0]).build().open();
    out.println("LISTENING");
    while (System.in.read() != -1) {
      // wait for the parent to go away
    }
    host.abort();
    binding.close();
    System.exit(0);
  }
}
