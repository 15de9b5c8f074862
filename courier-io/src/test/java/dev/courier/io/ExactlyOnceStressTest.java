package dev.courier.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Exactly-once completion under load: a million sends racing device completions, cancels, timeouts and
 * stop/start, and the stop, purge and close actions over 10,000 pending requests each.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ExactlyOnceStressTest {

  // =============================================================================================
  // The randomised run
  // =============================================================================================

  /** Sends made in the run, accepted or refused; a refusal is a send whose cancel landed before it. */
  static final int TOTAL_SENDS = 1_050_000;
  static final int SENDERS = 4;
  static final int POOL_PER_SENDER = 48;
  /** Wall-clock bound of the whole run (sending and draining); the run normally takes a few seconds. */
  static final long RUN_BOUND_NANOS = TimeUnit.SECONDS.toNanos(50);

  /** What the stress device does with a request; carried in the low bits of its device offset. */
  static final int INLINE = 0;
  static final int LATER_CANCELABLE = 1;
  static final int LATER_IGNORING_CANCEL = 2;
  static final int ONLY_ON_CANCEL = 3;
  static final int MODE_BITS = 2;

  /** Sequence numbers the device fails with IO_DEVICE_ERROR instead of SUCCESS. */
  static boolean deviceFails(long seq) {
    return seq % 23 == 0;
  }

  /**
   * A device whose handler completes at once, holds the request for a completer thread (marked cancelable
   * or not), or holds it until a cancel. It follows the KMDF pattern for held requests: the list, the
   * cancel routine and the completer synchronise on one lock, and {@code unmarkCancelable} is called under
   * it, so that a request the cancel routine completes is never touched again.
   */
  static final class StressDevice {
    final String name;
    final IoDevice device;
    /** How many times each send (by sequence number) reached a handler. */
    private final AtomicIntegerArray delivered;
    private final Object lock = new Object();
    private final ArrayList<IoRequest> later = new ArrayList<>();   // guarded by lock
    private final CancelRoutine cancel = this::onCancel;

    StressDevice(String name, IoQueue.Dispatch dispatch, AtomicIntegerArray delivered) {
      this.name = name;
      this.delivered = delivered;
      IoQueue.Builder b = dispatch == IoQueue.Dispatch.SEQUENTIAL ? IoQueue.sequential() : IoQueue.parallel();
      this.device = IoDevice.builder(name).defaultQueue(b.onRead(this::handle).build()).build();
    }

    private void handle(IoQueue queue, IoRequest request) {
      long offset = request.deviceOffset();
      int mode = (int) (offset & ((1 << MODE_BITS) - 1));
      long seq = offset >>> MODE_BITS;
      delivered.incrementAndGet((int) seq);
      switch (mode) {
        case INLINE -> {
          if (request.isCanceled()) {
            request.complete(IoStatus.CANCELLED);
          } else {
            completeAsDevice(request, seq);
          }
        }
        case LATER_CANCELABLE, ONLY_ON_CANCEL -> {
          boolean cancelled;
          synchronized (lock) {
            cancelled = request.markCancelable(cancel).equals(IoStatus.CANCELLED);
            if (!cancelled && mode == LATER_CANCELABLE) {
              later.add(request);
            }
          }
          if (cancelled) {
            request.complete(IoStatus.CANCELLED);
          }
        }
        case LATER_IGNORING_CANCEL -> {
          synchronized (lock) {
            later.add(request);
          }
        }
        default -> throw new AssertionError("mode " + mode);
      }
    }

    private void onCancel(IoRequest request) {
      synchronized (lock) {
        removeIdentity(later, request);
      }
      request.complete(IoStatus.CANCELLED);
    }

    private static void removeIdentity(ArrayList<IoRequest> list, IoRequest request) {
      for (int i = list.size() - 1; i >= 0; i--) {
        if (list.get(i) == request) {
          list.set(i, list.get(list.size() - 1));
          list.remove(list.size() - 1);
          return;
        }
      }
    }

    static void completeAsDevice(IoRequest request, long seq) {
      if (deviceFails(seq)) {
        request.complete(IoStatus.IO_DEVICE_ERROR, 0);
      } else {
        request.complete(IoStatus.SUCCESS, seq);
      }
    }

    /** Completes one held request picked at random; returns whether one was held. */
    boolean completeOne(SplittableRandom rnd) {
      IoRequest request;
      long seq;
      synchronized (lock) {
        int n = later.size();
        if (n == 0) {
          return false;
        }
        int i = rnd.nextInt(n);
        request = later.get(i);
        later.set(i, later.get(n - 1));
        later.remove(n - 1);
        long offset = request.deviceOffset();
        seq = offset >>> MODE_BITS;
        if ((offset & ((1 << MODE_BITS) - 1)) == LATER_CANCELABLE
            && request.unmarkCancelable().equals(IoStatus.CANCELLED)) {
          return true;    // its cancel routine, waiting for the lock, completes it
        }
      }
      completeAsDevice(request, seq);
      return true;
    }

    int heldCount() {
      synchronized (lock) {
        return later.size();
      }
    }
  }

  /** What a send was: the routine's context. */
  record Send(int seq, int mode, boolean timed, IoTarget target, Sender owner) {}

  /** The state shared by the senders, the routines and the helper threads of one run. */
  final class Run {
    /** Handler presentations per sequence number. */
    final AtomicIntegerArray delivered = new AtomicIntegerArray(TOTAL_SENDS);
    final StressDevice[] devices = {
      new StressDevice("parallel-system-clock", IoQueue.Dispatch.PARALLEL, delivered),
      new StressDevice("parallel-manual-clock", IoQueue.Dispatch.PARALLEL, delivered),
      new StressDevice("sequential-system-clock", IoQueue.Dispatch.SEQUENTIAL, delivered),
    };
    final ManualClock manualClock = new ManualClock();
    final IoTarget[] targets = {
      devices[0].device.openTarget(IoClock.system()),
      devices[1].device.openTarget(manualClock),
      devices[2].device.openTarget(IoClock.system()),
    };
    final AtomicInteger nextSeq = new AtomicInteger();
    /** Routine calls per sequence number. */
    final AtomicIntegerArray calls = new AtomicIntegerArray(TOTAL_SENDS);
    /** 1 = accepted, 2 = refused, per sequence number. */
    final AtomicIntegerArray outcome = new AtomicIntegerArray(TOTAL_SENDS);
    final AtomicReferenceArray<IoStatus> refusals = new AtomicReferenceArray<>(TOTAL_SENDS);
    final Map<IoStatus, LongAdder> statuses = new ConcurrentHashMap<>();
    final LongAdder resentFromRoutine = new LongAdder();
    final LongAdder stops = new LongAdder();
    final LongAdder synchronousSends = new LongAdder();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final AtomicInteger failureCount = new AtomicInteger();
    final ExecutorService completionExecutor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "stress-completion-executor");
      t.setDaemon(true);
      return t;
    });
    final Semaphore clockTicks = new Semaphore(0);
    final AtomicBoolean helpersRun = new AtomicBoolean(true);
    final long deadline = System.nanoTime() + RUN_BOUND_NANOS;
    IoRequest[] all;

    final CompletionRoutine<Send> routine = this::onCompletion;

    void fail(String what) {
      if (failureCount.incrementAndGet() <= 20) {
        failures.add(what);
      }
    }

    boolean pastDeadline() {
      return System.nanoTime() - deadline > 0;
    }

    private void onCompletion(IoRequest request, IoTarget target, IoCompletionParams params, Send send) {
      int seq = send.seq();
      int n = calls.incrementAndGet(seq);
      if (n != 1) {
        fail("send " + seq + ": routine call number " + n);
      }
      IoStatus st = params.status();
      statuses.computeIfAbsent(st, k -> new LongAdder()).increment();
      long info = params.information();
      if ((st.equals(IoStatus.SUCCESS) || st.equals(IoStatus.IO_DEVICE_ERROR)) && delivered.get(seq) != 1) {
        fail("send " + seq + ": the device's " + st + ", but delivered " + delivered.get(seq) + " times");
      }
      if (st.equals(IoStatus.SUCCESS)) {
        if (send.mode() == ONLY_ON_CANCEL || deviceFails(seq) || info != seq) {
          fail("send " + seq + " (mode " + send.mode() + "): SUCCESS with information " + info);
        }
      } else if (st.equals(IoStatus.IO_DEVICE_ERROR)) {
        if (send.mode() == ONLY_ON_CANCEL || !deviceFails(seq) || info != 0) {
          fail("send " + seq + " (mode " + send.mode() + "): IO_DEVICE_ERROR with information " + info);
        }
      } else if (st.equals(IoStatus.IO_TIMEOUT)) {
        if (!send.timed() || info != 0) {
          fail("send " + seq + ": IO_TIMEOUT, timed " + send.timed() + ", information " + info);
        }
      } else if (st.equals(IoStatus.CANCELLED)) {
        if (info != 0) {
          fail("send " + seq + ": CANCELLED with information " + info);
        }
      } else if (st.equals(IoStatus.INVALID_DEVICE_STATE)) {
        // start() drained the queued send, then a concurrent stop() came before its resubmission: the
        // resubmission fails, as in KMDF (case 49; KMDF forbids overlapping Start and Stop, Courier allows it).
        if (info != 0 || delivered.get(seq) != 0) {
          fail("send " + seq + ": INVALID_DEVICE_STATE, information " + info + ", delivered " + delivered.get(seq) + " times");
        }
      } else {
        fail("send " + seq + ": unexpected status " + st);
      }
      if (target != send.target()) {
        fail("send " + seq + ": routine got target " + target + ", sent to " + send.target());
      }
      if (params.type() != IoRequestType.READ) {
        fail("send " + seq + ": params type " + params.type());
      }
      if (request.state() != IoRequest.State.COMPLETED || !request.status().equals(st)) {
        fail("send " + seq + ": inside its routine the request is " + request.state() + "/" + request.status());
      }
      ThreadLocalRandom rnd = ThreadLocalRandom.current();
      // Routines run on every thread that completes (inside send, start, cancel, on timers, the completer):
      // a cancel from here lands at moments the senders cannot reach, e.g. while start() drains a queue.
      if (rnd.nextInt(100) < 10) {
        all[rnd.nextInt(all.length)].cancelSentRequest();
      }
      // Now and then the routine sends the request again itself (asynchronously: it must not block);
      // a cancelled request more often, so that it is relinked while its old neighbours are still walked.
      boolean again = st.equals(IoStatus.CANCELLED) ? rnd.nextBoolean() : (seq & 15) == 7;
      if (again && resend(request, send.owner(), rnd)) {
        resentFromRoutine.increment();
        return;
      }
      send.owner().free.add(request);
    }

    /** A send from a completion routine; returns whether the request is in flight again. */
    private boolean resend(IoRequest request, Sender owner, ThreadLocalRandom rnd) {
      int seq = nextSeq.getAndIncrement();
      if (seq >= TOTAL_SENDS) {
        return false;
      }
      int mode = rnd.nextInt(100) < 60 ? INLINE : rnd.nextInt(1, 4);
      boolean timed = mode == ONLY_ON_CANCEL || rnd.nextInt(100) < 30;
      IoTarget target = targets[rnd.nextInt(targets.length)];
      SendOptions options = timed ? SendOptions.withTimeout(Duration.ofNanos(rnd.nextLong(2_000, 1_000_000)))
          : SendOptions.defaults();
      return sendOne(request, owner, seq, mode, timed, target, options, false);
    }

    /** Formats and sends; records the outcome. Returns whether the send was accepted. */
    boolean sendOne(IoRequest request, Sender owner, int seq, int mode, boolean timed, IoTarget target,
        SendOptions options, boolean synchronous) {
      request.reuse();
      IoStatus formatted = request.formatRead(target, null, ((long) seq << MODE_BITS) | mode);
      if (!formatted.equals(IoStatus.SUCCESS)) {
        fail("send " + seq + ": format gave " + formatted);
        outcome.set(seq, 2);
        return false;
      }
      request.setCompletionRoutine(routine, new Send(seq, mode, timed, target, owner));
      boolean accepted = request.send(target, options);
      if (accepted) {
        outcome.set(seq, 1);
        if (synchronous && calls.get(seq) != 1) {
          fail("synchronous send " + seq + " returned before its routine ran (calls " + calls.get(seq) + ")");
        }
      } else {
        outcome.set(seq, 2);
        refusals.set(seq, request.status());
      }
      return accepted;
    }

    /** The final checks. */
    void verify() {
      assertThat(failures).as("failures (%d in all)", failureCount.get()).isEmpty();
      int sent = Math.min(nextSeq.get(), TOTAL_SENDS);
      assertThat(sent).isEqualTo(TOTAL_SENDS);
      long accepted = 0;
      long refused = 0;
      long completions = 0;
      List<String> wrong = new ArrayList<>();
      for (int seq = 0; seq < TOTAL_SENDS; seq++) {
        int o = outcome.get(seq);
        int c = calls.get(seq);
        completions += c;
        if (delivered.get(seq) > (o == 1 ? 1 : 0) && wrong.size() < 20) {
          wrong.add("send " + seq + " (outcome " + o + ") delivered " + delivered.get(seq) + " times");
        }
        if (o == 1) {
          accepted++;
          if (c != 1 && wrong.size() < 20) {
            wrong.add("accepted send " + seq + " completed " + c + " times");
          }
        } else if (o == 2) {
          refused++;
          if (c != 0 && wrong.size() < 20) {
            wrong.add("refused send " + seq + " (" + refusals.get(seq) + ") called its routine " + c + " times");
          }
          IoStatus why = refusals.get(seq);
          if (why != null && !why.equals(IoStatus.CANCELLED) && wrong.size() < 20) {
            wrong.add("send " + seq + " refused with " + why + " (expected: CANCELLED, the only refusal of a started or stopped target)");
          }
        } else if (wrong.size() < 20) {
          wrong.add("send " + seq + " has no outcome");
        }
      }
      assertThat(wrong).isEmpty();
      assertThat(completions).as("completions").isEqualTo(accepted);
      assertThat(accepted).as("accepted sends").isGreaterThanOrEqualTo(1_000_000);
      assertThat(accepted + refused).isEqualTo(TOTAL_SENDS);
      for (IoTarget t : targets) {
        awaitTrue(() -> t.pendingCount() == 0, "pendingCount of " + t + " back to 0 (it is " + t.pendingCount() + ")");
        assertThat(t.queuedCount()).as("queuedCount of %s", t).isZero();
        assertThat(t.state()).isEqualTo(IoTargetState.STARTED);
      }
      for (StressDevice d : devices) {
        assertThat(d.heldCount()).as("requests still held by %s", d.name).isZero();
      }
      // The run exercised every path: all outcomes, refusals, resends from routines, stops, synchronous sends.
      assertThat(statuses.keySet()).contains(
          IoStatus.SUCCESS, IoStatus.IO_DEVICE_ERROR, IoStatus.CANCELLED, IoStatus.IO_TIMEOUT);
      assertThat(refused).isPositive();
      assertThat(resentFromRoutine.sum()).isPositive();
      assertThat(stops.sum()).isPositive();
      assertThat(synchronousSends.sum()).isPositive();
    }
  }

  /** A sending thread with its own pool of requests. */
  final class Sender implements Runnable {
    final Run run;
    final int index;
    final IoRequest[] mine = new IoRequest[POOL_PER_SENDER];
    final ArrayBlockingQueue<IoRequest> free = new ArrayBlockingQueue<>(POOL_PER_SENDER);
    final SplittableRandom rnd;
    /** Targets this sender stopped, and how many sends until it starts them again. */
    final List<IoTarget> stoppedByMe = new ArrayList<>();
    int startCountdown;
    long sends;

    Sender(Run run, int index, long seed) {
      this.run = run;
      this.index = index;
      this.rnd = new SplittableRandom(seed);
      for (int i = 0; i < POOL_PER_SENDER; i++) {
        mine[i] = IoRequest.create();
        free.add(mine[i]);
      }
    }

    @Override
    public void run() {
      try {
        sendAll();
        drain();
      } catch (Throwable e) {
        run.fail("sender " + index + " threw " + e);
        throw e;
      } finally {
        startAll();
      }
    }

    private void sendAll() {
      for (;;) {
        IoRequest request = takeFree();
        if (request == null) {
          return;
        }
        int seq = run.nextSeq.getAndIncrement();
        if (seq >= TOTAL_SENDS) {
          free.add(request);
          return;
        }
        int pick = rnd.nextInt(100);
        int mode = pick < 55 ? INLINE : pick < 75 ? LATER_CANCELABLE : pick < 87 ? LATER_IGNORING_CANCEL : ONLY_ON_CANCEL;
        boolean timed = mode == ONLY_ON_CANCEL || rnd.nextInt(100) < 30;
        IoTarget target = run.targets[rnd.nextInt(100) < 45 ? 0 : rnd.nextInt(100) < 80 ? 1 : 2];
        boolean synchronous = rnd.nextInt(200) == 0;
        SendOptions.Builder b = SendOptions.builder();
        if (timed) {
          b.timeout(Duration.ofNanos(rnd.nextLong(2_000, 1_000_000)));
        }
        if (rnd.nextInt(100) < 5) {
          b.completionExecutor(run.completionExecutor);
        }
        if (synchronous) {
          startAll();   // never wait for a target only this thread would start
          b.synchronous();
          run.synchronousSends.increment();
        }
        if (!run.sendOne(request, this, seq, mode, timed, target, b.build(), synchronous)) {
          free.add(request);   // refused: its routine will not run
        }
        afterSend();
      }
    }

    private void afterSend() {
      sends++;
      // A cancel from this thread of a random request of any sender, at a random moment of its life.
      if (rnd.nextInt(100) < 30) {
        run.all[rnd.nextInt(run.all.length)].cancelSentRequest();
      }
      if ((sends & 7) == 0) {
        run.clockTicks.release();
      }
      if (!stoppedByMe.isEmpty() && --startCountdown <= 0) {
        startAll();
      } else if (rnd.nextInt(3000) == 0) {
        IoTarget t = run.targets[rnd.nextInt(run.targets.length)];
        t.stop(StopAction.LEAVE_SENT_IO_PENDING);
        run.stops.increment();
        stoppedByMe.add(t);
        startCountdown = rnd.nextInt(1, 300);
      }
    }

    private void startAll() {
      for (IoTarget t : stoppedByMe) {
        assertThat(t.start()).isEqualTo(IoStatus.SUCCESS);
      }
      stoppedByMe.clear();
    }

    /** A free request of this sender's pool, or null past the deadline. */
    private IoRequest takeFree() {
      IoRequest r = free.poll();
      if (r != null) {
        return r;
      }
      startAll();
      long waitStart = System.nanoTime();
      for (;;) {
        try {
          r = free.poll(200, TimeUnit.MICROSECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          run.fail("sender " + index + " interrupted");
          return null;
        }
        if (r != null) {
          return r;
        }
        if (run.pastDeadline()) {
          run.fail("sender " + index + ": no request came back before the deadline; " + describeInFlight());
          return null;
        }
        if (System.nanoTime() - waitStart > TimeUnit.MILLISECONDS.toNanos(2)) {
          // A request whose timer start() dropped (KMDF D10) waits for a cancel: give it one.
          mine[rnd.nextInt(mine.length)].cancelSentRequest();
        }
      }
    }

    /** Waits until every request of this pool is back, cancelling the stragglers. */
    private void drain() {
      startAll();
      int back = 0;
      List<IoRequest> returned = new ArrayList<>();
      while (back < POOL_PER_SENDER) {
        IoRequest r;
        try {
          r = free.poll(1, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          run.fail("sender " + index + " interrupted while draining");
          return;
        }
        if (r != null) {
          returned.add(r);
          back++;
          continue;
        }
        if (run.pastDeadline()) {
          run.fail("sender " + index + ": " + (POOL_PER_SENDER - back) + " requests never completed; "
              + describeInFlight());
          return;
        }
        for (IoRequest mineR : mine) {
          IoRequest.State s = mineR.state();
          if (s == IoRequest.State.QUEUED || s == IoRequest.State.SENT) {
            mineR.cancelSentRequest();
          }
        }
      }
      free.addAll(returned);
    }

    private String describeInFlight() {
      StringBuilder sb = new StringBuilder("in flight:");
      for (IoRequest r : mine) {
        if (r.state() == IoRequest.State.QUEUED || r.state() == IoRequest.State.SENT) {
          sb.append(' ').append(r).append(" on ").append(r.target());
        }
      }
      for (IoTarget t : run.targets) {
        sb.append("; ").append(t).append(" pending ").append(t.pendingCount()).append(" queued ").append(t.queuedCount());
      }
      return sb.toString();
    }
  }

  @Test
  @DisplayName("case 63 at a million sends: completion, cancel, timeout and stop/start race; each accepted send completes exactly once")
  void aMillionSendsEachCompleteExactlyOnceUnderRacingCompletionCancelTimeoutAndStop() throws Exception {
    Run run = new Run();
    long seed = System.nanoTime();
    Sender[] senders = new Sender[SENDERS];
    List<IoRequest> all = new ArrayList<>();
    for (int i = 0; i < SENDERS; i++) {
      senders[i] = new Sender(run, i, seed + i);
      all.addAll(List.of(senders[i].mine));
    }
    run.all = all.toArray(IoRequest[]::new);

    // Helpers: the device completer (later from another thread) and the thread that moves the manual clock.
    Thread completer = new Thread(() -> {
      SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
      while (run.helpersRun.get()) {
        boolean any = false;
        for (StressDevice d : run.devices) {
          any |= d.completeOne(rnd);
        }
        if (!any) {
          Thread.yield();
        }
      }
    }, "stress-device-completer");
    Thread clockMover = new Thread(() -> {
      SplittableRandom rnd = new SplittableRandom(seed ^ 0x2545F4914F6CDD1DL);
      while (run.helpersRun.get()) {
        try {
          run.clockTicks.tryAcquire(1, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          return;
        }
        run.manualClock.advance(Duration.ofNanos(rnd.nextLong(1_000, 100_000)));
      }
    }, "stress-manual-clock");
    completer.setDaemon(true);
    clockMover.setDaemon(true);
    completer.start();
    clockMover.start();

    long start = System.nanoTime();
    Thread[] threads = new Thread[SENDERS];
    for (int i = 0; i < SENDERS; i++) {
      threads[i] = new Thread(senders[i], "stress-sender-" + i);
      threads[i].start();
    }
    try {
      for (Thread t : threads) {
        t.join(TimeUnit.NANOSECONDS.toMillis(RUN_BOUND_NANOS) + 5_000);
        assertThat(t.isAlive()).as("%s finished within the bound", t.getName()).isFalse();
      }
    } finally {
      run.helpersRun.set(false);
      completer.join(5_000);
      clockMover.join(5_000);
      run.completionExecutor.shutdown();
      assertThat(run.completionExecutor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    try {
      run.verify();
    } catch (AssertionError e) {          // the run, to reproduce it; printed only when it failed
      throw new AssertionError(String.format(
          "stress (seed %d): %d sends in %d ms; statuses %s; resent from routines %d; stops %d; synchronous %d",
          seed, TOTAL_SENDS, millis, run.statuses, run.resentFromRoutine.sum(), run.stops.sum(),
          run.synchronousSends.sum()), e);
    }
  }

  // =============================================================================================
  // Found by the run: a queued request cancelled and sent again while start() or purge() walks the queue
  // =============================================================================================

  /**
   * A, B and C are queued in a stopped target. When start() delivers A, A's handler cancels B, and B's
   * routine sends B again at once. C must still be delivered, and the target's counts must stay right.
   */
  @Test
  void startDeliversEveryQueuedRequestEvenWhenOneIsCancelledAndResentWhileItDrainsTheQueue() {
    IoRequest[] abc = {IoRequest.create(), IoRequest.create(), IoRequest.create()};
    List<Long> delivered = new ArrayList<>();
    IoDevice device = IoDevice.builder("d").defaultQueue(IoQueue.parallel().onRead((q, request) -> {
      delivered.add(request.deviceOffset());
      if (request.deviceOffset() == 0) {
        assertThat(abc[1].cancelSentRequest()).isTrue();
      }
      request.complete(IoStatus.SUCCESS, request.deviceOffset());
    }).build()).build();
    IoTarget t = device.openTarget(clock);
    Ledger ledger = new Ledger(4);
    t.stop(StopAction.LEAVE_SENT_IO_PENDING);
    for (int i = 0; i < 3; i++) {
      assertThat(abc[i].formatRead(t, null, i)).isEqualTo(IoStatus.SUCCESS);
      abc[i].setCompletionRoutine(ledger.routine, i);
    }
    abc[1].setCompletionRoutine((request, target, params, ctx) -> {
      ledger.routine.onCompletion(request, target, params, 1);
      request.reuse();
      request.formatRead(t, null, 3);
      request.setCompletionRoutine(ledger.routine, 3);
      assertThat(request.send(t)).isTrue();
    }, null);
    for (IoRequest r : abc) {
      assertThat(r.send(t)).isTrue();
    }
    assertThat(t.queuedCount()).isEqualTo(3);

    assertThat(t.start()).isEqualTo(IoStatus.SUCCESS);

    assertThat(delivered).containsExactly(0L, 3L, 2L);
    ledger.assertEachOnce(0, 1, IoStatus.SUCCESS);
    ledger.assertEachOnce(1, 2, IoStatus.CANCELLED);
    ledger.assertEachOnce(2, 4, IoStatus.SUCCESS);
    assertThat(t.pendingCount()).isZero();
    assertThat(t.queuedCount()).isZero();
  }

  /**
   * A, B and C are queued in a stopped target. When purge() flushes A, A's routine cancels B, and B's
   * routine queues B in another stopped target. C must still be flushed, and both targets' counts stay right.
   */
  @Test
  void purgeFlushesEveryQueuedRequestEvenWhenOneIsCancelledAndQueuedElsewhereWhileItFlushes() {
    ScriptedDevice dev = new ScriptedDevice("t");
    IoTarget t = dev.openTarget(clock);
    IoTarget other = dev.openTarget(clock);
    other.stop(StopAction.LEAVE_SENT_IO_PENDING);
    t.stop(StopAction.LEAVE_SENT_IO_PENDING);
    IoRequest[] abc = {IoRequest.create(), IoRequest.create(), IoRequest.create()};
    Ledger ledger = new Ledger(4);
    for (int i = 0; i < 3; i++) {
      assertThat(abc[i].formatRead(t, null, i)).isEqualTo(IoStatus.SUCCESS);
      abc[i].setCompletionRoutine(ledger.routine, i);
    }
    abc[0].setCompletionRoutine((request, target, params, ctx) -> {
      ledger.routine.onCompletion(request, target, params, 0);
      assertThat(abc[1].cancelSentRequest()).isTrue();
    }, null);
    abc[1].setCompletionRoutine((request, target, params, ctx) -> {
      ledger.routine.onCompletion(request, target, params, 1);
      request.reuse();
      request.formatRead(other, null, 3);
      request.setCompletionRoutine(ledger.routine, 3);
      assertThat(request.send(other)).isTrue();
    }, null);
    for (IoRequest r : abc) {
      assertThat(r.send(t)).isTrue();
    }

    t.purge(PurgeAction.PURGE_IO);

    ledger.assertEachOnce(0, 1, IoStatus.DEVICE_REMOVED_NOT_SENT);
    ledger.assertEachOnce(1, 2, IoStatus.CANCELLED);
    ledger.assertEachOnce(2, 3, IoStatus.DEVICE_REMOVED_NOT_SENT);
    assertThat(t.pendingCount()).isZero();
    assertThat(t.queuedCount()).isZero();
    assertThat(other.queuedCount()).isEqualTo(1);
    assertThat(abc[1].state()).isEqualTo(IoRequest.State.QUEUED);

    assertThat(other.start()).isEqualTo(IoStatus.SUCCESS);
    ledger.assertEachOnce(3, 4, IoStatus.SUCCESS);
    assertThat(other.pendingCount()).isZero();
    assertThat(other.queuedCount()).isZero();
  }

  /**
   * start() racing a thread that cancels queued requests, each cancelled one sent again at once by its
   * routine; the same with purge(). Nothing rescues a lost request here, so one that start() or purge()
   * skipped stays QUEUED and the quiescent checks after each round see it.
   */
  @Test
  void startAndPurgeRacingCancelsAndResendsLoseNoQueuedRequest() throws Exception {
    final int rounds = 3_000;
    final int perRound = 48;
    ScriptedDevice dev = new ScriptedDevice("t");
    IoTarget t = dev.openTarget(clock);
    IoRequest[] rs = new IoRequest[perRound];
    for (int i = 0; i < perRound; i++) {
      rs[i] = IoRequest.create();
    }
    AtomicIntegerArray calls = new AtomicIntegerArray(2 * perRound);   // [i] first send, [perRound + i] resend
    // A cancel may land on the first send or on the resend, or between the resend's reuse and send.
    Set<IoStatus> completions = Set.of(
        IoStatus.SUCCESS, IoStatus.CANCELLED, IoStatus.DEVICE_REMOVED_NOT_SENT);
    Set<IoStatus> refusals = Set.of(IoStatus.INVALID_DEVICE_STATE, IoStatus.CANCELLED);
    ConcurrentLinkedQueue<IoStatus> unexpected = new ConcurrentLinkedQueue<>();
    CompletionRoutine<Integer> resent = (request, target, params, i) -> {
      calls.incrementAndGet(perRound + i);
      if (!completions.contains(params.status())) {
        unexpected.add(params.status());
      }
    };
    CompletionRoutine<Integer> first = (request, target, params, i) -> {
      calls.incrementAndGet(i);
      if (!completions.contains(params.status())) {
        unexpected.add(params.status());
      }
      if (params.status().equals(IoStatus.CANCELLED)) {
        request.reuse();
        request.formatRead(t, null, i);
        request.setCompletionRoutine(resent, i);
        if (!request.send(t)) {
          calls.incrementAndGet(perRound + i);   // refused: counts as the resend's one outcome
          if (!refusals.contains(request.status())) {
            unexpected.add(request.status());
          }
        }
      }
    };
    CyclicBarrier go = new CyclicBarrier(2);
    CyclicBarrier done = new CyclicBarrier(2);
    AtomicBoolean stopCanceller = new AtomicBoolean();
    Thread canceller = new Thread(() -> {
      SplittableRandom rnd = new SplittableRandom(42);
      try {
        for (;;) {
          go.await(5, TimeUnit.SECONDS);
          if (stopCanceller.get()) {
            return;
          }
          for (int k = 0; k < perRound / 2; k++) {
            rs[rnd.nextInt(perRound)].cancelSentRequest();
          }
          done.await(5, TimeUnit.SECONDS);
        }
      } catch (BrokenBarrierException | InterruptedException released) {
        // the test is over (or failed): it reset the barriers to let this thread go
      } catch (TimeoutException e) {
        throw new IllegalStateException("the test thread did not come to the barrier within 5 s", e);
      }
    }, "canceller");
    canceller.setDaemon(true);
    canceller.start();
    try {
      for (int round = 0; round < rounds; round++) {
        boolean purge = (round & 1) == 1;
        t.stop(StopAction.LEAVE_SENT_IO_PENDING);
        for (int i = 0; i < perRound; i++) {
          calls.set(i, 0);
          calls.set(perRound + i, 0);
          rs[i].reuse();
          rs[i].formatRead(t, null, i);
          rs[i].setCompletionRoutine(first, i);
          assertThat(rs[i].send(t)).isTrue();
        }
        go.await(5, TimeUnit.SECONDS);
        if (purge) {
          t.purge(PurgeAction.PURGE_IO);
        } else {
          t.start();
        }
        done.await(5, TimeUnit.SECONDS);
        if (purge) {
          t.start();   // a request resent before the purge began was queued; start delivers it
        }
        for (int i = 0; i < perRound; i++) {
          if (rs[i].state() != IoRequest.State.COMPLETED && rs[i].state() != IoRequest.State.FORMATTED) {
            throw new AssertionError("round " + round + (purge ? " (purge)" : " (start)") + ": request " + i
                + " is " + rs[i].state() + " after the round; target " + t + " pending " + t.pendingCount()
                + ", queued " + t.queuedCount());
          }
          int c = calls.get(i);
          int again = calls.get(perRound + i);
          if (c != 1 || again > 1) {
            throw new AssertionError("round " + round + ": request " + i + " completed " + c + " + " + again + " times");
          }
        }
        assertThat(t.pendingCount()).as("pending after round %d", round).isZero();
        assertThat(t.queuedCount()).as("queued after round %d", round).isZero();
      }
    } finally {
      stopCanceller.set(true);
      go.reset();
      canceller.interrupt();
      canceller.join(5_000);
    }
    assertThat(unexpected).isEmpty();
  }

  // =============================================================================================
  // Stop, purge and close over 10,000 pending requests
  // =============================================================================================

  static final int MANY = 10_000;

  final ManualClock clock = new ManualClock();

  /** Counts routine calls per request index, with the status and thread of the last one. */
  static final class Ledger {
    final AtomicIntegerArray calls;
    final AtomicReferenceArray<IoStatus> statuses;
    final AtomicReferenceArray<Thread> threads;
    final AtomicInteger total = new AtomicInteger();
    /** Set when the call under test returned: a routine that runs later records a late completion. */
    final AtomicBoolean callReturned = new AtomicBoolean();
    final AtomicInteger lateCompletions = new AtomicInteger();
    final CompletionRoutine<Integer> routine;

    Ledger(int size) {
      calls = new AtomicIntegerArray(size);
      statuses = new AtomicReferenceArray<>(size);
      threads = new AtomicReferenceArray<>(size);
      routine = (request, target, params, index) -> {
        calls.incrementAndGet(index);
        statuses.set(index, params.status());
        threads.set(index, Thread.currentThread());
        if (callReturned.get()) {
          lateCompletions.incrementAndGet();
        }
        total.incrementAndGet();
      };
    }

    /** Asserts that requests [from, to) completed exactly once, each with {@code status}. */
    void assertEachOnce(int from, int to, IoStatus status) {
      for (int i = from; i < to; i++) {
        if (calls.get(i) != 1 || !status.equals(statuses.get(i))) {
          throw new AssertionError("request " + i + ": " + calls.get(i) + " routine calls, status "
              + statuses.get(i) + " (expected: exactly one call with " + status + ")");
        }
      }
    }

    void assertNoneCompleted(int from, int to) {
      for (int i = from; i < to; i++) {
        assertThat(calls.get(i)).as("routine calls of request %d", i).isZero();
      }
    }

    void assertCompletedOn(int from, int to, Thread thread) {
      for (int i = from; i < to; i++) {
        assertThat(threads.get(i)).as("thread of the routine of request %d", i).isSameAs(thread);
      }
    }
  }

  /** Sends {@code count} new requests (indexes from {@code first}) to {@code t}; asserts each is accepted. */
  static IoRequest[] sendMany(IoTarget t, int first, int count, Ledger ledger, SendOptions options) {
    IoRequest[] rs = new IoRequest[count];
    for (int i = 0; i < count; i++) {
      IoRequest r = IoRequest.create();
      assertThat(r.formatRead(t, null, first + i)).isEqualTo(IoStatus.SUCCESS);
      r.setCompletionRoutine(ledger.routine, first + i);
      if (!r.send(t, options)) {
        throw new AssertionError("send " + (first + i) + " refused: " + r.status());
      }
      rs[i] = r;
    }
    return rs;
  }

  /** Waits up to 5 s until {@code thread} blocks. */
  static void awaitBlocked(Thread thread) {
    awaitTrue(() -> {
      Thread.State s = thread.getState();
      return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
    }, thread.getName() + " blocked (it is " + thread.getState() + ")");
  }

  static void awaitTrue(BooleanSupplier condition, String what) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("not within 5 s: " + what);
      }
      LockSupport.parkNanos(100_000);
    }
  }

  /** Runs {@code action} on a new thread that records, when it returns, in {@code ledger}. */
  static Thread startCall(String name, Runnable action, Ledger ledger) {
    Thread t = new Thread(() -> {
      action.run();
      ledger.callReturned.set(true);
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  static void joinBounded(Thread t) throws InterruptedException {
    t.join(5_000);
    assertThat(t.isAlive()).as("%s returned within 5 s", t.getName()).isFalse();
  }

  /** Completes every request the device holds, with {@code status} (information = the request's offset). */
  static int completeAllHeld(ScriptedDevice dev, IoStatus status) {
    int n = 0;
    IoRequest held;
    while ((held = dev.held.poll()) != null) {
      if (ScriptedDevice.completeHeld(held, status, status.equals(IoStatus.SUCCESS) ? held.deviceOffset() : 0)) {
        n++;
      }
    }
    return n;
  }

  @Test
  @DisplayName("case 31 with 10,000 sent: stop(CANCEL_SENT_IO) completes all CANCELLED before it returns")
  void stopCancelSentIoCompletesTenThousandSentRequestsWithCancelledBeforeItReturns() {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.mode = ScriptedDevice.Mode.HOLD_HONOUR_CANCEL;
    IoTarget t = dev.openTarget(clock);
    Ledger ledger = new Ledger(MANY);
    IoRequest[] rs = sendMany(t, 0, MANY, ledger, SendOptions.defaults());
    assertThat(t.pendingCount()).isEqualTo(MANY);
    assertThat(dev.held).hasSize(MANY);
    ledger.assertNoneCompleted(0, MANY);

    t.stop(StopAction.CANCEL_SENT_IO);

    ledger.assertEachOnce(0, MANY, IoStatus.CANCELLED);
    ledger.assertCompletedOn(0, MANY, Thread.currentThread());
    assertThat(t.pendingCount()).isZero();
    assertThat(t.state()).isEqualTo(IoTargetState.STOPPED);
    for (IoRequest r : rs) {
      assertThat(r.cancelRequested()).isTrue();
      assertThat(r.state()).isEqualTo(IoRequest.State.COMPLETED);
    }
  }

  @Test
  @DisplayName("case 32 with 10,000 sent: stop(WAIT_FOR_SENT_IO) returns only after every routine ran")
  void stopWaitForSentIoReturnsOnlyAfterTheDeviceReleasedAllTenThousandAndTheirRoutinesRan() throws Exception {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
    IoTarget t = dev.openTarget(clock);
    Ledger ledger = new Ledger(MANY);
    sendMany(t, 0, MANY, ledger, SendOptions.defaults());

    Thread stopper = startCall("stopper", () -> t.stop(StopAction.WAIT_FOR_SENT_IO), ledger);
    awaitBlocked(stopper);
    assertThat(t.state()).isEqualTo(IoTargetState.STOPPED);
    ledger.assertNoneCompleted(0, MANY);
    List<IoRequest> held = new ArrayList<>(dev.held);
    assertThat(held).hasSize(MANY);
    assertThat(held).noneMatch(IoRequest::isCanceled);   // a waiting stop does not cancel

    for (int i = 0; i < MANY - 1; i++) {
      assertThat(ScriptedDevice.completeHeld(held.get(i), IoStatus.SUCCESS, held.get(i).deviceOffset())).isTrue();
    }
    awaitBlocked(stopper);
    assertThat(stopper.isAlive()).as("stop waits for the last request").isTrue();
    assertThat(ledger.total).hasValue(MANY - 1);
    assertThat(ScriptedDevice.completeHeld(held.get(MANY - 1), IoStatus.SUCCESS, held.get(MANY - 1).deviceOffset()))
        .isTrue();
    joinBounded(stopper);

    ledger.assertEachOnce(0, MANY, IoStatus.SUCCESS);
    assertThat(ledger.lateCompletions).hasValue(0);
    assertThat(t.pendingCount()).isZero();
  }

  @Test
  @DisplayName("case 33 with 10,000 sent: stop(LEAVE_SENT_IO_PENDING) returns at once, all complete later")
  void stopLeaveSentIoPendingReturnsAtOnceAndTheTenThousandCompleteLaterWithTheirDeviceStatus() throws Exception {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.mode = ScriptedDevice.Mode.HOLD_HONOUR_CANCEL;   // a cancel would complete them at once
    IoTarget t = dev.openTarget(clock);
    Ledger ledger = new Ledger(MANY);
    sendMany(t, 0, MANY, ledger, SendOptions.defaults());

    Thread stopper = startCall("stopper", () -> t.stop(StopAction.LEAVE_SENT_IO_PENDING), ledger);
    joinBounded(stopper);

    assertThat(t.state()).isEqualTo(IoTargetState.STOPPED);
    ledger.assertNoneCompleted(0, MANY);
    assertThat(t.pendingCount()).isEqualTo(MANY);
    assertThat(dev.held).noneMatch(IoRequest::isCanceled);
    assertThat(completeAllHeld(dev, IoStatus.SUCCESS)).isEqualTo(MANY);
    ledger.assertEachOnce(0, MANY, IoStatus.SUCCESS);
    assertThat(t.pendingCount()).isZero();
    assertThat(t.start()).isEqualTo(IoStatus.SUCCESS);
    ledger.assertEachOnce(0, MANY, IoStatus.SUCCESS);   // start delivers nothing twice
  }

  /** 10,000 requests delivered to a device that holds them (noticing cancels only when it completes them), then 10,000 queued. */
  static final class PendingAndQueued {
    final ScriptedDevice dev = new ScriptedDevice("t");
    final IoTarget t;
    final Ledger ledger = new Ledger(2 * MANY + MANY / 10);

    PendingAndQueued(IoClock clock) {
      dev.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
      t = dev.openTarget(clock);
      sendMany(t, 0, MANY, ledger, SendOptions.defaults());
      t.stop(StopAction.LEAVE_SENT_IO_PENDING);
      IoRequest[] queued = sendMany(t, MANY, MANY, ledger, SendOptions.defaults());
      assertThat(queued).allMatch(r -> r.state() == IoRequest.State.QUEUED);
      assertThat(t.queuedCount()).isEqualTo(MANY);
      assertThat(t.pendingCount()).isEqualTo(2 * MANY);
      assertThat(dev.held).hasSize(MANY);
    }

    /** The device completes every held request: CANCELLED when it was cancelled, else SUCCESS. */
    int releaseHeld() {
      int n = 0;
      IoRequest held;
      while ((held = dev.held.poll()) != null) {
        IoStatus st = held.isCanceled() ? IoStatus.CANCELLED : IoStatus.SUCCESS;
        assertThat(ScriptedDevice.completeHeld(held, st, 0)).isTrue();
        n++;
      }
      return n;
    }
  }

  @Test
  @DisplayName("cases 30, 42 with 10,000 queued and 10,000 delivered: purge(PURGE_IO) flushes and cancels without waiting")
  void purgeIoFlushesTenThousandQueuedAndCancelsTenThousandDeliveredWithoutWaiting() throws Exception {
    PendingAndQueued p = new PendingAndQueued(clock);

    Thread purger = startCall("purger", () -> p.t.purge(PurgeAction.PURGE_IO), p.ledger);
    joinBounded(purger);

    assertThat(p.t.state()).isEqualTo(IoTargetState.PURGED);
    p.ledger.assertEachOnce(MANY, 2 * MANY, IoStatus.DEVICE_REMOVED_NOT_SENT);
    p.ledger.assertCompletedOn(MANY, 2 * MANY, purger);
    p.ledger.assertNoneCompleted(0, MANY);
    assertThat(p.t.queuedCount()).isZero();
    assertThat(p.t.pendingCount()).isEqualTo(MANY);
    assertThat(p.dev.held).hasSize(MANY).allMatch(IoRequest::isCanceled);

    assertThat(p.releaseHeld()).isEqualTo(MANY);
    p.ledger.assertEachOnce(0, MANY, IoStatus.CANCELLED);
    p.ledger.assertEachOnce(MANY, 2 * MANY, IoStatus.DEVICE_REMOVED_NOT_SENT);
    assertThat(p.t.pendingCount()).isZero();
  }

  @Test
  @DisplayName("cases 30, 42 with 10,000 queued and 10,000 delivered: purge(PURGE_IO_AND_WAIT) waits for the cancelled")
  void purgeIoAndWaitFlushesTheQueuedAndReturnsOnlyAfterTheTenThousandCancelledCompleted() throws Exception {
    PendingAndQueued p = new PendingAndQueued(clock);

    Thread purger = startCall("purger", () -> p.t.purge(PurgeAction.PURGE_IO_AND_WAIT), p.ledger);
    awaitBlocked(purger);

    assertThat(p.t.state()).isEqualTo(IoTargetState.PURGED);
    p.ledger.assertEachOnce(MANY, 2 * MANY, IoStatus.DEVICE_REMOVED_NOT_SENT);
    p.ledger.assertCompletedOn(MANY, 2 * MANY, purger);
    p.ledger.assertNoneCompleted(0, MANY);
    assertThat(p.dev.held).hasSize(MANY).allMatch(IoRequest::isCanceled);
    assertThat(purger.isAlive()).isTrue();

    assertThat(p.releaseHeld()).isEqualTo(MANY);
    joinBounded(purger);
    p.ledger.assertEachOnce(0, MANY, IoStatus.CANCELLED);
    p.ledger.assertEachOnce(MANY, 2 * MANY, IoStatus.DEVICE_REMOVED_NOT_SENT);
    assertThat(p.ledger.lateCompletions).hasValue(0);
    assertThat(p.t.pendingCount()).isZero();
  }

  @Test
  @DisplayName("cases 36, 37 with 10,000 queued, 10,000 delivered, 1,000 ignore-state: close() flushes, cancels and waits")
  void closeFlushesTheQueuedCancelsDeliveredAndIgnoreStateRequestsAndWaitsForAllOfThem() throws Exception {
    PendingAndQueued p = new PendingAndQueued(clock);
    int ignoring = MANY / 10;
    sendMany(p.t, 2 * MANY, ignoring, p.ledger, SendOptions.builder().ignoreTargetState().build());
    assertThat(p.dev.held).hasSize(MANY + ignoring);   // delivered although the target is stopped

    Thread closer = startCall("closer", p.t::close, p.ledger);
    awaitBlocked(closer);

    assertThat(p.t.state()).isEqualTo(IoTargetState.CLOSED);
    p.ledger.assertEachOnce(MANY, 2 * MANY, IoStatus.DEVICE_REMOVED_NOT_SENT);
    p.ledger.assertCompletedOn(MANY, 2 * MANY, closer);
    p.ledger.assertNoneCompleted(0, MANY);
    p.ledger.assertNoneCompleted(2 * MANY, 2 * MANY + ignoring);
    assertThat(p.dev.held).hasSize(MANY + ignoring).allMatch(IoRequest::isCanceled);

    assertThat(p.releaseHeld()).isEqualTo(MANY + ignoring);
    joinBounded(closer);
    p.ledger.assertEachOnce(0, MANY, IoStatus.CANCELLED);
    p.ledger.assertEachOnce(MANY, 2 * MANY, IoStatus.DEVICE_REMOVED_NOT_SENT);
    p.ledger.assertEachOnce(2 * MANY, 2 * MANY + ignoring, IoStatus.CANCELLED);
    assertThat(p.ledger.lateCompletions).hasValue(0);
    assertThat(p.t.pendingCount()).isZero();

    IoRequest late = IoRequest.create();
    assertThat(late.formatRead(p.t, null, 0)).isEqualTo(IoStatus.INVALID_DEVICE_STATE);
    assertThat(p.t.open()).isEqualTo(IoStatus.SUCCESS);
    p.dev.mode = ScriptedDevice.Mode.COMPLETE;
    assertThat(late.formatRead(p.t, null, 0)).isEqualTo(IoStatus.SUCCESS);
    assertThat(late.send(p.t)).isTrue();
    assertThat(late.status()).isEqualTo(IoStatus.SUCCESS);
  }
}
