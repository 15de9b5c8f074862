package dev.courier.io;

import static dev.courier.io.IoStatus.CANCELLED;
import static dev.courier.io.IoStatus.IO_TIMEOUT;
import static dev.courier.io.IoStatus.SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** KMDF reference §11 E, cases 51 to 64: cancellation and timeouts. */
class CancellationCasesTest {
  final ManualClock clock = new ManualClock();

  private static IoRequest readFor(IoTarget t, RecordingRoutine routine) {
    IoRequest r = IoRequest.create();
    assertThat(r.formatRead(t, IoBuffer.of(IoMemory.allocate(64)), 0)).isEqualTo(SUCCESS);
    if (routine != null) {
      r.setCompletionRoutine(routine, null);
    }
    return r;
  }

  @Test
  @DisplayName("case 51: cancelling a queued request returns true after its routine ran on the cancelling thread with CANCELLED, info 0")
  void case51_cancelOfQueuedRequestCompletesItWithCancelledBeforeReturning() {
    ScriptedDevice dev = new ScriptedDevice("t");
    IoTarget t = dev.openTarget(clock);
    t.stop(StopAction.LEAVE_SENT_IO_PENDING);
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = readFor(t, routine);
    assertThat(r.send(t)).isTrue();
    assertThat(r.state()).isEqualTo(IoRequest.State.QUEUED);

    boolean cancelled = r.cancelSentRequest();
    int callsWhenCancelReturned = routine.count();

    assertThat(cancelled).isTrue();
    assertThat(callsWhenCancelReturned).isEqualTo(1);
    RecordingRoutine.Call call = routine.only();
    assertThat(call.thread()).isSameAs(Thread.currentThread());
    assertThat(call.status()).isEqualTo(CANCELLED);
    assertThat(call.information()).isZero();
    assertThat(r.status()).isEqualTo(CANCELLED);
    assertThat(t.queuedCount()).isZero();
    assertThat(t.pendingCount()).isZero();
    t.start();
    assertThat(dev.seen()).isEmpty();
  }

  @Test
  @DisplayName("case 52: cancelling a sent request whose target honours cancel returns true and the routine gets CANCELLED")
  void case52_cancelOfSentRequestThatTheTargetHonoursCompletesItWithCancelled() throws Exception {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.mode = ScriptedDevice.Mode.HOLD_HONOUR_CANCEL;
    IoTarget t = dev.openTarget(clock);
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = readFor(t, routine);
    assertThat(r.send(t)).isTrue();
    IoRequest held = dev.nextHeld();
    assertThat(routine.count()).isZero();

    assertThat(r.cancelSentRequest()).isTrue();

    assertThat(routine.only().status()).isEqualTo(CANCELLED);
    assertThat(r.status()).isEqualTo(CANCELLED);
    assertThat(held.state()).isEqualTo(IoRequest.State.DRIVER_COMPLETED);
    assertThat(t.pendingCount()).isZero();
  }

  @Test
  @DisplayName("case 53: cancelling a sent request the target cannot cancel returns false; it completes later with the target's status")
  void case53_cancelOfNonCancelableSentRequestReturnsFalseAndItCompletesLaterWithTheTargetsStatus() throws Exception {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
    IoTarget t = dev.openTarget(clock);
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = readFor(t, routine);
    assertThat(r.send(t)).isTrue();
    IoRequest held = dev.nextHeld();

    assertThat(r.cancelSentRequest()).isFalse();

    assertThat(r.cancelRequested()).isTrue();
    assertThat(held.isCanceled()).as("the driver can still see the cancel").isTrue();
    assertThat(routine.count()).isZero();
    assertThat(r.state()).isEqualTo(IoRequest.State.SENT);
    assertThat(ScriptedDevice.completeHeld(held, SUCCESS, 42)).isTrue();
    RecordingRoutine.Call call = routine.only();
    assertThat(call.status()).isEqualTo(SUCCESS);
    assertThat(call.information()).isEqualTo(42);
    assertThat(r.cancelRequested()).isTrue();
  }

