package dev.courier.io;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A clock whose time moves only when a test advances it; due timer tasks run on the advancing thread. */
public final class ManualClock implements IoClock {
  private final Object lock = new Object();
  private final List<Task> tasks = new ArrayList<>();
  private long nanos;
  private Instant wall = Instant.parse("2026-11-21T00:00:00Z");
  private long sequence;

  private static final class Task {
    final long due;
    final long order;
    final Runnable runnable;
    boolean cancelled;

    Task(long due, long order, Runnable runnable) {
      this.due = due;
      this.order = order;
      this.runnable = runnable;
    }
  }

  @Override
  public long nanoTime() {
    synchronized (lock) {
      return nanos;
    }
  }

  @Override
  public Instant instant() {
    synchronized (lock) {
      return wall;
    }
  }

  @Override
  public Scheduled schedule(Runnable task, long delayNanos) {
    synchronized (lock) {
      Task t = new Task(nanos + Math.max(0, delayNanos), sequence++, task);
      tasks.add(t);
      return () -> {
        synchronized (lock) {
          boolean pending = tasks.remove(t);
          t.cancelled = true;
          return pending;
        }
      };
    }
  }

  /** Moves time forward and runs every task that falls due, in order, on this thread. */
  public void advance(Duration d) {
    long target;
    synchronized (lock) {
      target = nanos + d.toNanos();
    }
    for (;;) {
      Task next;
      synchronized (lock) {
        next = tasks.stream()
            .filter(t -> t.due <= target)
            .min(Comparator.<Task>comparingLong(t -> t.due).thenComparingLong(t -> t.order))
            .orElse(null);
        if (next == null) {
          wall = wall.plusNanos(target - nanos);
          nanos = target;
          return;
        }
        tasks.remove(next);
        wall = wall.plusNanos(next.due - nanos);
        nanos = Math.max(nanos, next.due);
      }
      next.runnable.run();
    }
  }

  /** How many tasks are scheduled and not yet run or cancelled. */
  public int scheduledCount() {
    synchronized (lock) {
      return tasks.size();
    }
  }
}
