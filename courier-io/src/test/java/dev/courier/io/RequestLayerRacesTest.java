package dev.courier.io;

import static dev.courier.io.IoStatus.CANCELLED;
import static dev.courier.io.IoStatus.SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.io.spi.IoDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The request layer's races and chains: a handler's late {@code unmarkCancelable}, a handler that throws after
 * completing, a timer armed while its request was cancelled and resent, a close racing ignore-state sends, and
 * resend chains far deeper than a thread's stack.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RequestLayerRacesTest {
  final ManualClock clock = new ManualClock();

  /** A target over a device of its own whose one parallel queue takes every request to {@code handler}. */
  private IoTarget deviceTarget(IoQueue.Handler handler) {
    return ScriptedDevice.handlerTarget("device", clock, handler);
  }

  /** A created request formatted for a read of nothing at {@code deviceOffset} of {@code target}. */
  private static IoRequest readOf(IoTarget target, long deviceOffset) {
    IoRequest r = IoRequest.create();
    assertThat(r.formatRead(target, null, deviceOffset)).isEqualTo(SUCCESS);
    return r;
  }

  /** Resends a completed request with {@code routine}, reused first: a cancelled one refuses a send until reuse. */
  private static void resendAfterCancel(
      RecordingRoutine routine, IoRequest request, IoTarget target, SendOptions options) {
    request.reuse();
    assertThat(request.formatRead(target, null, 0)).isEqualTo(SUCCESS);
    request.setCompletionRoutine(routine, null);
    assertThat(request.send(target, options)).isTrue();
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

  // =============================================================================================
  // unmarkCancelable racing the cancel routine
  // =============================================================================================

  @Test
  void aLateUnmarkCancelableAnswersCancelledAndLeavesTheSendersNextSendAloneWhenItsRoutineResentInline() {
    List<IoRequest> presented = new ArrayList<>();
    IoTarget t = deviceTarget((q, request) -> {
      presented.add(request);
      if (request.markCancelable(x -> x.complete(CANCELLED)).equals(CANCELLED)) {
        request.complete(CANCELLED);
      }
    });
    IoRequest r = readOf(t, 0);
    RecordingRoutine routine = new RecordingRoutine((self, request, target, params) -> {
      if (self.count() == 1) {
        resendAfterCancel(self, request, target, SendOptions.defaults());
      }
    });
    r.setCompletionRoutine(routine, null);
    assertThat(r.send(t)).isTrue();

    assertThat(r.cancelSentRequest()).isTrue();     // its routine resends inline: a second presentation

    assertThat(routine.errors()).isEmpty();
    assertThat(presented).hasSize(2);
    IoRequest first = presented.get(0);
    AtomicReference<Object> unmarked = new AtomicReference<>();
    try {
      unmarked.set(first.unmarkCancelable());     // the first handler, late: its cancel routine completed it
    } catch (RuntimeException e) {
      unmarked.set(e);
    }
    assertThat(unmarked.get()).isEqualTo(CANCELLED);
    assertThat(r.state()).as("the second send is still held").isEqualTo(IoRequest.State.SENT);
    assertThat(r.cancelSentRequest()).as("the second presentation is still cancelable").isTrue();
    assertThat(routine.calls()).extracting(RecordingRoutine.Call::status).containsExactly(CANCELLED, CANCELLED);
    assertThat(t.pendingCount()).isZero();
  }

  @Test
  void unmarkCancelableRacingTheCancelRoutineAnswersSuccessOrCancelledNeverThrowsInTwoHundredThousandRounds()
      throws Exception {
    final int rounds = 200_000;
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.mode = ScriptedDevice.Mode.HOLD_HONOUR_CANCEL;
    IoTarget t = dev.openTarget(clock);
    IoRequest r = IoRequest.create();
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger unmarkedFirst = new AtomicInteger();
    AtomicInteger cancelledFirst = new AtomicInteger();
    CompletionRoutine<Object> routine = (req, target, params, ctx) -> calls.incrementAndGet();
    AtomicInteger go = new AtomicInteger();
    AtomicInteger cancelled = new AtomicInteger();
    AtomicBoolean abort = new AtomicBoolean();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    BackgroundCall<Void> canceller = BackgroundCall.start("canceller", () -> {
      for (int i = 1; i <= rounds; i++) {
        final int round = i;
        if (!spinUntil(() -> go.get() >= round ? 1 : 0, abort, deadline)) {
          return;
        }
        jitter();
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
        jitter();
        try {
          IoStatus unmarked = held.unmarkCancelable();
          if (unmarked.equals(SUCCESS)) {
            unmarkedFirst.incrementAndGet();
            held.complete(SUCCESS, 1);
          } else if (unmarked.equals(CANCELLED)) {
            cancelledFirst.incrementAndGet();
          } else {
            failure = "round " + i + ": unmarkCancelable answered " + unmarked;
          }
        } catch (RuntimeException e) {
          failure = "round " + i + ": unmarkCancelable threw " + e;
        }
        if (!spinUntil(() -> cancelled.get() >= round ? 1 : 0, abort, deadline)) {
          failure = failure != null ? failure : "round " + i + ": the canceller did not finish in time";
          break;
        }
        if (failure == null && calls.get() != i) {
          failure = "round " + i + ": " + calls.get() + " routine calls (expected " + i + ")";
        }
      }
    } finally {
      abort.set(true);
      canceller.join();
    }

    assertThat(failure).isNull();
    assertThat(calls).hasValue(rounds);
    assertThat(unmarkedFirst.get() + cancelledFirst.get()).as("rounds either side won").isEqualTo(rounds);
    assertThat(t.pendingCount()).isZero();
  }

  /**
   * What a sequential queue's drain and a manual queue's retrieval do with a request they took from their list:
   * claim its cancel routine, one routine object shared by every waiting request. A cancel that completed the
   * first presentation and whose routine resent the request has a second presentation waiting with that same
   * routine: the first, stale one must not claim it, or it is presented although completed and the resend is
   * never presented (the stress test's send that never completed).
   */
  @Test
  void aCompletedPresentationCannotClaimTheCancelRoutineTheSendersResendInstalledWithTheSameRoutineObject() {
    List<RealIoRequest> waiting = new ArrayList<>();
    CancelRoutine shared = request -> request.complete(CANCELLED);
    IoTarget t = IoTargets.create("waiting", request -> {
      RealIoRequest presented = (RealIoRequest) request;
      waiting.add(presented);
      assertThat(presented.installCancelRoutine(shared)).isTrue();
    }, clock);
    IoRequest r = readOf(t, 0);
    RecordingRoutine routine = resendingOnce();
    r.setCompletionRoutine(routine, null);
    assertThat(r.send(t)).isTrue();

    assertThat(r.cancelSentRequest()).isTrue();   // completes the first presentation; the routine resends inline

    assertThat(routine.errors()).isEmpty();
    assertThat(waiting).hasSize(2);
    RealIoRequest stale = waiting.get(0);
    RealIoRequest current = waiting.get(1);
    assertThat(stale.state()).isEqualTo(IoRequest.State.DRIVER_COMPLETED);
    assertThat(stale.removeCancelRoutine(shared)).as("the completed presentation claims nothing").isFalse();
    assertThat(current.removeCancelRoutine(shared)).as("the resend's presentation still holds its routine").isTrue();
    current.complete(SUCCESS, 3);
    assertThat(routine.calls()).extracting(RecordingRoutine.Call::status).containsExactly(CANCELLED, SUCCESS);
    assertThat(t.pendingCount()).isZero();
  }

  // =============================================================================================
  // A handler that throws after completing, while the sender's routine resent inline
  // =============================================================================================

  /** A routine that resends its request once, inline, from its first call. */
  private static RecordingRoutine resendingOnce() {
    return new RecordingRoutine((self, request, target, params) -> {
      if (self.count() == 1) {
        resendAfterCancel(self, request, target, SendOptions.defaults());
      }
    });
  }

  @Test
  void aQueueHandlerThatThrowsAfterCompletingLeavesTheResendItsCompletionStartedToItsNextHandler() {
    List<IoRequest> held = new ArrayList<>();
    IoTarget t = deviceTarget((q, request) -> {
      if (held.isEmpty()) {
        held.add(null);     // the first presentation: complete (the sender resends inline), then throw
        request.complete(SUCCESS, 1);
        throw new IllegalStateException("handler bug after completing");
      }
      held.add(request);    // the resend: held for the test to complete
    });
    assertInlineResendSurvivesAThrowAfterCompleting(t, held);
  }

  @Test
  void aDriverThatThrowsAfterCompletingLeavesTheResendItsCompletionStartedToItsNextDispatch() {
    List<IoRequest> held = new ArrayList<>();
    IoDriver driver = request -> {
      if (held.isEmpty()) {
        held.add(null);
        request.complete(SUCCESS, 1);
        throw new IllegalStateException("driver bug after completing");
      }
      held.add(request);
    };
    assertInlineResendSurvivesAThrowAfterCompleting(IoTargets.create("driver", driver, clock), held);
  }

  private static void assertInlineResendSurvivesAThrowAfterCompleting(IoTarget t, List<IoRequest> held) {
    IoRequest r = readOf(t, 0);
    RecordingRoutine routine = resendingOnce();
    r.setCompletionRoutine(routine, null);

    assertThat(r.send(t)).isTrue();

    assertThat(routine.errors()).isEmpty();
    assertThat(held).hasSize(2);
    assertThat(routine.calls()).as("only the first send has completed").hasSize(1);
    assertThat(routine.calls().getFirst().status()).isEqualTo(SUCCESS);
    assertThat(r.state()).as("the resend is held by its handler").isEqualTo(IoRequest.State.SENT);
    held.get(1).complete(SUCCESS, 2);
    assertThat(routine.calls()).extracting(RecordingRoutine.Call::status).containsExactly(SUCCESS, SUCCESS);
    assertThat(routine.calls()).extracting(RecordingRoutine.Call::information).containsExactly(1L, 2L);
    assertThat(t.pendingCount()).isZero();
    assertThat(CallbackFailures.take()).extracting(f -> f.failure().getMessage())
        .singleElement().asString().endsWith("bug after completing");
  }

  @Test
  void aCancelRoutineThatThrowsAfterCompletingLeavesTheResendItsCompletionStartedToItsNextHandler() {
    List<IoRequest> held = new ArrayList<>();
    IoTarget t = deviceTarget((q, request) -> {
      boolean first = held.isEmpty();
      held.add(request);
      if (first) {
        request.markCancelable(x -> {
          x.complete(CANCELLED);
          throw new IllegalStateException("cancel routine bug after completing");
        });
      }
    });
    IoRequest r = readOf(t, 0);
    RecordingRoutine routine = resendingOnce();
    r.setCompletionRoutine(routine, null);
    assertThat(r.send(t)).isTrue();

    assertThat(r.cancelSentRequest()).isTrue();

    assertThat(routine.errors()).isEmpty();
    assertThat(held).hasSize(2);
    assertThat(routine.calls()).extracting(RecordingRoutine.Call::status).containsExactly(CANCELLED);
    assertThat(r.state()).as("the resend is held by its handler").isEqualTo(IoRequest.State.SENT);
    held.get(1).complete(SUCCESS, 2);
    assertThat(routine.calls()).extracting(RecordingRoutine.Call::status).containsExactly(CANCELLED, SUCCESS);
    assertThat(t.pendingCount()).isZero();
    assertThat(CallbackFailures.take()).extracting(f -> f.failure().getMessage())
        .containsExactly("cancel routine bug after completing");
  }

  // =============================================================================================
  // start() and a timer armed while its request was cancelled and resent
  // =============================================================================================

  /** A manual clock whose first {@code schedule} waits, inside the call, until the test opens the gate. */
  static final class GatedClock implements IoClock {
    final ManualClock inner = new ManualClock();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch gate = new CountDownLatch(1);
    private final AtomicBoolean first = new AtomicBoolean(true);

    @Override
    public long nanoTime() {
      return inner.nanoTime();
    }

    @Override
    public java.time.Instant instant() {
      return inner.instant();
    }

    @Override
    public Scheduled schedule(Runnable task, long delayNanos) {
      if (first.compareAndSet(true, false)) {
        entered.countDown();
        try {
          if (!gate.await(Eventually.LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the test did not open the gate");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return inner.schedule(task, delayNanos);
    }
  }

  @Test
  void startDropsTheTimeoutOfAQueuedResendEvenWhenItsFirstSendWasStillArmingItsTimerWhenCancelled() throws Exception {
    GatedClock gated = new GatedClock();
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.mode = ScriptedDevice.Mode.HOLD_HONOUR_CANCEL;
    IoTarget t = dev.openTarget(gated);
    t.stop(StopAction.LEAVE_SENT_IO_PENDING);
    SendOptions timed = SendOptions.withTimeout(Duration.ofSeconds(1));
    IoRequest r = readOf(t, 0);
    AtomicBoolean resent = new AtomicBoolean();
    RecordingRoutine routine = new RecordingRoutine((self, request, target, params) -> {
      if (self.count() == 1) {
        resendAfterCancel(self, request, target, timed);
        resent.set(true);
      }
    });
    r.setCompletionRoutine(routine, null);
    BackgroundCall<Boolean> firstSend = BackgroundCall.start("first send", () -> r.send(t, timed));
    assertThat(gated.entered.await(Eventually.LIMIT.toMillis(), TimeUnit.MILLISECONDS))
        .as("the first send reached its timer").isTrue();

    assertThat(r.cancelSentRequest()).isTrue();    // completes the queued send; its routine resends, queued
    gated.gate.countDown();
    assertThat(firstSend.join()).isTrue();
    assertThat(resent).isTrue();
    assertThat(t.start()).isEqualTo(SUCCESS);
    IoRequest held = dev.nextHeld();

    assertThat(gated.inner.scheduledCount()).as("no timer left: start dropped the resend's").isZero();
    gated.inner.advance(Duration.ofSeconds(5));
    assertThat(routine.errors()).isEmpty();
    assertThat(routine.calls()).extracting(RecordingRoutine.Call::status).containsExactly(CANCELLED);
    assertThat(held.isCanceled()).isFalse();
    assertThat(ScriptedDevice.completeHeld(held, SUCCESS, 7)).isTrue();
    assertThat(routine.calls()).extracting(RecordingRoutine.Call::status).containsExactly(CANCELLED, SUCCESS);
  }

  // =============================================================================================
  // close() racing sends made with ignoreTargetState
  // =============================================================================================

  @Test
  void closeWaitsForEveryIgnoreStateRequestTheDriverWasGivenBeforeItsOnCloseRunsInThreeHundredRounds()
      throws Exception {
    final int rounds = 300;
    final int senders = 3;
    final int requestsPerSender = 1_500;
    SendOptions ignoreState = SendOptions.builder().ignoreTargetState().build();
    List<String> violations = new ArrayList<>();
    for (int round = 0; round < rounds && violations.isEmpty(); round++) {
      AtomicInteger holding = new AtomicInteger();
      AtomicBoolean driverClosed = new AtomicBoolean();
      AtomicBoolean closeReturned = new AtomicBoolean();
      ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
      IoDriver driver = new IoDriver() {
        @Override
        public void dispatch(IoRequest request) {
          holding.incrementAndGet();
          if (driverClosed.get()) {
            seen.add("a request reached the driver after its onClose");
          }
          jitter();
          holding.decrementAndGet();
          request.complete(SUCCESS);
        }

        @Override
        public void onClose() {
          if (holding.get() > 0) {
            seen.add("onClose ran while the driver held a request");
          }
          driverClosed.set(true);
        }
      };
      IoTarget t = IoTargets.create("ignoring", driver, clock);
      CompletionRoutine<Object> routine = (req, target, params, ctx) -> {
        if (closeReturned.get()) {
          seen.add("a request completed after close() returned");
        }
      };
      // Formatted before the close (a closing target refuses a format), each sent once (close cancels the
      // requests it finds in flight, and a cancelled request refuses its next send).
      AtomicInteger sent = new AtomicInteger();
      List<BackgroundCall<Void>> sending = new ArrayList<>();
      for (int s = 0; s < senders; s++) {
        IoRequest[] requests = new IoRequest[requestsPerSender];
        for (int i = 0; i < requests.length; i++) {
          requests[i] = readOf(t, 0);
        }
        sending.add(BackgroundCall.start("sender " + s, () -> {
          for (IoRequest r : requests) {
            r.setCompletionRoutine(routine, null);
            if (!r.send(t, ignoreState)) {
              return;
            }
            sent.incrementAndGet();
          }
        }));
      }
      int warm = ThreadLocalRandom.current().nextInt(50, 1_000);
      Eventually.until(() -> sent.get() >= warm, "the senders to be sending");

      t.close();
      closeReturned.set(true);
      int pendingWhenClosed = t.pendingCount();

      for (BackgroundCall<Void> s : sending) {
        s.join();
      }
      if (pendingWhenClosed != 0) {
        seen.add("close() returned with " + pendingWhenClosed + " pending");
      }
      for (String s : seen) {
        violations.add("round " + round + ": " + s);
      }
    }
    assertThat(violations).isEmpty();
  }

  // =============================================================================================
  // Resend chains
  // =============================================================================================

  private static final int CHAIN = 100_000;

  /** Resends its request from each completion until {@link #CHAIN} sends completed; records what it saw. */
  static final class ChainRoutine implements CompletionRoutine<Object> {
    final AtomicInteger accepted = new AtomicInteger(1);
    final AtomicInteger completions = new AtomicInteger();
    final AtomicInteger notSuccess = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    final ConcurrentLinkedQueue<Throwable> thrown = new ConcurrentLinkedQueue<>();
    volatile long lastInformation = -1;

    @Override
    public void onCompletion(IoRequest request, IoTarget target, IoCompletionParams params, Object context) {
      try {
        int n = completions.incrementAndGet();
        if (!params.status().equals(SUCCESS)) {
          notSuccess.incrementAndGet();
        }
        lastInformation = params.information();
        if (n < CHAIN) {
          request.setCompletionRoutine(this, null);
          request.formatRead(target, null, n);
          if (request.send(target)) {
            accepted.incrementAndGet();
          } else {
            refused.incrementAndGet();
          }
        }
      } catch (Throwable e) {
        thrown.add(e);
        throw e;
      }
    }
  }

  private void assertAChainOfAHundredThousandResendsCompletes(IoTarget t) throws Exception {
    ChainRoutine routine = new ChainRoutine();
    IoRequest r = readOf(t, 0);
    r.setCompletionRoutine(routine, null);

    assertThat(r.send(t)).isTrue();

    assertThat(routine.thrown).isEmpty();
    assertThat(routine.refused).hasValue(0);
    assertThat(routine.accepted).hasValue(CHAIN);
    assertThat(routine.completions).as("every send completed, none twice").hasValue(CHAIN);
    assertThat(routine.notSuccess).hasValue(0);
    assertThat(routine.lastInformation).as("the last completion arrived").isEqualTo(CHAIN - 1);
    assertThat(r.state()).isEqualTo(IoRequest.State.COMPLETED);
    assertThat(t.pendingCount()).isZero();
    BackgroundCall.start("close", t::close).join();
  }

  @Test
  void aHundredThousandResendsChainedFromCompletionRoutinesThroughAnInlineDriverAllComplete() throws Exception {
    IoDriver inline = request -> request.complete(SUCCESS, request.deviceOffset());
    assertAChainOfAHundredThousandResendsCompletes(IoTargets.create("inline", inline, clock));
  }

  @Test
  void aHundredThousandResendsChainedFromCompletionRoutinesThroughAnInlineQueueHandlerAllComplete()
      throws Exception {
    assertAChainOfAHundredThousandResendsCompletes(
        deviceTarget((q, request) -> request.complete(SUCCESS, request.deviceOffset())));
  }
}
