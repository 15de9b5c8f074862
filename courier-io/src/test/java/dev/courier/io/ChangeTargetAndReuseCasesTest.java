package dev.courier.io;

import static dev.courier.io.IoStatus.INVALID_DEVICE_REQUEST;
import static dev.courier.io.IoStatus.INVALID_DEVICE_STATE;
import static dev.courier.io.IoStatus.SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * KMDF reference §11 F, cases 65 to 73: changeTarget, reuse and multi-target sends, under Courier's D11
 * (changeTarget keeps the format; formats survive completion).
 *
 * <p>Not applicable: the stack-capacity half of case 69 (no IRP stack locations in Java) and case 72's
 * SET_NEW_IRP, Size and flag checks ({@code reuse} takes only a status); what remains of 72 is that a
 * presented request can be reused.
 */
class ChangeTargetAndReuseCasesTest {
  final ManualClock clock = new ManualClock();

  @Test
  @DisplayName("case 65 (D11): after changeTarget a completed read is sent to the new target without a reformat, unchanged")
  void case65_changeTargetKeepsTheFormatSoTheSameReadGoesToTheNewTarget() {
    ScriptedDevice dev1 = new ScriptedDevice("t1");
    ScriptedDevice dev2 = new ScriptedDevice("t2");
    dev1.completeInformation = 100;
    dev2.completeInformation = 60;
    IoTarget t1 = dev1.openTarget(clock);
    IoTarget t2 = dev2.openTarget(clock);
    IoMemory m = IoMemory.allocate(128);
    IoRequest r = IoRequest.create();
    r.formatRead(t1, IoBuffer.of(m, 16, 100), 8192);
    assertThat(r.send(t1)).isTrue();
    assertThat(r.state()).isEqualTo(IoRequest.State.COMPLETED);

    assertThat(r.changeTarget(t2)).isEqualTo(SUCCESS);
    RecordingRoutine routine = new RecordingRoutine();
    r.setCompletionRoutine(routine, null);
    assertThat(r.send(t2)).isTrue();

    assertThat(dev2.seen()).containsExactlyElementsOf(dev1.seen());
    assertThat(dev2.seen()).singleElement().satisfies(s -> {
      assertThat(s.type()).isEqualTo(IoRequestType.READ);
      assertThat(s.length()).isEqualTo(100);
      assertThat(s.deviceOffset()).isEqualTo(8192);
    });
    RecordingRoutine.Call call = routine.only();
    assertThat(call.target()).isSameAs(t2);
    assertThat(call.type()).isEqualTo(IoRequestType.READ);
    assertThat(call.buffer()).isSameAs(m);
    assertThat(call.bufferOffset()).isEqualTo(16);
    assertThat(call.length()).isEqualTo(60);
  }

  @Test
  @DisplayName("case 66: the multi-target pattern in the routine (changeTarget, register again, send) over T1, T2, T3")
  void case66_multiTargetPatternInTheRoutineVisitsEachTargetOnceInOrder() {
    List<IoTarget> targets = new ArrayList<>();
    List<ScriptedDevice> devices = new ArrayList<>();
    List<String> visits = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      String name = "t" + i;
      ScriptedDevice dev = new ScriptedDevice(name);
      dev.completeInformation = 10 * i;
      devices.add(dev);
      targets.add(dev.openTarget(clock));
    }
    List<IoStatus> changes = new ArrayList<>();
    List<Boolean> sends = new ArrayList<>();
    RecordingRoutine routine = new RecordingRoutine((self, req, target, params) -> {
      visits.add(target.name());
      int next = targets.indexOf(target) + 1;
      if (next < targets.size() && params.status().isSuccess()) {
        IoTarget to = targets.get(next);
        changes.add(req.changeTarget(to));
        req.setCompletionRoutine(self, null);
        sends.add(req.send(to));
      }
    });
    IoMemory m = IoMemory.allocate(64);
    IoRequest r = IoRequest.create();
    r.formatRead(targets.get(0), IoBuffer.of(m), 512);
    r.setCompletionRoutine(routine, null);

    assertThat(r.send(targets.get(0))).isTrue();

