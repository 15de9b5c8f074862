package dev.courier.io;

/**
 * Called when a presented request that its handler marked cancelable is cancelled by its sender
 * ({@code EVT_WDF_REQUEST_CANCEL}).
 *
 * <pre>{@code
 * IoStatus marked = request.markCancelable(r -> r.complete(IoStatus.CANCELLED));
 * if (marked.equals(IoStatus.CANCELLED)) request.complete(IoStatus.CANCELLED);  // cancelled already
 * }</pre>
 *
 * <p>The routine runs at most once, on the cancelling thread, with no framework lock held, and owns
 * the request: it completes it. After a routine has been claimed by a cancel,
 * {@link IoRequest#unmarkCancelable()} returns {@link IoStatus#CANCELLED}, whether the routine has
 * run yet or not, and the handler must leave the request to the routine.
 */
@FunctionalInterface
public interface CancelRoutine {

  /** Handles the cancellation of {@code request}; normally completes it with {@link IoStatus#CANCELLED}. */
  void onCancel(IoRequest request);
}
