package dev.courier.opentelemetry;

import dev.courier.opentelemetry.internal.TelemetryFilters;
import dev.courier.rpc.CallFilter;
import dev.courier.rpc.OperationContext;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.Objects;

/**
 * Traces and RPC metrics for Courier calls on the OpenTelemetry API: one {@link CallFilter.Factory} that a
 * {@link dev.courier.rpc.ChannelFactory} and a {@link dev.courier.rpc.ServiceHost} both install.
 *
 * <pre>{@code
 * OpenTelemetry otel = ...;                                  // the application's SDK, or GlobalOpenTelemetry.get()
 * CourierTelemetry telemetry = CourierTelemetry.create(otel);
 * ChannelFactory.builder(Calculator.class).binding(tcp).address(url).filter(telemetry.filter()).build();
 * ServiceHost.builder(new CalculatorService()).endpoint(Calculator.class, tcp, url).filter(telemetry.filter()).build();
 * }</pre>
 *
 * <p>Each call gets a span of kind {@code CLIENT} at the calling end and {@code SERVER} at the receiving end (the
 * kind follows {@link CallFilter.Call#side()}, so a duplex callback is a client span on the host and a server span
 * on the channel), named {@code {contract}/{operation}}, with the attributes and the {@code rpc.client.call.duration}
 * / {@code rpc.server.call.duration} histograms (seconds) of the OpenTelemetry RPC semantic conventions v1.44.0:
 * {@code rpc.system.name} {@code courier}, {@code rpc.method} {@code {contract}/{operation}}, {@code server.address}
 * and {@code server.port} on the client, {@code network.peer.address} and {@code network.peer.port} on the server,
 * and {@code error.type} with status {@code ERROR} on failure. One-way calls get spans too. The client injects the
 * trace context into the call's headers through the {@code OpenTelemetry}'s propagators (W3C {@code traceparent}
 * with the SDK's usual setup), which TCP and SOAP carry, and the server extracts it, so one trace crosses every hop.
 *
 * <p>A call made from inside a service call is a child of that call's server span: the server filter keeps the
 * span's {@link Context} in the call's {@link OperationContext} (as its {@code Context} extension), where the
 * client filter finds it whatever thread the call is made from; without one, the parent is {@link Context#current()}.
 * A service reaches its span with {@link #span(OperationContext)}; it should not rely on {@link Span#current()},
 * which holds the span only while code runs synchronously inside the filter (an asynchronous operation, or one the
 * host hands to its executor, runs elsewhere).
 *
 * <p>Threading: immutable and thread safe; its filters are too, and they never block.
 */
public final class CourierTelemetry {
  private final TelemetryFilters filters;

  private CourierTelemetry(Builder b) {
    this.filters = new TelemetryFilters(b.openTelemetry, b.metrics);
  }

  /**
   * Telemetry with spans and metrics through {@code openTelemetry}.
   *
   * <pre>{@code
   * CourierTelemetry telemetry = CourierTelemetry.create(GlobalOpenTelemetry.get());
   * }</pre>
   */
  public static CourierTelemetry create(OpenTelemetry openTelemetry) {
    return builder(openTelemetry).build();
  }

  /**
   * A builder of telemetry through {@code openTelemetry}, for its options.
   *
   * <pre>{@code
   * CourierTelemetry spansOnly = CourierTelemetry.builder(otel).metrics(false).build();
   * }</pre>
   */
  public static Builder builder(OpenTelemetry openTelemetry) {
    return new Builder(Objects.requireNonNull(openTelemetry, "openTelemetry"));
  }

  /**
   * The filter factory to install on channel factories and hosts alike: a span (and a duration measurement) for
   * every call of every operation, the trace context carried in the call's headers.
   *
   * <pre>{@code
   * ServiceHost.builder(service).endpoint(Calculator.class, tcp, url).filter(telemetry.filter()).build();
   * }</pre>
   */
  public CallFilter.Factory filter() {
    return filters;
  }

  /**
   * The trace context of the service call {@code context} describes: its server span's, when a filter of this
   * module traced the call; else {@link Context#current()}. A service parents spans of its own on it.
   *
   * <pre>{@code
   * OperationContext call = OperationContext.current();
   * Span lookup = tracer.spanBuilder("lookup").setParent(CourierTelemetry.context(call)).startSpan();
   * }</pre>
   */
  public static Context context(OperationContext context) {
    return TelemetryFilters.parent(Objects.requireNonNull(context, "context"));
  }

  /**
   * The server span of the service call {@code context} describes ({@link Span#current()} when no filter of this
   * module traced the call, which is {@link Span#getInvalid()} outside any span).
   *
   * <pre>{@code
   * CourierTelemetry.span(OperationContext.current()).setAttribute("order.id", order.id());
   * }</pre>
   */
  public static Span span(OperationContext context) {
    return Span.fromContext(context(context));
  }

  /**
   * Options of {@link CourierTelemetry}: whether to record metrics besides spans.
   *
   * <p>Threading: not thread safe; build on one thread.
   */
  public static final class Builder {
    private final OpenTelemetry openTelemetry;
    private boolean metrics = true;

    private Builder(OpenTelemetry openTelemetry) {
      this.openTelemetry = openTelemetry;
    }

    /**
     * Whether to record the {@code rpc.client.call.duration} and {@code rpc.server.call.duration} histograms
     * (default {@code true}); spans are recorded either way.
     *
     * <pre>{@code
     * CourierTelemetry.builder(otel).metrics(false).build();
     * }</pre>
     */
    public Builder metrics(boolean metrics) {
      this.metrics = metrics;
      return this;
    }

    /**
     * The telemetry, with the tracer and the meter made once here.
     *
     * <pre>{@code
     * CourierTelemetry telemetry = CourierTelemetry.builder(otel).build();
     * }</pre>
     */
    public CourierTelemetry build() {
      return new CourierTelemetry(this);
    }
  }
}