    assertThat(routine.errors()).isEmpty();
    assertThat(changes).containsExactly(SUCCESS, SUCCESS);
    assertThat(sends).containsExactly(true, true);
    assertThat(routine.calls()).extracting(RecordingRoutine.Call::target).containsExactlyElementsOf(targets);
    assertThat(routine.calls()).extracting(RecordingRoutine.Call::information).containsExactly(10L, 20L, 30L);
    assertThat(visits).containsExactly("t1", "t2", "t3");
    for (ScriptedDevice dev : devices) {
      assertThat(dev.seen()).singleElement().satisfies(s -> {
        assertThat(s.type()).isEqualTo(IoRequestType.READ);
        assertThat(s.length()).isEqualTo(64);
        assertThat(s.deviceOffset()).isEqualTo(512);
      });
    }
    for (IoTarget t : targets) {
      assertThat(t.pendingCount()).isZero();
    }
  }

  @Test
  @DisplayName("case 67 (D11): a presented request forwarded as is moves with changeTarget; a resend after completion needs a routine again")
  void case67_forwardedPresentedRequestChangesTargetAndIsResentWithANewRoutine() {
    ScriptedDevice dev2 = new ScriptedDevice("t2");
    ScriptedDevice dev3 = new ScriptedDevice("t3");
    dev2.completeInformation = 64;
    dev3.completeStatus = IoStatus.END_OF_FILE;
    dev3.completeInformation = 32;
    IoTarget t2 = dev2.openTarget(clock);
    IoTarget t3 = dev3.openTarget(clock);
    AtomicReference<IoStatus> firstChange = new AtomicReference<>();
    AtomicReference<Boolean> firstSend = new AtomicReference<>();
    AtomicReference<IoStatus> secondChange = new AtomicReference<>();
    AtomicReference<Boolean> resendWithoutRoutine = new AtomicReference<>();
    AtomicReference<IoStatus> statusWithoutRoutine = new AtomicReference<>();
    AtomicReference<Boolean> resendWithRoutine = new AtomicReference<>();
    RecordingRoutine onT3 = RecordingRoutine.completingThePresentedRequest();
    RecordingRoutine onT2 = new RecordingRoutine((self, q, target, params) -> {
      secondChange.set(q.changeTarget(t3));
      resendWithoutRoutine.set(q.send(t3));
      statusWithoutRoutine.set(q.status());
      q.setCompletionRoutine(onT3, null);
      resendWithRoutine.set(q.send(t3));
      if (!resendWithRoutine.get()) {
        q.complete(q.status());
      }
    });
    IoTarget upper = ScriptedDevice.handlerTarget("filter", clock, (queue, q) -> {
      q.formatUsingCurrentType();
      firstChange.set(q.changeTarget(t2));
      q.setCompletionRoutine(onT2, null);
      firstSend.set(q.send(t2));
      if (!firstSend.get()) {
        q.complete(q.status());
      }
    });
    IoMemory m = IoMemory.allocate(64);
    IoRequest r = IoRequest.create();
    r.formatRead(upper, IoBuffer.of(m), 4096);
    RecordingRoutine sender = new RecordingRoutine();
    r.setCompletionRoutine(sender, null);

    assertThat(r.send(upper)).isTrue();

    assertThat(onT2.errors()).isEmpty();
    assertThat(onT3.errors()).isEmpty();
    assertThat(firstChange).hasValue(SUCCESS);
    assertThat(firstSend).hasValue(true);
    assertThat(dev2.seen()).singleElement().satisfies(s -> {
      assertThat(s.type()).isEqualTo(IoRequestType.READ);
      assertThat(s.length()).isEqualTo(64);
      assertThat(s.deviceOffset()).isEqualTo(4096);
    });
    assertThat(onT2.only().information()).isEqualTo(64);
    assertThat(secondChange).hasValue(SUCCESS);
    assertThat(resendWithoutRoutine).hasValue(false);
    assertThat(statusWithoutRoutine).hasValue(INVALID_DEVICE_REQUEST);
    assertThat(resendWithRoutine).hasValue(true);
    assertThat(dev3.seen()).containsExactlyElementsOf(dev2.seen());
    assertThat(onT3.only().target()).isSameAs(t3);
    RecordingRoutine.Call done = sender.only();
    assertThat(done.status()).isEqualTo(IoStatus.END_OF_FILE);
    assertThat(done.information()).isEqualTo(32);
  }

  @Test
  @DisplayName("case 68: changeTarget to a closed target gives INVALID_DEVICE_STATE (and, under D11, keeps the format)")
  void case68_changeTargetToAClosedTargetFailsWithInvalidDeviceState() {
    ScriptedDevice dev = new ScriptedDevice("t");
    ScriptedDevice closedDev = new ScriptedDevice("c");
    IoTarget t = dev.openTarget(clock);
    IoTarget closed = closedDev.openTarget(clock);
    closed.close();
    IoRequest r = IoRequest.create();
    r.formatRead(t, IoBuffer.of(IoMemory.allocate(16)), 0);

    assertThat(r.changeTarget(closed)).isEqualTo(INVALID_DEVICE_STATE);

    assertThat(r.state()).isEqualTo(IoRequest.State.FORMATTED);
    assertThat(r.target()).isSameAs(t);
    assertThat(r.send(t)).isTrue();
    assertThat(dev.seen()).hasSize(1);
    assertThat(closedDev.seen()).isEmpty();
  }

  @Test
  @DisplayName("case 69: changeTarget to a target whose device has no queue for the request's type gives INVALID_DEVICE_REQUEST")
  void case69_changeTargetToATargetThatCannotTakeTheTypeFailsWithInvalidDeviceRequest() {
    ScriptedDevice dev = new ScriptedDevice("t");
    IoTarget t = dev.openTarget(clock);
    IoDevice writeOnly = IoDevice.builder("write-only")
        .queue(IoRequestType.WRITE, IoQueue.parallel().onWrite((q, w) -> w.complete(SUCCESS, w.length())).build())
        .build();
    IoTarget w = writeOnly.openTarget(clock);
    IoRequest read = IoRequest.create();
    read.formatRead(t, IoBuffer.of(IoMemory.allocate(16)), 0);
    IoRequest write = IoRequest.create();
    write.formatWrite(t, IoBuffer.of(IoMemory.allocate(16)), 0);

    assertThat(read.changeTarget(w)).isEqualTo(INVALID_DEVICE_REQUEST);
    assertThat(write.changeTarget(w)).isEqualTo(SUCCESS);

    assertThat(read.target()).isSameAs(t);
    assertThat(read.send(w)).as("still formatted for t only").isFalse();
    assertThat(read.status()).isEqualTo(IoStatus.REQUEST_NOT_ACCEPTED);
    assertThat(write.send(w)).isTrue();
    assertThat(write.status()).isEqualTo(SUCCESS);
    assertThat(write.information()).isEqualTo(16);
  }

  @Test
  @DisplayName("case 70: changeTarget does not check the target's state: a stopped or purged target is accepted")
  void case70_changeTargetAcceptsStoppedAndPurgedTargets() {
    ScriptedDevice dev = new ScriptedDevice("t");
    IoTarget t = dev.openTarget(clock);
    IoTarget stopped = new ScriptedDevice("stopped").openTarget(clock);
    IoTarget purged = new ScriptedDevice("purged").openTarget(clock);
    stopped.stop(StopAction.LEAVE_SENT_IO_PENDING);
    purged.purge(PurgeAction.PURGE_IO);
    IoRequest r1 = IoRequest.create();
    IoRequest r2 = IoRequest.create();
    r1.formatRead(t, null, 0);
    r2.formatRead(t, null, 0);

    assertThat(r1.changeTarget(stopped)).isEqualTo(SUCCESS);
    assertThat(r2.changeTarget(purged)).isEqualTo(SUCCESS);

    assertThat(r1.send(stopped)).isTrue();
    assertThat(r1.state()).isEqualTo(IoRequest.State.QUEUED);
    assertThat(r2.send(purged)).as("the state is checked by send, not by changeTarget").isFalse();
    assertThat(r2.status()).isEqualTo(INVALID_DEVICE_STATE);
    stopped.purge(PurgeAction.PURGE_IO);
  }

  @Test
  @DisplayName("case 71: reuse of a completed request unformats it, clears the routine, sets the status, zeroes information, unpins memory")
  void case71_reuseResetsFormatRoutineStatusInformationAndPins() {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.completeStatus = IoStatus.UNSUCCESSFUL;
    dev.completeInformation = 300;
    IoTarget t = dev.openTarget(clock);
    IoMemory m = IoMemory.allocate(512);
    IoRequest r = IoRequest.create();
    r.formatRead(t, IoBuffer.of(m), 0);
    assertThat(r.send(t)).isTrue();
    RecordingRoutine routine = new RecordingRoutine();
    r.setCompletionRoutine(routine, null);
    assertThat(m.pinCount()).as("the format survives completion (D11)").isEqualTo(1);

    assertThat(r.reuse(SUCCESS)).isEqualTo(SUCCESS);

    assertThat(r.state()).isEqualTo(IoRequest.State.UNFORMATTED);
    assertThat(r.status()).isEqualTo(SUCCESS);
    assertThat(r.information()).isZero();
    assertThat(m.pinCount()).isZero();
    assertThat(r.completionParams().type()).isEqualTo(IoRequestType.NO_FORMAT);
    assertThat(r.send(t)).as("unformatted").isFalse();
    assertThat(r.status()).isEqualTo(IoStatus.REQUEST_NOT_ACCEPTED);
    dev.completeStatus = SUCCESS;
    r.formatRead(t, IoBuffer.of(m), 0);
    assertThat(r.send(t)).isTrue();
    assertThat(routine.count()).as("the registration was cleared by reuse").isZero();
    assertThat(r.reuse(IoStatus.UNSUCCESSFUL)).isEqualTo(SUCCESS);
    assertThat(r.status()).isEqualTo(IoStatus.UNSUCCESSFUL);
  }

  @Test
  @DisplayName("case 72 (what applies): a presented request can be reused in its routine, forwarded again and completed")
  void case72_presentedRequestCanBeReusedAndForwardedAgain() {
    ScriptedDevice dev2 = new ScriptedDevice("t2");
    ScriptedDevice dev3 = new ScriptedDevice("t3");
    dev2.completeStatus = IoStatus.IO_DEVICE_ERROR;
    dev3.completeInformation = 24;
    IoTarget t2 = dev2.openTarget(clock);
    IoTarget t3 = dev3.openTarget(clock);
    AtomicReference<IoStatus> reused = new AtomicReference<>();
    AtomicReference<IoRequest.State> stateAfterReuse = new AtomicReference<>();
    AtomicReference<IoStatus> statusAfterReuse = new AtomicReference<>();
    AtomicReference<Boolean> resent = new AtomicReference<>();
    RecordingRoutine onT3 = RecordingRoutine.completingThePresentedRequest();
    RecordingRoutine onT2 = new RecordingRoutine((self, q, target, params) -> {
      reused.set(q.reuse(SUCCESS));
      stateAfterReuse.set(q.state());
      statusAfterReuse.set(q.status());
      q.formatUsingCurrentType();
      q.setCompletionRoutine(onT3, null);
      resent.set(q.send(t3));
      if (!resent.get()) {
        q.complete(q.status());
      }
    });
    IoTarget upper = ScriptedDevice.handlerTarget("filter", clock,
        (queue, q) -> ScriptedDevice.forwardAsIs(q, t2, onT2));
    IoRequest r = IoRequest.create();
    r.formatWrite(upper, IoBuffer.of(IoMemory.allocate(24)), 48);
    RecordingRoutine sender = new RecordingRoutine();
    r.setCompletionRoutine(sender, null);

    assertThat(r.send(upper)).isTrue();

    assertThat(onT2.errors()).isEmpty();
    assertThat(onT2.only().status()).isEqualTo(IoStatus.IO_DEVICE_ERROR);
    assertThat(reused).hasValue(SUCCESS);
    assertThat(stateAfterReuse).hasValue(IoRequest.State.UNFORMATTED);
    assertThat(statusAfterReuse).hasValue(SUCCESS);
    assertThat(resent).hasValue(true);
    assertThat(dev3.seen()).singleElement().satisfies(s -> {
      assertThat(s.type()).isEqualTo(IoRequestType.WRITE);
      assertThat(s.length()).isEqualTo(24);
      assertThat(s.deviceOffset()).isEqualTo(48);
    });
    RecordingRoutine.Call done = sender.only();
    assertThat(done.status()).isEqualTo(SUCCESS);
    assertThat(done.information()).isEqualTo(24);
  }

  @Test
  @DisplayName("case 73: reuse or delete of a sent request throws IllegalStateException and leaves it in flight")
  void case73_reuseOrDeleteOfASentRequestThrows() throws Exception {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
    IoTarget t = dev.openTarget(clock);
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = IoRequest.create();
    r.formatRead(t, null, 0);
    r.setCompletionRoutine(routine, null);
    assertThat(r.send(t)).isTrue();
    IoRequest held = dev.nextHeld();

    assertThatIllegalStateException().isThrownBy(r::reuse);
    assertThatIllegalStateException().isThrownBy(r::delete);

    assertThat(r.state()).isEqualTo(IoRequest.State.SENT);
    assertThat(ScriptedDevice.completeHeld(held, SUCCESS, 5)).isTrue();
    assertThat(routine.only().information()).isEqualTo(5);
    r.delete();
    assertThat(r.state()).isEqualTo(IoRequest.State.DELETED);
  }

  @Test
  @DisplayName("case 73: reuse or delete of a queued request throws IllegalStateException and leaves it queued")
  void case73_reuseOrDeleteOfAQueuedRequestThrows() {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.completeInformation = 3;
    IoTarget t = dev.openTarget(clock);
    t.stop(StopAction.LEAVE_SENT_IO_PENDING);
    RecordingRoutine routine = new RecordingRoutine();
    IoRequest r = IoRequest.create();
    r.formatRead(t, null, 0);
    r.setCompletionRoutine(routine, null);
    assertThat(r.send(t)).isTrue();

    assertThatIllegalStateException().isThrownBy(r::reuse);
    assertThatIllegalStateException().isThrownBy(r::delete);

    assertThat(r.state()).isEqualTo(IoRequest.State.QUEUED);
    assertThat(t.queuedCount()).isEqualTo(1);
    t.start();
    assertThat(routine.only().information()).isEqualTo(3);
  }

  @Test
  @DisplayName("a request its target cancelled (purged) goes on to the next target; one its sender cancelled does not")
  void aRequestCancelledByItsTargetsPurgeGoesOnToTheNextTargetButOneItsSenderCancelledIsRefused()
      throws InterruptedException {
    ScriptedDevice dev1 = new ScriptedDevice("t1");
    ScriptedDevice dev2 = new ScriptedDevice("t2");
    dev1.mode = ScriptedDevice.Mode.HOLD_HONOUR_CANCEL;
    IoTarget t1 = dev1.openTarget(clock);
    IoTarget t2 = dev2.openTarget(clock);
    IoRequest r = IoRequest.create();
    r.formatRead(t1, IoBuffer.of(IoMemory.allocate(16), 0, 16), 0);
    RecordingRoutine first = new RecordingRoutine();
    r.setCompletionRoutine(first, null);
    assertThat(r.send(t1)).isTrue();
    dev1.nextHeld();

    t1.purge(PurgeAction.PURGE_IO);

    assertThat(first.only().status()).isEqualTo(IoStatus.CANCELLED);
    assertThat(r.cancelRequested()).as("the purge's cancel is reported until reuse").isTrue();
    assertThat(r.changeTarget(t2)).isEqualTo(SUCCESS);
    RecordingRoutine second = new RecordingRoutine();
    r.setCompletionRoutine(second, null);
    assertThat(r.send(t2)).as("sent on: the sender cancelled nothing").isTrue();
    assertThat(second.only().status()).isEqualTo(SUCCESS);
    assertThat(dev2.seen()).hasSize(1);

    r.cancelSentRequest();
    r.setCompletionRoutine(new RecordingRoutine(), null);
    assertThat(r.send(t2)).as("the sender's own cancel stays until reuse").isFalse();
    assertThat(r.status()).isEqualTo(IoStatus.CANCELLED);
  }

  @Test
  void aSendersCancelOutlastsALowerTargetsPurgeSoTheDriverCannotSendTheRequestOnToAnotherTarget()
      throws InterruptedException {
    ScriptedDevice dev1 = new ScriptedDevice("t1");
    ScriptedDevice dev2 = new ScriptedDevice("t2");
    dev1.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
    dev2.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
    IoTarget t1 = dev1.openTarget(clock);
    IoTarget t2 = dev2.openTarget(clock);
    AtomicReference<Boolean> sentOn = new AtomicReference<>();
    RecordingRoutine onT1 = new RecordingRoutine((self, q, target, params) -> {
      q.formatUsingCurrentType();
      q.setCompletionRoutine(RecordingRoutine.completingThePresentedRequest(), null);
      sentOn.set(q.send(t2));
      if (!sentOn.get()) {
        q.complete(q.status());
      }
    });
    IoTarget upper = ScriptedDevice.handlerTarget("filter", clock,
        (queue, q) -> ScriptedDevice.forwardAsIs(q, t1, onT1));
    IoRequest r = IoRequest.create();
    r.formatRead(upper, IoBuffer.of(IoMemory.allocate(16), 0, 16), 0);
    RecordingRoutine sender = new RecordingRoutine();
    r.setCompletionRoutine(sender, null);
    assertThat(r.send(upper)).isTrue();
    IoRequest held = dev1.nextHeld();

    r.cancelSentRequest();                          // t1's driver ignores the cancel and holds on
    t1.purge(PurgeAction.PURGE_IO);                 // its target cancels the send as well
    held.complete(IoStatus.DEVICE_REMOVED_NOT_SENT);  // then the driver gives the request up

    assertThat(onT1.errors()).isEmpty();
    assertThat(sentOn).as("sent on to t2").hasValue(false);
    assertThat(dev2.seen()).isEmpty();
    assertThat(sender.only().status()).isEqualTo(IoStatus.CANCELLED);
    assertThat(r.isCanceled()).as("the sender's cancel still stands").isTrue();
  }
}
