package dev.courier.io;

import static dev.courier.io.IoStatus.INVALID_DEVICE_STATE;
import static dev.courier.io.IoStatus.IO_TIMEOUT;
import static dev.courier.io.IoStatus.SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * KMDF reference §11 G, cases 74 to 82: synchronous sends. A call that blocks runs on its own thread;
 * the test waits (bounded) until the device holds the request, then moves the clock, completes or
 * starts, and joins with a bound.
 *
 * <p>Not applicable: case 75 ({@link SendOptions} is a typed record with no Size field).
 */
class SynchronousCasesTest {
  final ManualClock clock = new ManualClock();

  @Test
  @DisplayName("case 74: a synchronous read with an internal request returns the target's status and bytes read")
  void case74_synchronousReadReturnsTheTargetsStatusAndBytesRead() {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.completeInformation = 128;
    IoTarget t = dev.openTarget(clock);
    IoMemory m = IoMemory.allocate(256);

    IoResult result = t.sendSynchronously(IoFormat.read(IoBuffer.of(m), 0), null);

    assertThat(result.status()).isEqualTo(SUCCESS);
    assertThat(result.information()).isEqualTo(128);
    assertThat(dev.seen()).singleElement().satisfies(s -> {
      assertThat(s.type()).isEqualTo(IoRequestType.READ);
      assertThat(s.length()).isEqualTo(256);
      assertThat(s.deviceOffset()).isZero();
    });
    assertThat(t.pendingCount()).isZero();
  }

  @Test
  @DisplayName("case 76: a synchronous device-control with a 100 ms timeout returns IO_TIMEOUT when the target honours the cancel")
  void case76_synchronousIoctlTimesOutWithIoTimeoutWhenTheTargetHonoursCancel() throws Exception {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.mode = ScriptedDevice.Mode.HOLD_HONOUR_CANCEL;
    IoTarget t = dev.openTarget(clock);
    IoControlCode code = IoControlCode.of(0x22, 0x801, IoControlCode.TransferMethod.BUFFERED, 0);
    IoFormat ioctl = IoFormat.deviceControl(code, IoBuffer.of(IoMemory.allocate(8)), IoBuffer.of(IoMemory.allocate(64)));
    SendOptions options = SendOptions.builder().synchronous().timeout(Duration.ofMillis(100)).build();

    BackgroundCall<IoResult> call = BackgroundCall.start("sync-ioctl", () -> t.sendSynchronously(ioctl, options));
    IoRequest held = dev.nextHeld();
    call.awaitBlocked();
    clock.advance(Duration.ofMillis(99));
    assertThat(held.isCanceled()).isFalse();
    assertThat(call.hasReturned()).isFalse();
    clock.advance(Duration.ofMillis(1));
    IoResult result = call.join();

    assertThat(result.status()).isEqualTo(IO_TIMEOUT);
    assertThat(dev.seen()).singleElement().extracting(ScriptedDevice.Seen::code).isEqualTo(code);
    assertThat(t.pendingCount()).isZero();
  }

  @Test
  @DisplayName("case 77: a synchronous write whose target ignores the timeout's cancel waits for the target's SUCCESS")
  void case77_timeoutDoesNotBoundASynchronousSendWhoseTargetIgnoresCancel() throws Exception {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
    IoTarget t = dev.openTarget(clock);
    IoFormat write = IoFormat.write(IoBuffer.of(IoMemory.allocate(40)), 0);
    SendOptions options = SendOptions.builder().synchronous().timeout(Duration.ofMillis(100)).build();

    BackgroundCall<IoResult> call = BackgroundCall.start("sync-write", () -> t.sendSynchronously(write, options));
    IoRequest held = dev.nextHeld();
    call.awaitBlocked();
    clock.advance(Duration.ofMillis(100));
    assertThat(held.isCanceled()).as("the timeout asked to cancel").isTrue();
    clock.advance(Duration.ofMillis(400));
    assertThat(call.hasReturned()).isFalse();
    assertThat(call.thread().isAlive()).isTrue();
    assertThat(ScriptedDevice.completeHeld(held, SUCCESS, 40)).isTrue();
    IoResult result = call.join();

    assertThat(result.status()).isEqualTo(SUCCESS);
    assertThat(result.information()).isEqualTo(40);
  }

