package dev.courier.opentelemetry;

import static dev.courier.opentelemetry.Conventions.ERROR_TYPE;
import static dev.courier.opentelemetry.Conventions.METHOD;
import static dev.courier.opentelemetry.Conventions.SERVER_ADDRESS;
import static dev.courier.opentelemetry.Conventions.SERVER_PORT;
import static dev.courier.opentelemetry.Conventions.SYSTEM;
import static dev.courier.opentelemetry.TelemetryRig.span;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.courier.io.CapturedLogs;
import dev.courier.opentelemetry.Hops.BackClient;
import dev.courier.opentelemetry.Hops.BackService;
import dev.courier.opentelemetry.Hops.Refusal;
import dev.courier.opentelemetry.TelemetryRig.Transport;
import dev.courier.rpc.CallTimeoutException;
import dev.courier.rpc.FaultException;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Failed calls are errors on their spans (status ERROR with the exception's message, and {@code error.type}) and in
 * their duration measurements ({@code error.type}): a declared fault, an undeclared exception, a timeout.
 */
class FailureTelemetryTest {
  private final TelemetryRig rig = new TelemetryRig();

  @AfterEach
  void closeRig() {
    rig.close();
  }

  @ParameterizedTest(name = "{0}: a declared fault is an error of type its detail's class on the client and the server span")
  @EnumSource(Transport.class)
  void aDeclaredFaultIsAnErrorOnBothSpans(Transport transport) {
    BackClient back = rig.client(BackClient.class, transport, rig.host(new BackService(), Hops.Back.class, transport));

    Throwable thrown = catchThrowable(() -> back.refuse("no"));

    assertThat(thrown).isInstanceOf(FaultException.class);
    List<SpanData> spans = rig.awaitSpans(2);
    StatusData refused = StatusData.create(StatusCode.ERROR, "refused no");
    assertThat(span(spans, SpanKind.CLIENT, "Back/refuse")).hasStatus(refused)
        .hasAttributesSatisfying(equalTo(ERROR_TYPE, Refusal.class.getName()));
    assertThat(span(spans, SpanKind.SERVER, "Back/refuse")).hasStatus(refused)
        .hasAttributesSatisfying(equalTo(ERROR_TYPE, Refusal.class.getName()));
  }

  @Test
  void anUndeclaredExceptionIsItsClassOnTheServerAndAnInternalFaultOnTheClient() {
    BackClient back = rig.client(BackClient.class, Transport.TCP, rig.host(new BackService(), Hops.Back.class, Transport.TCP));

    Throwable thrown = catchThrowable(() -> back.fail("now"));

    assertThat(thrown).isInstanceOf(FaultException.class);
    List<SpanData> spans = rig.awaitSpans(2);
    assertThat(span(spans, SpanKind.CLIENT, "Back/fail")).hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
        .hasAttributesSatisfying(equalTo(ERROR_TYPE, FaultException.INTERNAL));
    assertThat(span(spans, SpanKind.SERVER, "Back/fail")).hasStatus(StatusData.create(StatusCode.ERROR, "failed now"))
        .hasAttributesSatisfying(equalTo(ERROR_TYPE, IllegalStateException.class.getName()));
    assertThat(CapturedLogs.take("operation fail failed", 1)).as("the host's record of the exception").hasSize(1);
  }

  @Test
  void aTimeoutIsACallTimeoutOnTheClientAndTheCancellationItCausesOnTheServer() {
    String address = rig.host(new BackService(), Hops.Back.class, Transport.TCP);
    BackClient back = rig.client(BackClient.class, Transport.TCP, address, Duration.ofMillis(250));

    Throwable thrown = catchThrowable(() -> back.hold("late"));

    assertThat(thrown).isInstanceOf(CallTimeoutException.class);
    List<SpanData> spans = rig.awaitSpans(2);
    assertThat(span(spans, SpanKind.CLIENT, "Back/hold")).hasStatus(StatusData.create(StatusCode.ERROR, thrown.getMessage()))
        .hasAttributesSatisfying(equalTo(ERROR_TYPE, CallTimeoutException.class.getName()));
    assertThat(span(spans, SpanKind.SERVER, "Back/hold")).hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
        .hasAttributesSatisfying(equalTo(ERROR_TYPE, CancellationException.class.getName()));
  }

  @Test
  void aFailedCallIsMeasuredApartWithItsErrorType() {
    String address = rig.host(new BackService(), Hops.Back.class, Transport.TCP);
    BackClient back = rig.client(BackClient.class, Transport.TCP, address);

    catchThrowable(() -> back.refuse("no"));

    Attributes client = Attributes.of(SYSTEM, "courier", METHOD, "Back/refuse", SERVER_ADDRESS, "127.0.0.1",
        SERVER_PORT, (long) URI.create(address).getPort());
    rig.awaitSpans(2);
    assertThat(rig.metric("rpc.client.call.duration")).hasHistogramSatisfying(h -> h.hasPointsSatisfying(
        p -> p.hasCount(1).hasAttributes(client.toBuilder().put(ERROR_TYPE, Refusal.class.getName()).build())));
    assertThat(rig.metric("rpc.server.call.duration")).hasHistogramSatisfying(h -> h.hasPointsSatisfying(
        p -> p.hasCount(1).hasAttributes(Attributes.of(SYSTEM, "courier", METHOD, "Back/refuse",
            ERROR_TYPE, Refusal.class.getName()))));
  }
}