  @Test
  @DisplayName("case 54: cancelling a completed request returns false and does not complete it again")
  void case54_cancelOfCompletedRequestReturnsFalseWithoutASecondCompletion() {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.completeInformation = 9;
    IoTarget t = dev.openTarget(clock);
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = readFor(t, routine);
    assertThat(r.send(t)).isTrue();
    assertThat(routine.count()).isEqualTo(1);

    assertThat(r.cancelSentRequest()).isFalse();

    assertThat(routine.count()).isEqualTo(1);
    assertThat(r.status()).isEqualTo(SUCCESS);
    assertThat(r.information()).isEqualTo(9);
    assertThat(r.state()).isEqualTo(IoRequest.State.COMPLETED);
    assertThat(r.cancelRequested()).as("the cancel flag is set anyway (sticky)").isTrue();
    assertThat(t.pendingCount()).isZero();
  }

  @Test
  @DisplayName("case 55: cancelling a request never sent returns false, and its next send is refused with CANCELLED")
  void case55_cancelBeforeSendReturnsFalseAndMakesTheSendFailWithCancelled() {
    ScriptedDevice dev = new ScriptedDevice("t");
    IoTarget t = dev.openTarget(clock);
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = readFor(t, routine);

    assertThat(r.cancelSentRequest()).isFalse();
    assertThat(r.send(t)).isFalse();

    assertThat(r.status()).isEqualTo(CANCELLED);
    assertThat(routine.count()).isZero();
    assertThat(r.state()).isEqualTo(IoRequest.State.FORMATTED);
    assertThat(dev.seen()).isEmpty();
    assertThat(t.pendingCount()).isZero();
  }

  @Test
  @DisplayName("case 56: a cancelled request is refused with CANCELLED until reuse; after reuse, reformat and resend it is accepted")
  void case56_cancelledRequestNeedsReuseBeforeItCanBeSentAgain() throws Exception {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.mode = ScriptedDevice.Mode.HOLD_HONOUR_CANCEL;
    IoTarget t = dev.openTarget(clock);
    IoMemory m = IoMemory.allocate(64);
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = readFor(t, routine);
    assertThat(r.send(t)).isTrue();
    dev.nextHeld();
    assertThat(r.cancelSentRequest()).isTrue();
    assertThat(routine.only().status()).isEqualTo(CANCELLED);

    assertThat(r.formatRead(t, IoBuffer.of(m), 0)).isEqualTo(SUCCESS);
    r.setCompletionRoutine(routine, null);
    assertThat(r.send(t)).isFalse();
    assertThat(r.status()).isEqualTo(CANCELLED);
    assertThat(dev.seen()).hasSize(1);

    assertThat(r.reuse()).isEqualTo(SUCCESS);
    assertThat(r.formatRead(t, IoBuffer.of(m), 0)).isEqualTo(SUCCESS);
    r.setCompletionRoutine(routine, null);
    assertThat(r.send(t)).isTrue();
    assertThat(ScriptedDevice.completeHeld(dev.nextHeld(), SUCCESS, 64)).isTrue();
    assertThat(routine.calls()).extracting(RecordingRoutine.Call::status).containsExactly(CANCELLED, SUCCESS);
    assertThat(dev.seen()).hasSize(2);
  }

  @Test
  @DisplayName("case 57: a relative timeout cancels the request; CANCELLED becomes IO_TIMEOUT, information as the target set it")
  void case57_relativeTimeoutCancelsAndReportsIoTimeoutWithTheTargetsInformation() throws Exception {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.mode = ScriptedDevice.Mode.HOLD_HONOUR_CANCEL;
    dev.cancelInformation = 12;
    IoTarget t = dev.openTarget(clock);
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = readFor(t, routine);
    assertThat(r.send(t, SendOptions.withTimeout(Duration.ofMillis(50)))).isTrue();
    IoRequest held = dev.nextHeld();

    clock.advance(Duration.ofMillis(49));
    assertThat(routine.count()).isZero();
    assertThat(held.isCanceled()).isFalse();
    clock.advance(Duration.ofMillis(1));

    RecordingRoutine.Call call = routine.only();
    assertThat(call.status()).isEqualTo(IO_TIMEOUT);
    assertThat(call.information()).isEqualTo(12);
    assertThat(call.thread()).as("the timer runs on the advancing thread").isSameAs(Thread.currentThread());
    assertThat(r.status()).isEqualTo(IO_TIMEOUT);
    assertThat(r.information()).isEqualTo(12);
    assertThat(r.cancelRequested()).isTrue();
    assertThat(clock.scheduledCount()).isZero();
  }

