package dev.courier.io;

import static dev.courier.io.IoStatus.INVALID_DEVICE_STATE;
import static dev.courier.io.IoStatus.SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** KMDF reference §11 D, cases 43 to 50: the completion routine. */
class CompletionRoutineCasesTest {
  final ManualClock clock = new ManualClock();

  @Test
  @DisplayName("case 43: the routine is called once with the request, its target, the read's parameters and the context")
  void case43_routineIsCalledOnceWithRequestTargetReadParamsAndContext() {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.completeInformation = 300;
    IoTarget t = dev.openTarget(clock);
    IoMemory m = IoMemory.allocate(512);
    IoRequest r = IoRequest.create();
    assertThat(r.formatRead(t, IoBuffer.of(m), 0)).isEqualTo(SUCCESS);
    Object context = new Object();
    RecordingRoutine routine = new RecordingRoutine();
    r.setCompletionRoutine(routine, context);

    assertThat(r.send(t)).isTrue();

    RecordingRoutine.Call call = routine.only();
    assertThat(call.request()).isSameAs(r);
    assertThat(call.target()).isSameAs(t);
    assertThat(call.context()).isSameAs(context);
    assertThat(call.type()).isEqualTo(IoRequestType.READ);
    assertThat(call.status()).isEqualTo(SUCCESS);
    assertThat(call.information()).isEqualTo(300);
    assertThat(call.length()).isEqualTo(300);
    assertThat(call.buffer()).isSameAs(m);
    assertThat(call.requestStatus()).isEqualTo(SUCCESS);
    assertThat(r.status()).isEqualTo(SUCCESS);
    assertThat(r.information()).isEqualTo(300);
    assertThat(r.state()).isEqualTo(IoRequest.State.COMPLETED);
    assertThat(dev.seen()).singleElement().extracting(ScriptedDevice.Seen::length).isEqualTo(512L);
    assertThat(t.pendingCount()).isZero();
  }

  @Test
  @DisplayName("case 44: a completion consumes the registration; a resend without registering again calls no routine")
  void case44_resendWithoutRegisteringAgainCompletesWithoutCallingTheRoutine() {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.completeInformation = 10;
    IoTarget t = dev.openTarget(clock);
    IoRequest r = IoRequest.create();
    r.formatRead(t, IoBuffer.of(IoMemory.allocate(64)), 0);
    RecordingRoutine routine = new RecordingRoutine();
    r.setCompletionRoutine(routine, null);
    assertThat(r.send(t)).isTrue();
    assertThat(routine.count()).isEqualTo(1);

    dev.completeStatus = IoStatus.END_OF_FILE;
    dev.completeInformation = 0;
    assertThat(r.formatRead(t, IoBuffer.of(IoMemory.allocate(32)), 64)).isEqualTo(SUCCESS);
    assertThat(r.send(t)).isTrue();

    assertThat(dev.seen()).hasSize(2);
    assertThat(r.state()).isEqualTo(IoRequest.State.COMPLETED);
    assertThat(r.status()).isEqualTo(IoStatus.END_OF_FILE);
    assertThat(routine.count()).isEqualTo(1);
  }

  @Test
  @DisplayName("case 45: a routine that reuses, reformats, registers itself again and resends runs three times in sequence")
  void case45_routineThatReusesReformatsAndResendsRunsThreeTimesInSequence() throws Exception {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
    IoTarget t = dev.openTarget(clock);
    IoMemory m = IoMemory.allocate(64);
    AtomicInteger inRoutine = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    List<Boolean> resends = new ArrayList<>();
    RecordingRoutine routine = new RecordingRoutine((self, req, target, params) -> {
      if (inRoutine.incrementAndGet() > 1) {
        overlaps.incrementAndGet();
      }
      try {
        int done = self.count();
        if (done < 3) {
          req.reuse();
          IoStatus formatted = req.formatRead(target, IoBuffer.of(m), 64L * done);
          if (!formatted.isSuccess()) {
            throw new AssertionError("reformat in routine: " + formatted);
          }
          req.setCompletionRoutine(self, null);
          resends.add(req.send(target));
        }
      } finally {
        inRoutine.decrementAndGet();
      }
    });
    IoRequest r = IoRequest.create();
    r.formatRead(t, IoBuffer.of(m), 0);
    r.setCompletionRoutine(routine, null);
    assertThat(r.send(t)).isTrue();

    for (int i = 0; i < 3; i++) {
      assertThat(ScriptedDevice.completeHeld(dev.nextHeld(), SUCCESS, 10 + i)).isTrue();
      assertThat(routine.count()).isEqualTo(i + 1);
    }

    assertThat(routine.errors()).isEmpty();
    assertThat(overlaps).hasValue(0);
    assertThat(resends).containsExactly(true, true);
    assertThat(routine.calls()).extracting(RecordingRoutine.Call::information).containsExactly(10L, 11L, 12L);
    assertThat(dev.seen()).extracting(ScriptedDevice.Seen::deviceOffset).containsExactly(0L, 64L, 128L);
    assertThat(dev.held).isEmpty();
    assertThat(r.state()).isEqualTo(IoRequest.State.COMPLETED);
    assertThat(t.pendingCount()).isZero();
  }

