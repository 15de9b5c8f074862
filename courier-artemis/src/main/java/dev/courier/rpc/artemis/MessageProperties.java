package dev.courier.rpc.artemis;

import java.util.Objects;

/**
 * The names of the message properties the queued binding writes: what a call carries beside its JSON body, and
 * what a dead-lettered copy records of its failure. Tools that read a queue or its dead-letter queue use them.
 *
 * <pre>{@code
 * String error = deadLetter.getStringProperty(MessageProperties.FAILURE_CLASS);
 * String tenant = message.getStringProperty(MessageProperties.headerProperty("x-tenant"));
 * }</pre>
 *
 * <p>Every name is a Java identifier, as JMS message selectors need.
 */
public final class MessageProperties {
  private static final String HEX = "0123456789abcdef";

  private MessageProperties() {}

  /** The operation's action (a string): the host runs the operation of its contract with this action. */
  public static final String ACTION = "courierAction";
  /** When the call must have started, in milliseconds since the epoch (a long); absent for no deadline. */
  public static final String DEADLINE = "courierDeadline";
  /** The prefix of each call header's property: see {@link #headerProperty(String)}. */
  public static final String HEADER_PREFIX = "courierHeader_";
  /** In a dead-letter queue: why the message is there, a {@link DeadLetterReason}'s name. */
  public static final String DEAD_LETTER_REASON = "courierDeadLetterReason";
  /** In a dead-letter queue: the class of the last failure, or of what made the message unreadable. */
  public static final String FAILURE_CLASS = "courierFailureClass";
  /** In a dead-letter queue: the message of the last failure, or why the message is unreadable or expired. */
  public static final String FAILURE_MESSAGE = "courierFailureMessage";
  /** In a dead-letter queue: how many times the message had been delivered (an int). */
  public static final String DELIVERY_COUNT = "courierDeliveryCount";
  /** In a dead-letter queue: the queue the message came from. */
  public static final String ORIGINAL_QUEUE = "courierOriginalQueue";
  /** In a dead-letter queue: the JMS message id the message had in its queue. */
  public static final String ORIGINAL_MESSAGE_ID = "courierOriginalMessageId";

  /**
   * The property that carries call header {@code name}: {@link #HEADER_PREFIX} then the name, each character
   * other than an ASCII letter, a digit or {@code _} written as {@code $} and its four hexadecimal digits
   * ({@code x-tenant}: {@code courierHeader_x$002dtenant}).
   */
  public static String headerProperty(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("header name: empty (expected: a non-empty name)");
    }
    StringBuilder b = new StringBuilder(HEADER_PREFIX.length() + name.length()).append(HEADER_PREFIX);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
        b.append(c);
      } else {
        b.append('$').append(HEX.charAt(c >> 12)).append(HEX.charAt((c >> 8) & 0xF))
            .append(HEX.charAt((c >> 4) & 0xF)).append(HEX.charAt(c & 0xF));
      }
    }
    return b.toString();
  }

  /**
   * The call header a property carries ({@link #headerProperty(String)} read back), or {@code null} when
   * {@code property} carries no header.
   */
  public static String headerName(String property) {
    if (property == null || !property.startsWith(HEADER_PREFIX) || property.length() == HEADER_PREFIX.length()) {
      return null;
    }
    StringBuilder b = new StringBuilder(property.length() - HEADER_PREFIX.length());
    for (int i = HEADER_PREFIX.length(); i < property.length(); i++) {
      char c = property.charAt(i);
      if (c != '$') {
        b.append(c);
      } else if (i + 4 < property.length()) {
        try {
          b.append((char) Integer.parseInt(property, i + 1, i + 5, 16));
        } catch (NumberFormatException e) {
          return null;
        }
        i += 4;
      } else {
        return null;
      }
    }
    return b.toString();
  }
}
