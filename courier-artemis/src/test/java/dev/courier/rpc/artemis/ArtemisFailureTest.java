package dev.courier.rpc.artemis;

import static dev.courier.rpc.artemis.QueueTestSupport.LIMIT;
import static dev.courier.rpc.artemis.QueueTestSupport.until;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.artemis.QueueTestSupport.OrderService;
import dev.courier.rpc.artemis.QueueTestSupport.Orders;
import dev.courier.rpc.artemis.QueueTestSupport.OrdersClient;
import dev.courier.io.CapturedLogs;
import dev.courier.io.ChildJvm;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A host that dies in the middle of a call loses nothing: the message is delivered again, to another host. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ArtemisFailureTest {
  @RegisterExtension
  static final EmbeddedBroker broker = new EmbeddedBroker();

  @Test
  void aHostKilledInTheMiddleOfACallLosesNothingTheCallRunsAgainOnAnotherHost() throws Exception {
    String address = broker.address("killed");
    try (ArtemisBinding binding = ArtemisBinding.create();
        ChildJvm child = ChildJvm.start(ChildHost.class, List.of(), address)) {
      child.awaitLine("LISTENING", LIMIT);
      OrdersClient orders = ChannelFactory.builder(OrdersClient.class).binding(binding).address(address).build()
          .createChannel();
      orders.hold("in-flight");
      child.awaitLine("ENTERED in-flight", LIMIT);

      child.kill();
      OrderService survivor = new OrderService("survivor");
      survivor.release("in-flight");
      ServiceHost host = ServiceHost.builder(survivor).endpoint(Orders.class, binding, address).build().open();

      until(() -> survivor.runs("in-flight") == 1, "the call ran again on the surviving host");
      until(() -> broker.messageCount("killed") == 0, "its receive committed");
      host.close();
      ClientChannel.of(orders).close();
      assertThat(survivor.runs("in-flight")).isEqualTo(1);
      assertThat(CapturedLogs.take()).as("the broker's records of the killed host's connection")
          .extracting(LogRecord::getMessage)
          .allSatisfy(m -> assertThat(m).matches("AMQ222(061: Client connection failed|107: Cleared up resources).*"));
    }
  }
}