  @Test
  @DisplayName("case 45: the same chain works when the target completes inside send (the resends nest)")
  void case45_resendChainFromTheRoutineWorksWhenTheTargetCompletesInsideSend() {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.completeInformation = 5;
    IoTarget t = dev.openTarget(clock);
    List<Boolean> resends = new ArrayList<>();
    RecordingRoutine routine = new RecordingRoutine((self, req, target, params) -> {
      int done = self.count();
      if (done < 3) {
        req.reuse();
        req.formatWrite(target, null, done);
        req.setCompletionRoutine(self, null);
        resends.add(req.send(target));
      }
    });
    IoRequest r = IoRequest.create();
    r.formatWrite(t, null, 0);
    r.setCompletionRoutine(routine, null);

    assertThat(r.send(t)).isTrue();

    assertThat(routine.errors()).isEmpty();
    assertThat(routine.count()).isEqualTo(3);
    assertThat(resends).containsExactly(true, true);
    assertThat(dev.seen()).extracting(ScriptedDevice.Seen::deviceOffset).containsExactly(0L, 1L, 2L);
    assertThat(t.pendingCount()).isZero();
  }

  @Test
  @DisplayName("case 46: a target completing inside send: the routine runs once, on the sender's thread, and send returns true")
  void case46_completionInsideSendCallsTheRoutineOnceAndSendStillReturnsTrue() {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.completeInformation = 8;
    IoTarget t = dev.openTarget(clock);
    IoRequest r = IoRequest.create();
    r.formatRead(t, IoBuffer.of(IoMemory.allocate(8)), 0);
    RecordingRoutine routine = new RecordingRoutine();
    r.setCompletionRoutine(routine, null);

    boolean sent = r.send(t);
    int callsWhenSendReturned = routine.count();

    assertThat(sent).isTrue();
    assertThat(callsWhenSendReturned).isEqualTo(1);
    assertThat(routine.only().thread()).isSameAs(Thread.currentThread());
    assertThat(r.status()).isEqualTo(SUCCESS);
  }

  @Test
  @DisplayName("case 46: with a completion executor the routine does not run inside send, and runs once on the executor")
  void case46_completionExecutorKeepsTheRoutineOffTheSendersStack() {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.completeInformation = 8;
    IoTarget t = dev.openTarget(clock);
    IoRequest r = IoRequest.create();
    r.formatRead(t, IoBuffer.of(IoMemory.allocate(8)), 0);
    RecordingRoutine routine = new RecordingRoutine();
    r.setCompletionRoutine(routine, null);
    List<Runnable> executed = new ArrayList<>();
    SendOptions options = SendOptions.builder().completionExecutor(executed::add).build();

    assertThat(r.send(t, options)).isTrue();

    assertThat(routine.count()).isZero();
    assertThat(executed).hasSize(1);
    assertThat(t.pendingCount()).as("pending until the routine has run").isEqualTo(1);
    executed.get(0).run();
    assertThat(routine.count()).isEqualTo(1);
    assertThat(routine.only().status()).isEqualTo(SUCCESS);
    assertThat(t.pendingCount()).isZero();
  }

