package dev.courier.rpc;

/**
 * Receives the completion of an event-based call ({@code OpCompletedEventHandler}), on the event executor
 * chosen for the channel (a UI thread, say). What it throws goes to {@link dev.courier.io.CallbackFailureHandler}.
 *
 * <p>An operation has at most one listener per channel, set with {@code onOpCompleted(listener)}: setting
 * another while one is set throws {@link IllegalStateException} (setting the same one again changes nothing),
 * and {@code onOpCompleted(null)} removes it. A call {@code opAsync(args, userState)} made while no listener is
 * set throws {@link IllegalStateException} and is not sent, since nothing would hear its completion. A call's
 * completion goes to the listener set when it completes: removing the listener while calls are in flight
 * leaves their completions unreported, unless another is set before they complete.
 *
 * @param <R> the operation's result type
 */
@FunctionalInterface
public interface CompletedListener<R> {
  /** An event-based call of the operation completed. */
  void completed(CompletedEvent<R> event);
}