  @Test
  @DisplayName("case 58: a timed-out request that the target completes with UNSUCCESSFUL keeps UNSUCCESSFUL")
  void case58_timeoutDoesNotRewriteAStatusOtherThanCancelled() throws Exception {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.mode = ScriptedDevice.Mode.HOLD_HONOUR_CANCEL;
    dev.cancelStatus = IoStatus.UNSUCCESSFUL;
    IoTarget t = dev.openTarget(clock);
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = readFor(t, routine);
    assertThat(r.send(t, SendOptions.withTimeout(Duration.ofMillis(50)))).isTrue();
    dev.nextHeld();

    clock.advance(Duration.ofMillis(50));

    assertThat(routine.only().status()).isEqualTo(IoStatus.UNSUCCESSFUL);
    assertThat(r.status()).isEqualTo(IoStatus.UNSUCCESSFUL);
  }

  @Test
  @DisplayName("case 59: a request completing before its timeout keeps SUCCESS; the timer is disarmed and never cancels it")
  void case59_completionBeforeTheTimeoutDisarmsTheTimer() throws Exception {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.mode = ScriptedDevice.Mode.HOLD_HONOUR_CANCEL;
    IoTarget t = dev.openTarget(clock);
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = readFor(t, routine);
    assertThat(r.send(t, SendOptions.withTimeout(Duration.ofMillis(50)))).isTrue();
    IoRequest held = dev.nextHeld();
    assertThat(clock.scheduledCount()).isEqualTo(1);

    clock.advance(Duration.ofMillis(10));
    assertThat(ScriptedDevice.completeHeld(held, SUCCESS, 64)).isTrue();

    assertThat(routine.only().status()).isEqualTo(SUCCESS);
    assertThat(clock.scheduledCount()).isZero();
    clock.advance(Duration.ofMillis(100));
    assertThat(r.cancelRequested()).isFalse();
    assertThat(routine.count()).isEqualTo(1);
    assertThat(r.status()).isEqualTo(SUCCESS);
  }

  @Test
  @DisplayName("case 60: an absolute deadline behaves like a relative timeout at the deadline")
  void case60_absoluteDeadlineTimesOutAtTheDeadline() throws Exception {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.mode = ScriptedDevice.Mode.HOLD_HONOUR_CANCEL;
    IoTarget t = dev.openTarget(clock);
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = readFor(t, routine);
    Instant deadline = clock.instant().plusMillis(50);
    assertThat(r.send(t, SendOptions.builder().deadline(deadline).build())).isTrue();
    IoRequest held = dev.nextHeld();

    clock.advance(Duration.ofMillis(49));
    assertThat(routine.count()).isZero();
    assertThat(held.isCanceled()).isFalse();
    clock.advance(Duration.ofMillis(1));

    assertThat(clock.instant()).isEqualTo(deadline);
    assertThat(routine.only().status()).isEqualTo(IO_TIMEOUT);
    assertThat(r.status()).isEqualTo(IO_TIMEOUT);
  }

  @Test
  @DisplayName("case 61: time spent queued in a stopped target counts: the request times out there with IO_TIMEOUT")
  void case61_queuedRequestTimesOutWhileTheTargetStaysStopped() {
    ScriptedDevice dev = new ScriptedDevice("t");
    IoTarget t = dev.openTarget(clock);
    t.stop(StopAction.LEAVE_SENT_IO_PENDING);
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = readFor(t, routine);
    assertThat(r.send(t, SendOptions.withTimeout(Duration.ofMillis(50)))).isTrue();
    assertThat(r.state()).isEqualTo(IoRequest.State.QUEUED);

    clock.advance(Duration.ofMillis(49));
    assertThat(routine.count()).isZero();
    clock.advance(Duration.ofMillis(51));

    RecordingRoutine.Call call = routine.only();
    assertThat(call.status()).isEqualTo(IO_TIMEOUT);
    assertThat(call.information()).isZero();
    assertThat(t.queuedCount()).isZero();
    assertThat(t.pendingCount()).isZero();
    t.start();
    assertThat(dev.seen()).isEmpty();
  }

