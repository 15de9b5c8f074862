package dev.courier.rpc;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Caps the calls a host runs at once (maxConcurrentCalls): excess calls wait in a FIFO, as tasks, and
 * start on the executor as running calls finish. Tracks the peak for observation.
 */
final class CallThrottle {
  private final int max;
  private final Executor executor;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();  // guarded by this
  private int running;                                             // guarded by this
  private int peak;                                                // guarded by this

  CallThrottle(int max, Executor executor) {
    this.max = max;
    this.executor = executor;
  }

  void admit(Runnable start) {
    synchronized (this) {
      if (running >= max) {
        waiting.addLast(start);
        return;
      }
      running++;
      peak = Math.max(peak, running);
    }
    start.run();
  }

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
