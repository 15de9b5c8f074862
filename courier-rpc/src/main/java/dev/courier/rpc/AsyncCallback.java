package dev.courier.rpc;

/**
 * Called once when a Begin/End operation completes ({@code AsyncCallback}).
 *
 * <pre>{@code
 * calc.beginAdd(1, 2, result -> IO.println(calc.endAdd(result)), null);
 * }</pre>
 *
 * <p>It runs on the thread that completed the call; it must not block, except that calling the
 * matching {@code endOp} inside it returns at once. What it throws goes to
 * {@link dev.courier.io.CallbackFailureHandler}; the call's outcome stays as it was.
 */
@FunctionalInterface
public interface AsyncCallback {
  /** The operation behind {@code result} has completed. */
  void completed(AsyncResult result);
}
