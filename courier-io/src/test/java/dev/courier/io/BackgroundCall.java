package dev.courier.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A call run on a thread of its own, so that a test can show it blocks: every wait is bounded (5 s) and
 * polls the thread's state, with no sleeping.
 */
final class BackgroundCall {
  private static final long LIMIT_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** A call that may throw. */
  @FunctionalInterface
  interface Call {
    void run() throws Exception;
  }

  private final Thread thread;
  private volatile Throwable failure;
  private volatile boolean returned;

  private BackgroundCall(String name, Call call) {
    this.thread = new Thread(() -> {
      try {
        call.run();
        returned = true;
      } catch (Throwable t) {
        failure = t;
      }
    }, name);
    this.thread.setDaemon(true);
  }

  /** Starts {@code call} on a new thread called {@code name}. */
  static BackgroundCall start(String name, Call call) {
    BackgroundCall c = new BackgroundCall(name, call);
    c.thread.start();
    return c;
  }

  Thread thread() {
    return thread;
  }

  /** Whether the call has returned normally. */
  boolean returned() {
    return returned;
  }

  /** Waits until the thread is blocked (WAITING or TIMED_WAITING); fails if it ends or 5 s pass first. */
  void awaitBlocked() {
    assertThat(awaitBlockedOrDone())
        .as("%s should block, but it ended (failure: %s)", thread.getName(), failure)
        .isTrue();
  }

  /**
   * Waits until the thread is blocked (true) or has ended (false); fails if neither happens within 5 s.
   */
  boolean awaitBlockedOrDone() {
    long deadline = System.nanoTime() + LIMIT_NANOS;
    for (;;) {
      Thread.State s = thread.getState();
      if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
        return true;
      }
      if (s == Thread.State.TERMINATED) {
        return false;
      }
      if (System.nanoTime() - deadline > 0) {
        return fail("%s neither blocked nor ended within 5 s (state %s)", thread.getName(), s);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  /** Waits up to 5 s for the call to return, and rethrows what it threw. */
  void join() throws InterruptedException {
    thread.join(TimeUnit.NANOSECONDS.toMillis(LIMIT_NANOS));
    if (thread.isAlive()) {
      fail("%s did not return within 5 s (state %s)", thread.getName(), thread.getState());
    }
    Throwable t = failure;
    if (t instanceof Error e) {
      throw e;
    }
    if (t != null) {
      throw new AssertionError(thread.getName() + " threw", t);
    }
    assertThat(returned).isTrue();
  }
}
