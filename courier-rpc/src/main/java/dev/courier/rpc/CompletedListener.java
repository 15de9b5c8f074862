package dev.courier.rpc;

/**
 * Receives the completion of an event-based call ({@code OpCompletedEventHandler}), on the event executor
 * chosen for the channel (a UI thread, say). What it throws goes to {@link dev.courier.io.CallbackFailureHandler}.
 *
 * @param <R> the operation's result type
 */
@FunctionalInterface
public interface CompletedListener<R> {
  /** An event-based call of the operation completed. */
  void completed(CompletedEvent<R> event);
}
