package dev.courier.opentelemetry.internal;

import dev.courier.rpc.CallFilter;
import dev.courier.rpc.OperationContext;
import dev.courier.rpc.OperationDescription;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.List;

/**
 * What every operation's {@link TelemetryFilter} shares: the tracer, the propagator and the two duration histograms,
 * made once. Immutable and thread safe.
 */
public final class TelemetryFilters implements CallFilter.Factory {
  /** The instrumentation scope's name. */
  static final String SCOPE = "dev.courier.opentelemetry";
  /** The semantic conventions followed, as their schema URL. */
  static final String SCHEMA_URL = "https://opentelemetry.io/schemas/1.44.0";
  /** The conventions' advice for RPC duration histograms, in seconds. */
  private static final List<Double> BUCKETS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

  final Tracer tracer;
  final TextMapPropagator propagator;
  final DoubleHistogram clientDuration;   // null without metrics
  final DoubleHistogram serverDuration;   // null without metrics

  /** Filters that trace through {@code openTelemetry}, and measure durations when {@code metrics}. */
  public TelemetryFilters(OpenTelemetry openTelemetry, boolean metrics) {
    this.tracer = openTelemetry.tracerBuilder(SCOPE).setSchemaUrl(SCHEMA_URL).build();
    this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    if (metrics) {
      Meter meter = openTelemetry.meterBuilder(SCOPE).setSchemaUrl(SCHEMA_URL).build();
      this.clientDuration = histogram(meter, "rpc.client.call.duration", "outgoing");
      this.serverDuration = histogram(meter, "rpc.server.call.duration", "incoming");
    } else {
      this.clientDuration = null;
      this.serverDuration = null;
    }
  }

  private static DoubleHistogram histogram(Meter meter, String name, String direction) {
    return meter.histogramBuilder(name).setUnit("s")
        .setDescription("Measures the duration of an " + direction + " Remote Procedure Call (RPC).")
        .setExplicitBucketBoundariesAdvice(BUCKETS).build();
  }

  @Override
  public CallFilter create(OperationDescription operation) {
    return new TelemetryFilter(this, operation);
  }

  /** The trace context calls made from the service call {@code context} are children of. */
  public static Context parent(OperationContext context) {
    return context.extension(Context.class).orElseGet(Context::current);
  }

  @Override
  public String toString() {
    return "CourierTelemetry[" + (clientDuration == null ? "spans" : "spans, metrics") + "]";
  }
}
