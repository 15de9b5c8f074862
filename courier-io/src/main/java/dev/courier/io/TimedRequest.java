package dev.courier.io;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * The layer of {@link RealIoRequest} that times its sends out. Each send has a generation; a send with a
 * timeout arms a task on its target's clock that, if that send is still in flight when it runs, cancels it
 * and has it complete with {@link IoStatus#IO_TIMEOUT} instead of {@link IoStatus#CANCELLED}.
 *
 * <p>Threading: the sender arms the timer; the clock's thread runs it; the completing thread disarms it, and
 * a target's start drops it from a request it delivers. The slot holding the newest send's task is swapped
 * atomically, so each of them cancels what it takes out.
 */
abstract class TimedRequest extends CancelableRequest {
  private static final VarHandle TIMER = fieldHandle(MethodHandles.lookup(), "timer", TimeoutTask.class);

  private volatile TimeoutTask timer;         // the newest send's armed timeout, or null
  private volatile int timerDropped;          // the generation whose timeout a start dropped
  private volatile boolean timedOut;
  private volatile int generation;

  TimedRequest(Origin origin, RealIoRequest source) {
    super(origin, source);
  }

  /** A send begins: it has not timed out, and it has the next generation, which is returned. */
  final int beginSend() {
    timedOut = false;
    int gen = generation + 1;
    generation = gen;
    return gen;
  }

  /** Whether the send that completes timed out. */
  final boolean timedOut() {
    return timedOut;
  }

  /**
   * Arms the timeout of send {@code gen}. Scheduling may take a while (a clock's own lock), during which this
   * send may complete and the request be sent again from its routine: a timer is installed only over an older
   * send's, and cancels itself when its send completed, or was delivered by a start, before it was installed.
   */
  final void armTimer(RealIoTarget t, SendOptions opts, int gen) {
    IoClock clock = t.clock();
    long delay = opts.deadline() != null
        ? Duration.between(clock.instant(), opts.deadline()).toNanos()
        : opts.timeout().toNanos();
    TimeoutTask task = new TimeoutTask(this, gen);
    task.scheduled = clock.schedule(task, delay);
    for (;;) {
      TimeoutTask current = timer;
      if (current != null && current.generation - gen > 0) {
        task.cancel();      // a later send's timer is armed already
        return;
      }
      if (TIMER.compareAndSet(this, current, task)) {
        if (current != null) {
          current.cancel();   // an earlier send's, left by a send that was still arming it
        }
        break;
      }
    }
    if (generation != gen || unreferenced() || timerDropped == gen) {
      TIMER.compareAndSet(this, task, null);   // completed, or delivered by a start, before the timer was armed
      task.cancel();
    }
  }

  /** Drops the timeout of a queued request that a start delivers (KMDF does not re-arm it). */
  final void dropTimerOnResubmit() {
    if (isSynchronousSend()) {
      return;     // a synchronous caller's wait keeps its timeout
    }
    timerDropped = generation;    // before reading the timer: a send still arming it cancels it itself
    TimeoutTask armed = timer;
    if (armed != null && TIMER.compareAndSet(this, armed, null)) {
      armed.cancel();
    }
  }

  /** Cancels the armed timeout, if any, of a send that completes. */
  final void disarmTimer() {
    if (timer != null) {
      TimeoutTask armed = (TimeoutTask) TIMER.getAndSet(this, (TimeoutTask) null);
      if (armed != null) {
        armed.cancel();
      }
    }
  }

  private void onTimeout(int gen) {
    if (generation != gen || !tryAcquireRef()) {
      return;
    }
    if (generation != gen) {
      releaseRef();
      return;
    }
    timedOut = true;
    cancelHeld();
  }

  /** The timeout of one send; its handle is set once scheduled, before anyone else can see the task. */
  private static final class TimeoutTask implements Runnable {
    final TimedRequest request;
    final int generation;
    volatile IoClock.Scheduled scheduled;

    TimeoutTask(TimedRequest request, int generation) {
      this.request = request;
      this.generation = generation;
    }

    @Override
    public void run() {
      request.onTimeout(generation);
    }

    void cancel() {
      IoClock.Scheduled s = scheduled;
      if (s != null) {
        s.cancel();
      }
    }
  }
}
