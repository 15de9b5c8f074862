package dev.courier.rpc;

import dev.courier.rpc.inprocess.InProcessBinding;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Unique in-process addresses and bounded waits for the courier-rpc tests. Nothing sleeps. */
final class RpcTestSupport {
  /** How long any wait waits at most. */
  static final Duration LIMIT = Duration.ofSeconds(5);
  static final InProcessBinding INPROC = InProcessBinding.create();
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final long POLL_NANOS = 200_000;

  private RpcTestSupport() {}

  /** An {@code inproc://} address no other test uses. */
  static String address(String name) {
    return "inproc://" + name + "-" + COUNTER.incrementAndGet();
  }

  /** Polls {@code condition} until it holds; fails after {@link #LIMIT}. */
  static void until(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + LIMIT.toSeconds() + " s: " + what);
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  /** The future's value, waiting at most {@link #LIMIT}. */
  static <T> T await(Future<T> future) throws ExecutionException, InterruptedException, TimeoutException {
    return future.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The future's failure, unwrapped from the {@link ExecutionException}; fails when it succeeds or hangs. */
  static Throwable failureOf(Future<?> future) throws InterruptedException, TimeoutException {
    try {
      Object value = future.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError("expected a failure, got " + value);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (java.util.concurrent.CancellationException e) {
      return e;
    }
  }
}
