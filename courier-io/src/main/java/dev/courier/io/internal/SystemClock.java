package dev.courier.io.internal;

import dev.courier.io.CallbackFailureHandler;
import dev.courier.io.IoClock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The system clock: {@link System#nanoTime()}, {@link Instant#now()} and one daemon timer thread.
 *
 * <p>Built for timeouts that are nearly always cancelled, one per call on each side: a task due after the
 * timer thread's planned wake-up (the usual long timeout) is pushed on a lock-free stack, which the thread
 * sorts into its queue when it wakes; only a task due sooner takes the lock and wakes the thread. A cancel
 * only marks its task, which the thread drops when it reaches it; every {@value #PURGE_AT_LEAST} cancels, the
 * cancelling thread takes the lock once to sort the stack in and, when cancelled tasks are half the queue,
 * drop them. So a call with the usual long timeout costs an allocation and two atomic updates, no lock.
 *
 * <p>Threading: thread safe; tasks run on the thread {@code courier-timer}, one at a time, due first (tasks
 * due at the same nanosecond in no set order).
 */
public final class SystemClock implements IoClock {
  /** The shared instance. */
  public static final SystemClock INSTANCE = new SystemClock();
  private static final int PURGE_AT_LEAST = 1024;
  /** {@link #wakeAt} while the thread waits for a first task: any task wakes it. */
  private static final long NEVER = Long.MAX_VALUE;
  /** {@link #wakeAt} while the thread runs tasks: it sorts the stack in before it waits again. */
  private static final long BUSY = Long.MIN_VALUE;
  private static final VarHandle PENDING;

  static {
    try {
      PENDING = MethodHandles.lookup().findVarHandle(SystemClock.class, "pending", Task.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final PriorityQueue<Task> queue = new PriorityQueue<>();   // guarded by lock
  /** The tasks scheduled and not yet in the queue, last first, linked by {@link Task#next}. */
  @SuppressWarnings("unused")     // through PENDING
  private volatile Task pending;
  /** When the thread wakes by itself, or {@link #NEVER}, or {@link #BUSY}. Written under the lock. */
  private volatile long wakeAt = NEVER;
  /** Cancelled tasks still in the queue or the stack: counted without the lock, so that a cancel takes none. */
  private final AtomicInteger cancelledInQueue = new AtomicInteger();

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
    Task t = new Task(due, task);
    for (Task head = pending; ; head = pending) {
      t.next = head;
      if (PENDING.compareAndSet(this, head, t)) {
        break;
      }
    }
    // Pushed before wakeAt is read, as the thread writes wakeAt before it looks at the stack a last time: a task
    // due before the planned wake-up is seen by one or the other.
    long w = wakeAt;
    if (w != BUSY && (w == NEVER || due - w < 0)) {
      lock.lock();
      try {
        changed.signal();
      } finally {
        lock.unlock();
      }
    }
    return t;
  }

  /** The tasks the timer holds, cancelled ones not yet dropped included. */
  public int queued() {
    lock.lock();
    try {
      sortPendingIn();
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Moves the stack's tasks into the queue, dropping those cancelled already. Under the lock. */
  private void sortPendingIn() {
    Task t = (Task) PENDING.getAndSet(this, null);
    int dropped = 0;
    while (t != null) {
      Task next = t.next;
      t.next = null;
      if (t.state == Task.CANCELLED) {
        dropped++;
      } else {
        queue.add(t);
      }
      t = next;
    }
    if (dropped > 0) {
      cancelledInQueue.addAndGet(-dropped);
    }
  }

  private void loop() {
    lock.lock();
    try {
      for (;;) {
        sortPendingIn();
        Task head = queue.peek();
        if (head == null) {
          wakeAt = NEVER;
          if (pending == null) {
            changed.awaitUninterruptibly();
          }
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
          if (pending == null) {     // a task pushed before wakeAt was written: sorted in first
            try {
              changed.awaitNanos(wait);
            } catch (InterruptedException ignored) {
              // the timer thread is never interrupted on purpose; carry on
            }
          }
          continue;
        }
        queue.poll();
        if (!Task.STATE.compareAndSet(head, Task.PENDING, Task.RAN)) {
          cancelledInQueue.decrementAndGet();     // cancelled between the check and now
          continue;
        }
        wakeAt = BUSY;            // a new task never needs to wake the thread now
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

  /** A task was cancelled, and the timer holds {@code cancelled} such: every so many, a purge may pay. */
  private void cancelled(int cancelled) {
    if (cancelled < PURGE_AT_LEAST || (cancelled & (PURGE_AT_LEAST - 1)) != 0) {
      return;                   // below the threshold, or not a multiple of it: the lock is not worth taking
    }
    lock.lock();
    try {
      sortPendingIn();
      if (cancelledInQueue.get() * 2 >= queue.size()) {
        int before = queue.size();
        queue.removeIf(t -> t.state == Task.CANCELLED);
        cancelledInQueue.addAndGet(queue.size() - before);
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
    final Runnable runnable;
    volatile int state;
    Task next;                  // in the stack of tasks not yet in the queue

    Task(long due, Runnable runnable) {
      this.due = due;
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
      return Long.compare(due - o.due, 0);
    }
  }
}
