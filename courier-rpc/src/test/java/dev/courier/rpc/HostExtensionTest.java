package dev.courier.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.rpc.inprocess.InProcessBinding;
import dev.courier.rpc.spi.HostExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Extensions open with their host, once its endpoints listen, and close with it; one that fails fails the open. */
class HostExtensionTest {

  @ServiceContract(name = "Echo")
  public interface Echo {
    String echo(String text);
  }

  static final class EchoService implements Echo {
    @Override
    public String echo(String text) {
      return text;
    }
  }

  @Test
  void anExtensionCallsTheHostItOpensWithAndExtensionsCloseInReverseOrder() {
    InProcessBinding binding = InProcessBinding.create();
    List<String> events = new ArrayList<>();
    ServiceHost host = ServiceHost.builder(new EchoService())
        .endpoint(Echo.class, binding, "inproc://extension-echo")
        .extension(h -> {
          ServiceEndpoint e = h.endpoints().getFirst();
          events.add("open " + e.contract().name() + " at " + e.address() + ", " + callEcho(e));
          return () -> events.add("close first");
        })
        .extension(h -> () -> events.add("close second"))
        .build().open();

    host.close();

    assertThat(events).containsExactly("open Echo at inproc://extension-echo, echoed", "close second", "close first");
  }

  @Test
  void anExtensionThatFailsToOpenFailsTheHostAndClosesTheOthers() {
    List<String> events = new ArrayList<>();
    ServiceHost host = ServiceHost.builder(new EchoService())
        .endpoint(Echo.class, InProcessBinding.create(), "inproc://extension-failing")
        .extension(h -> () -> events.add("first closed"))
        .extension(h -> {
          throw new IllegalStateException("port 8080 is taken");
        })
        .build();

    assertThatThrownBy(host::open).isInstanceOf(IllegalStateException.class).hasMessage("port 8080 is taken");

    assertThat(events).containsExactly("first closed");
    assertThat(host.state()).isEqualTo(CommunicationState.FAULTED);
  }

  private static String callEcho(ServiceEndpoint e) {
    Echo echo = ChannelFactory.builder(Echo.class).binding(e.binding()).address(e.address()).build().createChannel();
    try {
      return echo.echo("echoed");
    } finally {
      ClientChannel.of(echo).close();
    }
  }
}
