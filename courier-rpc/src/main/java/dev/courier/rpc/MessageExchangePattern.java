package dev.courier.rpc;

/** How the messages of one operation are exchanged. Duplex is a property of the contract (its callback contract). */
public enum MessageExchangePattern {
  /** A request and its correlated reply or fault. */
  REQUEST_REPLY,
  /** A request with no reply: the caller returns once the message is accepted, and service errors do not travel back. */
  ONE_WAY
}