  @Test
  @DisplayName("case 47: a request forwarded with formatUsingCurrentType reports NO_FORMAT params: only status and information")
  void case47_passthroughCompletionParamsHaveNoFormatAndOnlyStatusAndInformation() {
    ScriptedDevice lower = new ScriptedDevice("lower");
    lower.completeInformation = 40;
    IoTarget lowerTarget = lower.openTarget(clock);
    RecordingRoutine forwarded = RecordingRoutine.completingThePresentedRequest();
    IoTarget upper = ScriptedDevice.handlerTarget("filter", clock,
        (queue, q) -> ScriptedDevice.forwardAsIs(q, lowerTarget, forwarded));
    IoMemory m = IoMemory.allocate(64);
    IoRequest r = IoRequest.create();
    r.formatRead(upper, IoBuffer.of(m, 8, 48), 4096);
    RecordingRoutine sender = new RecordingRoutine();
    r.setCompletionRoutine(sender, null);

    assertThat(r.send(upper)).isTrue();

    assertThat(forwarded.errors()).isEmpty();
    RecordingRoutine.Call call = forwarded.only();
    assertThat(call.type()).isEqualTo(IoRequestType.NO_FORMAT);
    assertThat(call.status()).isEqualTo(SUCCESS);
    assertThat(call.information()).isEqualTo(40);
    assertThat(call.length()).isZero();
    assertThat(call.buffer()).isNull();
    assertThat(call.bufferOffset()).isZero();
    assertThat(call.ioControlCode()).isNull();
    assertThat(call.input()).isNull();
    assertThat(call.output()).isNull();
    assertThat(call.outputLength()).isZero();
    assertThat(lower.seen()).singleElement().satisfies(s -> {
      assertThat(s.type()).isEqualTo(IoRequestType.READ);
      assertThat(s.length()).isEqualTo(48);
      assertThat(s.deviceOffset()).isEqualTo(4096);
    });
    RecordingRoutine.Call original = sender.only();
    assertThat(original.type()).isEqualTo(IoRequestType.READ);
    assertThat(original.length()).isEqualTo(40);
    assertThat(original.buffer()).isSameAs(m);
    assertThat(original.bufferOffset()).isEqualTo(8);
  }

  @Test
  @DisplayName("case 48: reformatting a completed request resets its completion params to the new format until it completes")
  void case48_reformatResetsCompletionParamsUntilTheNextCompletion() {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.completeStatus = IoStatus.END_OF_FILE;
    dev.completeInformation = 300;
    IoTarget t = dev.openTarget(clock);
    IoMemory m1 = IoMemory.allocate(512);
    IoMemory m2 = IoMemory.allocate(128);
    IoRequest r = IoRequest.create();
    r.formatRead(t, IoBuffer.of(m1), 0);
    assertThat(r.send(t)).isTrue();
    assertThat(r.completionParams().information()).isEqualTo(300);
    assertThat(r.completionParams().status()).isEqualTo(IoStatus.END_OF_FILE);

    assertThat(r.formatWrite(t, IoBuffer.of(m2, 16, 32), 0)).isEqualTo(SUCCESS);

    IoCompletionParams params = r.completionParams();
    assertThat(params.type()).isEqualTo(IoRequestType.WRITE);
    assertThat(params.buffer()).isSameAs(m2);
    assertThat(params.bufferOffset()).isEqualTo(16);
    assertThat(params.length()).isZero();
    assertThat(params.information()).isZero();
    assertThat(params.status()).isNotEqualTo(IoStatus.END_OF_FILE);

    dev.completeStatus = SUCCESS;
    dev.completeInformation = 32;
    assertThat(r.send(t)).isTrue();
    assertThat(r.completionParams().type()).isEqualTo(IoRequestType.WRITE);
    assertThat(r.completionParams().status()).isEqualTo(SUCCESS);
    assertThat(r.completionParams().length()).isEqualTo(32);
  }

