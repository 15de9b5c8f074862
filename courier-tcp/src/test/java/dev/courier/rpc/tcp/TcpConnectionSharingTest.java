package dev.courier.rpc.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.ServiceHost;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
  void channelsClosedWhileTheSharedConnectionStaysOpenCanBeCollected() {
    try (TcpBinding binding = TcpBinding.create()) {
      ServiceHost host = ServiceHost.builder(new EchoService())
          .endpoint(Echo.class, binding, "courier.tcp://127.0.0.1:0/echo").build().open();
      try {
        ChannelFactory<Echo> factory = ChannelFactory.builder(Echo.class)
            .binding(binding).address(host.listenAddresses().get(0)).build();
        Echo keeper = factory.createChannel();          // keeps the shared connection open throughout
        assertThat(keeper.echo("open")).isEqualTo("open");
        List<WeakReference<Echo>> closed = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          Echo c = factory.createChannel();
          assertThat(c.echo("call " + i)).isEqualTo("call " + i);
          ClientChannel.of(c).close();
          closed.add(new WeakReference<>(c));
        }
        assertThat(binding.openConnections()).isEqualTo(1);
        dev.courier.io.Eventually.until(() -> {
          System.gc();
          return closed.stream().allMatch(r -> r.get() == null);
        }, "every closed channel collected while the connection they shared is open");
        assertThat(keeper.echo("still")).isEqualTo("still");
      } finally {
        host.close(Duration.ofSeconds(5));
      }
    }
  }

  @Test
  void aClosedBindingLetsItsEventLoopThreadGo() throws InterruptedException {
    java.util.Set<Thread> others = courierTcpThreads();        // other test classes' bindings may live on
    TcpBinding binding = TcpBinding.create();
    twoChannels(binding, 1);
    java.util.Set<Thread> its = courierTcpThreads();
    its.removeAll(others);
    long before = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("courier-tcp")).count();

    binding.close();

    assertThat(its).as("the binding's own threads").isNotEmpty();
    for (Thread t : its) {
      t.join(dev.courier.io.Eventually.LIMIT.toMillis());
      assertThat(t.isAlive()).as("%s after the binding closed", t.getName()).isFalse();
    }
    long after = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("courier-tcp") && t.isAlive()).count();
    assertThat(before).isPositive();
    assertThat(after).isLessThan(before);
  }

  private static java.util.Set<Thread> courierTcpThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("courier-tcp"))
        .collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
  }
}
