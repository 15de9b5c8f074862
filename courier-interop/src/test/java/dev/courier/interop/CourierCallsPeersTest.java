package dev.courier.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.courier.io.Eventually;
import dev.courier.rpc.AsyncCallback;
import dev.courier.rpc.AsyncResult;
import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.CompletedEvent;
import dev.courier.rpc.CompletedListener;
import dev.courier.rpc.FaultContract;
import dev.courier.rpc.FaultException;
import dev.courier.rpc.Operation;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.soap.SoapBinding;
import dev.courier.interop.peer.stock.StockEndpoint;
import dev.courier.interop.wcf.JaxwsCalculator;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Courier's client calls a service hosted by Metro or by CXF (on Jetty), published with {@code Endpoint.publish} and
 * written as a JAX-WS user writes a WCF-shaped service, in every client shape: request/reply, a declared fault
 * with its detail, one-way.
 */
class CourierCallsPeersTest {
  private static final SoapBinding SOAP = SoapBinding.create();
  private PeerEndpoint published;

  /** The detail of the service's fault, as Courier declares it. */
  public record DivideByZero(double dividend, String reason) {}

  /** The service's contract in Courier's terms: WCF's names, every client shape. */
  @ServiceContract(namespace = "http://tempuri.org/", name = "ICalculator")
  public interface ICalculator {
    @Operation(name = "Add")
    int add(int a, int b);

    @Operation(name = "Add")
    CompletableFuture<Integer> addAsync(int a, int b);

    @Operation(name = "Add")
    AsyncResult beginAdd(int a, int b, AsyncCallback callback, Object state);

    @Operation(name = "Add")
    int endAdd(AsyncResult result);

    @Operation(name = "Add")
    void addAsync(int a, int b, Object userState);

    @Operation(name = "Add")
    void onAddCompleted(CompletedListener<Integer> listener);

    @Operation(name = "Divide")
    @FaultContract(DivideByZero.class)
    double divide(double dividend, double divisor);

    @Operation(name = "Reset", oneWay = true)
    void reset();
  }

  /** What the stock service returns, as Courier declares it. */
  public record Stocked(String sku, int count, Optional<Double> price) {}

  /** A plain JAX-WS service's contract in Courier's terms: its namespace, unqualified elements, {@code return}. */
  @ServiceContract(namespace = "http://example.com/stock", name = "Stock", qualifiedElements = false)
  public interface Stock {
    @Operation(resultName = "return")
    Stocked lookup(String sku, int count);

    @Operation(resultName = "return")
    CompletableFuture<Stocked> lookupAsync(String sku, int count);

    @Operation(oneWay = true)
    void restock(String sku);
  }

  /** Publishes {@code service} with {@code peer}'s stack at a free port; returns its address. */
  private String publish(Peer peer, String path, Object service) throws Exception {
    published = PeerEndpoint.publish(peer, path, service);
    return published.address();
  }

  @AfterEach
  void stop() throws Exception {
    if (published != null) {
      published.close();
    }
  }

  @AfterAll
  static void closeBinding() {
    SOAP.close();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Peer.class)
  void courierCallsAServiceThePeerHostsInEveryShapeWithItsFaultAndAOneWayCall(Peer peer) throws Exception {
    JaxwsCalculator service = new JaxwsCalculator();
    String address = publish(peer, "/calc", service);

    ICalculator calc = ChannelFactory.builder(ICalculator.class).binding(SOAP).address(address)
        .operationTimeout(Duration.ofSeconds(10)).build().createChannel();
    try {
      assertThat(calc.add(2, 3)).isEqualTo(5);
      assertThat(calc.addAsync(4, 5).get(10, TimeUnit.SECONDS)).isEqualTo(9);
      assertThat(calc.endAdd(calc.beginAdd(6, 7, null, null))).isEqualTo(13);
      CompletableFuture<CompletedEvent<Integer>> event = new CompletableFuture<>();
      calc.onAddCompleted(event::complete);
      calc.addAsync(8, 9, "user state");
      CompletedEvent<Integer> completed = event.get(10, TimeUnit.SECONDS);
      assertThat(completed.result()).isEqualTo(17);
      assertThat(completed.userState()).isEqualTo("user state");

      Throwable fault = catchThrowable(() -> calc.divide(3, 0));
      assertThat(fault).isInstanceOf(FaultException.class).hasMessage("cannot divide by zero");
      assertThat(((FaultException) fault).detail()).isEqualTo(new DivideByZero(3, "divisor is zero"));
      assertThat(calc.divide(9, 3)).isEqualTo(3.0);

      calc.reset();
      Eventually.until(() -> service.resets.get() == 1, "the one-way reset reached the " + peer + " service");
    } finally {
      ((ClientChannel) calc).abort();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Peer.class)
  void courierCallsAPlainJaxwsServiceWhoseParametersAndFieldsAreUnqualified(Peer peer) throws Exception {
    StockEndpoint service = new StockEndpoint();
    String address = publish(peer, "/stock", service);

    Stock stock = ChannelFactory.builder(Stock.class).binding(SOAP).address(address)
        .operationTimeout(Duration.ofSeconds(10)).build().createChannel();
    try {
      assertThat(stock.lookup("sku-1", 21)).isEqualTo(new Stocked("sku-1", 42, Optional.of(9.5)));
      assertThat(stock.lookupAsync("sku-2", 0).get(10, TimeUnit.SECONDS))
          .isEqualTo(new Stocked("sku-2", 0, Optional.empty()));
      stock.restock("sku-3");
      Eventually.until(() -> service.restocked.contains("sku-3"), "the one-way restock reached the " + peer + " service");
    } finally {
      ((ClientChannel) stock).abort();
    }
  }
}
