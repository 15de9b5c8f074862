package dev.courier.rpc;

/**
 * The Java shapes that can declare one operation, on a client or a service interface.
 *
 * <table>
 *   <caption>Shapes of an operation {@code R op(A a)}</caption>
 *   <tr><th>shape</th><th>client</th><th>service</th></tr>
 *   <tr><td>SYNC</td><td>{@code R op(A a)}</td><td>{@code R op(A a)}, run on a virtual thread</td></tr>
 *   <tr><td>TASK</td><td>{@code CompletableFuture<R> opAsync(A a)}</td><td>{@code CompletionStage<R> opAsync(A a)}</td></tr>
 *   <tr><td>BEGIN_END</td><td colspan="2">{@code AsyncResult beginOp(A a, AsyncCallback cb, Object state)} with {@code R endOp(AsyncResult r)}</td></tr>
 *   <tr><td>EVENT</td><td>{@code void opAsync(A a, Object userState)}, {@code void onOpCompleted(CompletedListener<R> l)},
 *       {@code void cancelAsync(Object userState)}, {@code boolean isBusy()}</td><td>(client only)</td></tr>
 * </table>
 *
 * <p>A client and a service choose their shapes independently: a client that declares only
 * {@code opAsync} calls a service that implements only {@code op}. When a service implements an
 * operation in several shapes, the dispatcher runs the first of TASK, BEGIN_END, SYNC that it has:
 * the shapes that hold no thread while they wait come first.
 */
public enum OperationShape {
  /** A blocking method returning the result. */
  SYNC,
  /** A method returning a future of the result. */
  TASK,
  /** A {@code beginOp}/{@code endOp} pair. */
  BEGIN_END,
  /**
   * An {@code opAsync(args, userState)} method whose result arrives as an event (client only), to the one
   * listener set with {@code onOpCompleted}; a call without a listener is refused (see {@link CompletedListener}).
   */
  EVENT
}
