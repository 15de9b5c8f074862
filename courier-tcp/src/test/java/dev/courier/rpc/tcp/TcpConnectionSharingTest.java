package dev.courier.rpc.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.ServiceHost;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Channels to one endpoint share a connection, each as a session of its own, unless the binding says otherwise. */
class TcpConnectionSharingTest {
  @ServiceContract
  public interface Echo {
    String echo(String text);
  }

  static final class EchoService implements Echo {
    @Override
    public String echo(String text) {
      return text;
    }
  }

  private static void twoChannels(TcpBinding binding, int expectedConnections) {
    ServiceHost host = ServiceHost.builder(new EchoService())
        .endpoint(Echo.class, binding, "courier.tcp://127.0.0.1:0/echo").build().open();
    try {
      ChannelFactory<Echo> factory = ChannelFactory.builder(Echo.class)
          .binding(binding).address(host.listenAddresses().get(0)).build();
      Echo a = factory.createChannel();
      Echo b = factory.createChannel();

      assertThat(a.echo("a")).isEqualTo("a");
      assertThat(b.echo("b")).isEqualTo("b");
      assertThat(host.sessionCount()).isEqualTo(2);
      assertThat(binding.openConnections()).isEqualTo(expectedConnections);

      ClientChannel.of(a).close();
      assertThat(b.echo("still")).isEqualTo("still");
      ClientChannel.of(b).close();
      assertThat(binding.openConnections()).as("the last channel closes the connection").isZero();
    } finally {
      host.close(Duration.ofSeconds(5));
    }
  }

  @Test
  void twoChannelsAreTwoSessionsOnOneSharedConnection() {
    twoChannels(TcpBinding.create(), 1);
  }

  @Test
  void aBindingAskedForConnectionPerChannelOpensOneForEach() {
    try (TcpBinding binding = TcpBinding.builder().connectionPerChannel().build()) {
      twoChannels(binding, 2);
    }
  }

  @Test
  void aClosedBindingLetsItsEventLoopThreadGo() {
    TcpBinding binding = TcpBinding.create();
    twoChannels(binding, 1);
    long before = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("courier-tcp")).count();

    binding.close();

    long after = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("courier-tcp") && t.isAlive()).count();
    assertThat(before).isPositive();
    assertThat(after).isLessThan(before);
  }
}
