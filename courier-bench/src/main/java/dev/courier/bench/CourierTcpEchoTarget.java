package dev.courier.bench;

import dev.courier.bench.EchoTarget.Kind;
import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.Operation;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.tcp.TcpBinding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Courier's TCP binding: a {@link ServiceHost} of the {@code Echo} contract on 127.0.0.1 and channels to it,
 * each side with a binding of its own, in one of two configurations.
 *
 * <p>Tuned ({@code EchoTarget.Kind.COURIER}), configured like the grpc-java target: {@link
 * EchoTarget.Options#eventLoopThreads()} event-loop threads each side, the service presented on the event
 * loop ({@code directDispatch()}, grpc's direct executor on the server), replies completed on the event loop
 * ({@code directCompletions()}, grpc's direct executor on the channel), no operation timeout (grpc's calls
 * have no deadline). The service implements the contract's TASK shape, {@code CompletionStage<byte[]>
 * echoAsync(byte[])}, returning its argument; one-way messages are the contract's {@code @Operation(oneWay =
 * true) void post(byte[])} on the client, a synchronous call that returns once the binding has accepted the
 * message, served in the TASK shape ({@code CompletionStage<Void> postAsync(byte[])}) so that, like grpc's
 * direct executor, it runs on the thread that delivers it.
 *
 * <p>Defaults ({@code EchoTarget.Kind.COURIER_DEFAULTS}): what a user gets who configures nothing:
 * {@code TcpBinding.create()} on both sides, the channel's default operation timeout, a synchronous service
 * ({@code byte[] echo(byte[])}, {@code void post(byte[])}) run where the host runs it by default, and the same
 * future-shaped client, whose futures complete where the binding completes them by default.
 *
 * <p>Over more than one connection, the client's binding opens a connection per channel
 * ({@code connectionPerChannel()}: by default channels to one address share one) and the calls take the
 * channels in turn. With several hosts (all on the server's binding, each at its own port), either one channel
 * spans them all ({@code addresses(...)}: several endpoints) or each channel goes to one of them.
 */
final class CourierTcpEchoTarget implements EchoTarget {

  /** The client's view of the contract. */
  @ServiceContract(name = "Echo", namespace = "urn:courier-bench")
  public interface Echo {
    CompletableFuture<byte[]> echoAsync(byte[] payload);

    @Operation(oneWay = true)
    void post(byte[] payload);
  }

  /** The service's view of the same contract. */
  @ServiceContract(name = "Echo", namespace = "urn:courier-bench")
  public interface EchoService {
    CompletionStage<byte[]> echoAsync(byte[] payload);

    /** The same one-way operation in the TASK shape: it runs on the thread that delivers it. */
    @Operation(oneWay = true)
    CompletionStage<Void> postAsync(byte[] payload);
  }

  /** The service's view of the same contract, synchronous: what a service written plainly looks like. */
  @ServiceContract(name = "Echo", namespace = "urn:courier-bench")
  public interface SyncEchoService {
    byte[] echo(byte[] payload);

    @Operation(oneWay = true)
    void post(byte[] payload);
  }

  /** Returns what it is given; counts one-way messages. */
  public static final class SyncEchoServiceImpl implements SyncEchoService {
    private final Runnable delivered;

    SyncEchoServiceImpl(Runnable delivered) {
      this.delivered = delivered;
    }

    @Override
    public byte[] echo(byte[] payload) {
      return payload;
    }

    @Override
    public void post(byte[] payload) {
      delivered.run();
    }
  }

  /** Returns what it is given; counts one-way messages. */
  public static final class EchoServiceImpl implements EchoService {
    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    private final Runnable delivered;

    EchoServiceImpl(Runnable delivered) {
      this.delivered = delivered;
    }

    @Override
    public CompletionStage<byte[]> echoAsync(byte[] payload) {
      return CompletableFuture.completedFuture(payload);
    }

    @Override
    public CompletionStage<Void> postAsync(byte[] payload) {
      delivered.run();
      return DONE;
    }
  }

  private final TcpBinding serverBinding;
  private final TcpBinding clientBinding;
  private final List<ServiceHost> hosts = new ArrayList<>();
  private final Echo[] echoes;
  private final AtomicInteger next = new AtomicInteger();
  private final String description;

  private CourierTcpEchoTarget(Options options, boolean tuned, int hostCount, boolean cluster, String label) {
    if (tuned) {
      serverBinding = TcpBinding.builder().eventLoopThreads(options.eventLoopThreads())
          .nativeTransport(options.nativeTransport()).directDispatch().build();
      TcpBinding.Builder client = TcpBinding.builder().eventLoopThreads(options.eventLoopThreads())
          .nativeTransport(options.nativeTransport()).directCompletions();
      clientBinding = (options.connections() > 1 ? client.connectionPerChannel() : client).build();
    } else {
      serverBinding = TcpBinding.create();
      clientBinding = options.connections() > 1 ? TcpBinding.builder().connectionPerChannel().build()
          : TcpBinding.create();
    }
    try {
      List<String> addresses = new ArrayList<>();
      for (int i = 0; i < hostCount; i++) {
        ServiceHost h = (tuned
            ? ServiceHost.builder(new EchoServiceImpl(options.onDelivery()))
                .endpoint(EchoService.class, serverBinding, "courier.tcp://127.0.0.1:0/echo")
            : ServiceHost.builder(new SyncEchoServiceImpl(options.onDelivery()))
                .endpoint(SyncEchoService.class, serverBinding, "courier.tcp://127.0.0.1:0/echo"))
            .build().open();
        hosts.add(h);
        addresses.add(h.listenAddresses().getFirst());
      }
      List<ChannelFactory<Echo>> factories = new ArrayList<>();
      for (List<String> to : cluster ? List.of(addresses) : addresses.stream().map(List::of).toList()) {
        ChannelFactory.Builder<Echo> factory = ChannelFactory.builder(Echo.class).binding(clientBinding);
        factory = to.size() > 1 ? factory.addresses(to.toArray(String[]::new)) : factory.address(to.getFirst());
        factories.add((tuned ? factory.operationTimeout(null) : factory).build());
      }
      echoes = new Echo[options.connections()];
      for (int i = 0; i < echoes.length; i++) {
        echoes[i] = factories.get(i % factories.size()).createChannel();
      }
    } catch (RuntimeException e) {
      hosts.forEach(ServiceHost::abort);
      clientBinding.close();
      serverBinding.close();
      throw e;
    }
    String connections = options.connections() == 1 ? "" : ", " + options.connections()
        + " connections (connectionPerChannel() on the client's binding), the calls taking them in turn";
    String endpoints = cluster ? ", " + hostCount + " host(s) (ServiceHosts on the server's binding, each at its "
        + "own port) and one channel over them (addresses(...), round robin, health asked on connecting and every 5 s)"
        : label.equals(Kind.COURIER_HOSTS.label()) ? ", " + hostCount + " host(s) (ServiceHosts on the server's "
        + "binding, each at its own port), one channel to each" : "";
    description = (tuned
        ? label + " (" + version() + ", " + (serverBinding.usesNativeTransport() ? "epoll" : "NIO")
            + "): ServiceHost with a TASK service, directDispatch() on the server's binding, directCompletions() "
            + "on the client's, no operation timeout, " + options.eventLoopThreads()
            + " event-loop thread(s) per side; one-way = `@Operation(oneWay = true) void post(byte[])` "
            + "called, `CompletionStage<Void> postAsync(byte[])` served" + connections
        : "Courier TCP, defaults (" + version() + ", " + (serverBinding.usesNativeTransport() ? "epoll" : "NIO")
            + "): TcpBinding.create() on both sides, a SYNC service `byte[] echo(byte[])` on the host's default "
            + "executor, `CompletableFuture<byte[]> echoAsync(byte[])` called with the default operation timeout "
            + "and completions" + connections) + endpoints;
  }

  static boolean available() {
    return true;
  }

  /** Opens the tuned configuration, or the defaults, with one host. */
  static EchoTarget open(Options options, boolean tuned) {
    return new CourierTcpEchoTarget(options, tuned, 1, false, Kind.COURIER.label());
  }

  /**
   * Opens the tuned configuration with a host per connection the options ask for, and one channel over them all
   * (several endpoints, even when there is one).
   */
  static EchoTarget openCluster(Options options) {
    return new CourierTcpEchoTarget(new Options(options.eventLoopThreads(), options.nativeTransport(),
        options.onDelivery(), 1), true, options.connections(), true, Kind.COURIER_CLUSTER.label());
  }

  /**
   * Opens the tuned configuration with a host per connection the options ask for and a plain channel to each, the
   * calls taking them in turn: the cluster's hosts and connections without its policy.
   */
  static EchoTarget openHosts(Options options) {
    return new CourierTcpEchoTarget(options, true, options.connections(), false, Kind.COURIER_HOSTS.label());
  }

  private static String version() {
    String v = TcpBinding.class.getPackage().getImplementationVersion();
    return v == null ? "this build" : v;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public CompletableFuture<byte[]> call(byte[] payload) {
    return echo().echoAsync(payload);
  }

  @Override
  public void oneWay(byte[] payload) {
    echo().post(payload);
  }

  private Echo echo() {
    return echoes.length == 1 ? echoes[0] : echoes[Math.floorMod(next.getAndIncrement(), echoes.length)];
  }

  @Override
  public void close() {
    try {
      for (Echo echo : echoes) {
        ((ClientChannel) echo).close();
      }
      hosts.forEach(h -> h.close(Duration.ofSeconds(5)));
    } finally {
      clientBinding.close();
      serverBinding.close();
    }
  }
}
