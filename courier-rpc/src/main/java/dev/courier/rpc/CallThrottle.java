package dev.courier.rpc;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Caps the calls that run at once without holding a thread: excess calls wait in a FIFO, as tasks, and
 * start on the executor as running calls finish. A host's maxConcurrentCalls is one; a service instance's
 * gate ({@link InstanceGate}) is one of one. Tracks the peak for observation.
 */
class CallThrottle {
  private final int max;
  private final Executor executor;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();  // guarded by this
  private int running;                                             // guarded by this
  private int peak;                                                // guarded by this

  CallThrottle(int max, Executor executor) {
    this.max = max;
    this.executor = executor;
  }

  /** Runs {@code start} now (on this thread) if under the cap, else when a running call hands over its place. */
  void admit(Runnable start) {
    admit(start, false);
  }

  /** Like {@link #admit}, but ahead of every waiting call. */
  void admitFirst(Runnable start) {
    admit(start, true);
  }

  private void admit(Runnable start, boolean first) {
    synchronized (this) {
      if (running >= max) {
        if (first) {
          waiting.addFirst(start);
        } else {
          waiting.addLast(start);
        }
        return;
      }
      running++;
      peak = Math.max(peak, running);
    }
    start.run();
  }

  /** A running call is done: its place goes to the next waiting call, which starts on the executor. */
  void release() {
    Runnable next;
    synchronized (this) {
      next = waiting.pollFirst();
      if (next == null) {
        running--;
        return;
      }
    }
    executor.execute(next);
  }

  synchronized int running() {
    return running;
  }

  synchronized int peak() {
    return peak;
  }

  synchronized int waiting() {
    return waiting.size();
  }
}
