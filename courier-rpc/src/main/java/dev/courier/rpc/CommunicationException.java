package dev.courier.rpc;

/**
 * A call failed in transport: the channel or host is closed, the connection broke, the message could not
 * be delivered. {@link #mayHaveReachedService()} says whether the service may have run the call.
 */
public class CommunicationException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final boolean mayHaveReachedService;

  /** An exception saying what failed and whether the request may have reached the service. */
  public CommunicationException(String message, boolean mayHaveReachedService) {
    this(message, mayHaveReachedService, null);
  }

  /** The same, with a cause. */
  public CommunicationException(String message, boolean mayHaveReachedService, Throwable cause) {
    super(message, cause);
    this.mayHaveReachedService = mayHaveReachedService;
  }

  /** Whether the service may have received the request (false: it certainly did not; safe to retry). */
  public boolean mayHaveReachedService() {
    return mayHaveReachedService;
  }
}
