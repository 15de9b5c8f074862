package dev.courier.bench;

import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.Operation;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.tcp.TcpBinding;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Courier's TCP binding: a {@link ServiceHost} of the {@code Echo} contract on 127.0.0.1 and one channel to
 * it, each side with a binding of its own ({@link EchoTarget.Options#eventLoopThreads()} event-loop
 * threads each), configured like the grpc-java target: the service is presented on the event loop
 * ({@code directDispatch()}, grpc's direct executor on the server), replies complete on the event loop
 * ({@code directCompletions()}, grpc's direct executor on the channel), no operation timeout (grpc's calls
 * have no deadline).
 *
 * <p>The service implements the contract's TASK shape, {@code CompletionStage<byte[]> echoAsync(byte[])},
 * returning its argument; one-way messages are the contract's {@code @Operation(oneWay = true) void
 * post(byte[])} on the client, a synchronous call that returns once the binding has accepted the message,
 * served in the TASK shape ({@code CompletionStage<Void> postAsync(byte[])}) so that, like grpc's
 * direct executor, it runs on the thread that delivers it.
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
  private final ServiceHost host;
  private final Echo echo;
  private final String description;

  private CourierTcpEchoTarget(Options options) {
    serverBinding = TcpBinding.builder().eventLoopThreads(options.eventLoopThreads())
        .nativeTransport(options.nativeTransport()).directDispatch().build();
    clientBinding = TcpBinding.builder().eventLoopThreads(options.eventLoopThreads())
        .nativeTransport(options.nativeTransport()).directCompletions().build();
    ServiceHost h = null;
    try {
      h = ServiceHost.builder(new EchoServiceImpl(options.onDelivery()))
          .endpoint(EchoService.class, serverBinding, "courier.tcp://127.0.0.1:0/echo")
          .build().open();
      echo = ChannelFactory.builder(Echo.class).binding(clientBinding).address(h.listenAddresses().getFirst())
          .operationTimeout(null)
          .build().createChannel();
      host = h;
    } catch (RuntimeException e) {
      if (h != null) {
        h.abort();
      }
      clientBinding.close();
      serverBinding.close();
      throw e;
    }
    description = "Courier TCP (" + version() + ", " + (serverBinding.usesNativeTransport() ? "epoll" : "NIO")
        + "): ServiceHost with a TASK service, directDispatch() on the server's binding, directCompletions() "
        + "on the client's, no operation timeout, " + options.eventLoopThreads()
        + " event-loop thread(s) per side; one-way = `@Operation(oneWay = true) void post(byte[])` "
        + "called, `CompletionStage<Void> postAsync(byte[])` served";
  }

  static boolean available() {
    return true;
  }

  static EchoTarget open(Options options) {
    return new CourierTcpEchoTarget(options);
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
    return echo.echoAsync(payload);
  }

  @Override
  public void oneWay(byte[] payload) {
    echo.post(payload);
  }

  @Override
  public void close() {
    try {
      ((ClientChannel) echo).close();
      host.close(Duration.ofSeconds(5));
    } finally {
      clientBinding.close();
      serverBinding.close();
    }
  }
}
