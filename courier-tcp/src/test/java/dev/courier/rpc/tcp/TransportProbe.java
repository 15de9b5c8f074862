package dev.courier.rpc.tcp;

import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.ServiceHost;
import java.time.Duration;

/**
 * A JVM of its own for {@link TcpTransportFallbackTest}: makes one call over a {@link TcpBinding} on
 * 127.0.0.1 and prints {@code native transport: <true|false>} and {@code echo: <the answer>}.
 */
public final class TransportProbe {
  private TransportProbe() {}

  /** The probe's contract. */
  @ServiceContract(name = "Probe", namespace = "urn:courier:transport-probe")
  public interface Probe {
    String echo(String text);
  }

  /** Answers with what it was sent. */
  static final class Echo implements Probe {
    @Override
    public String echo(String text) {
      return text;
    }
  }

  public static void main(String[] args) {
    try (TcpBinding tcp = TcpBinding.create()) {
      ServiceHost host = ServiceHost.builder(new Echo())
          .endpoint(Probe.class, tcp, "courier.tcp://127.0.0.1:0/probe").build().open();
      Probe probe = ChannelFactory.builder(Probe.class).binding(tcp).address(host.listenAddresses().getFirst())
          .operationTimeout(Duration.ofSeconds(30)).build().createChannel();
      IO.println("native transport: " + tcp.usesNativeTransport());
      IO.println("echo: " + probe.echo("hello"));
      ClientChannel.of(probe).close();
      host.close(Duration.ofSeconds(5));
    }
  }
}
