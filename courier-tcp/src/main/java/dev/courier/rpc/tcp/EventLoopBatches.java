package dev.courier.rpc.tcp;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where one connection's user code runs off the event loop by default, on virtual threads: the completions of
 * its asynchronous calls (without {@code directCompletions()}), and the incoming calls of a host that has no
 * executor of its own (without {@code directDispatch()}).
 *
 * <p>A task handed over on the event loop joins the others of the same pass of the loop (one read of the
 * connection yields the replies, or the calls, of many); at the end of the pass, one virtual thread runs them
 * all, in the order they came, rather than one thread each: a thread started and parked per call is most of
 * what a call's hand-off costs. A task handed over on any other thread (a deadline, a cancel, a call the
 * host's throttle let in later) gets a virtual thread of its own at once.
 *
 * <p>One task's code may block: a service on I/O or a lock, or a completion on a synchronous call, or on
 * another completion (a callback that waits for the future of another call), which may be later in the same
 * batch, so that the batch's thread would wait for itself. So at the end of each pass the event loop looks at the batches still running,
 * and one whose thread is blocked (parked, waiting or sleeping) gets one more thread, which takes the tasks not
 * yet started; and every {@link #STALL_CHECK_MILLIS} ms, for a connection that has no more passes, a batch
 * that started no task since the last look gets one too. From then on that batch's tasks may run out of order,
 * as they would on a thread each. Every task runs exactly once: a thread claims a task before it runs it.
 */
final class EventLoopBatches implements Executor {
  /** How often the event loop looks for a batch whose thread is stuck in one of its tasks. */
  static final long STALL_CHECK_MILLIS = 20;

  private final Executor threads;                       // a virtual thread per task
  private final long stallCheckNanos;
  private volatile EventLoop loop;
  private Batch filling;                                // event loop only: this pass's completions
  private final ArrayDeque<Batch> running = new ArrayDeque<>();   // event loop only: batches of several, not done
  private ScheduledFuture<?> stallCheck;                // event loop only: while some batch runs

  /** Completions on {@code threads} (which starts a thread per task). */
  EventLoopBatches(Executor threads) {
    this(threads, TimeUnit.MILLISECONDS.toNanos(STALL_CHECK_MILLIS));
  }

  /** Completions on {@code threads}, a batch that started no task in {@code stallCheckNanos} helped. */
  EventLoopBatches(Executor threads, long stallCheckNanos) {
    this.threads = threads;
    this.stallCheckNanos = stallCheckNanos;
  }

  /** The connection's event loop, once its channel has one: completions handed over there are batched. */
  void bind(EventLoop eventLoop) {
    this.loop = eventLoop;
  }

  @Override
  public void execute(Runnable task) {
    EventLoop l = loop;
    if (l == null || !l.inEventLoop()) {
      threads.execute(task);
      return;
    }
    Batch b = filling;
    if (b == null) {
      try {
        l.execute(this::flush);         // after this pass's reads
      } catch (RejectedExecutionException e) {
        threads.execute(task);          // the loop is shutting down: no pass to wait for
        return;
      }
      b = new Batch();
      filling = b;
    }
    b.add(task);
  }

  /** On the event loop, after the pass: its completions go to one virtual thread. */
  private void flush() {
    Batch b = filling;
    filling = null;
    help(false);
    if (b.size == 1) {
      threads.execute(b.tasks[0]);
      return;
    }
    threads.execute(b);
    running.add(b);
    if (stallCheck == null) {
      stallCheck = loop.scheduleAtFixedRate(this::checkStalls, stallCheckNanos, stallCheckNanos,
          TimeUnit.NANOSECONDS);
    }
  }

  /** On the event loop, each tick of the stall check: {@link #help}, then no tick while nothing runs. */
  private void checkStalls() {
    help(true);
    if (running.isEmpty()) {
      stallCheck.cancel(false);
      stallCheck = null;
    }
  }

  /**
   * On the event loop (each pass, and each tick of the stall check): drops the batches whose tasks have all
   * started, and gives one more thread, for the tasks not yet started, to a batch whose thread is blocked in a
   * task, or, on a tick, that started no task since the last tick (maybe waiting for one after it).
   */
  private void help(boolean tick) {
    for (Iterator<Batch> it = running.iterator(); it.hasNext(); ) {
      Batch b = it.next();
      int started = b.next.get();
      if (started >= b.size) {
        it.remove();
        continue;
      }
      if ((started != b.helpedAt && b.blocked()) || (tick && started == b.seen)) {
        b.helpedAt = started;
        threads.execute(b);
      }
      if (tick) {
        b.seen = started;
      }
    }
  }

  /** The completions of one pass, run in order by whichever threads claim them, each exactly once. */
  private static final class Batch implements Runnable {
    private Runnable[] tasks = new Runnable[8];
    private int size;                   // written on the event loop before any thread runs the batch
    private final AtomicInteger next = new AtomicInteger();   // the next task to claim
    private int seen = -1;              // event loop only: next, at the last tick
    private int helpedAt = -1;          // event loop only: next, when a blocked thread was last helped
    private volatile Thread runner;     // the thread that took it on last

    /** Whether the thread that took it on last is blocked in a task (not running, not ready to run). */
    boolean blocked() {
      Thread t = runner;
      if (t == null) {
        return false;
      }
      Thread.State state = t.getState();
      return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING || state == Thread.State.BLOCKED;
    }

    void add(Runnable task) {
      if (size == tasks.length) {
        tasks = Arrays.copyOf(tasks, size * 2);
      }
      tasks[size++] = task;
    }

    @Override
    public void run() {
      runner = Thread.currentThread();
      Runnable[] ts = tasks;
      int n = size;
      for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
        Runnable task = ts[i];
        ts[i] = null;
        try {
          task.run();
        } catch (Throwable t) {         // as a thread of its own would: reported, and the others still run
          Thread current = Thread.currentThread();
          current.getUncaughtExceptionHandler().uncaughtException(current, t);
        }
      }
    }
  }
}