  @Test
  @DisplayName("case 62: start drops the timeout of a queued request: it is not timed out while the target holds it")
  void case62_startDropsTheTimeoutOfAQueuedRequest() throws Exception {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.mode = ScriptedDevice.Mode.HOLD_HONOUR_CANCEL;
    IoTarget t = dev.openTarget(clock);
    t.stop(StopAction.LEAVE_SENT_IO_PENDING);
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = readFor(t, routine);
    assertThat(r.send(t, SendOptions.withTimeout(Duration.ofMillis(500)))).isTrue();

    clock.advance(Duration.ofMillis(10));
    assertThat(t.start()).isEqualTo(SUCCESS);
    IoRequest held = dev.nextHeld();
    assertThat(clock.scheduledCount()).isZero();
    clock.advance(Duration.ofSeconds(1));

    assertThat(routine.count()).isZero();
    assertThat(r.state()).isEqualTo(IoRequest.State.SENT);
    assertThat(r.cancelRequested()).isFalse();
    assertThat(held.isCanceled()).isFalse();
    assertThat(ScriptedDevice.completeHeld(held, SUCCESS, 64)).isTrue();
    assertThat(routine.only().status()).isEqualTo(SUCCESS);
  }

  @Test
  @DisplayName("case 63: 100,000 completions racing a cancel: each send gives exactly one routine call, and nothing stays pending")
  void case63_completionRacingCancelGivesExactlyOneRoutineCallPerSend() throws Exception {
    final int rounds = 100_000;
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.mode = ScriptedDevice.Mode.HOLD_HONOUR_CANCEL;
    IoTarget t = dev.openTarget(clock);
    IoRequest r = IoRequest.create();
    AtomicInteger calls = new AtomicInteger();
    LongAdder completedByDevice = new LongAdder();
    LongAdder completedByCancel = new LongAdder();
    LongAdder otherStatus = new LongAdder();
    CompletionRoutine<Object> routine = (req, target, params, ctx) -> {
      calls.incrementAndGet();
      if (params.status().equals(SUCCESS)) {
        completedByDevice.increment();
      } else if (params.status().equals(CANCELLED)) {
        completedByCancel.increment();
      } else {
        otherStatus.increment();
      }
    };
    // Each round publishes "go", then the device completion and the cancel run at the same time. Which
    // side starts first varies: round % 3 == 0 is a free race, 1 lets the cancel start first, 2 lets the
    // completion start first; random spins on both sides vary the overlap.
    AtomicInteger go = new AtomicInteger();
    AtomicInteger cancelStarted = new AtomicInteger();
    AtomicInteger completionStarted = new AtomicInteger();
    AtomicInteger cancelled = new AtomicInteger();
    AtomicBoolean abort = new AtomicBoolean();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    BackgroundCall<Void> canceller = BackgroundCall.start("canceller", () -> {
      for (int i = 1; i <= rounds; i++) {
        final int round = i;
        if (!spinUntil(() -> go.get() >= round ? 1 : 0, abort, deadline)) {
          return;
        }
        if (round % 3 == 2 && !spinUntil(() -> completionStarted.get() >= round ? 1 : 0, abort, deadline)) {
          return;
        }
        jitter();
        cancelStarted.set(round);
        r.cancelSentRequest();
        cancelled.set(round);
      }
    });
    String failure = null;
    try {
      for (int i = 1; i <= rounds && failure == null; i++) {
        final int round = i;
        r.reuse();
        r.formatRead(t, null, 0);
        r.setCompletionRoutine(routine, null);
        if (!r.send(t)) {
          failure = "round " + i + ": send refused with " + r.status();
          break;
        }
        IoRequest held = dev.held.poll();
        if (held == null) {
          failure = "round " + i + ": the device holds nothing";
          break;
        }
        go.set(i);
        if (round % 3 == 1 && !spinUntil(() -> cancelStarted.get() >= round ? 1 : 0, abort, deadline)) {
          failure = "round " + i + ": the canceller did not start in time";
          break;
        }
        if (round % 3 != 2) {
          jitter();
        }
        completionStarted.set(i);
        ScriptedDevice.completeHeld(held, SUCCESS, 1);
        if (!spinUntil(() -> cancelled.get() >= round ? 1 : 0, abort, deadline)) {
          failure = "round " + i + ": the canceller did not finish in time";
          break;
        }
        if (calls.get() != i) {
          failure = "round " + i + ": " + calls.get() + " routine calls (expected " + i + ")";
        } else if (t.pendingCount() != 0) {
          failure = "round " + i + ": pendingCount " + t.pendingCount();
        }
      }
    } finally {
      abort.set(true);
      canceller.join();
    }

    assertThat(failure).isNull();
    assertThat(calls).hasValue(rounds);
    assertThat(otherStatus.sum()).isZero();
    assertThat(completedByDevice.sum() + completedByCancel.sum()).isEqualTo(rounds);
    assertThat(completedByDevice.sum()).as("rounds the device won (the race was exercised)").isPositive();
    assertThat(completedByCancel.sum()).as("rounds the cancel won (the race was exercised)").isPositive();
    assertThat(t.pendingCount()).isZero();
    assertThat(r.state()).isEqualTo(IoRequest.State.COMPLETED);
    assertThat(dev.held).isEmpty();
  }

