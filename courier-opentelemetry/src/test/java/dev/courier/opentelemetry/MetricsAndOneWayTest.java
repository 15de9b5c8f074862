package dev.courier.opentelemetry;

import static dev.courier.opentelemetry.Conventions.METHOD;
import static dev.courier.opentelemetry.Conventions.SERVER_ADDRESS;
import static dev.courier.opentelemetry.Conventions.SERVER_PORT;
import static dev.courier.opentelemetry.Conventions.SYSTEM;
import static dev.courier.opentelemetry.TelemetryRig.span;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;

import dev.courier.opentelemetry.Hops.BackClient;
import dev.courier.opentelemetry.Hops.BackService;
import dev.courier.opentelemetry.Hops.FrontClient;
import dev.courier.opentelemetry.Hops.FrontService;
import dev.courier.opentelemetry.TelemetryRig.Transport;
import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.ServiceHost;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One-way calls are traced too; every call is one measurement of the client's and the server's duration histogram. */
class MetricsAndOneWayTest {
  private final TelemetryRig rig = new TelemetryRig();

  @AfterEach
  void closeRig() {
    rig.close();
  }

  @ParameterizedTest(name = "{0}: a one-way call gets a client span and a server span, its child")
  @EnumSource(Transport.class)
  void aOneWayCallGetsSpans(Transport transport) throws Exception {
    FrontService front = new FrontService(null);
    FrontClient client = rig.client(FrontClient.class, transport, rig.host(front, Hops.Front.class, transport));

    client.post("note");

    assertThat(front.posted.get(5, TimeUnit.SECONDS)).isEqualTo("note");
    List<SpanData> spans = rig.awaitSpans(2);
    SpanData posted = span(spans, SpanKind.CLIENT, "Front/post");
    assertThat(posted).hasNoParent().hasAttributesSatisfying(equalTo(METHOD, "Front/post"));
    assertThat(span(spans, SpanKind.SERVER, "Front/post")).hasParent(posted)
        .hasAttributesSatisfying(equalTo(SYSTEM, "courier"), equalTo(METHOD, "Front/post"));
  }

  @Test
  void eachCallIsOneMeasurementOfTheDurationHistogramsInSecondsWithTheOperationsAttributes() {
    String address = rig.host(new BackService(), Hops.Back.class, Transport.TCP);
    BackClient back = rig.client(BackClient.class, Transport.TCP, address);

    for (int i = 0; i < 3; i++) {
      back.echo("call " + i);
    }

    rig.awaitSpans(6);
    Attributes operation = Attributes.of(SYSTEM, "courier", METHOD, "Back/echo");
    assertThat(rig.metric("rpc.client.call.duration")).hasUnit("s")
        .hasDescription("Measures the duration of an outgoing Remote Procedure Call (RPC).")
        .hasHistogramSatisfying(h -> h.hasPointsSatisfying(p -> p.hasCount(3).hasAttributes(operation.toBuilder()
            .put(SERVER_ADDRESS, "127.0.0.1").put(SERVER_PORT, (long) URI.create(address).getPort()).build())));
    assertThat(rig.metric("rpc.server.call.duration")).hasUnit("s")
        .hasHistogramSatisfying(h -> h.hasPointsSatisfying(p -> p.hasCount(3).hasAttributes(operation)));
  }

  @Test
  void withoutMetricsCallsAreTracedAndNotMeasured() {
    CourierTelemetry spansOnly = CourierTelemetry.builder(rig.sdk).metrics(false).build();
    ServiceHost host = ServiceHost.builder(new BackService())
        .endpoint(Hops.Back.class, rig.binding(Transport.INPROC), Transport.INPROC.address("spans-only"))
        .filter(spansOnly.filter()).build().open();
    BackClient back = ChannelFactory.builder(BackClient.class).binding(rig.binding(Transport.INPROC))
        .address(host.listenAddresses().getFirst()).filter(spansOnly.filter()).build().createChannel();
    try {
      back.echo("quiet");

      assertThat(rig.awaitSpans(2)).extracting(SpanData::getName).containsOnly("Back/echo");
      assertThat(rig.metrics.collectAllMetrics()).isEmpty();
    } finally {
      ClientChannel.of(back).abort();
      host.abort();
    }
  }
}