  @Test
  @DisplayName("case 49: a request whose resubmission by start fails (target purged meanwhile) completes on the start thread with INVALID_DEVICE_STATE")
  void case49_failedResubmitByStartCompletesOnTheStartThreadWithInvalidDeviceState() throws Exception {
    AtomicReference<IoTarget> self = new AtomicReference<>();
    AtomicInteger presented = new AtomicInteger();
    IoTarget t = ScriptedDevice.handlerTarget("purging", clock, (queue, q) -> {
      if (presented.incrementAndGet() == 1) {
        self.get().purge(PurgeAction.PURGE_IO);   // between start's drain and the second resubmission
      }
      q.complete(SUCCESS, q.length());
    });
    self.set(t);
    t.stop(StopAction.LEAVE_SENT_IO_PENDING);
    IoRequest r1 = IoRequest.create();
    IoRequest r2 = IoRequest.create();
    r1.formatRead(t, IoBuffer.of(IoMemory.allocate(16)), 0);
    r2.formatRead(t, IoBuffer.of(IoMemory.allocate(16)), 16);
    RecordingRoutine routine1 = new RecordingRoutine();
    RecordingRoutine routine2 = new RecordingRoutine();
    r1.setCompletionRoutine(routine1, null);
    r2.setCompletionRoutine(routine2, null);
    assertThat(r1.send(t)).isTrue();
    assertThat(r2.send(t)).isTrue();
    assertThat(t.queuedCount()).isEqualTo(2);

    BackgroundCall<IoStatus> start = BackgroundCall.start("starter", t::start);
    IoStatus started = start.join();

    assertThat(started).isEqualTo(SUCCESS);
    assertThat(presented).hasValue(1);
    assertThat(routine1.only().status()).isEqualTo(SUCCESS);
    RecordingRoutine.Call failed = routine2.only();
    assertThat(failed.thread()).isSameAs(start.thread());
    assertThat(failed.status()).isEqualTo(INVALID_DEVICE_STATE);
    assertThat(failed.information()).isZero();
    assertThat(r2.status()).isEqualTo(INVALID_DEVICE_STATE);
    assertThat(r2.information()).isZero();
    assertThat(t.state()).isEqualTo(IoTargetState.PURGED);
    assertThat(t.pendingCount()).isZero();
  }

  @Test
  @DisplayName("case 49 (neighbour): a target stopped again between start's drain and a resubmission queues the request again")
  void case49_resubmitToATargetStoppedAgainDuringStartQueuesTheRequestAgain() {
    AtomicReference<IoTarget> self = new AtomicReference<>();
    AtomicInteger presented = new AtomicInteger();
    List<Long> offsets = new ArrayList<>();
    IoTarget t = ScriptedDevice.handlerTarget("stopping", clock, (queue, q) -> {
      offsets.add(q.deviceOffset());
      if (presented.incrementAndGet() == 1) {
        self.get().stop(StopAction.LEAVE_SENT_IO_PENDING);   // between start's drain and the second resubmission
      }
      q.complete(SUCCESS, q.length());
    });
    self.set(t);
    t.stop(StopAction.LEAVE_SENT_IO_PENDING);
    IoRequest r1 = IoRequest.create();
    IoRequest r2 = IoRequest.create();
    r1.formatRead(t, IoBuffer.of(IoMemory.allocate(16)), 0);
    r2.formatRead(t, IoBuffer.of(IoMemory.allocate(16)), 16);
    RecordingRoutine routine1 = new RecordingRoutine();
    RecordingRoutine routine2 = new RecordingRoutine();
    r1.setCompletionRoutine(routine1, null);
    r2.setCompletionRoutine(routine2, null);
    assertThat(r1.send(t)).isTrue();
    assertThat(r2.send(t)).isTrue();

    assertThat(t.start()).isEqualTo(SUCCESS);

    assertThat(routine1.only().status()).isEqualTo(SUCCESS);
    assertThat(routine2.count()).as("a stopped target queues, it does not refuse").isZero();
    assertThat(r2.state()).isEqualTo(IoRequest.State.QUEUED);
    assertThat(t.state()).isEqualTo(IoTargetState.STOPPED);
    assertThat(t.queuedCount()).isEqualTo(1);
    assertThat(t.pendingCount()).isEqualTo(1);
    assertThat(t.start()).isEqualTo(SUCCESS);
    assertThat(routine2.only().status()).isEqualTo(SUCCESS);
    assertThat(offsets).containsExactly(0L, 16L);
    assertThat(t.pendingCount()).isZero();
  }

