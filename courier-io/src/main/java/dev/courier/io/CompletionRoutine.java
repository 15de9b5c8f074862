package dev.courier.io;

/**
 * Called once when a sent request completes ({@code EVT_WDF_REQUEST_COMPLETION_ROUTINE}).
 *
 * <pre>{@code
 * request.setCompletionRoutine((req, target, params, ctx) -> {
 *   if (params.status().isSuccess()) ctx.bytes.add(params.information());
 * }, context);
 * }</pre>
 *
 * <p>Threading: the routine runs on the thread that completes the request, which may be inside
 * {@link IoRequest#send}, inside {@link IoRequest#cancelSentRequest}, on a timer or device thread, or on
 * the thread that stops, purges or closes the target; {@link SendOptions.Builder#completionExecutor}
 * moves it to an executor. It runs with no framework lock held and must not block: a synchronous send,
 * a waiting stop or purge, or a close from inside it throws {@link IllegalStateException}.
 *
 * <p>The registration is consumed by the completion it is called for. Inside the routine the request is
 * already {@link IoRequest.State#COMPLETED}, so the routine may reuse, reformat, change target,
 * register a routine again and resend it.
 *
 * @param <C> the type of the context registered with the routine
 */
@FunctionalInterface
public interface CompletionRoutine<C> {

  /**
   * Handles a completion.
   *
   * @param request the completed request
   * @param target the target the request was sent to
   * @param params the completion parameters: type, status, information and the format's buffers
   * @param context the context registered with the routine
   */
  void onCompletion(IoRequest request, IoTarget target, IoCompletionParams params, C context);
}
