package dev.courier.rpc;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Lets one call at a time into a service instance (ConcurrencyMode SINGLE and REENTRANT) without holding
 * a thread: a call that finds the gate taken waits in a FIFO as a task, and starts on the executor when
 * the gate is handed to it. A reentrant call that resumes after an outgoing call goes to the front.
 */
final class InstanceGate {
  private final Executor executor;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();   // guarded by this
  private boolean held;                                             // guarded by this

  InstanceGate(Executor executor) {
    this.executor = executor;
  }

  /** Runs {@code start} now (on this thread) if the gate is free, else when it is handed over. */
  void enter(Runnable start) {
    synchronized (this) {
      if (held) {
        waiting.addLast(start);
        return;
      }
      held = true;
    }
    start.run();
  }

  /** Like {@link #enter}, for a call resuming after it let others in: it goes first. */
  void reenter(Runnable resume) {
    synchronized (this) {
      if (held) {
        waiting.addFirst(resume);
        return;
      }
      held = true;
    }
    resume.run();
  }

  /** The holder is done: hands the gate to the next waiter, which starts on the executor. */
  void exit() {
    Runnable next;
    synchronized (this) {
      next = waiting.pollFirst();
      if (next == null) {
        held = false;
        return;
      }
    }
    executor.execute(next);
  }
}
