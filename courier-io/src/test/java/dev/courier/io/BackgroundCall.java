package dev.courier.io;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/**
 * A call run on a thread of its own, so that a test can show it blocks, or that it returns without
 * blocking. Every wait gives up after {@link #LIMIT} and polls; nothing sleeps.
 */
final class BackgroundCall<T> {
  /** How long any wait of this class waits at most. */
  static final Duration LIMIT = Eventually.LIMIT;
  private static final long POLL_NANOS = 200_000;

  /** A call that returns nothing and may throw. */
  @FunctionalInterface
  interface Action {
    void run() throws Exception;
  }

  private final Thread thread;
  private volatile T result;
  private volatile Throwable failure;
  private volatile boolean returned;

  private BackgroundCall(String name, Callable<T> call) {
    thread = new Thread(() -> {
      try {
        result = call.call();
        returned = true;
      } catch (Throwable e) {
        failure = e;
      }
    }, name);
    thread.setDaemon(true);
  }

  /** Starts {@code call} on a new daemon thread called {@code name}. */
  static <T> BackgroundCall<T> start(String name, Callable<T> call) {
    BackgroundCall<T> c = new BackgroundCall<>(name, call);
    c.thread.start();
    return c;
  }

  /** Starts {@code action}, which returns nothing, on a new daemon thread called {@code name}. */
  static BackgroundCall<Void> start(String name, Action action) {
    return start(name, () -> {
      action.run();
      return null;
    });
  }

  Thread thread() {
    return thread;
  }

  /** Whether the call has returned normally. */
  boolean hasReturned() {
    return returned;
  }

  /**
   * Waits until the thread is blocked (WAITING or TIMED_WAITING); fails if it ends or {@link #LIMIT} passes
   * first.
   */
  BackgroundCall<T> awaitBlocked() {
    if (!awaitBlockedOrDone()) {
      throw new AssertionError(thread.getName() + " should block, but it ended (failure: " + failure + ")", failure);
    }
    return this;
  }

  /**
   * Waits until the thread is blocked (true) or has ended (false); fails if neither happens within
   * {@link #LIMIT}.
   */
  boolean awaitBlockedOrDone() {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    for (;;) {
      Thread.State s = thread.getState();
      if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
        return true;
      }
      if (s == Thread.State.TERMINATED) {
        return false;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            thread.getName() + " neither blocked nor ended within " + LIMIT.toSeconds() + " s (state " + s + ")");
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  /**
   * Waits up to {@link #LIMIT} for the call to end and returns its result (null for an {@link Action});
   * rethrows what it threw; fails if it is still running.
   */
  T join() throws Exception {
    // join's answer, not isAlive(): a thread that join saw end may still be "alive" for a moment after
    if (!thread.join(LIMIT)) {
      throw new AssertionError(thread.getName() + " still running after " + LIMIT.toSeconds()
          + " s (state " + thread.getState() + "; deadlock?)");
    }
    Throwable e = failure;
    if (e instanceof Exception ex) {
      throw ex;
    }
    if (e instanceof Error err) {
      throw err;
    }
    return result;
  }
}
