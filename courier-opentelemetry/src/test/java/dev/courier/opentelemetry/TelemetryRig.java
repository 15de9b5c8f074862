package dev.courier.opentelemetry;

import dev.courier.io.Eventually;
import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.inprocess.InProcessBinding;
import dev.courier.rpc.soap.SoapBinding;
import dev.courier.rpc.spi.Binding;
import dev.courier.rpc.tcp.TcpBinding;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real OpenTelemetry SDK with in-memory exporters, the telemetry under test on it, and the hosts and channels
 * a test makes with its filter, over TCP, SOAP or in-process. Closing it aborts them all. Nothing sleeps.
 */
final class TelemetryRig implements AutoCloseable {
  private static final AtomicInteger NAMES = new AtomicInteger();

  /** The bindings the tests run over. */
  enum Transport {
    TCP, SOAP, INPROC;

    /** A fresh address of this transport (port 0: the host binds a free one). */
    String address(String name) {
      String unique = name + "-" + NAMES.incrementAndGet();
      return switch (this) {
        case TCP -> "courier.tcp://127.0.0.1:0/" + unique;
        case SOAP -> "http://127.0.0.1:0/" + unique;
        case INPROC -> "inproc://" + unique;
      };
    }
  }

  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();
  final CourierTelemetry telemetry = CourierTelemetry.create(sdk);

  private final TcpBinding tcp = TcpBinding.create();
  private final SoapBinding soap = SoapBinding.create();
  private final InProcessBinding inproc = InProcessBinding.create();
  private final List<ServiceHost> hosts = new ArrayList<>();
  private final List<Object> channels = new ArrayList<>();

  Binding binding(Transport transport) {
    return switch (transport) {
      case TCP -> tcp;
      case SOAP -> soap;
      case INPROC -> inproc;
    };
  }

  /** Hosts {@code service} for {@code contract} over {@code transport} with the telemetry's filter; its address. */
  String host(Object service, Class<?> contract, Transport transport) {
    ServiceHost host = ServiceHost.builder(service)
        .endpoint(contract, binding(transport), transport.address(contract.getSimpleName().toLowerCase()))
        .filter(telemetry.filter())
        .build();
    hosts.add(host);
    host.open();
    return host.listenAddresses().getFirst();
  }

  /** A channel to {@code address} over {@code transport} with the telemetry's filter. */
  <T> T client(Class<T> contract, Transport transport, String address) {
    return open(factory(contract, transport, address));
  }

  /** A channel to {@code address} with the telemetry's filter and {@code timeout} for each call. */
  <T> T client(Class<T> contract, Transport transport, String address, Duration timeout) {
    return open(factory(contract, transport, address).operationTimeout(timeout));
  }

  /** A channel factory's builder for {@code address} with the telemetry's filter, for a test to add to. */
  <T> ChannelFactory.Builder<T> factory(Class<T> contract, Transport transport, String address) {
    return ChannelFactory.builder(contract).binding(binding(transport)).address(address)
        .operationTimeout(Duration.ofSeconds(20)).filter(telemetry.filter());
  }

  /** A channel of {@code factory}, aborted when the rig closes. */
  <T> T open(ChannelFactory.Builder<T> factory) {
    T proxy = factory.build().createChannel();
    channels.add(proxy);
    return proxy;
  }

  /** Waits (bounded) until {@code count} spans have ended; returns them. */
  List<SpanData> awaitSpans(int count) {
    Eventually.until(() -> spans.getFinishedSpanItems().size() >= count, count + " spans to end");
    List<SpanData> ended = spans.getFinishedSpanItems();
    if (ended.size() != count) {
      throw new AssertionError("expected " + count + " spans, got " + ended);
    }
    return ended;
  }

  /** The one ended span of {@code kind} named {@code name}. */
  static SpanData span(List<SpanData> spans, SpanKind kind, String name) {
    List<SpanData> found = spans.stream().filter(s -> s.getKind() == kind && s.getName().equals(name)).toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one " + kind + " span " + name + ", got " + found + " among " + spans);
    }
    return found.getFirst();
  }

  /** The points of the histogram {@code name} collected now. */
  List<HistogramPointData> histogram(String name) {
    return metrics.collectAllMetrics().stream().filter(m -> m.getName().equals(name))
        .map(MetricData::getHistogramData).flatMap(h -> h.getPoints().stream()).toList();
  }

  /** The histogram {@code name} collected now. */
  MetricData metric(String name) {
    return metrics.collectAllMetrics().stream().filter(m -> m.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name));
  }

  @Override
  public void close() {
    for (Object c : channels) {
      ClientChannel.of(c).abort();
    }
    for (ServiceHost h : hosts) {
      h.abort();
    }
    tcp.close();
    soap.close();
    sdk.close();
  }
}
