package dev.courier.io;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Bounded waits for the tests of every module (shared through courier-io's test-jar): a test waits for a
 * condition or an outcome, never for a fixed time.
 *
 * <pre>{@code
 * Eventually.until(() -> target.queuedCount() == 1, "the read to be queued");
 * }</pre>
 */
public final class Eventually {
  /** How long any wait waits at most. */
  public static final Duration LIMIT = Duration.ofSeconds(5);
  private static final long POLL_NANOS = 200_000;

  private Eventually() {}

  /** Polls {@code condition} until it holds; fails, naming {@code what}, after {@link #LIMIT}. */
  public static void until(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + LIMIT.toSeconds() + " s: " + what);
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  /** The future's failure, unwrapped; fails when it succeeds or does not end within {@link #LIMIT}. */
  public static Throwable failureOf(Future<?> future) throws InterruptedException, TimeoutException {
    try {
      Object value = future.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("expected a failure, got " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (CancellationException e) {
      return e;
    }
  }
}