  @Test
  @DisplayName("case 49 (neighbour): a request queued again by a stop during start can still be cancelled")
  void case49_requestQueuedAgainDuringStartCanBeCancelled() {
    AtomicReference<IoTarget> self = new AtomicReference<>();
    AtomicInteger presented = new AtomicInteger();
    IoTarget t = ScriptedDevice.handlerTarget("stopping", clock, (queue, q) -> {
      if (presented.incrementAndGet() == 1) {
        self.get().stop(StopAction.LEAVE_SENT_IO_PENDING);
      }
      q.complete(SUCCESS, q.length());
    });
    self.set(t);
    t.stop(StopAction.LEAVE_SENT_IO_PENDING);
    IoRequest r1 = IoRequest.create();
    IoRequest r2 = IoRequest.create();
    r1.formatRead(t, null, 0);
    r2.formatRead(t, null, 0);
    RecordingRoutine routine2 = new RecordingRoutine();
    r2.setCompletionRoutine(routine2, null);
    r1.send(t);
    r2.send(t);
    t.start();
    assertThat(r2.state()).isEqualTo(IoRequest.State.QUEUED);

    assertThat(r2.cancelSentRequest()).isTrue();

    assertThat(routine2.only().status()).isEqualTo(IoStatus.CANCELLED);
    assertThat(routine2.only().information()).isZero();
    assertThat(t.queuedCount()).isZero();
    assertThat(t.pendingCount()).isZero();
    assertThat(presented).hasValue(1);
  }

  @Test
  @DisplayName("case 50: a routine resending to a target being stopped with WAIT: the resend is queued, stop returns after the routine, no deadlock")
  void case50_resendFromRoutineDuringWaitingStopIsQueuedAndStopReturnsAfterTheRoutine() throws Exception {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
    IoTarget t = dev.openTarget(clock);
    AtomicInteger sequence = new AtomicInteger();
    AtomicInteger routineReturnedAt = new AtomicInteger();
    AtomicBoolean resendAccepted = new AtomicBoolean();
    AtomicReference<IoRequest.State> stateAfterResend = new AtomicReference<>();
    CountDownLatch resent = new CountDownLatch(1);
    CountDownLatch mayReturn = new CountDownLatch(1);
    RecordingRoutine second = new RecordingRoutine();
    RecordingRoutine first = new RecordingRoutine((self, req, target, params) -> {
      try {
        req.setCompletionRoutine(second, null);
        resendAccepted.set(req.send(target));
        stateAfterResend.set(req.state());
        resent.countDown();
        if (!mayReturn.await(BackgroundCall.LIMIT.toSeconds(), TimeUnit.SECONDS)) {
          throw new AssertionError("test did not release the routine");
        }
      } finally {
        routineReturnedAt.set(sequence.incrementAndGet());
      }
    });
    IoRequest r = IoRequest.create();
    r.formatRead(t, IoBuffer.of(IoMemory.allocate(32)), 0);
    r.setCompletionRoutine(first, null);
    assertThat(r.send(t)).isTrue();
    IoRequest held = dev.nextHeld();

    BackgroundCall<Integer> stop = BackgroundCall.start("stopper", () -> {
      t.stop(StopAction.WAIT_FOR_SENT_IO);
      return sequence.incrementAndGet();
    }).awaitBlocked();
    assertThat(t.state()).isEqualTo(IoTargetState.STOPPED);
    BackgroundCall<Boolean> completer =
        BackgroundCall.start("completer", () -> ScriptedDevice.completeHeld(held, SUCCESS, 32));

    assertThat(resent.await(BackgroundCall.LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(stop.hasReturned()).as("stop returned while the routine was still running").isFalse();
    mayReturn.countDown();
    assertThat(completer.join()).isTrue();
    int stopReturnedAt = stop.join();

    assertThat(first.errors()).isEmpty();
    assertThat(stopReturnedAt).isGreaterThan(routineReturnedAt.get());
    assertThat(resendAccepted).isTrue();
    assertThat(stateAfterResend).hasValue(IoRequest.State.QUEUED);
    assertThat(r.state()).isEqualTo(IoRequest.State.QUEUED);
    assertThat(t.queuedCount()).isEqualTo(1);
    assertThat(dev.seen()).hasSize(1);
    assertThat(second.count()).isZero();

    assertThat(t.start()).isEqualTo(SUCCESS);
    assertThat(ScriptedDevice.completeHeld(dev.nextHeld(), SUCCESS, 7)).isTrue();
    assertThat(second.only().information()).isEqualTo(7);
    assertThat(t.pendingCount()).isZero();
  }
}
