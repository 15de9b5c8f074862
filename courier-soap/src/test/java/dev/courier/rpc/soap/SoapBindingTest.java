package dev.courier.rpc.soap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.CommunicationException;
import dev.courier.rpc.FaultException;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.metadata.EndpointMetadata;
import dev.courier.rpc.metadata.Metadata;
import dev.courier.rpc.metadata.MetadataContracts;
import dev.courier.rpc.metadata.MetadataContracts.Calculator;
import dev.courier.rpc.metadata.MetadataContracts.DivideByZero;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What SOAP over HTTP adds to the contract suite: its HTTP answers, its metadata, its refusals and limits. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SoapBindingTest {
  private static final SoapBinding SOAP = SoapBinding.create();
  private static final SoapBinding SOAP12 = SoapBinding.builder().version(SoapVersion.SOAP_12).build();
  private static final SoapBinding LIMITED = SoapBinding.builder().maxMessageSize(4096)
      .idleTimeout(Duration.ofMillis(200)).build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private final List<AutoCloseable> resources = new ArrayList<>();

  /** A calculator served in its synchronous shape. */
  @dev.courier.rpc.ServiceContract(namespace = "http://example.com/calc", name = "Calculator")
  public interface CalculatorService {
    int add(int a, int b);

    @dev.courier.rpc.FaultContract(DivideByZero.class)
    double divide(double dividend, double divisor);

    @dev.courier.rpc.Operation(oneWay = true)
    void reset();
  }

  static class CalculatorImpl implements CalculatorService {
    @Override
    public int add(int a, int b) {
      return a + b;
    }

    @Override
    public double divide(double dividend, double divisor) {
      if (divisor == 0) {
        throw new FaultException("cannot divide by zero", new DivideByZero(dividend, "divisor is zero"));
      }
      return dividend / divisor;
    }

    @Override
    public void reset() {}
  }

  /** Finds the one shape it has; draws nothing. */
  static class Shapes implements dev.courier.rpc.metadata.MetadataContracts.Drawing {
    @Override
    public dev.courier.rpc.metadata.MetadataContracts.Shape find(String name,
        Optional<dev.courier.rpc.metadata.MetadataContracts.Color> color) {
      return SoapCodecTest.SHAPE;
    }

    @Override
    public List<dev.courier.rpc.metadata.MetadataContracts.Shape> all() {
      return List.of(SoapCodecTest.SHAPE);
    }

    @Override
    public java.util.Map<dev.courier.rpc.metadata.MetadataContracts.Color,
        List<dev.courier.rpc.metadata.MetadataContracts.Point>> byColor(
        java.util.Map<String, dev.courier.rpc.metadata.MetadataContracts.Color> hints) {
      return java.util.Map.of();
    }

    @Override
    public dev.courier.rpc.metadata.MetadataContracts.Node tree(dev.courier.rpc.metadata.MetadataContracts.Node root,
        byte[] data, Optional<Integer> depth) {
      return root;
    }

    @Override
    public void draw(dev.courier.rpc.metadata.MetadataContracts.Shape shape) {}

    @Override
    public void clear() {}
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable r : resources.reversed()) {
      r.close();
    }
  }

  @AfterAll
  static void closeBindings() {
    SOAP.close();
    SOAP12.close();
    LIMITED.close();
  }

  private String host(String address, boolean publish) {
    return host(SOAP, address, publish);
  }

  private String host(SoapBinding binding, String address, boolean publish) {
    ServiceHost host = ServiceHost.builder(new CalculatorImpl()).endpoint(CalculatorService.class, binding, address)
        .publishMetadata(publish).build().open();
    resources.add(host::close);
    return host.listenAddresses().getFirst();
  }

  private Calculator client(SoapBinding binding, String address) {
    Calculator c = ChannelFactory.builder(Calculator.class).binding(binding).address(address)
        .operationTimeout(Duration.ofSeconds(10)).build().createChannel();
    resources.add(((ClientChannel) c)::abort);
    return c;
  }

  private static HttpResponse<String> post(String address, String contentType, String soapAction, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(address)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (soapAction != null) {
      b.header("SOAPAction", soapAction);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aClientOfEitherSoapVersionCallsTheSameEndpointInEveryShape() throws Exception {
    String address = host("http://127.0.0.1:0/calc", false);
    for (SoapBinding binding : List.of(SOAP, SOAP12)) {
      Calculator calc = client(binding, address);
      assertThat(calc.add(2, 3)).isEqualTo(5);
      assertThat(calc.addAsync(4, 5).get(10, TimeUnit.SECONDS)).isEqualTo(9);
      assertThat(calc.endAdd(calc.beginAdd(1, 1, null, null))).isEqualTo(2);
      FaultException fault = (FaultException) catchThrowable(() -> calc.divide(1, 0));
      assertThat(fault.detail()).isEqualTo(new DivideByZero(1, "divisor is zero"));
      calc.reset();
    }
  }

  @Test
  void theWsdlNamesTheAddressTheClientUsedAndFetchesLikeAnyMetadata() throws Exception {
    String address = host("http://0.0.0.0:0/calc", true);
    int port = URI.create(address).getPort();
    String reached = "http://localhost:" + port + "/calc";
    HttpResponse<String> wsdl = HTTP.send(HttpRequest.newBuilder(URI.create(reached + "?wsdl")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(wsdl.statusCode()).isEqualTo(200);
    assertThat(wsdl.headers().firstValue("Content-Type")).hasValue("text/xml; charset=utf-8");
    assertThat(wsdl.body()).contains("<soap:address location=\"" + reached + "\"").doesNotContain("0.0.0.0");
    Metadata m = Metadata.fetch(SOAP, reached);
    assertThat(m.service().endpoints()).singleElement().satisfies(e -> {
      assertThat(e.protocol()).isEqualTo(EndpointMetadata.Protocol.SOAP_11);
      assertThat(e.address()).isEqualTo(URI.create(reached));
    });
  }

  @Test
  void aHostThatPublishesNoMetadataAnswersItsWsdl404SayingHowToSwitchItOn() throws Exception {
    String address = host("http://127.0.0.1:0/calc", false);
    HttpResponse<String> wsdl = HTTP.send(HttpRequest.newBuilder(URI.create(address + "?wsdl")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(wsdl.statusCode()).isEqualTo(404);
    assertThat(wsdl.body()).contains("publishMetadata(true)");
    assertThatThrownBy(() -> Metadata.fetch(SOAP, address)).isInstanceOf(CommunicationException.class)
        .hasMessageContaining("404");
  }

  @Test
  void aBalancersProbeOfHealthGets200WhenServingAnd503WithTheStateOtherwise() throws Exception {
    ServiceHost host = ServiceHost.builder(new CalculatorImpl())
        .endpoint(CalculatorService.class, SOAP, "http://127.0.0.1:0/calc").build().open();
    resources.add(host::close);
    URI probe = URI.create(host.listenAddresses().getFirst() + "?health");

    HttpResponse<String> serving = HTTP.send(HttpRequest.newBuilder(probe).build(), HttpResponse.BodyHandlers.ofString());
    host.health(dev.courier.rpc.HealthState.DRAINING);
    HttpResponse<String> draining = HTTP.send(HttpRequest.newBuilder(probe).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(serving.statusCode()).isEqualTo(200);
    assertThat(serving.body().strip()).isEqualTo("SERVING");
    assertThat(draining.statusCode()).isEqualTo(503);
    assertThat(draining.body().strip()).isEqualTo("DRAINING");
  }

  @Test
  void anUnknownPathIsAnsweredWithThePathsServedThere() throws Exception {
    String address = host("http://127.0.0.1:0/calc", false);
    String other = address.replace("/calc", "/nope");
    HttpResponse<String> answer = post(other, "text/xml; charset=utf-8", "\"x\"", "<x/>");
    assertThat(answer.statusCode()).isEqualTo(404);
    assertThat(answer.body()).contains("no endpoint at path /nope").contains("[/calc]");
  }

  @Test
  void aContentTypeOfNeitherVersionIs415NamingBoth() throws Exception {
    String address = host("http://127.0.0.1:0/calc", false);
    HttpResponse<String> answer = post(address, "application/json", null, "{}");
    assertThat(answer.statusCode()).isEqualTo(415);
    assertThat(answer.body()).contains("application/json").contains("text/xml").contains("application/soap+xml");
  }

  @Test
  void malformedXmlIsASenderFaultAndTheEndpointServesTheNextCall() throws Exception {
    String address = host("http://127.0.0.1:0/calc", false);
    HttpResponse<String> answer = post(address, "text/xml; charset=utf-8",
        "\"http://example.com/calc/Calculator/add\"", "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><unclosed>");
    assertThat(answer.statusCode()).isEqualTo(500);
    assertThat(answer.body()).contains("<faultcode>s:Client</faultcode>").contains("the request cannot be read");
    assertThat(client(SOAP, address).add(1, 2)).isEqualTo(3);
  }

  @Test
  void anActionTheContractLacksIsWcfsActionNotSupportedFault() throws Exception {
    String address = host("http://127.0.0.1:0/calc", false);
    HttpResponse<String> answer = post(address, "text/xml; charset=utf-8", "\"urn:nothing\"",
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body/></s:Envelope>");
    assertThat(answer.statusCode()).isEqualTo(500);
    assertThat(answer.body()).contains("a:ActionNotSupported").contains("'urn:nothing'");
  }

  @Test
  void aOneWayCallIsAnswered202WithAnEmptyBody() throws Exception {
    String address = host("http://127.0.0.1:0/calc", false);
    HttpResponse<String> answer = post(address, "text/xml; charset=utf-8", "\"http://example.com/calc/Calculator/reset\"",
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
            + "<q:reset xmlns:q=\"http://example.com/calc\"/></s:Body></s:Envelope>");
    assertThat(answer.statusCode()).isEqualTo(202);
    assertThat(answer.body()).isEmpty();
  }

  @Test
  void aDuplexContractIsRefusedWhenItsEndpointOpensSayingHttpCannotCallBack() {
    MetadataContracts.Chat chat = new MetadataContracts.Chat() {
      @Override
      public void post(String line) {}

      @Override
      public int join(String who) {
        return 0;
      }
    };
    ServiceHost.Builder host = ServiceHost.builder(chat).endpoint(MetadataContracts.Chat.class, SOAP,
        "http://127.0.0.1:0/chat");
    assertThatThrownBy(() -> host.build().open())
        .hasMessageContaining("HTTP cannot call the client back").hasMessageContaining("Chat");
  }

  @Test
  void aChannelIsSessionlessACallAfterItsHostEndsFailsAndOneAfterTheNextHostOpensGoesThrough() throws Exception {
    ServiceHost first = ServiceHost.builder(new CalculatorImpl())
        .endpoint(CalculatorService.class, SOAP, "http://127.0.0.1:0/calc").build().open();
    String address = first.listenAddresses().getFirst();
    Calculator calc = client(SOAP, address);
    assertThat(calc.add(1, 1)).isEqualTo(2);
    first.close();
    assertThat(catchThrowable(() -> calc.add(1, 2))).isInstanceOf(CommunicationException.class);
    host(address, false);
    assertThat(calc.add(2, 2)).as("the same channel, to the next host at the address").isEqualTo(4);
  }

  @Test
  void aRequestAboveTheMaximumSizeIs413AndTheEndpointServesOthers() throws Exception {
    String address = host(LIMITED, "http://127.0.0.1:0/calc", false);
    HttpResponse<String> answer = post(address, "text/xml; charset=utf-8", "\"http://example.com/calc/Calculator/add\"",
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>" + "<!-- x -->".repeat(1000)
            + "</s:Body></s:Envelope>");
    assertThat(answer.statusCode()).isEqualTo(413);
    assertThat(client(SOAP, address).add(1, 2)).isEqualTo(3);
  }

  @Test
  void headersBeyondTheLimitAre431AndOnlyThatConnectionCloses() throws Exception {
    String address = host(LIMITED, "http://127.0.0.1:0/calc", false);
    URI uri = URI.create(address);
    try (java.net.Socket raw = new java.net.Socket(uri.getHost(), uri.getPort())) {
      raw.setSoTimeout(10_000);
      raw.getOutputStream().write(("POST /calc HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String answer = new String(raw.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 431").contains("the request cannot be read");
    }
    assertThat(client(SOAP, address).add(1, 2)).isEqualTo(3);
  }

  @Test
  void aClientThatDribblesItsRequestIsClosedOnceItHasBeenIdleForTheTimeout() throws Exception {
    String address = host(LIMITED, "http://127.0.0.1:0/calc", false);
    URI uri = URI.create(address);
    try (java.net.Socket raw = new java.net.Socket(uri.getHost(), uri.getPort())) {
      raw.setSoTimeout(10_000);
      raw.getOutputStream().write("POST /calc HTTP/1.1\r\nHost: x\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      // nothing more: the server closes the connection (read returns end of stream) well before the socket's timeout
      assertThat(raw.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(client(SOAP, address).add(1, 2)).isEqualTo(3);
  }

  @Test
  void aCallLongerThanTheIdleTimeoutIsAnsweredTheConnectionIsNotIdleWhileItsCallRuns() throws Exception {
    ServiceHost host = ServiceHost.builder(new CalculatorImpl() {
      @Override
      public int add(int a, int b) {
        java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(600).toNanos());
        return a + b;
      }
    }).endpoint(CalculatorService.class, LIMITED, "http://127.0.0.1:0/slow").build().open();
    resources.add(host::close);
    assertThat(client(SOAP, host.listenAddresses().getFirst()).add(20, 22)).isEqualTo(42);
  }

  @Test
  void aClientOpensNoMoreConnectionsThanItsLimitAndACallThatWaitedPastItsDeadlineIsNeverSent() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    List<Integer> arrived = java.util.Collections.synchronizedList(new ArrayList<>());
    ServiceHost host = ServiceHost.builder(new CalculatorImpl() {
      @Override
      public int add(int a, int b) {
        arrived.add(a);
        if (a == 1) {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return a + b;
      }
    }).endpoint(CalculatorService.class, SOAP, "http://127.0.0.1:0/one").build().open();
    resources.add(host::close);
    String address = host.listenAddresses().getFirst();
    try (SoapBinding one = SoapBinding.builder().maxConnectionsPerHost(1).build()) {
      Calculator calc = client(one, address);
      java.util.concurrent.CompletableFuture<Integer> held = calc.addAsync(1, 0);
      dev.courier.io.Eventually.until(() -> arrived.contains(1), "the first call to reach the service");
      Calculator hurried = ChannelFactory.builder(Calculator.class).binding(one).address(address)
          .operationTimeout(Duration.ofMillis(300)).build().createChannel();
      assertThat(catchThrowable(() -> hurried.add(2, 0))).isInstanceOf(dev.courier.rpc.CallTimeoutException.class);

      release.countDown();
      assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(calc.add(3, 4)).isEqualTo(7);
      assertThat(arrived).containsExactly(1, 3);      // the call that timed out waiting went nowhere
    }
  }

  @Test
  void manyCallsOverFewConnectionsHalfOfThemCancelledEachEndOnceAndThePoolServesOnAfterwards() throws Exception {
    String address = host("http://127.0.0.1:0/many", false);
    try (SoapBinding few = SoapBinding.builder().maxConnectionsPerHost(3).build()) {
      Calculator calc = client(few, address);
      List<java.util.concurrent.CompletableFuture<Integer>> calls = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        java.util.concurrent.CompletableFuture<Integer> call = calc.addAsync(i, 1);
        calls.add(call);
        if (i % 2 == 1) {
          call.cancel(true);
        }
      }
      for (int i = 0; i < calls.size(); i++) {
        java.util.concurrent.CompletableFuture<Integer> call = calls.get(i);
        if (i % 2 == 1) {
          assertThat(call).isCancelled();
        } else {
          assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo(i + 1);
        }
      }
      for (int i = 0; i < 10; i++) {
        assertThat(calc.add(i, i)).isEqualTo(2 * i);        // no connection was lost to the cancels
      }
    }
  }

  @Test
  void aTextLongerThanTheLimitFailsItsCallAndTheNextCallGoesThrough() throws Exception {
    try (SoapBinding shortTexts = SoapBinding.builder().maxTextLength(8).build()) {
      ServiceHost host = ServiceHost.builder(new Shapes())
          .endpoint(dev.courier.rpc.metadata.MetadataContracts.Drawing.class, shortTexts, "http://127.0.0.1:0/draw")
          .build().open();
      resources.add(host::close);
      dev.courier.rpc.metadata.MetadataContracts.Drawing drawing = ChannelFactory
          .builder(dev.courier.rpc.metadata.MetadataContracts.Drawing.class).binding(SOAP)
          .address(host.listenAddresses().getFirst()).build().createChannel();
      resources.add(((ClientChannel) drawing)::abort);
      FaultException tooLong = (FaultException) catchThrowable(() -> drawing.find("a-much-longer-name", Optional.empty()));
      assertThat(tooLong.reason()).contains("18 characters", "more than the 8 allowed");
      assertThat(drawing.find("square", Optional.empty())).isNotNull();
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(SoapVersion.class)
  void aClientSendsItsVersionsContentTypeAndActionAsAnyServerExpectsThem(SoapVersion version) throws Exception {
    // a plain HTTP server, not Courier's: what the client puts on the wire, as another stack's server sees it
    java.util.concurrent.atomic.AtomicReference<com.sun.net.httpserver.Headers> headers =
        new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicReference<String> body = new java.util.concurrent.atomic.AtomicReference<>();
    com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/calc", exchange -> {
      headers.set(exchange.getRequestHeaders());
      body.set(new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      byte[] reply = ("<s:Envelope xmlns:s=\"" + version.envelopeNamespace() + "\"><s:Body><q:addResponse "
          + "xmlns:q=\"http://example.com/calc\"><q:addResult>42</q:addResult></q:addResponse></s:Body></s:Envelope>")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", version.contentType("http://example.com/calc/Calculator/addResponse"));
      exchange.sendResponseHeaders(200, reply.length);
      exchange.getResponseBody().write(reply);
      exchange.close();
    });
    server.start();
    resources.add(() -> server.stop(0));
    SoapBinding binding = version == SoapVersion.SOAP_11 ? SOAP : SOAP12;
    Calculator calc = client(binding, "http://127.0.0.1:" + server.getAddress().getPort() + "/calc");

    assertThat(calc.add(40, 2)).isEqualTo(42);
    String action = "http://example.com/calc/Calculator/add";
    if (version == SoapVersion.SOAP_11) {
      assertThat(headers.get().getFirst("Content-Type")).isEqualTo("text/xml; charset=utf-8");
      assertThat(headers.get().getFirst("SOAPAction")).isEqualTo("\"" + action + "\"");
    } else {
      assertThat(headers.get().getFirst("Content-Type"))
          .isEqualTo("application/soap+xml; charset=utf-8; action=\"" + action + "\"");
      assertThat(headers.get().containsKey("SOAPAction")).as("a SOAPAction header in SOAP 1.2").isFalse();
    }
    assertThat(body.get()).contains("<s:Envelope xmlns:s=\"" + version.envelopeNamespace() + "\"")
        .contains("<q1:a>40</q1:a><q1:b>2</q1:b>");
  }
}