  /** Spins (yielding after a while) until {@code condition} gives 1; false on abort or past the deadline. */
  private static boolean spinUntil(IntSupplier condition, AtomicBoolean abort, long deadline) {
    for (int spins = 0; condition.getAsInt() == 0; spins++) {
      if (spins < 200) {
        Thread.onSpinWait();
      } else {
        if ((spins & 0xFF) == 0 && (abort.get() || System.nanoTime() - deadline > 0)) {
          return false;
        }
        Thread.yield();
      }
    }
    return true;
  }

  private static void jitter() {
    int n = ThreadLocalRandom.current().nextInt(64);
    for (int i = 0; i < n; i++) {
      Thread.onSpinWait();
    }
  }

  @Test
  @DisplayName("case 64a: the timer has cancelled the request, then the target completes it with CANCELLED: IO_TIMEOUT")
  void case64a_completionWithCancelledAfterTheTimerFiredReportsIoTimeout() throws Exception {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
    IoTarget t = dev.openTarget(clock);
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = readFor(t, routine);
    assertThat(r.send(t, SendOptions.withTimeout(Duration.ofMillis(50)))).isTrue();
    IoRequest held = dev.nextHeld();

    clock.advance(Duration.ofMillis(60));
    assertThat(held.isCanceled()).as("the timer asked to cancel").isTrue();
    assertThat(routine.count()).isZero();
    assertThat(r.cancelSentRequest()).as("the driver's own cancel, ignored by the target").isFalse();
    assertThat(ScriptedDevice.completeHeld(held, CANCELLED, 3)).isTrue();

    RecordingRoutine.Call call = routine.only();
    assertThat(call.status()).isEqualTo(IO_TIMEOUT);
    assertThat(call.information()).isEqualTo(3);
    assertThat(r.status()).isEqualTo(IO_TIMEOUT);
  }

  @Test
  @DisplayName("case 64b: a driver cancel completing the request before the timeout gives CANCELLED and disarms the timer")
  void case64b_driverCancelBeforeTheTimeoutGivesCancelledAndDisarmsTheTimer() throws Exception {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.mode = ScriptedDevice.Mode.HOLD_HONOUR_CANCEL;
    IoTarget t = dev.openTarget(clock);
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = readFor(t, routine);
    assertThat(r.send(t, SendOptions.withTimeout(Duration.ofMillis(50)))).isTrue();
    dev.nextHeld();
    clock.advance(Duration.ofMillis(20));
    assertThat(clock.scheduledCount()).isEqualTo(1);

    assertThat(r.cancelSentRequest()).isTrue();

    assertThat(routine.only().status()).isEqualTo(CANCELLED);
    assertThat(clock.scheduledCount()).isZero();
    clock.advance(Duration.ofMillis(100));
    assertThat(routine.count()).isEqualTo(1);
    assertThat(r.status()).isEqualTo(CANCELLED);
    assertThat(t.pendingCount()).isZero();
  }
}
