package dev.courier.opentelemetry;

import static dev.courier.opentelemetry.Conventions.METHOD;
import static dev.courier.opentelemetry.Conventions.PEER_ADDRESS;
import static dev.courier.opentelemetry.Conventions.PEER_PORT;
import static dev.courier.opentelemetry.Conventions.SERVER_ADDRESS;
import static dev.courier.opentelemetry.Conventions.SERVER_PORT;
import static dev.courier.opentelemetry.Conventions.SYSTEM;
import static dev.courier.opentelemetry.TelemetryRig.span;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.satisfies;

import dev.courier.opentelemetry.Hops.BackClient;
import dev.courier.opentelemetry.Hops.BackService;
import dev.courier.opentelemetry.Hops.FrontClient;
import dev.courier.opentelemetry.Hops.FrontService;
import dev.courier.opentelemetry.Hops.GreeterService;
import dev.courier.opentelemetry.TelemetryRig.Transport;
import dev.courier.rpc.ChannelFactory;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A trace crosses hops: the client's span, service A's server span, A's client span to B and B's server span are
 * one trace, each the parent of the next, over TCP, SOAP, a mix of both, and in-process.
 */
class TracePropagationTest {
  private final TelemetryRig rig = new TelemetryRig();

  @AfterEach
  void closeRig() {
    rig.close();
  }

  /** The four spans of one relayed call, by role. */
  record Relay(SpanData client, SpanData frontServer, SpanData frontClient, SpanData backServer) {
    static Relay of(List<SpanData> spans) {
      return new Relay(span(spans, SpanKind.CLIENT, "Front/relay"), span(spans, SpanKind.SERVER, "Front/relay"),
          span(spans, SpanKind.CLIENT, "Back/echo"), span(spans, SpanKind.SERVER, "Back/echo"));
    }
  }

  /** Hosts B over {@code second} and A over {@code first}, A calling B through its own traced channel. */
  private FrontService hostTwoHops(Transport first, Transport second, String[] addresses) {
    addresses[1] = rig.host(new BackService(), Hops.Back.class, second);
    FrontService front = new FrontService(rig.client(BackClient.class, second, addresses[1]));
    addresses[0] = rig.host(front, Hops.Front.class, first);
    return front;
  }

  @ParameterizedTest(name = "client -{0}-> A -{1}-> B: one trace of four spans, each the parent of the next, with the RPC attributes")
  @CsvSource({"TCP, TCP", "SOAP, SOAP", "TCP, SOAP", "SOAP, TCP"})
  void aTwoHopCallIsOneTrace(Transport first, Transport second) throws Exception {
    String[] addresses = new String[2];
    FrontService front = hostTwoHops(first, second, addresses);
    FrontClient client = rig.client(FrontClient.class, first, addresses[0]);

    assertThat(client.relay("hello")).isEqualTo("hello");

    Relay r = Relay.of(rig.awaitSpans(4));
    assertThat(r.client()).hasNoParent().hasStatus(StatusData.unset()).hasAttributesSatisfyingExactly(
        equalTo(SYSTEM, "courier"), equalTo(METHOD, "Front/relay"),
        equalTo(SERVER_ADDRESS, "127.0.0.1"), equalTo(SERVER_PORT, (long) URI.create(addresses[0]).getPort()));
    assertThat(r.frontServer()).hasParent(r.client()).hasTraceId(r.client().getTraceId())
        .hasStatus(StatusData.unset()).hasAttributesSatisfyingExactly(
            equalTo(SYSTEM, "courier"), equalTo(METHOD, "Front/relay"),
            equalTo(PEER_ADDRESS, "127.0.0.1"), satisfies(PEER_PORT, p -> p.isPositive()));
    assertThat(r.frontClient()).hasParent(r.frontServer()).hasTraceId(r.client().getTraceId())
        .hasAttributesSatisfyingExactly(equalTo(SYSTEM, "courier"), equalTo(METHOD, "Back/echo"),
            equalTo(SERVER_ADDRESS, "127.0.0.1"), equalTo(SERVER_PORT, (long) URI.create(addresses[1]).getPort()));
    assertThat(r.backServer()).hasParent(r.frontClient()).hasTraceId(r.client().getTraceId())
        .hasAttributesSatisfying(equalTo(METHOD, "Back/echo"), equalTo(PEER_ADDRESS, "127.0.0.1"));
    assertThat(front.reached.get(5, TimeUnit.SECONDS)).as("the span service A reached through its OperationContext")
        .isEqualTo(r.frontServer().getSpanContext());
  }

  @ParameterizedTest(name = "{0}: the call carries the client span's context as a W3C traceparent header the service can read")
  @EnumSource(Transport.class)
  void theCallCarriesTheClientSpansTraceparent(Transport transport) {
    BackClient back = rig.client(BackClient.class, transport, rig.host(new BackService(), Hops.Back.class, transport));

    String traceparent = back.header("traceparent");

    SpanData sent = span(rig.awaitSpans(2), SpanKind.CLIENT, "Back/header");
    assertThat(traceparent).isEqualTo("00-" + sent.getTraceId() + "-" + sent.getSpanId() + "-"
        + sent.getSpanContext().getTraceFlags().asHex());
    assertThat(sent.getSpanContext().getTraceFlags().isSampled()).isTrue();
  }

