package dev.courier.rpc.artemis;

/**
 * Why a message went to its dead-letter queue: the value of its {@link MessageProperties#DEAD_LETTER_REASON}
 * property there.
 *
 * <pre>{@code
 * DeadLetterReason why = DeadLetterReason.valueOf(message.getStringProperty(MessageProperties.DEAD_LETTER_REASON));
 * }</pre>
 */
public enum DeadLetterReason {
  /** The operation failed on each of the host's {@code maxDeliveries} deliveries; the last failure is recorded. */
  FAILED,
  /** Its deadline passed while it waited in the queue: it was not run. */
  EXPIRED,
  /** It cannot be run however often it is delivered: its body or its action does not read by the host's contract. */
  UNREADABLE
}
