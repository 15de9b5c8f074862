package dev.courier.rpc;

import java.time.Duration;

/** A call did not complete before its deadline; the request was cancelled. */
public class CallTimeoutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception naming the operation and the timeout it ran out of. */
  public CallTimeoutException(String operation, Duration timeout) {
    super("operation " + operation + " did not complete within " + timeout);
  }

  /** An exception with a message of its own. */
  public CallTimeoutException(String message) {
    super(message);
  }
}
