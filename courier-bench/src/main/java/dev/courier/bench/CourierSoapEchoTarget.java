package dev.courier.bench;

import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.soap.SoapBinding;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Courier's SOAP binding with its defaults: a {@link ServiceHost} of the {@code Echo} contract at
 * {@code http://127.0.0.1:0/echo} and one channel to it, each side with a {@link SoapBinding} of its own
 * ({@code SoapBinding.create()}: SOAP 1.1, one Netty event-loop thread per binding, services and completions on
 * virtual threads), the channel's default operation timeout (one minute).
 *
 * <p>The client calls the contract's TASK shape, {@code CompletableFuture<String> echoAsync(String)}; the
 * service implements it as {@code CompletionStage<String> echoAsync(String)}, returning its argument, done.
 * The same for {@code echoParcelAsync(Parcel)}.
 */
final class CourierSoapEchoTarget implements SoapEchoTarget {

  /** The client's view of the contract. */
  @ServiceContract(name = "Echo", namespace = "urn:courier-bench")
  public interface Echo {
    /** Echoes a string. */
    CompletableFuture<String> echoAsync(String text);

    /** Echoes a record. */
    CompletableFuture<Parcel> echoParcelAsync(Parcel parcel);
  }

  /** The service's view of the same contract. */
  @ServiceContract(name = "Echo", namespace = "urn:courier-bench")
  public interface EchoService {
    /** Echoes a string. */
    CompletionStage<String> echoAsync(String text);

    /** Echoes a record. */
    CompletionStage<Parcel> echoParcelAsync(Parcel parcel);
  }

  /** Returns what it is given, done. */
  public static final class EchoServiceImpl implements EchoService {
    @Override
    public CompletionStage<String> echoAsync(String text) {
      return CompletableFuture.completedFuture(text);
    }

    @Override
    public CompletionStage<Parcel> echoParcelAsync(Parcel parcel) {
      return CompletableFuture.completedFuture(parcel);
    }
  }

  private final SoapBinding serverBinding;
  private final SoapBinding clientBinding;
  private final ServiceHost host;
  private final Echo echo;

  private CourierSoapEchoTarget() {
    serverBinding = SoapBinding.create();
    clientBinding = SoapBinding.create();
    ServiceHost h = null;
    try {
      h = ServiceHost.builder(new EchoServiceImpl())
          .endpoint(EchoService.class, serverBinding, "http://127.0.0.1:0/echo")
          .build().open();
      echo = ChannelFactory.builder(Echo.class).binding(clientBinding).address(h.listenAddresses().getFirst())
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
  }

  /** Opens the host and the channel; Courier's SOAP binding has no event-loop setting (one thread each). */
  static SoapEchoTarget open(Options options) {
    return new CourierSoapEchoTarget();
  }

  private static String version() {
    String v = SoapBinding.class.getPackage().getImplementationVersion();
    return v == null ? "this build" : v;
  }

  @Override
  public String description() {
    return "Courier SOAP (" + version() + ", Netty NIO): SoapBinding.create() on each side (its defaults: SOAP 1.1, "
        + "1 event-loop thread per binding, the service and the completions on virtual threads), ServiceHost with "
        + "a TASK service (`CompletionStage<String> echoAsync(String)`, done at once), the channel's TASK shape "
        + "(`CompletableFuture<String> echoAsync(String)`) with its default 1 min operation timeout; HTTP/1.1 "
        + "keep-alive, a connection per call in flight";
  }

  @Override
  public CompletableFuture<String> echo(String text) {
    return echo.echoAsync(text);
  }

  @Override
  public CompletableFuture<Parcel> echo(Parcel parcel) {
    return echo.echoParcelAsync(parcel);
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
