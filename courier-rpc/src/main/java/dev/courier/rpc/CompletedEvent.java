package dev.courier.rpc;

import java.util.concurrent.CancellationException;

/**
 * What an event-based call reports when it completes ({@code AsyncCompletedEventArgs}).
 *
 * <pre>{@code
 * calc.onAddCompleted(e -> {
 *   if (e.error() == null && !e.cancelled()) label.setText("sum: " + e.result());
 * });
 * calc.addAsync(1, 2, "row 7");
 * }</pre>
 *
 * @param <R> the operation's result type
 */
public final class CompletedEvent<R> {
  private final R result;
  private final RuntimeException error;
  private final boolean cancelled;
  private final Object userState;

  private CompletedEvent(R result, RuntimeException error, boolean cancelled, Object userState) {
    this.result = result;
    this.error = error;
    this.cancelled = cancelled;
    this.userState = userState;
  }

  /** A successful completion. */
  public static <R> CompletedEvent<R> succeeded(R result, Object userState) {
    return new CompletedEvent<>(result, null, false, userState);
  }

  /** A failed or cancelled completion; cancelled when {@code error} is a {@link CancellationException}. */
  public static <R> CompletedEvent<R> failed(RuntimeException error, Object userState) {
    return new CompletedEvent<>(null, error, error instanceof CancellationException, userState);
  }

  /** The result; throws the call's exception when it failed or was cancelled. */
  public R result() {
    if (error != null) {
      throw error;
    }
    return result;
  }

  /** The call's exception (the same a synchronous call would throw), or {@code null}. */
  public RuntimeException error() {
    return error;
  }

  /** Whether the call was cancelled. */
  public boolean cancelled() {
    return cancelled;
  }

  /** The user state passed to {@code opAsync}. */
  public Object userState() {
    return userState;
  }

  @Override
  public String toString() {
    return "CompletedEvent[" + (cancelled ? "cancelled" : error != null ? "error=" + error : "result=" + result)
        + ", userState=" + userState + "]";
  }
}
