package dev.courier.io;

import dev.courier.io.internal.SystemClock;
import java.time.Instant;

/**
 * The time source and timer behind request timeouts; inject a manual one to test timeouts without
 * sleeping.
 *
 * <pre>{@code
 * IoTarget target = device.openTarget(IoClock.system());
 * }</pre>
 *
 * <p>Threading: {@link #schedule} never runs the task inside the call; tasks run on the clock's timer
 * thread (for a manual clock, on the thread that advances it) and must not block.
 */
public interface IoClock {

  /** A monotonic time in nanoseconds, for relative timeouts. */
  long nanoTime();

  /** The wall-clock time, for absolute deadlines. */
  Instant instant();

  /** Runs {@code task} once after {@code delayNanos}; the returned handle cancels it. */
  Scheduled schedule(Runnable task, long delayNanos);

  /** A task scheduled on a clock. */
  @FunctionalInterface
  interface Scheduled {
    /** Stops the task if it has not started; returns whether it was stopped. */
    boolean cancel();
  }

  /** The system clock with one shared daemon timer thread. */
  static IoClock system() {
    return SystemClock.INSTANCE;
  }
}
