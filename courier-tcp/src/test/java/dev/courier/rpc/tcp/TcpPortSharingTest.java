package dev.courier.rpc.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.CommunicationException;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.metadata.Metadata;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Several services on one port, each at its own path, as WCF's port sharing allows. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpPortSharingTest {
  @ServiceContract(namespace = "urn:calc")
  public interface Calc {
    int add(int a, int b);
  }

  @ServiceContract(namespace = "urn:shop")
  public interface Shop {
    String buy(String item);
  }

  static final class CalcService implements Calc {
    private final int bonus;

    CalcService(int bonus) {
      this.bonus = bonus;
    }

    @Override
    public int add(int a, int b) {
      return a + b + bonus;
    }
  }

  static final class ShopService implements Shop {
    @Override
    public String buy(String item) {
      return "bought " + item;
    }
  }

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final TcpBinding server = closeLater(TcpBinding.create());
  private final TcpBinding client = closeLater(TcpBinding.create());

  @AfterEach
  void closeEverything() throws Exception {
    while (!resources.isEmpty()) {
      resources.pop().close();
    }
  }

  private <T extends AutoCloseable> T closeLater(T resource) {
    resources.push(resource);
    return resource;
  }

  private ServiceHost open(ServiceHost.Builder builder) {
    ServiceHost host = builder.build().open();
    resources.push(() -> host.close(Duration.ofSeconds(5)));
    return host;
  }

  /** A port this binding listens on, with an endpoint of its own at /first. */
  private int sharedPort() {
    ServiceHost first = open(ServiceHost.builder(new CalcService(1000)).endpoint(Calc.class, server,
        "courier.tcp://127.0.0.1:0/first"));
    return URI.create(first.listenAddresses().getFirst()).getPort();
  }

  private <T> T channel(Class<T> contract, String address) {
    T c = ChannelFactory.builder(contract).binding(client).address(address).build().createChannel();
    resources.push(ClientChannel.of(c)::abort);
    return c;
  }

  @Test
  void endpointsOfOneHostAndOfAnotherShareAPortEachCallReachingTheServiceAtItsPath() {
    int port = sharedPort();
    String base = "courier.tcp://127.0.0.1:" + port;
    open(ServiceHost.builder(new CalcService(0)).endpoint(Calc.class, server, base + "/calc")
        .endpoint(Calc.class, server, base + "/calc/v2"));
    open(ServiceHost.builder(new ShopService()).endpoint(Shop.class, server, base + "/shop"));

    assertThat(channel(Calc.class, base + "/calc").add(1, 2)).isEqualTo(3);
    assertThat(channel(Calc.class, base + "/calc/v2/").add(1, 2)).as("a trailing slash names the same path").isEqualTo(3);
    assertThat(channel(Calc.class, base + "/first").add(1, 2)).isEqualTo(1003);
    assertThat(channel(Shop.class, base + "/shop").buy("tea")).isEqualTo("bought tea");
    assertThat(client.openConnections()).as("the client's channels share one connection to the port").isEqualTo(1);
  }

  @Test
  void anUnknownPathIsRefusedListingThePathsServedThere() {
    int port = sharedPort();
    String base = "courier.tcp://127.0.0.1:" + port;
    open(ServiceHost.builder(new ShopService()).endpoint(Shop.class, server, base + "/shop"));

    Throwable t = catchThrowable(() -> channel(Shop.class, base + "/nope"));

    assertThat(t).isInstanceOf(CommunicationException.class)
        .hasMessageContaining("no endpoint at path /nope on this port (expected one of [/first, /shop])");
    assertThat(channel(Shop.class, base + "/shop").buy("tea")).as("the port goes on").isEqualTo("bought tea");
  }

  @Test
  void closingOneHostLeavesTheOthersOnThePortServingAndItsPathRefused() throws Exception {
    int port = sharedPort();
    String base = "courier.tcp://127.0.0.1:" + port;
    ServiceHost shop = ServiceHost.builder(new ShopService()).endpoint(Shop.class, server, base + "/shop").build().open();
    Calc calc = channel(Calc.class, base + "/first");
    assertThat(channel(Shop.class, base + "/shop").buy("tea")).isEqualTo("bought tea");

    shop.close(Duration.ofSeconds(5));

    assertThat(calc.add(1, 1)).as("a channel of the other host, on the same connection").isEqualTo(1002);
    assertThat(channel(Calc.class, base + "/first").add(2, 2)).isEqualTo(1004);
    assertThat(catchThrowable(() -> channel(Shop.class, base + "/shop"))).isInstanceOf(CommunicationException.class)
        .hasMessageContaining("no endpoint at path /shop on this port (expected one of [/first])");
  }

  @Test
  void eachPathPublishesTheMetadataOfItsOwnContract() {
    int port = sharedPort();
    String base = "courier.tcp://127.0.0.1:" + port;
    open(ServiceHost.builder(new ShopService()).endpoint(Shop.class, server, base + "/shop").publishMetadata(true));

    Metadata shop = Metadata.fetch(client, base + "/shop");

    assertThat(shop.service().contracts()).extracting(c -> c.name().getLocalPart()).containsExactly("Shop");
    assertThat(catchThrowable(() -> Metadata.fetch(client, base + "/first"))).as("its host publishes none")
        .isInstanceOf(CommunicationException.class).hasMessageContaining("publishes no metadata");
    assertThat(catchThrowable(() -> Metadata.fetch(client, base + "/nope"))).isInstanceOf(CommunicationException.class)
        .hasMessageContaining("no endpoint at path /nope on this port (expected one of [/first, /shop])");
  }

  @Test
  void twoEndpointsAtOneAddressAreRefusedNamingTheAddressAndBothContracts() {
    int port = sharedPort();
    String address = "courier.tcp://127.0.0.1:" + port + "/first";

    assertThatThrownBy(() -> open(ServiceHost.builder(new ShopService()).endpoint(Shop.class, server, address)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("cannot listen at " + address + " for contract Shop: the address is in use by an endpoint for"
            + " contract Calc (expected: another path, or another port)");
  }

  @Test
  void aPortHeldByAnotherBindingOfTheJvmIsRefusedSayingWhy() {
    int port = sharedPort();
    TcpBinding other = closeLater(TcpBinding.create());
    String address = "courier.tcp://127.0.0.1:" + port + "/shop";

    assertThatThrownBy(() -> open(ServiceHost.builder(new ShopService()).endpoint(Shop.class, other, address)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot listen at " + address + " for contract Shop: port " + port
            + " is served by another TcpBinding of this JVM");
  }

  @Test
  void aPortInUseByAnotherProgramIsRefusedNamingTheAddressAndTheEndpoint() throws Exception {
    ServerSocket taken = closeLater(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    String address = "courier.tcp://127.0.0.1:" + taken.getLocalPort() + "/shop";

    assertThatThrownBy(() -> open(ServiceHost.builder(new ShopService()).endpoint(Shop.class, server, address)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot listen at " + address + " for contract Shop: the address is in use");
  }
}
