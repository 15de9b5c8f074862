package dev.courier.io;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Bounded waits for tests that show a call blocks: every wait gives up after {@link #LIMIT}. */
final class BoundedWaits {
  static final Duration LIMIT = Duration.ofSeconds(5);

  private BoundedWaits() {}

  /** Polls {@code condition} until it holds; fails after {@link #LIMIT}. */
  static void until(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + LIMIT.toSeconds() + " s: " + what);
      }
      LockSupport.parkNanos(200_000);
    }
  }

  /** Waits until {@code thread} is parked or waiting on a monitor (it has blocked). */
  static void untilBlocked(Thread thread) {
    until(() -> {
      Thread.State s = thread.getState();
      return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
    }, thread.getName() + " to block (it is " + thread.getState() + ")");
  }

  /** Joins {@code thread}; fails if it is still running after {@link #LIMIT}. */
  static void join(Thread thread) throws InterruptedException {
    thread.join(LIMIT);
    if (thread.isAlive()) {
      throw new AssertionError(thread.getName() + " still running after " + LIMIT.toSeconds() + " s (deadlock?)");
    }
  }

  /** A call running on its own thread; {@link #get()} joins it with the bound and returns its result. */
  static final class Background<T> {
    private final Thread thread;
    private volatile T result;
    private volatile Throwable error;
    private volatile boolean returned;

    private Background(String name, Callable<T> call) {
      thread = new Thread(() -> {
        try {
          result = call.call();
          returned = true;
        } catch (Throwable e) {
          error = e;
        }
      }, name);
      thread.setDaemon(true);
    }

    static <T> Background<T> start(String name, Callable<T> call) {
      Background<T> b = new Background<>(name, call);
      b.thread.start();
      return b;
    }

    Thread thread() {
      return thread;
    }

    /** Whether the call has returned (normally). */
    boolean hasReturned() {
      return returned;
    }

    /** Waits until the call has blocked. */
    Background<T> awaitBlocked() {
      untilBlocked(thread);
      return this;
    }

    /** Joins with the bound; rethrows what the call threw. */
    T get() throws Exception {
      join(thread);
      Throwable e = error;
      if (e instanceof Exception ex) {
        throw ex;
      }
      if (e instanceof Error err) {
        throw err;
      }
      return result;
    }
  }
}
