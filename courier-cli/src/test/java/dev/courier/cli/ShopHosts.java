package dev.courier.cli;

import dev.courier.rpc.FaultException;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.soap.SoapBinding;
import dev.courier.rpc.tcp.TcpBinding;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link Shop} served over Courier TCP and over SOAP, publishing its metadata, in the test JVM, for the tests of
 * one class: {@code @RegisterExtension static final ShopHosts hosts = new ShopHosts();}.
 */
final class ShopHosts implements BeforeAllCallback, AfterAllCallback {
  static final Shop.Order ORDER = new Shop.Order("o-1", Shop.Speed.FAST,
      List.of(new Shop.Line("sku-1", 2, Optional.of("gift")), new Shop.Line("sku-2", 1, Optional.empty())),
      Map.of("sku-1", 10), new byte[] {1, 2, 3}, 'A');

  final BlockingQueue<String> forgotten = new LinkedBlockingQueue<>();
  private final TcpBinding tcp = TcpBinding.create();
  private final SoapBinding soap = SoapBinding.create();
  private ServiceHost host;

  /** The service. */
  final class ShopService implements Shop {
    @Override
    public Order place(Order order) {
      return new Order(order.id() + "-placed", order.speed(), order.lines(), order.stock(), order.label(),
          order.grade());
    }

    @Override
    public Order getOrder(String id) {
      if (!id.equals(ORDER.id())) {
        throw new FaultException("no order " + id, new NoSuchOrder(id, 3));
      }
      return ORDER;
    }

    @Override
    public int count(Speed speed, Optional<Integer> atLeast) {
      return (speed == Speed.FAST ? 100 : 10) + atLeast.orElse(0);
    }

    @Override
    public void forget(String id) {
      forgotten.add(id);
    }

    @Override
    public Reserved reserve(String sku, int quantity) {
      return new Reserved(quantity <= 2, Math.min(quantity, 2), "north");
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    host = ServiceHost.builder(new ShopService())
        .endpoint(Shop.class, tcp, "courier.tcp://127.0.0.1:0/shop")
        .endpoint(Shop.class, soap, "http://127.0.0.1:0/shop")
        .publishMetadata(true)
        .build().open();
  }

  /** The TCP endpoint's address. */
  String tcpAddress() {
    return address("courier.tcp");
  }

  /** The SOAP endpoint's address. */
  String soapAddress() {
    return address("http");
  }

  private String address(String scheme) {
    return host.listenAddresses().stream().filter(a -> a.startsWith(scheme + ":")).findFirst().orElseThrow().toString();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    host.close(Duration.ofSeconds(5));
    tcp.close();
    soap.close();
  }
}
