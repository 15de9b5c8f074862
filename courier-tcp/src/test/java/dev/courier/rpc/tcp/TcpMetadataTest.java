package dev.courier.rpc.tcp;

import static dev.courier.rpc.tcp.TcpTestSupport.newAddress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.CommunicationException;
import dev.courier.rpc.EndpointAddress;
import dev.courier.rpc.FaultContract;
import dev.courier.rpc.Operation;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.metadata.EndpointMetadata;
import dev.courier.rpc.metadata.Metadata;
import dev.courier.rpc.metadata.OperationMetadata;
import dev.courier.rpc.metadata.Wsdl;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A host publishes its contract's WSDL on its own port; a client fetches it with one call. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpMetadataTest {
  private static final TcpBinding TCP = TcpBinding.create();
  private ServiceHost host;

  /** The detail of a refused order. */
  public record OutOfStock(String item) {}

  /** A contract to describe. */
  @ServiceContract(namespace = "http://example.com/shop")
  public interface Shop {
    @FaultContract(OutOfStock.class)
    int order(String item, int count);

    @Operation(oneWay = true)
    void browse(String item);
  }

  static final class ShopService implements Shop {
    @Override
    public int order(String item, int count) {
      return count;
    }

    @Override
    public void browse(String item) {}
  }

  @AfterEach
  void close() {
    if (host != null) {
      host.close();
    }
  }

  private String open(boolean publish) {
    host = ServiceHost.builder(new ShopService()).endpoint(Shop.class, TCP, newAddress("shop"))
        .publishMetadata(publish).build().open();
    return host.listenAddresses().getFirst();
  }

  @Test
  void aClientFetchesThePublishedWsdlAndItsModelFromALiveHost() {
    String address = open(true);
    Metadata m = Metadata.fetch(TCP, address);
    assertThat(m.document()).isEqualTo(Wsdl.write(host.metadata(Shop.class)));
    assertThat(m.service().name()).isEqualTo("ShopService");
    assertThat(m.service().contract("Shop").operations()).extracting(o -> o.name() + ":" + o.pattern())
        .containsExactly("browse:ONE_WAY", "order:REQUEST_REPLY");
    OperationMetadata order = m.service().contract("Shop").operation("order");
    assertThat(order.faults()).extracting(f -> f.name()).containsExactly("OutOfStockFault");
    // the address it names is the one the host listens at, with its port bound
    assertThat(m.service().endpoints()).singleElement().satisfies(e -> {
      assertThat(e.protocol()).isEqualTo(EndpointMetadata.Protocol.COURIER);
      assertThat(e.address()).isEqualTo(URI.create(address));
      assertThat(e.address().getPort()).isPositive();
    });
  }

  @Test
  void aHostListeningOnEveryInterfaceIsDescribedAtTheHostNameTheClientReachedItBy() {
    host = ServiceHost.builder(new ShopService()).endpoint(Shop.class, TCP, "courier.tcp://0.0.0.0:0/shop")
        .publishMetadata(true).build().open();
    int port = URI.create(host.listenAddresses().getFirst()).getPort();
    Metadata m = Metadata.fetch(TCP, "courier.tcp://localhost:" + port + "/shop");
    assertThat(m.service().endpoints()).singleElement()
        .satisfies(e -> assertThat(e.address()).isEqualTo(URI.create("courier.tcp://localhost:" + port + "/shop")));
    assertThat(m.document()).contains("location=\"courier.tcp://localhost:" + port + "/shop\"")
        .doesNotContain("0.0.0.0");
    assertThat(Wsdl.read(m.document())).isEqualTo(m.service());
  }

  @Test
  void aHostThatDoesNotPublishMetadataSaysSoAndHowToSwitchItOn() {
    String address = open(false);
    Throwable t = catchThrowable(() -> Metadata.fetch(TCP, address));
    assertThat(t).isInstanceOf(CommunicationException.class)
        .hasMessageContaining("publishes no metadata")
        .hasMessageContaining("ServiceHost.Builder.publishMetadata(true)");
  }

  @Test
  void fetchingMetadataLeavesTheHostsChannelsAlone() {
    String address = open(true);
    Shop shop = ChannelFactory.builder(Shop.class).binding(TCP).address(address).build().createChannel();
    assertThat(shop.order("tea", 2)).isEqualTo(2);
    Metadata.fetch(TCP, EndpointAddress.of(address), Duration.ofSeconds(30));
    Metadata.fetch(TCP, EndpointAddress.of(address), Duration.ofSeconds(30));
    assertThat(shop.order("tea", 3)).isEqualTo(3);
    assertThat(host.sessionCount()).isEqualTo(1);
    ((ClientChannel) shop).close();
  }

  @Test
  void noListenerAtTheAddressIsACommunicationErrorNamingIt() {
    String address = open(true);
    host.close();
    host = null;
    Throwable t = catchThrowable(() -> Metadata.fetch(TCP, EndpointAddress.of(address), Duration.ofSeconds(30)));
    assertThat(t).isInstanceOf(CommunicationException.class).hasMessageContaining("cannot connect to");
  }
}
