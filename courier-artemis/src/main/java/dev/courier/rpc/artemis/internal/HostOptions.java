package dev.courier.rpc.artemis.internal;

import java.time.Duration;

/**
 * How a binding's listeners consume their queues.
 *
 * <pre>{@code
 * new HostOptions(4, 0, 5, null, Duration.ofSeconds(30));
 * }</pre>
 *
 * @param consumers the competing consumers each listener runs, one thread and one transacted session each
 * @param consumerWindowSize the bytes each consumer prefetches (0: none, so consumers share a queue evenly)
 * @param maxDeliveries the deliveries of a failing message before it goes to the dead-letter queue
 * @param deadLetterQueue the dead-letter queue's name, or {@code null} for {@code DLQ.<queue>}
 * @param drainTimeout how long a closing listener waits for the calls in progress to finish
 */
public record HostOptions(int consumers, int consumerWindowSize, int maxDeliveries, String deadLetterQueue,
    Duration drainTimeout) {

  /** The dead-letter queue of {@code queue}. */
  public String deadLetterQueueOf(String queue) {
    return deadLetterQueue != null ? deadLetterQueue : "DLQ." + queue;
  }
}
