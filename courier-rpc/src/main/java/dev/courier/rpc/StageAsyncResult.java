package dev.courier.rpc;

import dev.courier.io.CallbackFailureHandler;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/** An {@link AsyncResult} over a future: the Begin/End handle of client calls and of services built with {@link AsyncResult#of}. */
final class StageAsyncResult implements AsyncResult {
  private final CompletableFuture<Object> future = new CompletableFuture<>();
  private final Object state;
  private final Runnable canceller;
  private final boolean completedSynchronously;

  private StageAsyncResult(CompletionStage<?> stage, AsyncCallback callback, Object state, Runnable canceller) {
    this.state = state;
    this.canceller = canceller;
    CompletableFuture<?> view = stage.toCompletableFuture();
    this.completedSynchronously = view.isDone();
    stage.whenComplete((value, error) -> {
      if (error != null) {
        future.completeExceptionally(unwrap(error));
      } else {
        future.complete(value);
      }
      if (callback != null) {
        try {
          callback.completed(this);
        } catch (RuntimeException | Error e) {
          CallbackFailureHandler.report("AsyncCallback of " + this, e);
        }
      }
    });
  }

  static StageAsyncResult of(CompletionStage<?> stage, AsyncCallback callback, Object state) {
    return new StageAsyncResult(stage, callback, state, null);
  }

  static StageAsyncResult of(CompletionStage<?> stage, AsyncCallback callback, Object state, Runnable canceller) {
    return new StageAsyncResult(stage, callback, state, canceller);
  }

  /** Runs {@code action} once the handle has completed (at once, on this thread, when it has). */
  void whenDone(Runnable action) {
    future.whenComplete((value, error) -> action.run());
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  @Override
  public boolean isCompleted() {
    return future.isDone();
  }

  @Override
  public boolean completedSynchronously() {
    return completedSynchronously;
  }

  @Override
  public Object asyncState() {
    return state;
  }

  @Override
  public Object join() {
    try {
      return future.join();
    } catch (CancellationException e) {
      throw e;
    } catch (CompletionException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  @Override
  public boolean cancel() {
    if (future.isDone()) {
      return false;
    }
    if (canceller != null) {
      canceller.run();
      return true;
    }
    return future.completeExceptionally(new CancellationException("cancelled by AsyncResult.cancel()"));
  }

  @Override
  public String toString() {
    return "AsyncResult[" + (isCompleted() ? "completed" : "pending") + ", state=" + state + "]";
  }
}
