package dev.courier.io.internal;

import dev.courier.io.CallbackFailureHandler;
import dev.courier.io.IoClock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.PriorityQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The system clock: {@link System#nanoTime()}, {@link Instant#now()} and one daemon timer thread.
 *
 * <p>Built for timeouts that are nearly always cancelled: scheduling wakes the timer thread only when the
 * new task is due before the thread's planned wake-up, and a cancel only marks its task, which the thread
 * drops when it reaches it (or a purge drops, once cancelled tasks are half the queue). A call with the
 * usual long timeout thus costs a queue insert and a flag, not a thread wake-up, and its cancel takes no lock
 * (but for the one cancel in many that purges).
 */
public final class SystemClock implements IoClock {
  /** The shared instance. */
  public static final SystemClock INSTANCE = new SystemClock();
  private static final int PURGE_AT_LEAST = 1024;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final PriorityQueue<Task> queue = new PriorityQueue<>();   // guarded by lock
  private long wakeAt = Long.MAX_VALUE;                              // guarded by lock; when the thread wakes by itself
  private long sequence;                                             // guarded by lock
  /** Cancelled tasks still in the queue: counted without the lock, so that a cancel takes none. */
  private final java.util.concurrent.atomic.AtomicInteger cancelledInQueue = new java.util.concurrent.atomic.AtomicInteger();

  private SystemClock() {
    Thread t = new Thread(this::loop, "courier-timer");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Instant instant() {
    return Instant.now();
  }

  @Override
  public Scheduled schedule(Runnable task, long delayNanos) {
    long due = System.nanoTime() + Math.max(0, delayNanos);
    lock.lock();
    try {
      Task t = new Task(due, sequence++, task);
      queue.add(t);
      if (due - wakeAt < 0) {
        changed.signal();
      }
      return t;
    } finally {
      lock.unlock();
    }
  }

  /** The tasks in the queue, cancelled ones not yet dropped included: what the timer holds on to. */
  public int queued() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  private void loop() {
    lock.lock();
    try {
      for (;;) {
        Task head = queue.peek();
        if (head == null) {
          wakeAt = Long.MAX_VALUE;
          changed.awaitUninterruptibly();
          continue;
        }
        if (head.state == Task.CANCELLED) {
          queue.poll();
          cancelledInQueue.decrementAndGet();
          continue;
        }
        long now = System.nanoTime();
        long wait = head.due - now;
        if (wait > 0) {
          wakeAt = head.due;
          try {
            changed.awaitNanos(wait);
          } catch (InterruptedException ignored) {
            // the timer thread is never interrupted on purpose; carry on
          }
          continue;
        }
        queue.poll();
        if (!Task.STATE.compareAndSet(head, Task.PENDING, Task.RAN)) {
          cancelledInQueue.decrementAndGet();     // cancelled between the check and now
          continue;
        }
        wakeAt = Long.MIN_VALUE;  // busy: a new task never needs to wake the thread now
        lock.unlock();
        try {
          head.runnable.run();
        } catch (RuntimeException | Error e) {
          CallbackFailureHandler.report("timer task " + head.runnable, e);
        } finally {
          lock.lock();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** A task was cancelled, and the queue holds {@code cancelled} such: every so many, a purge may pay. */
  private void cancelled(int cancelled) {
    if (cancelled < PURGE_AT_LEAST || (cancelled & (PURGE_AT_LEAST - 1)) != 0) {
      return;                   // below the threshold, or not a multiple of it: the lock is not worth taking
    }
    lock.lock();
    try {
      if (cancelledInQueue.get() * 2 >= queue.size()) {
        int removed = 0;
        for (java.util.Iterator<Task> it = queue.iterator(); it.hasNext(); ) {
          if (it.next().state == Task.CANCELLED) {
            it.remove();
            removed++;
          }
        }
        cancelledInQueue.addAndGet(-removed);
      }
    } finally {
      lock.unlock();
    }
  }

  private final class Task implements Scheduled, Comparable<Task> {
    static final int PENDING = 0;
    static final int RAN = 1;
    static final int CANCELLED = 2;
    static final VarHandle STATE;

    static {
      try {
        STATE = MethodHandles.lookup().findVarHandle(Task.class, "state", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final long due;
    final long order;
    final Runnable runnable;
    volatile int state;

    Task(long due, long order, Runnable runnable) {
      this.due = due;
      this.order = order;
      this.runnable = runnable;
    }

    @Override
    public boolean cancel() {
      int cancelled = cancelledInQueue.incrementAndGet();   // counted before anyone can see it cancelled and drop it
      if (!STATE.compareAndSet(this, PENDING, CANCELLED)) {
        cancelledInQueue.decrementAndGet();
        return false;
      }
      cancelled(cancelled);
      return true;
    }

    @Override
    public int compareTo(Task o) {
      int c = Long.compare(due - o.due, 0);
      return c != 0 ? c : Long.compare(order, o.order);
    }
  }
}
