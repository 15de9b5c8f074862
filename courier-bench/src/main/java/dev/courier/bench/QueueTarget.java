package dev.courier.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * The queue suite's targets: durable one-way messages through a {@link QueueBroker}, sent by one side and
 * processed by consumers on the other, in one JVM; Courier's queued binding or Artemis's own Jakarta Messaging
 * client.
 *
 * <pre>{@code
 * try (QueueTarget.Messages m = QueueTarget.COURIER.open(broker, 16, outcomes)) {
 *   m.send();              // outcomes.confirmed() once the broker has it, outcomes.processed() once consumed
 * }
 * }</pre>
 */
public enum QueueTarget {
  /** Courier's {@code ArtemisBinding}: a channel's one-way calls, a {@code ServiceHost}'s endpoint consuming them. */
  COURIER("courier-queue", "courier-queue"),
  /** Artemis's Jakarta Messaging client, without prefetch: the same consumers and window as Courier's defaults. */
  JMS("artemis-jms", "artemis-jms"),
  /** Artemis's Jakarta Messaging client with its default consumer window (1 MiB of prefetch): for information. */
  JMS_PREFETCH("artemis-jms-prefetch", "artemis-jms, prefetch");

  /** The consumers on each side: the queued binding's default. */
  static final int CONSUMERS = 4;

  private final String id;
  private final String label;

  QueueTarget(String id, String label) {
    this.id = id;
    this.label = label;
  }

  /** The name on the command line. */
  String id() {
    return id;
  }

  /** The name in reports. */
  String label() {
    return label;
  }

  /** The target named {@code id} on a command line. */
  static QueueTarget of(String id) {
    String name = id.toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(t -> t.id.equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("target: " + id
            + " (expected: courier-queue, artemis-jms or artemis-jms-prefetch)"));
  }

  /**
   * Starts the consumers and connects the sender to {@code broker}'s queue; every message carries a string of
   * {@code payloadBytes} ASCII characters.
   */
  Messages open(QueueBroker broker, int payloadBytes, Outcomes outcomes) throws Exception {
    String item = "0123456789abcdef".repeat(payloadBytes / 16 + 1).substring(0, payloadBytes);
    return switch (this) {
      case COURIER -> CourierQueueTarget.open(broker, item, outcomes);
      case JMS -> ArtemisJmsTarget.open(broker, item, outcomes, 0);
      case JMS_PREFETCH -> ArtemisJmsTarget.open(broker, item, outcomes, ArtemisJmsTarget.DEFAULT_WINDOW);
    };
  }

  /** What becomes of the messages a target sends: each is confirmed, then processed; or something fails. */
  public interface Outcomes {
    /** The broker confirmed that it stored a message. Called on the client's threads. */
    void confirmed();

    /** A consumer processed a message, in the transaction that receives it. Called on the consumers' threads. */
    void processed();

    /** A send or a receive failed: the run fails. */
    void failed(Throwable t);
  }

  /** One run's sender and consumers. */
  public interface Messages extends AutoCloseable {
    /** The library, its version and how it sends and consumes: one line for the report. */
    String description();

    /** Sends one durable message without waiting for the broker. Called from one thread. */
    void send();

    /** Closes the sender, then the consumers; bounded. */
    @Override
    void close();
  }
}
