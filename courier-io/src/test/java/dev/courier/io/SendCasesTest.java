package dev.courier.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * KMDF reference §11 B, "Send options and return values", cases 16 to 24. Cases 14 (a wrong options
 * Size) and 15 (unknown flag bits) do not apply: {@link SendOptions} is a typed record with neither.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SendCasesTest {
  final ManualClock clock = new ManualClock();
  final ScriptedDevice dev = new ScriptedDevice("t");
  final IoTarget t = dev.openTarget(clock);

  @Test
  @DisplayName("case 16: send-and-forget combined with anything else is refused when the options are built")
  void case16_sendAndForgetCombinedWithAnyOtherOptionIsRefusedByBuild() {
    assertThatThrownBy(() -> SendOptions.builder().sendAndForget().timeout(Duration.ofMillis(5)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sendAndForget")
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> SendOptions.builder().sendAndForget().deadline(Instant.EPOCH).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sendAndForget")
        .hasMessageContaining("deadline");
    assertThatThrownBy(() -> SendOptions.builder().sendAndForget().synchronous().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sendAndForget")
        .hasMessageContaining("synchronous");
    assertThatThrownBy(() -> SendOptions.builder().ignoreTargetState().sendAndForget().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sendAndForget")
        .hasMessageContaining("ignoreTargetState");
    assertThatThrownBy(() -> SendOptions.builder().sendAndForget().completionExecutor(Runnable::run).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sendAndForget")
        .hasMessageContaining("completionExecutor");
    assertThatThrownBy(() -> SendOptions.sendAndForgetting().toBuilder().timeout(Duration.ofSeconds(1)).build())
        .isInstanceOf(IllegalArgumentException.class);

    SendOptions alone = SendOptions.builder().sendAndForget().timeout(Duration.ZERO).build();
    assertThat(alone.sendAndForget()).isTrue();
    assertThat(alone.hasTimeout()).isFalse();
  }

  @Test
  @DisplayName("case 17: send-and-forget of a created request returns false with INVALID_DEVICE_STATE")
  void case17_sendAndForgetOfACreatedRequestIsRefusedWithInvalidDeviceState() {
    IoRequest r = IoRequest.create();
    RecordingRoutine routine = new RecordingRoutine();
    assertThat(r.formatWrite(t, null, 0)).isEqualTo(IoStatus.SUCCESS);
    r.setCompletionRoutine(routine, null);

    assertThat(r.send(t, SendOptions.sendAndForgetting())).isFalse();

    assertThat(r.status()).isEqualTo(IoStatus.INVALID_DEVICE_STATE);
    assertThat(r.state()).isEqualTo(IoRequest.State.FORMATTED);
    assertThat(dev.seen()).isEmpty();
    assertThat(routine.count()).isZero();
    assertThat(t.pendingCount()).isZero();
  }

  @Test
  @DisplayName("case 18: send-and-forget of a presented request formatted with formatRead returns false with INVALID_DEVICE_REQUEST")
  void case18_sendAndForgetOfAPresentedRequestWithAFormatOfItsOwnIsRefused() {
    ScriptedDevice lower = new ScriptedDevice("lower");
    IoTarget lowerTarget = lower.openTarget(clock);
    IoMemory filterMemory = IoMemory.allocate(8);
    AtomicReference<IoStatus> formatted = new AtomicReference<>();
    AtomicBoolean sent = new AtomicBoolean(true);
    AtomicReference<IoStatus> refusal = new AtomicReference<>();
    AtomicReference<IoRequest.State> stateAfter = new AtomicReference<>();
    IoTarget filterTarget = ScriptedDevice.handlerTarget("filter", clock, (queue, q) -> {
      formatted.set(q.formatRead(lowerTarget, IoBuffer.of(filterMemory), 0));
      sent.set(q.send(lowerTarget, SendOptions.sendAndForgetting()));
      refusal.set(q.status());
      stateAfter.set(q.state());
      q.complete(q.status());
    });
    IoRequest r = IoRequest.create();
    RecordingRoutine routine = new RecordingRoutine();
    assertThat(r.formatRead(filterTarget, null, 0)).isEqualTo(IoStatus.SUCCESS);
    r.setCompletionRoutine(routine, null);

    assertThat(r.send(filterTarget)).isTrue();

    assertThat(formatted.get()).isEqualTo(IoStatus.SUCCESS);
    assertThat(sent.get()).isFalse();
    assertThat(refusal.get()).isEqualTo(IoStatus.INVALID_DEVICE_REQUEST);
    assertThat(stateAfter.get()).isEqualTo(IoRequest.State.FORMATTED);
    assertThat(lower.seen()).isEmpty();
    assertThat(routine.only().status()).isEqualTo(IoStatus.INVALID_DEVICE_REQUEST);
    assertThat(filterMemory.pinCount()).as("completing the presented request released its format").isZero();
  }

  @ParameterizedTest(name = "case 19: send-and-forget of a presented request (passthrough format: {0})")
  @ValueSource(booleans = {false, true})
  @DisplayName("case 19: send-and-forget of an unformatted or passthrough presented request")
  void case19_sendAndForgetPassesThePresentedRequestDownUntrackedAndForgetsIt(boolean passthrough)
      throws Exception {
    ScriptedDevice lower = new ScriptedDevice("lower");
    lower.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
    lower.onPresented = q -> q.outputBuffer().fill((byte) 0x33);
    IoTarget lowerTarget = lower.openTarget(clock);
    lowerTarget.stop(StopAction.LEAVE_SENT_IO_PENDING);
    RecordingRoutine filterRoutine = new RecordingRoutine();
    AtomicReference<IoRequest> presented = new AtomicReference<>();
    AtomicBoolean forgotten = new AtomicBoolean();
    AtomicInteger lowerSawAtReturn = new AtomicInteger(-1);
    AtomicReference<IoRequest.State> stateAfter = new AtomicReference<>();
    IoTarget filterTarget = ScriptedDevice.handlerTarget("filter", clock, (queue, q) -> {
      presented.set(q);
      if (passthrough) {
        q.formatUsingCurrentType();
      }
      q.setCompletionRoutine(filterRoutine, null);
      forgotten.set(q.send(lowerTarget, SendOptions.sendAndForgetting()));
      lowerSawAtReturn.set(lower.seen().size());
      stateAfter.set(q.state());
    });
    IoMemory m = IoMemory.allocate(32);
    IoRequest r = IoRequest.create();
    RecordingRoutine routine = new RecordingRoutine();
    assertThat(r.formatRead(filterTarget, IoBuffer.of(m), 64)).isEqualTo(IoStatus.SUCCESS);
    r.setCompletionRoutine(routine, null);

    assertThat(r.send(filterTarget)).isTrue();

    // the lower device received it at once, although its target is stopped, and nothing tracks it
    assertThat(forgotten).isTrue();
    assertThat(lowerSawAtReturn).hasValue(1);
    assertThat(lower.seen()).singleElement().satisfies(s -> {
      assertThat(s.type()).isEqualTo(IoRequestType.READ);
      assertThat(s.length()).isEqualTo(32);
      assertThat(s.deviceOffset()).isEqualTo(64);
    });
    assertThat(lowerTarget.state()).isEqualTo(IoTargetState.STOPPED);
    assertThat(lowerTarget.queuedCount()).isZero();
    assertThat(lowerTarget.pendingCount()).isZero();
    IoRequest held = lower.nextHeld();

    // the presented request is forgotten: it belongs to no one, and any use of it is a programming error
    IoRequest q = presented.get();
    assertThat(stateAfter.get()).isEqualTo(IoRequest.State.FORGOTTEN);
    assertThat(q.state()).isEqualTo(IoRequest.State.FORGOTTEN);
    assertThatThrownBy(() -> q.complete(IoStatus.SUCCESS)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> q.send(lowerTarget, SendOptions.sendAndForgetting()))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> q.send(lowerTarget)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(q::formatUsingCurrentType).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> q.formatRead(lowerTarget, null, 0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> q.setCompletionRoutine(filterRoutine, null)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(q::cancelSentRequest).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(q::reuse).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> q.markCancelable(x -> { })).isInstanceOf(IllegalStateException.class);

    // the original sender's request is still in flight, and completes when the lower device completes
    assertThat(r.state()).isEqualTo(IoRequest.State.SENT);
    assertThat(routine.count()).isZero();
    assertThat(ScriptedDevice.completeHeld(held, IoStatus.SUCCESS, 32)).isTrue();
    RecordingRoutine.Call call = routine.only();
    assertThat(call.status()).isEqualTo(IoStatus.SUCCESS);
    assertThat(call.information()).isEqualTo(32);
    assertThat(call.target()).isSameAs(filterTarget);
    assertThat(r.state()).isEqualTo(IoRequest.State.COMPLETED);
    assertThat(m.toByteArray()).containsOnly(0x33);
    assertThat(filterRoutine.count()).as("the forgotten request's routine is never called").isZero();
    assertThat(filterTarget.pendingCount()).isZero();
  }

  @Test
  @DisplayName("case 20: an asynchronous send of a presented request with no completion routine returns false with INVALID_DEVICE_REQUEST")
  void case20_asyncSendOfAPresentedRequestWithoutARoutineIsRefused() {
    ScriptedDevice lower = new ScriptedDevice("lower");
    lower.completeInformation = 5;
    lower.onPresented = q -> q.outputBuffer().fill((byte) 0x44);
    IoTarget lowerTarget = lower.openTarget(clock);
    AtomicBoolean sentWithoutRoutine = new AtomicBoolean(true);
    AtomicReference<IoStatus> refusal = new AtomicReference<>();
    AtomicInteger lowerSawAfterRefusal = new AtomicInteger(-1);
    AtomicBoolean sentWithRoutine = new AtomicBoolean();
    IoTarget filterTarget = ScriptedDevice.handlerTarget("filter", clock, (queue, q) -> {
      q.formatUsingCurrentType();
      sentWithoutRoutine.set(q.send(lowerTarget));
      refusal.set(q.status());
      lowerSawAfterRefusal.set(lower.seen().size());
      // the same request with a routine is accepted: the routine was what was missing
      q.setCompletionRoutine((req, target, params, ctx) -> req.complete(params.status(), params.information()), null);
      sentWithRoutine.set(q.send(lowerTarget));
    });
    // a device-control request, the kind a service proxy sends
    IoControlCode code = IoControlCode.of(0x8000, 0x810, IoControlCode.TransferMethod.BUFFERED, 0);
    IoMemory out = IoMemory.allocate(8);
    IoRequest r = IoRequest.create();
    RecordingRoutine routine = new RecordingRoutine();
    assertThat(r.formatDeviceControl(filterTarget, code, null, IoBuffer.of(out))).isEqualTo(IoStatus.SUCCESS);
    r.setCompletionRoutine(routine, null);

    assertThat(r.send(filterTarget)).isTrue();

    assertThat(sentWithoutRoutine).isFalse();
    assertThat(refusal.get()).isEqualTo(IoStatus.INVALID_DEVICE_REQUEST);
    assertThat(lowerSawAfterRefusal).hasValue(0);
    assertThat(sentWithRoutine).isTrue();
    assertThat(lower.seen()).singleElement().satisfies(s -> {
      assertThat(s.type()).isEqualTo(IoRequestType.DEVICE_CONTROL);
      assertThat(s.code()).isEqualTo(code);
      assertThat(s.outputLength()).isEqualTo(8);
    });
    RecordingRoutine.Call call = routine.only();
    assertThat(call.status()).isEqualTo(IoStatus.SUCCESS);
    assertThat(call.information()).isEqualTo(5);
    assertThat(out.toByteArray()).containsExactly(0x44, 0x44, 0x44, 0x44, 0x44, 0, 0, 0);
  }

  @Test
  @DisplayName("case 21: a created request sent with no routine completes with its status readable")
  void case21_createdRequestWithoutARoutineCompletesWithItsStatusReadable() throws Exception {
    dev.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
    IoRequest r = IoRequest.create();
    assertThat(r.formatRead(t, IoBuffer.of(IoMemory.allocate(8)), 0)).isEqualTo(IoStatus.SUCCESS);

    assertThat(r.send(t)).isTrue();

    assertThat(r.state()).isEqualTo(IoRequest.State.SENT);
    assertThat(r.status()).isEqualTo(IoStatus.PENDING);
    ScriptedDevice.completeHeld(dev.nextHeld(), IoStatus.IO_DEVICE_ERROR, 3);
    assertThat(r.state()).isEqualTo(IoRequest.State.COMPLETED);
    assertThat(r.status()).isEqualTo(IoStatus.IO_DEVICE_ERROR);
    assertThat(r.information()).isEqualTo(3);
    assertThat(r.completionParams().status()).isEqualTo(IoStatus.IO_DEVICE_ERROR);
    assertThat(t.pendingCount()).isZero();
  }

  @Test
  @DisplayName("case 22: sending an unformatted request returns false with REQUEST_NOT_ACCEPTED")
  void case22_sendOfAnUnformattedRequestIsRefusedWithRequestNotAccepted() {
    IoRequest r = IoRequest.create();
    RecordingRoutine routine = new RecordingRoutine();
    r.setCompletionRoutine(routine, null);

    assertThat(r.send(t)).isFalse();

    assertThat(r.status()).isEqualTo(IoStatus.REQUEST_NOT_ACCEPTED);
    assertThat(r.state()).isEqualTo(IoRequest.State.UNFORMATTED);
    assertThat(dev.seen()).isEmpty();
    assertThat(t.pendingCount()).isZero();
    assertThat(routine.count()).isZero();
    // the refusal did not consume the registration
    assertThat(r.formatRead(t, null, 0)).isEqualTo(IoStatus.SUCCESS);
    assertThat(r.send(t)).isTrue();
    assertThat(routine.only().status()).isEqualTo(IoStatus.SUCCESS);
  }

  @Test
  @DisplayName("case 23: sending a request that is already sent throws IllegalStateException")
  void case23_sendOfASentRequestThrows() throws Exception {
    dev.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
    IoTarget other = new ScriptedDevice("other").openTarget(clock);
    IoRequest r = IoRequest.create();
    RecordingRoutine routine = new RecordingRoutine();
    assertThat(r.formatRead(t, null, 0)).isEqualTo(IoStatus.SUCCESS);
    r.setCompletionRoutine(routine, null);
    assertThat(r.send(t)).isTrue();

    assertThatThrownBy(() -> r.send(t))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already sent");
    assertThatThrownBy(() -> r.send(other, SendOptions.builder().ignoreTargetState().build()))
        .isInstanceOf(IllegalStateException.class);

    assertThat(r.state()).isEqualTo(IoRequest.State.SENT);
    assertThat(dev.seen()).hasSize(1);
    assertThat(t.pendingCount()).isEqualTo(1);
    assertThat(other.pendingCount()).isZero();
    ScriptedDevice.completeHeld(dev.nextHeld(), IoStatus.SUCCESS, 0);
    assertThat(routine.only().status()).isEqualTo(IoStatus.SUCCESS);
    assertThat(t.pendingCount()).isZero();
  }

  @Test
  @DisplayName("case 24: a zero timeout means no timeout")
  void case24_zeroTimeoutArmsNoTimer() throws Exception {
    dev.mode = ScriptedDevice.Mode.HOLD_HONOUR_CANCEL;
    IoRequest r = IoRequest.create();
    RecordingRoutine routine = new RecordingRoutine();
    assertThat(r.formatRead(t, null, 0)).isEqualTo(IoStatus.SUCCESS);
    r.setCompletionRoutine(routine, null);
    SendOptions zero = SendOptions.builder().timeout(Duration.ZERO).build();

    assertThat(r.send(t, zero)).isTrue();
    IoRequest held = dev.nextHeld();
    assertThat(clock.scheduledCount()).isZero();
    clock.advance(Duration.ofSeconds(1));

    assertThat(routine.count()).isZero();
    assertThat(r.state()).isEqualTo(IoRequest.State.SENT);
    assertThat(r.cancelRequested()).isFalse();
    assertThat(held.isCanceled()).isFalse();
    assertThat(ScriptedDevice.completeHeld(held, IoStatus.SUCCESS, 0)).isTrue();
    assertThat(routine.only().status()).isEqualTo(IoStatus.SUCCESS);
  }
}
