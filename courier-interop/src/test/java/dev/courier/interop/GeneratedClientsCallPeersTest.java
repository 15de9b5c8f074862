package dev.courier.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.courier.codegen.ClientGenerator;
import dev.courier.codegen.GoldenFiles;
import dev.courier.interop.peer.basket.BasketEndpoint;
import dev.courier.interop.peer.stock.StockEndpoint;
import dev.courier.io.Eventually;
import dev.courier.interop.wcf.JaxwsCalculator;
import dev.courier.rpc.AsyncResult;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.CompletedEvent;
import dev.courier.rpc.CompletedListener;
import dev.courier.rpc.FaultException;
import dev.courier.rpc.metadata.Metadata;
import dev.courier.rpc.metadata.ServiceMetadata;
import dev.courier.rpc.metadata.Wsdl;
import dev.courier.rpc.soap.SoapBinding;
import dev.courier.rpc.spi.Binding;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Courier's generator on the WSDL that Metro and CXF write for their own services: the sources equal their golden
 * files, and a client generated from a live service's {@code ?wsdl}, compiled with {@code -Xlint:all -Werror}, calls
 * that service, hosted by the peer, in every shape: values, a declared fault with its detail, one-way.
 */
class GeneratedClientsCallPeersTest {
  private static final SoapBinding SOAP = SoapBinding.create();
  private static final String PACKAGE = "com.example.peers";
  private PeerEndpoint published;

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

