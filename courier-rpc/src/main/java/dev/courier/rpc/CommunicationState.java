package dev.courier.rpc;

/**
 * The state of a channel or a host ({@code CommunicationState}).
 *
 * <pre>
 * CREATED --open--&gt; OPENING --&gt; OPENED --close--&gt; CLOSING --&gt; CLOSED
 *                                   '--abort / fatal error--&gt; FAULTED --abort--&gt; CLOSED
 * </pre>
 */
public enum CommunicationState {
  /** Built, not yet opened. */
  CREATED,
  /** Opening. */
  OPENING,
  /** Open: calls flow. */
  OPENED,
  /** Closing gracefully: calls in flight finish, new ones are refused. */
  CLOSING,
  /** Closed. */
  CLOSED,
  /** Broken (a channel whose connection was lost); only abort is left, and {@code close} aborts. */
  FAULTED
}
