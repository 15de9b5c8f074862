package dev.courier.opentelemetry.internal;

import dev.courier.rpc.CallFilter;
import dev.courier.rpc.OperationDescription;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The filter of one operation: a span around each call, of the kind the call's side says, and its duration.
 *
 * <p>What does not change per call (the span's name, the operation's attributes) is computed once here; the
 * address's attributes are remembered for the last address seen, which on a client is the channel's. Thread safe:
 * immutable but for that memo, which any thread may replace.
 */
final class TelemetryFilter implements CallFilter {
  private final TelemetryFilters shared;
  private final String spanName;
  private final Attributes operation;   // rpc.system.name, rpc.method
  private volatile AddressMemo last;    // null until the first call

  /** The address a call at one end names, and its attributes on the span and on the duration measurement. */
  private record AddressMemo(boolean client, String address, Attributes span, Attributes metric) {}

  TelemetryFilter(TelemetryFilters shared, OperationDescription op) {
    this.shared = shared;
    this.spanName = op.contractName() + "/" + op.name();
    this.operation = Attributes.of(RpcAttributes.RPC_SYSTEM_NAME, RpcAttributes.SYSTEM, RpcAttributes.RPC_METHOD, spanName);
  }

  @Override
  public CompletionStage<Object> filter(Call call, Next next) {
    boolean client = call.side() == Side.CLIENT;
    Context parent = client
        ? call.context().map(TelemetryFilters::parent).orElseGet(Context::current)
        : shared.propagator.extract(Context.current(), call.headers(), HeaderGetter.INSTANCE);
    AddressMemo address = address(call.address(), client);
    Span span = shared.tracer.spanBuilder(spanName)
        .setSpanKind(client ? SpanKind.CLIENT : SpanKind.SERVER)
        .setParent(parent)
        .setAllAttributes(operation)
        .setAllAttributes(address.span())
        .startSpan();
    Context traced = parent.with(span);
    Call forwarded = call;
    if (client) {
      forwarded = withTraceHeaders(call, traced);
    } else {
      call.context().ifPresent(c -> c.extension(Context.class, traced));
    }
    long started = System.nanoTime();
    CompletionStage<Object> outcome;
    try (Scope _ = traced.makeCurrent()) {
      outcome = next.proceed(forwarded);
    } catch (RuntimeException | Error e) {
      end(traced, client, address, started, e);
      throw e;
    }
    // The filter chain hands the filters above the failure itself, not the CompletionException this stage adds.
    return outcome.whenComplete((result, failure) -> end(traced, client, address, started, failure));
  }

  /** {@code call} with the trace context of {@code traced} in its headers, as the propagator writes it. */
  private Call withTraceHeaders(Call call, Context traced) {
    Map<String, String> headers = new LinkedHashMap<>(4);
    shared.propagator.inject(traced, headers, HeaderSetter.INSTANCE);
    Call forwarded = call;
    for (Map.Entry<String, String> h : headers.entrySet()) {
      forwarded = forwarded.withHeader(h.getKey(), h.getValue());
    }
    return forwarded;
  }

  private AddressMemo address(String address, boolean client) {
    AddressMemo memo = last;
    if (memo == null || memo.client() != client || !Objects.equals(memo.address(), address)) {
      Attributes span = client ? RpcAttributes.server(address) : RpcAttributes.peer(address);
      // The conventions put server.address and server.port on the client's measurement; none of the peer's on the server's.
      memo = new AddressMemo(client, address, span, client ? operation.toBuilder().putAll(span).build() : operation);
      last = memo;
    }
    return memo;
  }

  private void end(Context traced, boolean client, AddressMemo address, long started, Throwable failure) {
    Span span = Span.fromContext(traced);
    double seconds = (System.nanoTime() - started) / 1e9;
    Attributes measured = address.metric();
    if (failure != null) {
      Throwable cause = RpcAttributes.unwrap(failure);
      String type = RpcAttributes.errorType(cause);
      span.setAttribute(RpcAttributes.ERROR_TYPE, type);
      span.setStatus(StatusCode.ERROR, cause.getMessage() == null ? "" : cause.getMessage());
      measured = measured.toBuilder().put(RpcAttributes.ERROR_TYPE, type).build();
    }
    span.end();
    DoubleHistogram duration = client ? shared.clientDuration : shared.serverDuration;
    if (duration != null) {
      duration.record(seconds, measured, traced);   // the span, for exemplars
    }
  }

  @Override
  public String toString() {
    return "CourierTelemetry[" + spanName + "]";
  }

  /** Reads a call's headers for the propagator; a name that is not there exactly is looked up ignoring case. */
  private enum HeaderGetter implements TextMapGetter<Map<String, String>> {
    INSTANCE;

    @Override
    public String get(Map<String, String> carrier, String key) {
      if (carrier == null) {
        return null;
      }
      String value = carrier.get(key);
      if (value == null) {
        for (Map.Entry<String, String> h : carrier.entrySet()) {
          if (h.getKey().equalsIgnoreCase(key)) {
            return h.getValue();
          }
        }
      }
      return value;
    }
  }

  /** Collects the headers the propagator writes. */
  private enum HeaderSetter implements TextMapSetter<Map<String, String>> {
    INSTANCE;

    @Override
    public void set(Map<String, String> carrier, String key, String value) {
      if (carrier != null) {
        carrier.put(key, value);
      }
    }
  }
}