  @Test
  @DisplayName("case 78: a synchronous read to a stopped target blocks until another thread starts the target")
  void case78_synchronousReadToAStoppedTargetReturnsAfterStart() throws Exception {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.completeInformation = 128;
    IoTarget t = dev.openTarget(clock);
    t.stop(StopAction.LEAVE_SENT_IO_PENDING);

    BackgroundCall<IoResult> call = BackgroundCall.start("sync-read",
        () -> t.sendSynchronously(IoFormat.read(IoBuffer.of(IoMemory.allocate(256)), 0), null));
    Eventually.until(() -> t.queuedCount() == 1, "the read to be queued");
    call.awaitBlocked();
    clock.advance(Duration.ofMillis(50));
    assertThat(call.hasReturned()).isFalse();
    assertThat(dev.seen()).isEmpty();
    BackgroundCall<IoStatus> start = BackgroundCall.start("starter", t::start);
    assertThat(start.join()).isEqualTo(SUCCESS);
    IoResult result = call.join();

    assertThat(result.status()).isEqualTo(SUCCESS);
    assertThat(result.information()).isEqualTo(128);
    assertThat(dev.seen()).hasSize(1);
  }

  @Test
  @DisplayName("case 79: a synchronous read to a purged target returns INVALID_DEVICE_STATE at once")
  void case79_synchronousReadToAPurgedTargetFailsAtOnce() throws Exception {
    ScriptedDevice dev = new ScriptedDevice("t");
    IoTarget t = dev.openTarget(clock);
    t.purge(PurgeAction.PURGE_IO);

    IoResult result = BackgroundCall.start("sync-read",
        () -> t.sendSynchronously(IoFormat.read(IoBuffer.of(IoMemory.allocate(16)), 0), null)).join();

    assertThat(result.status()).isEqualTo(INVALID_DEVICE_STATE);
    assertThat(result.information()).isZero();
    assertThat(dev.seen()).isEmpty();
    assertThat(t.pendingCount()).isZero();
  }

  @Test
  @DisplayName("case 80: send(synchronous) calls the routine before it returns true; status() equals the routine's status")
  void case80_synchronousSendCallsTheRoutineBeforeReturning() throws Exception {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
    IoTarget t = dev.openTarget(clock);
    AtomicInteger sequence = new AtomicInteger();
    AtomicInteger routineReturnedAt = new AtomicInteger();
    RecordingRoutine routine = new RecordingRoutine(
        (self, req, target, params) -> routineReturnedAt.set(sequence.incrementAndGet()));
    IoRequest r = IoRequest.create();
    r.formatRead(t, IoBuffer.of(IoMemory.allocate(32)), 0);
    r.setCompletionRoutine(routine, null);
    AtomicInteger sendReturnedAt = new AtomicInteger();

    BackgroundCall<Boolean> send = BackgroundCall.start("sync-send", () -> {
      boolean accepted = r.send(t, SendOptions.synchronously());
      sendReturnedAt.set(sequence.incrementAndGet());
      return accepted;
    });
    IoRequest held = dev.nextHeld();
    send.awaitBlocked();
    assertThat(routine.count()).isZero();
    assertThat(ScriptedDevice.completeHeld(held, IoStatus.END_OF_FILE, 0)).isTrue();

    assertThat(send.join()).as("true although the request failed").isTrue();
    assertThat(routine.only().status()).isEqualTo(IoStatus.END_OF_FILE);
    assertThat(routineReturnedAt.get()).isPositive().isLessThan(sendReturnedAt.get());
    assertThat(r.status()).isEqualTo(routine.only().status());
  }

  @Test
  @DisplayName("case 80: sendSynchronously with the caller's request does not call its routine and clears the registration")
  void case80_sendSynchronouslyWithARequestSkipsAndClearsItsRoutine() {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.completeInformation = 16;
    IoTarget t = dev.openTarget(clock);
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = IoRequest.create();
    r.setCompletionRoutine(routine, null);

    IoResult result = t.sendSynchronously(r, IoFormat.read(IoBuffer.of(IoMemory.allocate(16)), 0), null);

    assertThat(result).isEqualTo(new IoResult(SUCCESS, 16));
    assertThat(routine.count()).isZero();
    assertThat(r.state()).isEqualTo(IoRequest.State.COMPLETED);
    assertThat(r.send(t)).as("the format survives (D11); no routine is registered any more").isTrue();
    assertThat(routine.count()).isZero();
    assertThat(dev.seen()).hasSize(2);
  }