  @Test
  void aTwoHopCallInProcessIsOneTraceNamingTheEndpointsAsServers() throws Exception {
    String[] addresses = new String[2];
    hostTwoHops(Transport.INPROC, Transport.INPROC, addresses);
    FrontClient client = rig.client(FrontClient.class, Transport.INPROC, addresses[0]);

    assertThat(client.relay("hello")).isEqualTo("hello");

    Relay r = Relay.of(rig.awaitSpans(4));
    assertThat(r.client()).hasNoParent().hasAttributesSatisfyingExactly(equalTo(SYSTEM, "courier"),
        equalTo(METHOD, "Front/relay"), equalTo(SERVER_ADDRESS, URI.create(addresses[0]).getHost()));
    assertThat(r.frontServer()).hasParent(r.client())
        .hasAttributesSatisfyingExactly(equalTo(SYSTEM, "courier"), equalTo(METHOD, "Front/relay"));
    assertThat(r.frontClient()).hasParent(r.frontServer());
    assertThat(r.backServer()).hasParent(r.frontClient()).hasTraceId(r.client().getTraceId());
  }

  @Test
  void callsMadeFromAStageOnTheOperationContextsExecutorAreChildrenOfTheServiceCallsSpan() {
    String[] addresses = new String[2];
    hostTwoHops(Transport.TCP, Transport.TCP, addresses);
    FrontClient client = rig.client(FrontClient.class, Transport.TCP, addresses[0]);

    assertThat(client.relayTwice("hello")).isEqualTo("hello again");

    List<SpanData> spans = rig.awaitSpans(6);
    SpanData frontServer = span(spans, SpanKind.SERVER, "Front/relayTwice");
    List<SpanData> toBack = spans.stream().filter(s -> s.getKind() == SpanKind.CLIENT && s.getName().equals("Back/echo")).toList();
    assertThat(toBack).hasSize(2).allSatisfy(s -> assertThat(s).hasParent(frontServer));
    assertThat(spans).allSatisfy(s -> assertThat(s).hasTraceId(frontServer.getTraceId()));
  }

  @Test
  void aCallMadeOutsideAnyServiceCallIsAChildOfTheCurrentSpan() {
    String back = rig.host(new BackService(), Hops.Back.class, Transport.TCP);
    BackClient client = rig.client(BackClient.class, Transport.TCP, back);

    Span outer = rig.sdk.getTracer("test").spanBuilder("outer").startSpan();
    try (Scope _ = outer.makeCurrent()) {
      assertThat(client.echo("hello")).isEqualTo("hello");
    } finally {
      outer.end();
    }

    List<SpanData> spans = rig.awaitSpans(3);
    SpanData parent = spans.stream().filter(s -> s.getName().equals("outer")).findFirst().orElseThrow();
    assertThat(span(spans, SpanKind.CLIENT, "Back/echo")).hasParent(parent);
    assertThat(span(spans, SpanKind.SERVER, "Back/echo")).hasParent(span(spans, SpanKind.CLIENT, "Back/echo"));
  }

  @ParameterizedTest(name = "{0}: a duplex callback is a client span on the host, child of the call's server span, and a server span on the channel")
  @EnumSource(value = Transport.class, names = {"TCP", "INPROC"})
  void aCallbackIsTracedWithTheKindOfItsSide(Transport transport) {
    String address = rig.host(new GreeterService(), Hops.Greeter.class, transport);
    Hops.Decorator decorator = text -> text + "!";
    Hops.Greeter client = rig.open(rig.factory(Hops.Greeter.class, transport, address).callback(decorator));

    assertThat(client.greet("Ada")).isEqualTo("Hello, Ada!");

    List<SpanData> spans = rig.awaitSpans(4);
    SpanData call = span(spans, SpanKind.CLIENT, "Greeter/greet");
    SpanData served = span(spans, SpanKind.SERVER, "Greeter/greet");
    SpanData callback = span(spans, SpanKind.CLIENT, "Decorator/decorate");
    assertThat(served).hasParent(call);
    assertThat(callback).hasParent(served);
    assertThat(span(spans, SpanKind.SERVER, "Decorator/decorate")).hasParent(callback).hasTraceId(call.getTraceId());
  }

  @Test
  void aCallFromAnUntracedCallerStartsATraceAtTheServer() {
    String address = rig.host(new BackService(), Hops.Back.class, Transport.TCP);
    BackClient untraced = rig.open(ChannelFactory.builder(BackClient.class).binding(rig.binding(Transport.TCP)).address(address));

    assertThat(untraced.header("traceparent")).isNull();

    assertThat(span(rig.awaitSpans(1), SpanKind.SERVER, "Back/header")).hasNoParent();
  }
}
