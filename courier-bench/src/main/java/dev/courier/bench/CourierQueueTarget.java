package dev.courier.bench;

import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.Operation;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.artemis.ArtemisBinding;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Courier's queued binding: a {@link ServiceHost} with the {@code Tally} contract's endpoint on an
 * {@link ArtemisBinding} with its defaults (4 consumers, no prefetch), and a channel of the same binding whose
 * one-way calls complete when the broker has stored their message. The service implements the TASK shape and
 * returns a completed stage, so it runs on the consumer's thread, in the receive's transaction, as a JMS
 * {@code MessageListener} does; the channel has no operation timeout, so the messages carry no deadline (the
 * reference's carry no expiry).
 */
final class CourierQueueTarget implements QueueTarget.Messages {
  private static final String QUEUE = "tally";

  /** The client's view of the contract: a one-way call whose future completes when the broker has the message. */
  @ServiceContract(name = "Tally", namespace = "urn:courier-bench")
  public interface Tally {
    @Operation(oneWay = true)
    CompletableFuture<Void> countAsync(String item);
  }

  /** The service's view of the same contract, in the TASK shape: it runs on the thread that delivers it. */
  @ServiceContract(name = "Tally", namespace = "urn:courier-bench")
  public interface TallyService {
    @Operation(oneWay = true)
    CompletionStage<Void> countAsync(String item);
  }

  /** Counts what it is given. */
  public static final class TallyServiceImpl implements TallyService {
    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    private final QueueTarget.Outcomes outcomes;

    TallyServiceImpl(QueueTarget.Outcomes outcomes) {
      this.outcomes = outcomes;
    }

    @Override
    public CompletionStage<Void> countAsync(String item) {
      outcomes.processed();
      return DONE;
    }
  }

  private final ArtemisBinding binding;
  private final ServiceHost host;
  private final Tally tally;
  private final String item;
  private final QueueTarget.Outcomes outcomes;

  private CourierQueueTarget(ArtemisBinding binding, ServiceHost host, Tally tally, String item,
      QueueTarget.Outcomes outcomes) {
    this.binding = binding;
    this.host = host;
    this.tally = tally;
    this.item = item;
    this.outcomes = outcomes;
  }

  static CourierQueueTarget open(QueueBroker broker, String item, QueueTarget.Outcomes outcomes) {
    ArtemisBinding binding = ArtemisBinding.create();
    ServiceHost host = null;
    try {
      host = ServiceHost.builder(new TallyServiceImpl(outcomes))
          .endpoint(TallyService.class, binding, broker.address(QUEUE)).build().open();
      Tally tally = ChannelFactory.builder(Tally.class).binding(binding).address(broker.address(QUEUE))
          .operationTimeout(null).build().createChannel();
      return new CourierQueueTarget(binding, host, tally, item, outcomes);
    } catch (RuntimeException e) {
      if (host != null) {
        host.abort();
      }
      binding.close();
      throw e;
    }
  }

  @Override
  public String description() {
    String v = ArtemisBinding.class.getPackage().getImplementationVersion();
    return "courier-queue (" + (v == null ? "this build" : v) + "): `ArtemisBinding.create()` (" + QueueTarget.CONSUMERS
        + " consumers, consumerWindowSize 0), a ServiceHost with a TASK service `CompletionStage<Void> "
        + "countAsync(String)` counting each message on the consumer's thread, a channel with no operation timeout "
        + "calling `@Operation(oneWay = true) CompletableFuture<Void> countAsync(String)` (a persistent text message "
        + "with a JSON body, completed when the broker confirms it)";
  }

  @Override
  public void send() {
    tally.countAsync(item).whenComplete((v, e) -> {
      if (e == null) {
        outcomes.confirmed();
      } else {
        outcomes.failed(e);
      }
    });
  }

  @Override
  public void close() {
    try {
      ((ClientChannel) tally).close();
      host.close(Duration.ofSeconds(5));
    } finally {
      binding.close();
    }
  }
}
