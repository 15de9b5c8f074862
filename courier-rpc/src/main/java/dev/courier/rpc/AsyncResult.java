package dev.courier.rpc;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The handle of a Begin/End operation in flight ({@code IAsyncResult}).
 *
 * <pre>{@code
 * AsyncResult pending = calc.beginAdd(1, 2, null, "first");
 * int sum = calc.endAdd(pending);            // waits, then returns or throws the call's exception
 * }</pre>
 *
 * <p>A service that implements an operation as a Begin/End pair builds its handle with
 * {@link #of(CompletionStage, AsyncCallback, Object)} and returns {@link #join()} from {@code endOp}.
 *
 * <p>Threading: all methods are thread safe; the callback runs once, on the completing thread.
 */
public interface AsyncResult {

  /** Whether the operation has completed. */
  boolean isCompleted();

  /** Whether the operation completed inside the {@code beginOp} call. */
  boolean completedSynchronously();

  /** The state object passed to {@code beginOp}. */
  Object asyncState();

  /** Waits for completion, then returns the result or throws the operation's exception as it is. */
  Object join();

  /** Cancels the operation; returns whether the cancel reached it before it completed. */
  boolean cancel();

  /** A handle that completes with {@code stage} and then calls {@code callback} (when not null) once. */
  static AsyncResult of(CompletionStage<?> stage, AsyncCallback callback, Object state) {
    return StageAsyncResult.of(Objects.requireNonNull(stage, "stage"), callback, state);
  }
}
