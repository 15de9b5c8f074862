package dev.courier.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * KMDF reference §11 C, "Target states", cases 25 to 42. Calls that must block run on a
 * {@link BackgroundCall}; calls that must return at once are run there too and joined (bounded).
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TargetStateCasesTest {
  static final SendOptions IGNORE_STATE = SendOptions.builder().ignoreTargetState().build();

  final ManualClock clock = new ManualClock();
  final ScriptedDevice dev = new ScriptedDevice("t");
  final IoTarget t = dev.openTarget(clock);

  /** Runs {@code call} on another thread and fails unless it returns within {@link BackgroundCall#LIMIT}. */
  private static void returnsWithoutBlocking(BackgroundCall.Action call) throws Exception {
    BackgroundCall.start("bounded call", call).join();
  }

  /** A created request formatted for a read of nothing at {@code deviceOffset} of {@code target}, with {@code routine}. */
  private static IoRequest formattedRead(IoTarget target, long deviceOffset, RecordingRoutine routine) {
    IoRequest r = IoRequest.create();
    assertThat(r.formatRead(target, null, deviceOffset)).isEqualTo(IoStatus.SUCCESS);
    r.setCompletionRoutine(routine, null);
    return r;
  }

  @Test
  @DisplayName("case 25: a send to a stopped target is accepted and queued, unseen by the device, and pending")
  void case25_sendToAStoppedTargetQueuesTheRequest() {
    t.stop(StopAction.LEAVE_SENT_IO_PENDING);
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = formattedRead(t, 0, routine);

    assertThat(r.send(t)).isTrue();

    assertThat(r.state()).isEqualTo(IoRequest.State.QUEUED);
    assertThat(r.status()).isEqualTo(IoStatus.PENDING);
    assertThat(dev.seen()).isEmpty();
    assertThat(t.queuedCount()).isEqualTo(1);
    assertThat(t.pendingCount()).isEqualTo(1);
    assertThat(routine.count()).isZero();
  }

  @Test
  @DisplayName("case 26: start delivers the queued requests in the order they were sent")
  void case26_startDeliversQueuedRequestsInSendOrder() {
    t.stop(StopAction.LEAVE_SENT_IO_PENDING);
    List<IoRequest> completed = new ArrayList<>();
    IoRequest[] rs = new IoRequest[3];
    for (int i = 0; i < 3; i++) {
      rs[i] = IoRequest.create();
      assertThat(rs[i].formatWrite(t, IoBuffer.of(IoMemory.allocate(10 + i)), 1000L * i)).isEqualTo(IoStatus.SUCCESS);
      rs[i].setCompletionRoutine((req, target, params, ctx) -> completed.add(req), null);
      assertThat(rs[i].send(t)).isTrue();
    }
    assertThat(dev.seen()).isEmpty();

    assertThat(t.start()).isEqualTo(IoStatus.SUCCESS);

    assertThat(t.state()).isEqualTo(IoTargetState.STARTED);
    assertThat(dev.seen()).extracting(ScriptedDevice.Seen::length).containsExactly(10L, 11L, 12L);
    assertThat(dev.seen()).extracting(ScriptedDevice.Seen::deviceOffset).containsExactly(0L, 1000L, 2000L);
    assertThat(completed).containsExactly(rs[0], rs[1], rs[2]);
    assertThat(t.queuedCount()).isZero();
    assertThat(t.pendingCount()).isZero();
  }

  @Test
  @DisplayName("case 27: a send to a purged target returns false with INVALID_DEVICE_STATE")
  void case27_sendToAPurgedTargetIsRefused() {
    t.purge(PurgeAction.PURGE_IO);
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = formattedRead(t, 0, routine);

    assertThat(r.send(t)).isFalse();

    assertThat(r.status()).isEqualTo(IoStatus.INVALID_DEVICE_STATE);
    assertThat(r.state()).isEqualTo(IoRequest.State.FORMATTED);
    assertThat(dev.seen()).isEmpty();
    assertThat(t.pendingCount()).isZero();
    assertThat(routine.count()).isZero();
  }

  @Test
  @DisplayName("case 28: an ignore-state send to a purged target is accepted and delivered at once")
  void case28_ignoreStateSendToAPurgedTargetIsDeliveredAtOnce() throws Exception {
    dev.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
    t.purge(PurgeAction.PURGE_IO);
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = formattedRead(t, 0, routine);

    assertThat(r.send(t, IGNORE_STATE)).isTrue();

    assertThat(dev.seen()).hasSize(1);
    assertThat(r.state()).isEqualTo(IoRequest.State.SENT);
    assertThat(t.state()).isEqualTo(IoTargetState.PURGED);
    ScriptedDevice.completeHeld(dev.nextHeld(), IoStatus.SUCCESS, 0);
    assertThat(routine.only().status()).isEqualTo(IoStatus.SUCCESS);
  }

  @Test
  @DisplayName("case 29: an ignore-state send to a stopped target is delivered at once, not queued")
  void case29_ignoreStateSendToAStoppedTargetIsDeliveredNotQueued() throws Exception {
    dev.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
    t.stop(StopAction.LEAVE_SENT_IO_PENDING);
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = formattedRead(t, 0, routine);

    assertThat(r.send(t, IGNORE_STATE)).isTrue();

    assertThat(dev.seen()).hasSize(1);
    assertThat(r.state()).isEqualTo(IoRequest.State.SENT);
    assertThat(t.queuedCount()).isZero();
    assertThat(t.state()).isEqualTo(IoTargetState.STOPPED);
    ScriptedDevice.completeHeld(dev.nextHeld(), IoStatus.SUCCESS, 0);
    assertThat(routine.only().status()).isEqualTo(IoStatus.SUCCESS);
  }

  @Test
  @DisplayName("case 30: purge completes a queued request on the purging thread with DEVICE_REMOVED_NOT_SENT and information 0")
  void case30_purgeFlushesQueuedRequestsOnThePurgingThread() throws Exception {
    dev.completeInformation = 77;
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = formattedRead(t, 0, routine);
    assertThat(r.send(t)).isTrue();
    assertThat(r.information()).as("a first completion leaves information 77").isEqualTo(77);
    t.stop(StopAction.LEAVE_SENT_IO_PENDING);
    r.setCompletionRoutine(routine, null);
    assertThat(r.send(t)).isTrue();
    assertThat(r.state()).isEqualTo(IoRequest.State.QUEUED);

    BackgroundCall<Void> purge = BackgroundCall.start("purger", () -> t.purge(PurgeAction.PURGE_IO));
    purge.join();

    assertThat(routine.calls()).hasSize(2);
    RecordingRoutine.Call flushed = routine.calls().get(1);
    assertThat(flushed.status()).isEqualTo(IoStatus.DEVICE_REMOVED_NOT_SENT);
    assertThat(flushed.information()).isZero();
    assertThat(flushed.thread()).isSameAs(purge.thread());
    assertThat(r.status()).isEqualTo(IoStatus.DEVICE_REMOVED_NOT_SENT);
    assertThat(r.information()).isZero();
    assertThat(t.state()).isEqualTo(IoTargetState.PURGED);
    assertThat(dev.seen()).hasSize(1);
    assertThat(t.pendingCount()).isZero();
  }

  @Test
  @DisplayName("case 31: stop(CANCEL_SENT_IO) cancels a sent request that honours cancel before it returns")
  void case31_stopCancelSentIoCompletesTheSentRequestWithCancelledBeforeReturning() throws Exception {
    dev.mode = ScriptedDevice.Mode.HOLD_HONOUR_CANCEL;
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = formattedRead(t, 0, routine);
    assertThat(r.send(t)).isTrue();
    dev.nextHeld();

    BackgroundCall<Void> stop = BackgroundCall.start("stopper", () -> t.stop(StopAction.CANCEL_SENT_IO));
    stop.join();

    RecordingRoutine.Call call = routine.only();
    assertThat(call.status()).isEqualTo(IoStatus.CANCELLED);
    assertThat(call.thread()).as("the cancel completed the request on the stopping thread").isSameAs(stop.thread());
    assertThat(r.state()).isEqualTo(IoRequest.State.COMPLETED);
    assertThat(r.cancelRequested()).isTrue();
    assertThat(t.state()).isEqualTo(IoTargetState.STOPPED);
    assertThat(t.pendingCount()).isZero();
  }

  @Test
  @DisplayName("case 32: stop(WAIT_FOR_SENT_IO) returns only after the sent request has completed and its routine has run")
  void case32_stopWaitForSentIoReturnsOnlyAfterTheRoutineHasRun() throws Exception {
    dev.mode = ScriptedDevice.Mode.HOLD_HONOUR_CANCEL;
    CountDownLatch releaseRoutine = new CountDownLatch(1);
    AtomicBoolean routineReturned = new AtomicBoolean();
    RecordingRoutine routine = new RecordingRoutine((self, req, target, params) -> {
      try {
        releaseRoutine.await(BackgroundCall.LIMIT.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      routineReturned.set(true);
    });
    IoRequest r = formattedRead(t, 0, routine);
    assertThat(r.send(t)).isTrue();
    IoRequest held = dev.nextHeld();

    AtomicBoolean routineReturnedWhenStopReturned = new AtomicBoolean();
    BackgroundCall<Void> stop = BackgroundCall.start("stopper", () -> {
      t.stop(StopAction.WAIT_FOR_SENT_IO);
      routineReturnedWhenStopReturned.set(routineReturned.get());
    });
    stop.awaitBlocked();
    assertThat(t.state()).isEqualTo(IoTargetState.STOPPED);
    assertThat(r.state()).isEqualTo(IoRequest.State.SENT);
    assertThat(r.cancelRequested()).as("a waiting stop does not cancel").isFalse();
    assertThat(held.isCanceled()).isFalse();

    BackgroundCall<Boolean> device =
        BackgroundCall.start("device", () -> ScriptedDevice.completeHeld(held, IoStatus.SUCCESS, 4));
    device.awaitBlocked();   // inside the routine, held there by the latch
    assertThat(routine.count()).isEqualTo(1);
    assertThat(stop.awaitBlockedOrDone()).as("stop still waits while the routine runs").isTrue();
    assertThat(stop.hasReturned()).isFalse();

    releaseRoutine.countDown();
    device.join();
    stop.join();
    assertThat(routineReturnedWhenStopReturned).isTrue();
    assertThat(routine.only().status()).isEqualTo(IoStatus.SUCCESS);
    assertThat(routine.only().information()).isEqualTo(4);
  }

  @Test
  @DisplayName("case 33: stop(LEAVE_SENT_IO_PENDING) returns at once and the sent request later completes normally")
  void case33_stopLeaveSentIoPendingReturnsAtOnceAndLeavesTheRequestAlone() throws Exception {
    dev.mode = ScriptedDevice.Mode.HOLD_HONOUR_CANCEL;
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = formattedRead(t, 0, routine);
    assertThat(r.send(t)).isTrue();
    IoRequest held = dev.nextHeld();

    returnsWithoutBlocking(() -> t.stop(StopAction.LEAVE_SENT_IO_PENDING));

    assertThat(t.state()).isEqualTo(IoTargetState.STOPPED);
    assertThat(r.state()).isEqualTo(IoRequest.State.SENT);
    assertThat(routine.count()).isZero();
    assertThat(r.cancelRequested()).isFalse();
    assertThat(held.isCanceled()).isFalse();
    assertThat(ScriptedDevice.completeHeld(held, IoStatus.IO_DEVICE_ERROR, 6)).isTrue();
    RecordingRoutine.Call call = routine.only();
    assertThat(call.status()).isEqualTo(IoStatus.IO_DEVICE_ERROR);
    assertThat(call.information()).isEqualTo(6);
  }

  @Test
  @DisplayName("case 34: stop(CANCEL_SENT_IO) leaves queued requests queued")
  void case34_stopCancelSentIoDoesNotTouchQueuedRequests() throws Exception {
    t.stop(StopAction.LEAVE_SENT_IO_PENDING);
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = formattedRead(t, 0, routine);
    assertThat(r.send(t)).isTrue();

    returnsWithoutBlocking(() -> t.stop(StopAction.CANCEL_SENT_IO));

    assertThat(r.state()).isEqualTo(IoRequest.State.QUEUED);
    assertThat(r.cancelRequested()).isFalse();
    assertThat(t.queuedCount()).isEqualTo(1);
    assertThat(routine.count()).isZero();
    assertThat(dev.seen()).isEmpty();
    assertThat(t.start()).isEqualTo(IoStatus.SUCCESS);
    assertThat(routine.only().status()).isEqualTo(IoStatus.SUCCESS);
    assertThat(dev.seen()).hasSize(1);
  }

  @Test
  @DisplayName("case 35: stop(CANCEL_SENT_IO) cancels and waits for sent requests only, not ignore-state ones")
  void case35_stopCancelSentIoCancelsAndWaitsForTheSentListOnly() throws Exception {
    dev.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
    RecordingRoutine routine1 = new RecordingRoutine();
    RecordingRoutine routine2 = new RecordingRoutine();
    IoRequest r1 = formattedRead(t, 1, routine1);
    IoRequest r2 = formattedRead(t, 2, routine2);
    assertThat(r1.send(t)).isTrue();
    IoRequest held1 = dev.nextHeld();
    assertThat(r2.send(t, IGNORE_STATE)).isTrue();
    IoRequest held2 = dev.nextHeld();

    BackgroundCall<Void> stop = BackgroundCall.start("stopper", () -> t.stop(StopAction.CANCEL_SENT_IO));
    stop.awaitBlocked();

    assertThat(r1.cancelRequested()).isTrue();
    assertThat(held1.isCanceled()).isTrue();
    assertThat(r2.cancelRequested()).isFalse();
    assertThat(held2.isCanceled()).isFalse();
    assertThat(ScriptedDevice.completeHeld(held1, IoStatus.CANCELLED, 0)).isTrue();
    stop.join();

    assertThat(routine1.only().status()).isEqualTo(IoStatus.CANCELLED);
    assertThat(r2.state()).as("still in flight after stop returned").isEqualTo(IoRequest.State.SENT);
    assertThat(routine2.count()).isZero();
    assertThat(t.state()).isEqualTo(IoTargetState.STOPPED);
    assertThat(ScriptedDevice.completeHeld(held2, IoStatus.SUCCESS, 0)).isTrue();
    assertThat(routine2.only().status()).isEqualTo(IoStatus.SUCCESS);
  }

  @Test
  @DisplayName("case 36: close cancels sent and ignore-state requests and returns only after both have completed")
  void case36_closeCancelsAndWaitsForTheSentAndTheIgnoreStateLists() throws Exception {
    dev.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
    AtomicBoolean closeReturned = new AtomicBoolean();
    List<Boolean> closeReturnedInRoutine = new CopyOnWriteArrayList<>();
    RecordingRoutine.Then noteCloseReturned =
        (self, req, target, params) -> closeReturnedInRoutine.add(closeReturned.get());
    RecordingRoutine routine1 = new RecordingRoutine(noteCloseReturned);
    RecordingRoutine routine2 = new RecordingRoutine(noteCloseReturned);
    IoRequest r1 = formattedRead(t, 1, routine1);
    IoRequest r2 = formattedRead(t, 2, routine2);
    assertThat(r1.send(t)).isTrue();
    IoRequest held1 = dev.nextHeld();
    assertThat(r2.send(t, IGNORE_STATE)).isTrue();
    IoRequest held2 = dev.nextHeld();

    BackgroundCall<Void> close = BackgroundCall.start("closer", () -> {
      t.close();
      closeReturned.set(true);
    });
    close.awaitBlocked();

    assertThat(t.state()).isEqualTo(IoTargetState.CLOSED);
    assertThat(r1.cancelRequested()).isTrue();
    assertThat(r2.cancelRequested()).isTrue();
    assertThat(held1.isCanceled()).isTrue();
    assertThat(held2.isCanceled()).isTrue();

    assertThat(ScriptedDevice.completeHeld(held1, IoStatus.CANCELLED, 0)).isTrue();
    assertThat(close.awaitBlockedOrDone()).as("close still waits for the ignore-state request").isTrue();
    assertThat(r2.state()).isEqualTo(IoRequest.State.SENT);

    assertThat(ScriptedDevice.completeHeld(held2, IoStatus.CANCELLED, 0)).isTrue();
    close.join();
    assertThat(routine1.only().status()).isEqualTo(IoStatus.CANCELLED);
    assertThat(routine2.only().status()).isEqualTo(IoStatus.CANCELLED);
    assertThat(closeReturnedInRoutine).containsExactly(false, false);
    assertThat(t.pendingCount()).isZero();
  }

  @Test
  @DisplayName("case 37: close flushes a queued request with DEVICE_REMOVED_NOT_SENT; later sends and formats get INVALID_DEVICE_STATE")
  void case37_closeFlushesQueuedRequestsAndRefusesLaterSendsAndFormats() throws Exception {
    t.stop(StopAction.LEAVE_SENT_IO_PENDING);
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = formattedRead(t, 0, routine);
    assertThat(r.send(t)).isTrue();
    RecordingRoutine laterRoutine = new RecordingRoutine();
    IoRequest later = formattedRead(t, 0, laterRoutine);   // formatted while t was open

    returnsWithoutBlocking(t::close);

    RecordingRoutine.Call call = routine.only();
    assertThat(call.status()).isEqualTo(IoStatus.DEVICE_REMOVED_NOT_SENT);
    assertThat(call.information()).isZero();
    assertThat(t.state()).isEqualTo(IoTargetState.CLOSED);
    assertThat(dev.seen()).isEmpty();

    assertThat(later.send(t)).isFalse();
    assertThat(later.status()).isEqualTo(IoStatus.INVALID_DEVICE_STATE);
    assertThat(laterRoutine.count()).isZero();
    assertThat(later.formatRead(t, null, 0)).isEqualTo(IoStatus.INVALID_DEVICE_STATE);
    assertThat(later.state()).isEqualTo(IoRequest.State.UNFORMATTED);
    assertThat(IoRequest.create().formatWrite(t, null, 0)).isEqualTo(IoStatus.INVALID_DEVICE_STATE);
  }

  @Test
  @DisplayName("case 38: start of a closed target returns INVALID_DEVICE_STATE")
  void case38_startOfAClosedTargetIsRefused() {
    t.close();

    assertThat(t.start()).isEqualTo(IoStatus.INVALID_DEVICE_STATE);

    assertThat(t.state()).isEqualTo(IoTargetState.CLOSED);
  }

  @Test
  @DisplayName("case 39: start of a deleted target returns INVALID_DEVICE_STATE")
  void case39_startOfADeletedTargetIsRefused() {
    t.delete();

    assertThat(t.start()).isEqualTo(IoStatus.INVALID_DEVICE_STATE);

    assertThat(t.state()).isEqualTo(IoTargetState.DELETED);
  }

  @Test
  @DisplayName("case 40: an ignore-state send during close's drain is accepted and waited for, then refused once closed")
  void case40_ignoreStateSendDuringTheCloseDrainIsAcceptedAwaitedThenRefused() throws Exception {
    dev.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
    AtomicBoolean closeReturned = new AtomicBoolean();
    List<Boolean> closeReturnedInRoutine = new CopyOnWriteArrayList<>();
    RecordingRoutine.Then noteCloseReturned =
        (self, req, target, params) -> closeReturnedInRoutine.add(closeReturned.get());
    RecordingRoutine routine1 = new RecordingRoutine(noteCloseReturned);
    RecordingRoutine routine2 = new RecordingRoutine(noteCloseReturned);
    IoRequest r1 = formattedRead(t, 1, routine1);
    IoRequest r2 = formattedRead(t, 2, routine2);   // formatted before the close: formats need an open target
    assertThat(r1.send(t)).isTrue();
    IoRequest held1 = dev.nextHeld();

    BackgroundCall<Void> close = BackgroundCall.start("closer", () -> {
      t.close();
      closeReturned.set(true);
    });
    close.awaitBlocked();
    assertThat(r1.cancelRequested()).isTrue();

    // during the drain: an ignore-state send is accepted; a plain send and a format are not
    assertThat(IoRequest.create().formatRead(t, null, 0)).isEqualTo(IoStatus.INVALID_DEVICE_STATE);
    assertThat(r2.send(t)).isFalse();
    assertThat(r2.status()).isEqualTo(IoStatus.INVALID_DEVICE_STATE);
    r2.setCompletionRoutine(routine2, null);
    assertThat(r2.send(t, IGNORE_STATE)).isTrue();
    IoRequest held2 = dev.nextHeld();
    assertThat(r2.cancelRequested()).as("it arrived after the cancel sweep").isFalse();
    assertThat(held2.isCanceled()).isFalse();

    assertThat(ScriptedDevice.completeHeld(held1, IoStatus.CANCELLED, 0)).isTrue();
    assertThat(close.awaitBlockedOrDone()).as("close now waits for the ignore-state request too").isTrue();
    assertThat(routine1.only().status()).isEqualTo(IoStatus.CANCELLED);
    assertThat(r2.state()).isEqualTo(IoRequest.State.SENT);

    assertThat(ScriptedDevice.completeHeld(held2, IoStatus.SUCCESS, 2)).isTrue();
    close.join();
    assertThat(routine2.only().status()).isEqualTo(IoStatus.SUCCESS);
    assertThat(closeReturnedInRoutine).containsExactly(false, false);
    assertThat(t.state()).isEqualTo(IoTargetState.CLOSED);

    // once closed, the same send is refused
    RecordingRoutine afterRoutine = new RecordingRoutine();
    r2.setCompletionRoutine(afterRoutine, null);
    assertThat(r2.send(t, IGNORE_STATE)).isFalse();
    assertThat(r2.status()).isEqualTo(IoStatus.INVALID_DEVICE_STATE);
    assertThat(afterRoutine.count()).isZero();
    assertThat(dev.seen()).hasSize(2);
  }

  @Test
  @DisplayName("case 41: stop(CANCEL_SENT_IO) after stop(LEAVE_SENT_IO_PENDING) cancels and waits for the sent request")
  void case41_stopCancelAfterStopLeavePendingCancelsAndWaits() throws Exception {
    dev.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = formattedRead(t, 0, routine);
    assertThat(r.send(t)).isTrue();
    IoRequest held = dev.nextHeld();
    returnsWithoutBlocking(() -> t.stop(StopAction.LEAVE_SENT_IO_PENDING));
    assertThat(t.state()).isEqualTo(IoTargetState.STOPPED);
    assertThat(r.cancelRequested()).isFalse();
    assertThat(held.isCanceled()).isFalse();

    BackgroundCall<Void> stop = BackgroundCall.start("stopper", () -> t.stop(StopAction.CANCEL_SENT_IO));
    stop.awaitBlocked();

    assertThat(r.cancelRequested()).isTrue();
    assertThat(held.isCanceled()).isTrue();
    assertThat(r.state()).isEqualTo(IoRequest.State.SENT);
    assertThat(ScriptedDevice.completeHeld(held, IoStatus.CANCELLED, 0)).isTrue();
    stop.join();
    assertThat(routine.only().status()).isEqualTo(IoStatus.CANCELLED);
    assertThat(t.state()).isEqualTo(IoTargetState.STOPPED);
  }

  @Test
  @DisplayName("case 42: purge(PURGE_IO) returns at once leaving a cancel-ignoring request in flight; purge(AND_WAIT) then waits for it")
  void case42_purgeReturnsAtOnceThenPurgeAndWaitBlocksUntilTheRequestCompletes() throws Exception {
    dev.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = formattedRead(t, 0, routine);
    assertThat(r.send(t)).isTrue();
    IoRequest held = dev.nextHeld();

    returnsWithoutBlocking(() -> t.purge(PurgeAction.PURGE_IO));

    assertThat(t.state()).isEqualTo(IoTargetState.PURGED);
    assertThat(r.state()).isEqualTo(IoRequest.State.SENT);
    assertThat(r.cancelRequested()).isTrue();
    assertThat(held.isCanceled()).isTrue();
    assertThat(routine.count()).isZero();

    BackgroundCall<Void> purge = BackgroundCall.start("purger", () -> t.purge(PurgeAction.PURGE_IO_AND_WAIT));
    purge.awaitBlocked();
    assertThat(r.state()).isEqualTo(IoRequest.State.SENT);
    assertThat(t.state()).isEqualTo(IoTargetState.PURGED);

    assertThat(ScriptedDevice.completeHeld(held, IoStatus.SUCCESS, 8)).isTrue();
    purge.join();
    RecordingRoutine.Call call = routine.only();
    assertThat(call.status()).as("a late success stands").isEqualTo(IoStatus.SUCCESS);
    assertThat(call.information()).isEqualTo(8);
    assertThat(t.pendingCount()).isZero();
  }
}