  static Stream<Arguments> peerDocuments() {
    return Stream.of(Arguments.of("cxf-calculator", JaxwsCalculator.class), Arguments.of("metro-calculator", JaxwsCalculator.class),
        Arguments.of("cxf-stock", StockEndpoint.class), Arguments.of("metro-stock", StockEndpoint.class),
        Arguments.of("cxf-basket", BasketEndpoint.class), Arguments.of("metro-basket", BasketEndpoint.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("peerDocuments")
  void theClientGeneratedFromTheWsdlAPeerWritesEqualsItsGoldenFiles(String set, Class<?> service, @TempDir Path dir)
      throws IOException {
    ServiceMetadata metadata;
    if (set.startsWith("cxf")) {
      metadata = Wsdl.read(PeerWsdl.cxf(service, "http://localhost:8080/" + service.getSimpleName()));
    } else {
      Path wsdl = PeerWsdl.metro(service, dir);
      try (InputStream in = Files.newInputStream(wsdl)) {
        metadata = Wsdl.read(in, wsdl.toUri());
      }
    }
    GoldenFiles.assertMatch(set, metadata, ClientGenerator.builder(PACKAGE).async(true).eventBased(true).build());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Peer.class)
  void aClientGeneratedFromThePeersLiveWsdlCallsItInEveryShape(Peer peer, @TempDir Path dir) throws Throwable {
    JaxwsCalculator service = new JaxwsCalculator();
    String address = publish(peer, "/calc", service);
    Generated calc = generate(address, dir, "ICalculator", "CalculatorClient");
    try {
      assertThat(calc.call("add", 2, 3)).isEqualTo(5);
      assertThat(((CompletableFuture<?>) calc.call("addAsync", 4, 5)).get(10, TimeUnit.SECONDS)).isEqualTo(9);
      assertThat(calc.call("endAdd", calc.call("beginAdd", 6, 7, null, null))).isEqualTo(13);
      CompletableFuture<CompletedEvent<?>> event = new CompletableFuture<>();
      CompletedListener<Object> listener = event::complete;
      calc.call("onAddCompleted", listener);
      calc.call("addAsync", 8, 9, "user state");
      CompletedEvent<?> completed = event.get(10, TimeUnit.SECONDS);
      assertThat(completed.result()).isEqualTo(17);
      assertThat(completed.userState()).isEqualTo("user state");

      Throwable fault = catchThrowable(() -> calc.call("divide", 3.0, 0.0));
      assertThat(fault).isInstanceOf(FaultException.class).hasMessage("cannot divide by zero");
      Object detail = ((FaultException) fault).detail();
      assertThat(detail.getClass().getName()).isEqualTo(PACKAGE + ".DivideByZero");
      assertThat(detail.getClass().getMethod("dividend").invoke(detail)).isEqualTo(3.0);
      assertThat(detail.getClass().getMethod("reason").invoke(detail)).isEqualTo("divisor is zero");
      assertThat(calc.call("divide", 9.0, 3.0)).isEqualTo(3.0);

      calc.call("reset");
      Eventually.until(() -> service.resets.get() == 1, "the one-way reset reached the " + peer + " service");
    } finally {
      calc.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Peer.class)
  void aClientGeneratedForAPlainJaxwsServiceSendsUnqualifiedElementsAndReadsItsReturn(Peer peer, @TempDir Path dir)
      throws Throwable {
    StockEndpoint service = new StockEndpoint();
    String address = publish(peer, "/stock", service);
    Generated stock = generate(address, dir, "Stock", "StockClient");
    try {
      Object found = ((Optional<?>) stock.call("lookup", Optional.of("sku-1"), 21)).orElseThrow();
      assertThat(found.getClass().getMethod("sku").invoke(found)).isEqualTo(Optional.of("sku-1"));
      assertThat(found.getClass().getMethod("count").invoke(found)).isEqualTo(42);
      assertThat(found.getClass().getMethod("price").invoke(found)).isEqualTo(Optional.of(9.5));

      stock.call("restock", Optional.of("sku-3"));
      Eventually.until(() -> service.restocked.contains("sku-3"), "the one-way restock reached the " + peer + " service");
    } finally {
      stock.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Peer.class)
  void aClientGeneratedForListsAsJaxwsSendsThemSendsAndReadsRepeatedElements(Peer peer, @TempDir Path dir)
      throws Throwable {
    String address = publish(peer, "/basket", new BasketEndpoint());
    Generated basket = generate(address, dir, "Basket", "BasketClient");
    try {
      List<?> lines = (List<?>) basket.call("fill", List.of("sku-1", "sku-2"), 3);
      assertThat(lines).hasSize(2);
      Object first = lines.getFirst();
      assertThat(first.getClass().getName()).isEqualTo(PACKAGE + ".Line");
      assertThat(first.getClass().getMethod("sku").invoke(first)).isEqualTo(Optional.of("sku-1"));
      assertThat(first.getClass().getMethod("count").invoke(first)).isEqualTo(3);
      assertThat(first.getClass().getMethod("tags").invoke(first)).isEqualTo(List.of("n0"));
      assertThat((List<?>) basket.call("fill", List.of(), 1)).isEmpty();

      assertThat(basket.call("total", lines)).isEqualTo(602);
      Object bare = first.getClass().getConstructors()[0].newInstance(Optional.of("sku-9"), 4, List.of());
      assertThat(basket.call("total", List.of(bare))).isEqualTo(400);
      CompletableFuture<?> future = (CompletableFuture<?>) basket.call("totalAsync", List.of(first, bare));
      assertThat(future.get(10, TimeUnit.SECONDS)).isEqualTo(701);
    } finally {
      basket.close();
    }
  }

  /** A client generated from {@code address}'s metadata, compiled and connected. */
  private record Generated(Class<?> contract, Object client, URLClassLoader loader) {
    Object call(String method, Object... args) throws Throwable {
      for (Method m : contract.getMethods()) {
        if (m.getName().equals(method) && m.getParameterCount() == args.length) {
          try {
            return m.invoke(client, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        }
      }
      throw new AssertionError("no generated method " + method + " with " + args.length + " parameters");
    }

    void close() throws IOException {
      ((ClientChannel) client).abort();
      loader.close();
    }
  }

  private static Generated generate(String address, Path dir, String contract, String clientClass) throws Exception {
    ServiceMetadata metadata = Metadata.fetch(SOAP, address).service();
    Path src = dir.resolve("src");
    ClientGenerator.builder(PACKAGE).async(true).eventBased(true).build().writeTo(metadata, src);
    URLClassLoader loader = GeneratedSources.under(src).compile(Files.createDirectories(dir.resolve("classes")),
        new ArrayList<>(List.of("-Xlint:all", "-Werror", "-parameters", "-proc:none")));
    Object client = loader.loadClass(PACKAGE + "." + clientClass).getMethod("connect", Binding.class, String.class)
        .invoke(null, SOAP, address);
    return new Generated(loader.loadClass(PACKAGE + "." + contract), client, loader);
  }

  /** Publishes {@code service} with {@code peer}'s stack at a free port; returns its address. */
  private String publish(Peer peer, String path, Object service) throws Exception {
    published = PeerEndpoint.publish(peer, path, service);
    return published.address();
  }
}
