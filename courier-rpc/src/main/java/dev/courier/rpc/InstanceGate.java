package dev.courier.rpc;

import java.util.concurrent.Executor;

/**
 * Lets one call at a time into a service instance (ConcurrencyMode SINGLE and REENTRANT) without holding
 * a thread: a {@link CallThrottle} of one. A call that finds the gate taken waits in a FIFO as a task, and
 * starts on the executor when the gate is handed to it; a reentrant call that resumes after an outgoing
 * call goes to the front.
 */
final class InstanceGate extends CallThrottle {
  InstanceGate(Executor executor) {
    super(1, executor);
  }

  /** Runs {@code start} now (on this thread) if the gate is free, else when it is handed over. */
  void enter(Runnable start) {
    admit(start);
  }

  /** Like {@link #enter}, for a call resuming after it let others in: it goes first. */
  void reenter(Runnable resume) {
    admitFirst(resume);
  }

  /** The holder is done: hands the gate to the next waiter, which starts on the executor. */
  void exit() {
    release();
  }
}