  @Test
  @DisplayName("case 81 (Java form): a buffer cannot hold a null memory: NullPointerException naming \"memory\"")
  void case81_bufferWithNullMemoryThrowsNullPointerExceptionNamingMemory() {
    assertThatNullPointerException().isThrownBy(() -> IoBuffer.of(null)).withMessageContaining("memory");
    assertThatNullPointerException().isThrownBy(() -> IoBuffer.of(null, 0, 16)).withMessageContaining("memory");
  }

  @Test
  @DisplayName("case 82: blocking calls from a completion routine throw IllegalStateException; non-waiting stop and purge are allowed")
  void case82_blockingCallsFromACompletionRoutineThrowWhileNonWaitingStopAndPurgeAreAllowed() {
    ScriptedDevice dev = new ScriptedDevice("t");
    IoTarget t = dev.openTarget(clock);
    IoRequest other = IoRequest.create();
    other.formatRead(t, null, 0);
    Map<String, Throwable> forbidden = new LinkedHashMap<>();
    Map<String, Throwable> allowed = new LinkedHashMap<>();
    AtomicReference<IoTargetState> stateAfterForbidden = new AtomicReference<>();
    AtomicReference<IoRequest.State> otherAfterForbidden = new AtomicReference<>();
    AtomicReference<IoTargetState> stateAfterStop = new AtomicReference<>();
    AtomicReference<IoTargetState> stateAfterPurge = new AtomicReference<>();
    RecordingRoutine routine = new RecordingRoutine((self, req, target, params) -> {
      forbidden.put("send(synchronous)", thrown(() -> other.send(target, SendOptions.synchronously())));
      forbidden.put("sendSynchronously", thrown(() -> target.sendSynchronously(IoFormat.read(null, 0), null)));
      forbidden.put("stop(WAIT_FOR_SENT_IO)", thrown(() -> target.stop(StopAction.WAIT_FOR_SENT_IO)));
      forbidden.put("stop(CANCEL_SENT_IO)", thrown(() -> target.stop(StopAction.CANCEL_SENT_IO)));
      forbidden.put("purge(PURGE_IO_AND_WAIT)", thrown(() -> target.purge(PurgeAction.PURGE_IO_AND_WAIT)));
      forbidden.put("close()", thrown(target::close));
      forbidden.put("delete()", thrown(target::delete));
      stateAfterForbidden.set(target.state());
      otherAfterForbidden.set(other.state());
      allowed.put("stop(LEAVE_SENT_IO_PENDING)", thrown(() -> target.stop(StopAction.LEAVE_SENT_IO_PENDING)));
      stateAfterStop.set(target.state());
      allowed.put("purge(PURGE_IO)", thrown(() -> target.purge(PurgeAction.PURGE_IO)));
      stateAfterPurge.set(target.state());
    });
    IoRequest r = IoRequest.create();
    r.formatRead(t, null, 0);
    r.setCompletionRoutine(routine, null);

    assertThat(r.send(t)).isTrue();

    assertThat(routine.errors()).isEmpty();
    assertThat(routine.count()).isEqualTo(1);
    assertThat(forbidden).hasSize(7).allSatisfy((call, e) -> assertThat(e)
        .as(call).isInstanceOf(IllegalStateException.class).hasMessageContaining("completion routine"));
    assertThat(stateAfterForbidden).as("the refused calls changed nothing").hasValue(IoTargetState.STARTED);
    assertThat(otherAfterForbidden).hasValue(IoRequest.State.FORMATTED);
    assertThat(allowed).hasSize(2).allSatisfy((call, e) -> assertThat(e).as(call).isNull());
    assertThat(stateAfterStop).hasValue(IoTargetState.STOPPED);
    assertThat(stateAfterPurge).hasValue(IoTargetState.PURGED);
    assertThat(t.state()).isEqualTo(IoTargetState.PURGED);
    assertThat(dev.seen()).hasSize(1);
  }

  private static Throwable thrown(Runnable call) {
    try {
      call.run();
      return null;
    } catch (Throwable e) {
      return e;
    }
  }
}
