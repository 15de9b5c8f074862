package dev.courier.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input: null, negative and oversized arguments, closed, purged and deleted targets, requests used
 * out of turn, and handlers and routines that throw. Every bad input is followed by a good request that
 * the target must still serve. Where the API throws, the message must name the culprit and what was
 * expected.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BadInputTest {
  static final IoControlCode BUFFERED =
      IoControlCode.of(0x8000, 0x801, IoControlCode.TransferMethod.BUFFERED, 0);

  final ManualClock clock = new ManualClock();
  final ScriptedDevice dev = new ScriptedDevice("t");
  final IoTarget t = dev.openTarget(clock);

  /** Counts the routine calls of one request and keeps the last status, information and thread. */
  static final class Calls implements CompletionRoutine<Object> {
    final AtomicInteger count = new AtomicInteger();
    volatile IoStatus status;
    volatile long information;
    volatile Thread thread;

    @Override
    public void onCompletion(IoRequest request, IoTarget target, IoCompletionParams params, Object context) {
      status = params.status();
      information = params.information();
      thread = Thread.currentThread();
      count.incrementAndGet();
    }
  }

  /** Sends a new read to {@code target} and asserts it completes once with SUCCESS. */
  static void assertServes(IoTarget target) {
    IoRequest r = IoRequest.create();
    assertThat(r.formatRead(target, null, 7)).isEqualTo(IoStatus.SUCCESS);
    Calls calls = new Calls();
    r.setCompletionRoutine(calls, null);
    assertThat(r.send(target)).as("%s accepts a good request", target).isTrue();
    assertThat(calls.count).as("routine calls of the good request").hasValue(1);
    assertThat(calls.status).isEqualTo(IoStatus.SUCCESS);
    assertThat(target.pendingCount()).isZero();
  }

  static void assertNpeNaming(Runnable call, String culprit) {
    assertThatThrownBy(call::run).isInstanceOf(NullPointerException.class).hasMessage(culprit);
  }

  // =============================================================================================
  // Null arguments
  // =============================================================================================

  @Test
  void nullTargetIsRejectedWithANullPointerExceptionNamingTheTargetAndTheRequestKeepsItsFormat() {
    IoRequest r = IoRequest.create();
    assertThat(r.formatRead(t, null, 0)).isEqualTo(IoStatus.SUCCESS);
    IoBuffer b = IoBuffer.of(IoMemory.allocate(8));

    assertNpeNaming(() -> r.formatRead(null, b, 0), "target");
    assertNpeNaming(() -> r.formatWrite(null, b, 0), "target");
    assertNpeNaming(() -> r.formatDeviceControl(null, BUFFERED, b, b), "target");
    assertNpeNaming(() -> r.formatInternalDeviceControl(null, BUFFERED, b, b), "target");
    assertNpeNaming(() -> r.formatInternalDeviceControlOthers(null, BUFFERED, b, b, b), "target");
    assertNpeNaming(() -> r.format(null, IoFormat.read(b, 0)), "target");
    assertNpeNaming(() -> r.changeTarget(null), "target");
    assertNpeNaming(() -> r.send(null), "target");
    assertNpeNaming(() -> r.send(null, SendOptions.synchronously()), "target");

    assertThat(r.state()).isEqualTo(IoRequest.State.FORMATTED);
    assertThat(r.target()).isSameAs(t);
    Calls calls = new Calls();
    r.setCompletionRoutine(calls, null);
    assertThat(r.send(t)).isTrue();
    assertThat(calls.count).hasValue(1);
    assertServes(t);
  }

  @Test
  void sendAsyncToANullTargetThrowsAndTheRequestCanBeSentAgainWithItsOwnRoutine() {
    IoRequest r = IoRequest.create();
    r.formatRead(t, null, 0);
    assertNpeNaming(() -> r.sendAsync(null, SendOptions.defaults()), "target");
    Calls calls = new Calls();
    r.setCompletionRoutine(calls, null);
    assertThat(r.send(t)).isTrue();
    assertThat(calls.count).hasValue(1);
    assertServes(t);
  }

  @Test
  void nullSendOptionsMeanTheDefaultsAsynchronousWithNoTimeout() throws Exception {
    dev.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
    IoRequest r = IoRequest.create();
    r.formatRead(t, null, 0);
    Calls calls = new Calls();
    r.setCompletionRoutine(calls, null);

    assertThat(r.send(t, null)).isTrue();

    assertThat(r.state()).isEqualTo(IoRequest.State.SENT);   // it did not wait: asynchronous
    assertThat(clock.scheduledCount()).isZero();                // and no timer
    ScriptedDevice.completeHeld(dev.nextHeld(), IoStatus.SUCCESS, 3);
    assertThat(calls.count).hasValue(1);
    assertThat(calls.information).isEqualTo(3);

    dev.mode = ScriptedDevice.Mode.COMPLETE;
    dev.completeInformation = 5;
    assertThat(t.sendSynchronously(IoFormat.read(null, 0), null)).isEqualTo(new IoResult(IoStatus.SUCCESS, 5));
    IoRequest viaFuture = IoRequest.create();
    viaFuture.formatRead(t, null, 0);
    assertThat(viaFuture.sendAsync(t, null).get(5, TimeUnit.SECONDS)).isEqualTo(new IoResult(IoStatus.SUCCESS, 5));
    assertServes(t);
  }

  @Test
  void nullFormatsCodesStatusesAndActionsAreRejectedNamingTheArgument() {
    IoRequest r = IoRequest.create();
    IoBuffer b = IoBuffer.of(IoMemory.allocate(8));
    assertNpeNaming(() -> r.format(t, null), "format");
    assertNpeNaming(() -> t.sendSynchronously(null, SendOptions.synchronously()), "format");
    assertNpeNaming(() -> r.formatDeviceControl(t, null, b, b), "code");
    assertNpeNaming(() -> r.formatInternalDeviceControl(t, null, b, b), "code");
    assertNpeNaming(() -> r.formatInternalDeviceControlOthers(t, null, b, b, b), "code");
    assertNpeNaming(() -> IoFormat.deviceControl(null, b, b), "code");
    assertNpeNaming(() -> new IoFormat(null, null, b, null, null, 0), "type");
    assertNpeNaming(() -> r.reuse(null), "status");
    assertNpeNaming(() -> t.stop(null), "action");
    assertNpeNaming(() -> t.purge(null), "action");
    assertThat(r.state()).isEqualTo(IoRequest.State.UNFORMATTED);
    assertThat(t.state()).isEqualTo(IoTargetState.STARTED);
    assertServes(t);
  }

  @Test
  void nullMemoryOptionsAndBuilderArgumentsAreRejectedNamingTheArgument() {
    assertNpeNaming(() -> IoBuffer.of(null), "memory");
    assertNpeNaming(() -> IoBuffer.of(null, 0, 1), "memory");
    assertNpeNaming(() -> IoMemory.wrap((byte[]) null), "bytes");
    assertNpeNaming(() -> IoMemory.wrap((ByteBuffer) null), "buffer");
    assertNpeNaming(() -> IoMemory.of(null), "segment");
    assertNpeNaming(() -> SendOptions.builder().timeout(null), "timeout");
    assertNpeNaming(() -> SendOptions.builder().deadline(null), "deadline");
    assertNpeNaming(() -> SendOptions.builder().completionExecutor(null), "executor");
    assertNpeNaming(() -> IoDevice.builder(null), "name");
    assertNpeNaming(() -> IoDevice.builder("d").defaultQueue(null), "queue");
    assertNpeNaming(() -> IoDevice.builder("d").queue(null, IoQueue.manual().build()), "type");
    assertNpeNaming(() -> IoQueue.parallel().onRead(null), "handler");
    assertNpeNaming(() -> IoQueue.parallel().executor(null), "executor");
    assertNpeNaming(() -> IoTargets.create(null, request -> { }, clock), "name");
    assertNpeNaming(() -> IoTargets.create("x", null, clock), "driver");
    assertNpeNaming(() -> IoTargets.create("x", request -> { }, null), "clock");
    assertNpeNaming(() -> FileTarget.builder(null), "path");
    assertNpeNaming(() -> new IoResult(null, 0), "status");
    assertServes(t);
  }

  @Test
  void nullArgumentsOfAPresentedRequestAreRejectedAndItsHandlerCanStillCompleteIt() {
    List<Throwable> thrown = new ArrayList<>();
    IoTarget target = deviceWith((q, request) -> {
      thrown.add(catchThrowable(() -> request.complete(null)));
      thrown.add(catchThrowable(() -> request.complete(null, 1)));
      thrown.add(catchThrowable(() -> request.markCancelable(null)));
      request.complete(IoStatus.SUCCESS, 4);
    });
    Calls calls = sendRead(target, 0);
    assertThat(thrown).hasSize(3).allSatisfy(e -> assertThat(e).isInstanceOf(NullPointerException.class));
    assertThat(thrown).extracting(Throwable::getMessage).containsExactly("status", "status", "routine");
    assertThat(calls.count).hasValue(1);
    assertThat(calls.status).isEqualTo(IoStatus.SUCCESS);
    assertThat(calls.information).isEqualTo(4);
  }

  // =============================================================================================
  // Negative, beyond-the-memory and overflowing arguments
  // =============================================================================================

  @Test
  void negativeDeviceOffsetIsRejectedWithTheValueAndTheExpectationAndTheRequestKeepsItsFormat() {
    IoRequest r = IoRequest.create();
    assertThat(r.formatWrite(t, null, 64)).isEqualTo(IoStatus.SUCCESS);

    assertThatThrownBy(() -> r.formatRead(t, null, -1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("deviceOffset: -1 (expected: >= 0)");
    assertThatThrownBy(() -> r.formatWrite(t, null, Long.MIN_VALUE)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("deviceOffset: " + Long.MIN_VALUE + " (expected: >= 0)");
    assertThatThrownBy(() -> IoFormat.read(null, -4096)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("deviceOffset: -4096 (expected: >= 0)");
    assertThatThrownBy(() -> IoFormat.write(null, -1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("deviceOffset: -1 (expected: >= 0)");

    assertThat(r.state()).isEqualTo(IoRequest.State.FORMATTED);
    assertThat(r.type()).isEqualTo(IoRequestType.WRITE);
    assertThat(r.send(t)).isTrue();
    assertThat(dev.seen()).extracting(ScriptedDevice.Seen::deviceOffset).containsExactly(64L);
    assertServes(t);
  }

  @Test
  void negativeBufferOffsetLengthOrMemorySizeIsRejectedWithTheValueAndTheExpectation() {
    IoMemory m = IoMemory.allocate(16);
    assertThatThrownBy(() -> IoBuffer.of(m, -1, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("offset: -1 (expected: >= 0)");
    assertThatThrownBy(() -> IoBuffer.of(m, 0, -8)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("length: -8 (expected: >= 0)");
    assertThatThrownBy(() -> new IoBuffer(m, Long.MIN_VALUE, Long.MIN_VALUE))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("offset: " + Long.MIN_VALUE + " (expected: >= 0)");
    assertThatThrownBy(() -> IoMemory.allocate(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("size: -1 (expected: >= 0)");
    assertThatThrownBy(() -> IoMemory.allocateNative(-2)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("size: -2 (expected: >= 0)");
    assertServes(t);
  }

  @Test
  @DisplayName("case 2: a buffer range beyond its memory fails the format with INTEGER_OVERFLOW and unformats the request")
  void case2_bufferRangeBeyondTheMemoryFailsTheFormatWithIntegerOverflowAndUnformats() {
    IoMemory old = IoMemory.allocate(10);
    IoMemory m = IoMemory.allocate(100);
    IoRequest r = IoRequest.create();
    Calls calls = new Calls();
    r.setCompletionRoutine(calls, null);
    List<Consumer<IoBuffer>> formats = List.of(
        b -> assertThat(r.formatRead(t, b, 0)).isEqualTo(IoStatus.INTEGER_OVERFLOW),
        b -> assertThat(r.formatWrite(t, b, 0)).isEqualTo(IoStatus.INTEGER_OVERFLOW),
        b -> assertThat(r.formatDeviceControl(t, BUFFERED, null, b)).isEqualTo(IoStatus.INTEGER_OVERFLOW),
        b -> assertThat(r.formatDeviceControl(t, BUFFERED, b, null)).isEqualTo(IoStatus.INTEGER_OVERFLOW),
        b -> assertThat(r.formatInternalDeviceControl(t, BUFFERED, b, IoBuffer.of(m))).isEqualTo(IoStatus.INTEGER_OVERFLOW),
        b -> assertThat(r.formatInternalDeviceControlOthers(t, BUFFERED, null, null, b)).isEqualTo(IoStatus.INTEGER_OVERFLOW),
        b -> assertThat(r.format(t, IoFormat.read(b, 0))).isEqualTo(IoStatus.INTEGER_OVERFLOW));
    for (IoBuffer beyond : List.of(IoBuffer.of(m, 90, 20), IoBuffer.of(m, 0, 101), IoBuffer.of(m, 101, 0))) {
      for (Consumer<IoBuffer> format : formats) {
        assertThat(r.formatRead(t, IoBuffer.of(old), 0)).isEqualTo(IoStatus.SUCCESS);
        assertThat(old.pinCount()).isEqualTo(1);
        format.accept(beyond);
        assertThat(r.state()).as("after a failed format of %s", beyond).isEqualTo(IoRequest.State.UNFORMATTED);
        assertThat(old.pinCount()).as("the previous format's memory is released").isZero();
        assertThat(m.pinCount()).isZero();
      }
    }
    assertThat(r.send(t)).isFalse();
    assertThat(r.status()).isEqualTo(IoStatus.REQUEST_NOT_ACCEPTED);
    assertThat(calls.count).hasValue(0);
    assertThat(t.sendSynchronously(IoFormat.write(IoBuffer.of(m, 99, 2), 0), SendOptions.synchronously()))
        .isEqualTo(new IoResult(IoStatus.INTEGER_OVERFLOW, 0));
    assertThat(dev.seen()).isEmpty();
    assertServes(t);
  }

  @Test
  @DisplayName("case 5: an offset plus length that overflows a long fails the format with INTEGER_OVERFLOW")
  void case5_offsetPlusLengthOverflowingALongFailsTheFormatWithIntegerOverflow() {
    IoMemory m = IoMemory.allocate(100);
    IoRequest r = IoRequest.create();
    for (IoBuffer overflowing : List.of(
        IoBuffer.of(m, Long.MAX_VALUE, 1),
        IoBuffer.of(m, 1, Long.MAX_VALUE),
        IoBuffer.of(m, Long.MAX_VALUE, Long.MAX_VALUE),
        IoBuffer.of(m, Long.MAX_VALUE, 0),
        IoBuffer.of(m, 50, Long.MAX_VALUE - 10))) {
      assertThat(overflowing.fits()).as("%s fits", overflowing).isFalse();
      assertThat(r.formatRead(t, IoBuffer.of(m), 0)).isEqualTo(IoStatus.SUCCESS);
      assertThat(r.formatWrite(t, overflowing, 0)).as("format of %s", overflowing).isEqualTo(IoStatus.INTEGER_OVERFLOW);
      assertThat(r.state()).isEqualTo(IoRequest.State.UNFORMATTED);
      assertThat(m.pinCount()).isZero();
      assertThat(t.sendSynchronously(IoFormat.read(overflowing, 0), SendOptions.synchronously()))
          .isEqualTo(new IoResult(IoStatus.INTEGER_OVERFLOW, 0));
    }
    assertThat(dev.seen()).isEmpty();
    assertServes(t);
  }

  /**
   * A buffered device-control request needs one system buffer of max(input, output) bytes, which Java
   * arrays limit to 2 GiB. Such a format must not leave a half-made format behind.
   */
  @Test
  void bufferedDeviceControlOverTwoGibibytesIsRejectedNamingTheSizeAndLeavesTheRequestAsItWas(@TempDir Path dir)
      throws IOException {
    long size = 3L << 30;
    try (Arena arena = Arena.ofConfined();
        FileChannel ch = FileChannel.open(dir.resolve("sparse"), StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.SPARSE)) {
      IoMemory huge = IoMemory.of(ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena));   // nothing is touched
      IoMemory small = IoMemory.allocate(8);
      IoRequest r = IoRequest.create();
      assertThat(r.formatRead(t, IoBuffer.of(small), 16)).isEqualTo(IoStatus.SUCCESS);

      assertThatThrownBy(() -> r.formatDeviceControl(t, BUFFERED, null, IoBuffer.of(huge)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("buffered device-control buffers: " + size + " bytes (expected: < 2 GiB)");

      assertThat(huge.pinCount()).as("pins of the rejected memory").isZero();
      assertThat(small.pinCount()).isEqualTo(1);
      assertThat(r.state()).isEqualTo(IoRequest.State.FORMATTED);
      assertThat(r.type()).isEqualTo(IoRequestType.READ);
      assertThat(r.completionParams().type()).isEqualTo(IoRequestType.READ);
      Calls calls = new Calls();
      r.setCompletionRoutine(calls, null);
      assertThat(r.send(t)).isTrue();
      assertThat(calls.count).hasValue(1);
      assertThat(dev.seen()).containsExactly(new ScriptedDevice.Seen(IoRequestType.READ, 8, 16, null, 0, 8));
    }
    assertServes(t);
  }

  @Test
  void negativeInformationIsRejectedAndMoreInformationThanTheOutputHoldsCopiesNoMoreThanTheOutput() {
    AtomicReference<Throwable> negative = new AtomicReference<>();
    IoTarget target = deviceWith((q, request) -> {
      if (request.type() != IoRequestType.DEVICE_CONTROL) {
        request.complete(IoStatus.SUCCESS);
        return;
      }
      negative.set(catchThrowable(() -> request.complete(IoStatus.SUCCESS, -1)));
      request.outputBuffer().fill((byte) 0x5A);
      request.complete(IoStatus.SUCCESS, 1_000);
    });
    IoMemory m = IoMemory.allocate(128);
    IoRequest r = IoRequest.create();
    assertThat(r.formatDeviceControl(target, BUFFERED, null, IoBuffer.of(m, 0, 64))).isEqualTo(IoStatus.SUCCESS);
    Calls calls = new Calls();
    r.setCompletionRoutine(calls, null);
    assertThat(r.send(target)).isTrue();

    assertThat(negative.get()).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("information: -1 (expected: >= 0)");
    assertThat(calls.count).hasValue(1);
    assertThat(calls.information).isEqualTo(1_000);
    byte[] bytes = m.toByteArray();
    for (int i = 0; i < 128; i++) {
      assertThat(bytes[i]).as("byte %d", i).isEqualTo(i < 64 ? (byte) 0x5A : (byte) 0);
    }
    assertServes(target);
  }

  // =============================================================================================
  // Closed, deleted and purged targets
  // =============================================================================================

  @Test
  @DisplayName("cases 7, 37, 38, 68: a closed target refuses formats and sends with INVALID_DEVICE_STATE until it is opened")
  void case7_case37_closedTargetRefusesFormatsAndSendsWithInvalidDeviceStateUntilOpened() {
    IoRequest formattedBefore = IoRequest.create();
    assertThat(formattedBefore.formatRead(t, null, 0)).isEqualTo(IoStatus.SUCCESS);
    Calls calls = new Calls();
    formattedBefore.setCompletionRoutine(calls, null);
    IoRequest other = IoRequest.create();
    assertThat(other.formatWrite(t, null, 0)).isEqualTo(IoStatus.SUCCESS);

    t.close();

    assertThat(t.state()).isEqualTo(IoTargetState.CLOSED);
    assertThat(other.formatRead(t, null, 0)).isEqualTo(IoStatus.INVALID_DEVICE_STATE);
    assertThat(other.state()).as("unformatted, although it was formatted before").isEqualTo(IoRequest.State.UNFORMATTED);
    assertThat(formattedBefore.changeTarget(t)).isEqualTo(IoStatus.INVALID_DEVICE_STATE);
    assertThat(formattedBefore.send(t)).isFalse();
    assertThat(formattedBefore.status()).isEqualTo(IoStatus.INVALID_DEVICE_STATE);
    assertThat(formattedBefore.send(t, SendOptions.builder().ignoreTargetState().build())).isFalse();
    assertThat(formattedBefore.status()).isEqualTo(IoStatus.INVALID_DEVICE_STATE);
    assertThat(calls.count).hasValue(0);
    assertThat(t.sendSynchronously(IoFormat.read(null, 0), SendOptions.synchronously()))
        .isEqualTo(new IoResult(IoStatus.INVALID_DEVICE_STATE, 0));
    assertThat(t.start()).isEqualTo(IoStatus.INVALID_DEVICE_STATE);
    t.close();   // a second close does nothing
    t.stop(StopAction.CANCEL_SENT_IO);
    assertThat(t.state()).isEqualTo(IoTargetState.CLOSED);
    assertThat(dev.seen()).isEmpty();

    assertThat(t.open()).isEqualTo(IoStatus.SUCCESS);
    assertThat(t.open()).as("open of an open target").isEqualTo(IoStatus.INVALID_DEVICE_STATE);
    assertThat(formattedBefore.send(t)).as("the refused send left its format and routine").isTrue();
    assertThat(calls.count).hasValue(1);
    assertServes(t);
  }

  @Test
  @DisplayName("case 39: a deleted target refuses formats, sends, start and open for good")
  void case39_deletedTargetRefusesEverythingForGoodWhileAnotherTargetOfTheDeviceServes() {
    IoRequest r = IoRequest.create();
    assertThat(r.formatRead(t, null, 0)).isEqualTo(IoStatus.SUCCESS);
    t.delete();
    assertThat(t.state()).isEqualTo(IoTargetState.DELETED);
    assertThat(r.send(t)).isFalse();
    assertThat(r.status()).isEqualTo(IoStatus.INVALID_DEVICE_STATE);
    assertThat(r.formatRead(t, null, 0)).isEqualTo(IoStatus.INVALID_DEVICE_STATE);
    assertThat(t.start()).isEqualTo(IoStatus.INVALID_DEVICE_STATE);
    assertThat(t.open()).isEqualTo(IoStatus.INVALID_DEVICE_STATE);
    t.close();
    t.purge(PurgeAction.PURGE_IO_AND_WAIT);
    t.delete();
    assertThat(t.state()).isEqualTo(IoTargetState.DELETED);
    assertServes(dev.openTarget(clock));
  }

  @Test
  @DisplayName("cases 27, 70, 79: a purged target formats but refuses sends with INVALID_DEVICE_STATE until started")
  void case27_purgedTargetFormatsButRefusesSendsWithInvalidDeviceStateUntilStarted() {
    t.purge(PurgeAction.PURGE_IO);
    IoRequest r = IoRequest.create();
    assertThat(r.formatRead(t, null, 0)).isEqualTo(IoStatus.SUCCESS);
    assertThat(r.changeTarget(t)).isEqualTo(IoStatus.SUCCESS);
    Calls calls = new Calls();
    r.setCompletionRoutine(calls, null);
    assertThat(r.send(t)).isFalse();
    assertThat(r.status()).isEqualTo(IoStatus.INVALID_DEVICE_STATE);
    assertThat(r.send(t, SendOptions.synchronously())).isFalse();
    assertThat(r.status()).isEqualTo(IoStatus.INVALID_DEVICE_STATE);
    assertThat(t.sendSynchronously(IoFormat.read(null, 0), SendOptions.synchronously()))
        .isEqualTo(new IoResult(IoStatus.INVALID_DEVICE_STATE, 0));
    assertThat(calls.count).hasValue(0);
    assertThat(t.pendingCount()).isZero();

    assertThat(t.start()).isEqualTo(IoStatus.SUCCESS);
    assertThat(r.send(t)).isTrue();
    assertThat(calls.count).hasValue(1);
    assertServes(t);
  }

  // =============================================================================================
  // Requests used out of turn
  // =============================================================================================

  @Test
  @DisplayName("cases 13, 23, 73: a sent or queued request cannot be sent, reformatted, reused or deleted")
  void case23_secondSendOfASentOrQueuedRequestThrowsSayingItIsAlreadySent() throws Exception {
    dev.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
    IoRequest r = IoRequest.create();
    r.formatRead(t, null, 0);
    Calls calls = new Calls();
    r.setCompletionRoutine(calls, null);
    assertThat(r.send(t)).isTrue();

    assertThatThrownBy(() -> r.send(t)).isInstanceOf(IllegalStateException.class)
        .hasMessage("request already sent: it is SENT on target t");
    assertThatThrownBy(() -> r.send(t, SendOptions.synchronously())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already sent");
    assertThatThrownBy(() -> r.sendAsync(t, SendOptions.defaults())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SENT");
    assertThatThrownBy(() -> r.setCompletionRoutine(null, null)).isInstanceOf(IllegalStateException.class)
        .hasMessage("setCompletionRoutine: request is SENT (expected: not in flight)");
    assertThatThrownBy(r::reuse).isInstanceOf(IllegalStateException.class)
        .hasMessage("reuse: request is SENT on target t (expected: completed or never sent)");
    assertThatThrownBy(r::delete).isInstanceOf(IllegalStateException.class)
        .hasMessage("delete: request is SENT (expected: completed or never sent)");
    assertThat(r.formatRead(t, null, 4)).isEqualTo(IoStatus.INVALID_DEVICE_REQUEST);
    assertThat(r.changeTarget(t)).isEqualTo(IoStatus.INVALID_DEVICE_REQUEST);
    assertThat(t.sendSynchronously(r, IoFormat.read(null, 0), SendOptions.synchronously()))
        .as("the helper reports the format's refusal").isEqualTo(new IoResult(IoStatus.INVALID_DEVICE_REQUEST, 0));

    assertThat(r.state()).isEqualTo(IoRequest.State.SENT);
    assertThat(dev.seen()).hasSize(1);
    ScriptedDevice.completeHeld(dev.nextHeld(), IoStatus.SUCCESS, 9);
    assertThat(calls.count).as("the in-flight send is unaffected and completes once").hasValue(1);
    assertThat(calls.information).isEqualTo(9);

    t.stop(StopAction.LEAVE_SENT_IO_PENDING);
    r.setCompletionRoutine(calls, null);
    assertThat(r.send(t)).isTrue();
    assertThat(r.state()).isEqualTo(IoRequest.State.QUEUED);
    assertThatThrownBy(() -> r.send(t)).isInstanceOf(IllegalStateException.class)
        .hasMessage("request already sent: it is QUEUED on target t");
    dev.mode = ScriptedDevice.Mode.COMPLETE;
    assertThat(t.start()).isEqualTo(IoStatus.SUCCESS);
    assertThat(calls.count).hasValue(2);
    assertServes(t);
  }

  @Test
  void aDeletedRequestIsNoLongerOwnedAndEveryUseThrowsSayingSo() {
    IoRequest r = IoRequest.create();
    IoMemory m = IoMemory.allocate(8);
    r.formatRead(t, IoBuffer.of(m), 0);
    r.delete();
    assertThat(r.state()).isEqualTo(IoRequest.State.DELETED);
    assertThat(m.pinCount()).as("delete releases the format").isZero();

    List<Runnable> uses = List.of(
        () -> r.formatRead(t, null, 0),
        () -> r.formatWrite(t, null, 0),
        () -> r.formatDeviceControl(t, BUFFERED, null, null),
        () -> r.format(t, IoFormat.read(null, 0)),
        () -> r.changeTarget(t),
        () -> r.setCompletionRoutine(null, null),
        () -> r.send(t),
        () -> r.sendAsync(t, SendOptions.defaults()),
        r::cancelSentRequest,
        r::reuse,
        r::delete,
        () -> t.sendSynchronously(r, IoFormat.read(null, 0), SendOptions.synchronously()));
    for (Runnable use : uses) {
      assertThatThrownBy(use::run).isInstanceOf(IllegalStateException.class)
          .hasMessage("request no longer owned: it is DELETED");
    }
    assertThat(dev.seen()).isEmpty();
    assertServes(t);
  }

  @Test
  void completingACreatedRequestOrTreatingItAsPresentedThrowsNamingWhatIsExpected() {
    IoRequest r = IoRequest.create();
    r.formatRead(t, null, 0);
    assertThatThrownBy(() -> r.complete(IoStatus.SUCCESS)).isInstanceOf(IllegalStateException.class)
        .hasMessage("complete: a created request is deleted or reused by its owner, not completed");
    assertThatThrownBy(() -> r.markCancelable(request -> { })).isInstanceOf(IllegalStateException.class)
        .hasMessage("markCancelable: only a presented request can be (un)marked cancelable");
    assertThatThrownBy(r::unmarkCancelable).isInstanceOf(IllegalStateException.class)
        .hasMessage("unmarkCancelable: only a presented request can be (un)marked cancelable");
    assertThatThrownBy(r::formatUsingCurrentType).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("only a presented request can be forwarded as presented");
    assertThat(r.send(t, SendOptions.sendAndForgetting())).as("case 17").isFalse();
    assertThat(r.status()).isEqualTo(IoStatus.INVALID_DEVICE_STATE);

    assertThat(r.state()).isEqualTo(IoRequest.State.FORMATTED);
    Calls calls = new Calls();
    r.setCompletionRoutine(calls, null);
    assertThat(r.send(t)).isTrue();
    assertThat(calls.count).hasValue(1);
    assertServes(t);
  }

  @Test
  void completingAPresentedRequestTwiceThrowsAndItsSenderCompletesOnceWithTheFirstStatus() {
    AtomicReference<Throwable> second = new AtomicReference<>();
    AtomicReference<Throwable> afterwards = new AtomicReference<>();
    IoTarget target = deviceWith((q, request) -> {
      request.complete(IoStatus.SUCCESS, 11);
      second.set(catchThrowable(() -> request.complete(IoStatus.UNSUCCESSFUL, 0)));
      afterwards.set(catchThrowable(() -> request.markCancelable(x -> { })));
    });
    Calls calls = sendRead(target, 0);
    assertThat(second.get()).isInstanceOf(IllegalStateException.class)
        .hasMessage("complete: request is DRIVER_COMPLETED (expected: presented and not in flight)");
    assertThat(afterwards.get()).isInstanceOf(IllegalStateException.class)
        .hasMessage("request no longer owned: it is DRIVER_COMPLETED");
    assertThat(calls.count).hasValue(1);
    assertThat(calls.status).isEqualTo(IoStatus.SUCCESS);
    assertThat(calls.information).isEqualTo(11);
    assertServes(target);
  }

  @Test
  void misusesOfAPresentedRequestThrowNamingTheCallAndItsHandlerCanStillCompleteIt() {
    List<Throwable> thrown = new ArrayList<>();
    IoTarget target = deviceWith((q, request) -> {
      thrown.add(catchThrowable(request::unmarkCancelable));
      assertThat(request.markCancelable(x -> x.complete(IoStatus.CANCELLED))).isEqualTo(IoStatus.SUCCESS);
      thrown.add(catchThrowable(() -> request.markCancelable(x -> { })));
      thrown.add(catchThrowable(request::inputBuffer));
      thrown.add(catchThrowable(request::delete));
      thrown.add(catchThrowable(request::outputBuffer));   // a read of no buffer
      assertThat(request.unmarkCancelable()).isEqualTo(IoStatus.SUCCESS);
      request.complete(IoStatus.SUCCESS, 2);
    });
    Calls calls = sendRead(target, 0);
    assertThat(thrown).extracting(Throwable::getClass).containsExactly(
        IllegalStateException.class, IllegalStateException.class, IllegalStateException.class,
        IllegalStateException.class, IllegalStateException.class);
    assertThat(thrown).extracting(Throwable::getMessage).containsExactly(
        "unmarkCancelable: request is not marked cancelable",
        "markCancelable: request is marked cancelable already",
        "inputBuffer: a READ request with no input buffer",
        "delete: a presented request is completed by its handler, not deleted",
        "outputBuffer: a READ request with no output buffer");
    assertThat(calls.count).hasValue(1);
    assertThat(calls.information).isEqualTo(2);
    assertServes(target);
  }

  @Test
  void anOpaqueArgumentIndexOtherThanOneTwoOrFourIsRejectedNamingTheIndex() {
    List<Throwable> thrown = new ArrayList<>();
    IoMemory a1 = IoMemory.allocate(1);
    IoMemory a4 = IoMemory.allocate(4);
    List<IoMemory> seen = new ArrayList<>();
    IoTarget target = deviceWith((q, request) -> {
      if (request.type() == IoRequestType.OTHER) {
        for (int index : new int[] {0, 3, 5, -1}) {
          thrown.add(catchThrowable(() -> request.otherArgument(index)));
        }
        for (int index : new int[] {1, 2, 4}) {
          IoBuffer b = request.otherArgument(index);
          seen.add(b == null ? null : b.memory());
        }
      }
      request.complete(IoStatus.SUCCESS);
    });
    IoRequest r = IoRequest.create();
    assertThat(r.formatInternalDeviceControlOthers(target, BUFFERED, IoBuffer.of(a1), null, IoBuffer.of(a4)))
        .isEqualTo(IoStatus.SUCCESS);
    assertThat(r.send(target)).isTrue();
    assertThat(thrown).extracting(Throwable::getMessage).containsExactly(
        "index: 0 (expected: 1, 2 or 4)", "index: 3 (expected: 1, 2 or 4)",
        "index: 5 (expected: 1, 2 or 4)", "index: -1 (expected: 1, 2 or 4)");
    assertThat(seen).containsExactly(a1, null, a4);
    assertServes(target);
  }

  @Test
  @DisplayName("cases 18, 20: a presented request refuses send-and-forget once formatted and an asynchronous send without a routine")
  void case18_case20_presentedRequestSendsThatCannotWorkAreRefusedAndItsHandlerStillCompletesIt() {
    ScriptedDevice lower = new ScriptedDevice("lower");
    IoTarget below = lower.openTarget(clock);
    List<IoStatus> refusals = new ArrayList<>();
    IoTarget filter = deviceWith((q, request) -> {
      assertThat(request.formatRead(below, null, 0)).isEqualTo(IoStatus.SUCCESS);
      assertThat(request.send(below, SendOptions.sendAndForgetting())).isFalse();
      refusals.add(request.status());
      assertThat(request.send(below)).isFalse();
      refusals.add(request.status());
      request.complete(IoStatus.SUCCESS, 1);
    });
    Calls calls = sendRead(filter, 0);
    assertThat(refusals).containsExactly(IoStatus.INVALID_DEVICE_REQUEST, IoStatus.INVALID_DEVICE_REQUEST);
    assertThat(lower.seen()).isEmpty();
    assertThat(calls.count).hasValue(1);
    assertThat(calls.status).isEqualTo(IoStatus.SUCCESS);
    assertServes(filter);
    assertServes(below);
  }

  @Test
  void aRequestOfAKindTheDeviceHasNoQueueForIsRefusedAtFormat() {
    IoDevice readsOnly = IoDevice.builder("reads-only")
        .queue(IoRequestType.READ, IoQueue.parallel().onRead((q, request) -> request.complete(IoStatus.SUCCESS)).build())
        .build();
    IoTarget target = readsOnly.openTarget(clock);
    IoRequest r = IoRequest.create();
    r.formatRead(target, null, 0);
    assertThat(r.formatWrite(target, null, 0)).isEqualTo(IoStatus.INVALID_DEVICE_REQUEST);
    assertThat(r.state()).isEqualTo(IoRequest.State.UNFORMATTED);
    assertThat(r.formatDeviceControl(target, BUFFERED, null, null)).isEqualTo(IoStatus.INVALID_DEVICE_REQUEST);
    assertServes(target);
  }

  // =============================================================================================
  // Handlers, drivers and routines that throw
  // =============================================================================================

  @Test
  void aHandlerThatThrowsHasItsRequestCompletedWithUnsuccessfulAndItsSequentialQueueGoesOn() {
    IoDevice device = IoDevice.builder("d").defaultQueue(IoQueue.sequential().onRead((q, request) -> {
      switch ((int) request.deviceOffset()) {
        case 1 -> throw new IllegalStateException("handler bug");
        case 2 -> {
          request.complete(IoStatus.SUCCESS, 2);
          throw new IllegalStateException("bug after completing");
        }
        case 3 -> {
          request.markCancelable(x -> x.complete(IoStatus.CANCELLED));
          throw new AssertionError("bug after marking cancelable");
        }
        default -> request.complete(IoStatus.SUCCESS, 7);
      }
    }).build()).build();
    IoTarget target = device.openTarget(clock);

    Calls threw = sendRead(target, 1);
    assertThat(threw.count).hasValue(1);
    assertThat(threw.status).isEqualTo(IoStatus.UNSUCCESSFUL);
    Calls completedThenThrew = sendRead(target, 2);
    assertThat(completedThenThrew.count).hasValue(1);
    assertThat(completedThenThrew.status).isEqualTo(IoStatus.SUCCESS);
    assertThat(completedThenThrew.information).isEqualTo(2);
    Calls markedThenThrew = sendRead(target, 3);
    assertThat(markedThenThrew.count).hasValue(1);
    assertThat(markedThenThrew.status).isEqualTo(IoStatus.UNSUCCESSFUL);
    assertThat(target.pendingCount()).isZero();
    assertServes(target);
    assertThat(CallbackFailures.take()).extracting(f -> f.failure().getMessage())
        .containsExactly("handler bug", "bug after completing", "bug after marking cancelable");
  }

  @Test
  void aDriverWhoseDispatchThrowsHasTheRequestCompletedWithUnsuccessful() {
    AtomicInteger dispatches = new AtomicInteger();
    IoTarget target = IoTargets.create("throwing", request -> {
      if (dispatches.incrementAndGet() == 1) {
        throw new IllegalArgumentException("driver bug");
      }
      request.complete(IoStatus.SUCCESS);
    }, clock);
    Calls calls = sendRead(target, 0);
    assertThat(calls.count).hasValue(1);
    assertThat(calls.status).isEqualTo(IoStatus.UNSUCCESSFUL);
    assertServes(target);
    assertThat(CallbackFailures.take()).extracting(f -> f.failure().getMessage())
        .containsExactly("driver bug");
  }

  @Test
  void aCompletionRoutineThatThrowsStillCompletesItsRequestOnceAndTheTargetKeepsServing() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CompletionRoutine<Object> throwing = (request, target, params, ctx) -> {
      calls.incrementAndGet();
      throw new IllegalStateException("routine bug");
    };
    CompletionRoutine<Object> failing = (request, target, params, ctx) -> {
      calls.incrementAndGet();
      throw new AssertionError("routine assertion");
    };
    IoRequest r = IoRequest.create();

    // inline, inside send
    r.formatRead(t, null, 0);
    r.setCompletionRoutine(throwing, null);
    assertThat(r.send(t)).isTrue();
    assertThat(calls).hasValue(1);
    assertThat(r.state()).isEqualTo(IoRequest.State.COMPLETED);
    assertThat(r.status()).isEqualTo(IoStatus.SUCCESS);
    assertThat(t.pendingCount()).isZero();

    // later, inside the device's complete: the device does not see the routine's exception
    dev.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
    r.setCompletionRoutine(failing, null);
    assertThat(r.send(t)).isTrue();
    ScriptedDevice.completeHeld(dev.nextHeld(), IoStatus.SUCCESS, 1);
    assertThat(calls).hasValue(2);
    assertThat(t.pendingCount()).isZero();

    // synchronous: send returns although the routine threw
    dev.mode = ScriptedDevice.Mode.COMPLETE;
    r.setCompletionRoutine(throwing, null);
    assertThat(r.send(t, SendOptions.synchronously())).isTrue();
    assertThat(calls).hasValue(3);

    // on a completion executor
    List<Runnable> tasks = new ArrayList<>();
    Executor collecting = tasks::add;
    r.setCompletionRoutine(throwing, null);
    assertThat(r.send(t, SendOptions.builder().completionExecutor(collecting).build())).isTrue();
    assertThat(tasks).hasSize(1);
    assertThat(t.pendingCount()).as("pending until the routine has run").isEqualTo(1);
    tasks.getFirst().run();
    assertThat(calls).hasValue(4);
    assertThat(t.pendingCount()).isZero();

    t.stop(StopAction.WAIT_FOR_SENT_IO);   // nothing left to wait for
    assertThat(t.start()).isEqualTo(IoStatus.SUCCESS);
    r.setCompletionRoutine(null, null);
    assertThat(r.send(t)).isTrue();
    assertThat(calls).as("the routine registration was consumed each time").hasValue(4);
    assertServes(t);
    assertThat(CallbackFailures.take()).extracting(f -> f.failure().getMessage())
        .containsExactly("routine bug", "routine assertion", "routine bug", "routine bug");
  }

  @Test
  void aCancelRoutineThatThrowsStillCompletesItsRequestWithCancelled() throws Exception {
    List<IoRequest> held = new ArrayList<>();
    IoTarget target = deviceWith((q, request) -> {
      if (request.deviceOffset() == 0) {
        assertThat(request.markCancelable(x -> {
          throw new IllegalStateException("cancel routine bug");
        })).isEqualTo(IoStatus.SUCCESS);
        held.add(request);
      } else {
        request.complete(IoStatus.SUCCESS);
      }
    });
    IoRequest r = IoRequest.create();
    r.formatRead(target, null, 0);
    Calls calls = new Calls();
    r.setCompletionRoutine(calls, null);
    assertThat(r.send(target)).isTrue();

    assertThat(r.cancelSentRequest()).isTrue();

    assertThat(calls.count).as("the routine owned the request; the framework completed it for it").hasValue(1);
    assertThat(calls.status).isEqualTo(IoStatus.CANCELLED);
    IoRequest presented = held.getFirst();
    assertThat(presented.unmarkCancelable()).isEqualTo(IoStatus.CANCELLED);
    assertThatThrownBy(() -> presented.complete(IoStatus.SUCCESS)).isInstanceOf(IllegalStateException.class);
    assertThat(calls.count).hasValue(1);
    assertThat(target.pendingCount()).isZero();
    assertServes(target);
    assertThat(CallbackFailures.take()).extracting(f -> f.failure().getMessage())
        .containsExactly("cancel routine bug");
  }

  @Test
  @DisplayName("case 82: calls that would block inside a completion routine throw, naming the call")
  void case82_callsThatWouldBlockInsideACompletionRoutineThrowNamingTheCall() {
    IoRequest other = IoRequest.create();
    other.formatRead(t, null, 0);
    List<Throwable> thrown = new ArrayList<>();
    List<IoStatus> nonBlocking = new ArrayList<>();
    IoRequest r = IoRequest.create();
    r.formatRead(t, null, 0);
    r.setCompletionRoutine((request, target, params, ctx) -> {
      thrown.add(catchThrowable(() -> other.send(t, SendOptions.synchronously())));
      thrown.add(catchThrowable(() -> t.sendSynchronously(IoFormat.read(null, 0), SendOptions.synchronously())));
      thrown.add(catchThrowable(() -> t.stop(StopAction.WAIT_FOR_SENT_IO)));
      thrown.add(catchThrowable(() -> t.stop(StopAction.CANCEL_SENT_IO)));
      thrown.add(catchThrowable(() -> t.purge(PurgeAction.PURGE_IO_AND_WAIT)));
      thrown.add(catchThrowable(t::close));
      thrown.add(catchThrowable(t::delete));
      // these do not block and are allowed
      t.stop(StopAction.LEAVE_SENT_IO_PENDING);
      nonBlocking.add(t.start());
      t.purge(PurgeAction.PURGE_IO);
      nonBlocking.add(t.start());
    }, null);

    assertThat(r.send(t)).isTrue();

    String expected = " would block inside a completion routine"
        + " (expected: an asynchronous send, or a call from another thread)";
    assertThat(thrown).hasSize(7).allSatisfy(e -> assertThat(e).isInstanceOf(IllegalStateException.class));
    assertThat(thrown).extracting(Throwable::getMessage).containsExactly(
        "a synchronous send" + expected,
        "sendSynchronously" + expected,
        "stop(WAIT_FOR_SENT_IO)" + expected,
        "stop(CANCEL_SENT_IO)" + expected,
        "purge(PURGE_IO_AND_WAIT)" + expected,
        "close()" + expected,
        "delete()" + expected);
    assertThat(nonBlocking).containsExactly(IoStatus.SUCCESS, IoStatus.SUCCESS);
    assertThat(t.state()).isEqualTo(IoTargetState.STARTED);
    assertThat(other.state()).as("the refused synchronous send did not go out").isEqualTo(IoRequest.State.FORMATTED);
    assertServes(t);
  }

  // =============================================================================================
  // Options, codes, formats and configuration that cannot work
  // =============================================================================================

  @Test
  @DisplayName("case 16: send options that cannot be combined are rejected when they are built")
  void case16_sendOptionsThatCannotBeCombinedAreRejectedWhenBuilt() {
    assertThatThrownBy(() -> SendOptions.builder().sendAndForget().timeout(Duration.ofMillis(1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sendAndForget combined with timeout PT0.001S (expected: sendAndForget alone)");
    assertThatThrownBy(() -> SendOptions.builder().sendAndForget().synchronous().build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("sendAndForget combined with synchronous (expected: sendAndForget alone)");
    assertThatThrownBy(() -> SendOptions.builder().sendAndForget().ignoreTargetState().build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("sendAndForget combined with ignoreTargetState (expected: sendAndForget alone)");
    assertThatThrownBy(() -> SendOptions.builder().sendAndForget().completionExecutor(Runnable::run).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessage("sendAndForget combined with completionExecutor (expected: sendAndForget alone)");
    assertThatThrownBy(() -> SendOptions.withTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout: PT-0.001S (expected: >= 0; ZERO for none)");
    Instant deadline = Instant.parse("2026-11-21T00:00:01Z");
    assertThatThrownBy(() -> new SendOptions(false, Duration.ofSeconds(1), deadline, false, false, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout PT1S and deadline " + deadline + " both set (expected: one of them)");
    assertThat(SendOptions.builder().timeout(Duration.ofSeconds(1)).deadline(deadline).build().timeout())
        .as("in the builder the last of timeout and deadline wins").isEqualTo(Duration.ZERO);
    assertThatThrownBy(() -> t.sendSynchronously(IoFormat.read(null, 0), SendOptions.sendAndForgetting()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("options: sendAndForget (expected: a synchronous send)");
    assertServes(t);
  }

  @Test
  void controlCodeFieldsOutOfRangeAreRejectedNamingTheFieldAndItsRange() {
    assertThatThrownBy(() -> IoControlCode.of(0x10000, 1, IoControlCode.TransferMethod.BUFFERED, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("deviceType: 65536 (expected: 0..0xFFFF)");
    assertThatThrownBy(() -> IoControlCode.of(-1, 1, IoControlCode.TransferMethod.BUFFERED, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("deviceType: -1 (expected: 0..0xFFFF)");
    assertThatThrownBy(() -> IoControlCode.of(1, 0x1000, IoControlCode.TransferMethod.BUFFERED, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("function: 4096 (expected: 0..0xFFF)");
    assertThatThrownBy(() -> IoControlCode.of(1, 1, IoControlCode.TransferMethod.BUFFERED, 4))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("access: 4 (expected: 0..3)");
    assertServes(t);
  }

  @Test
  void formatValuesWhoseFieldsDoNotFitTheirTypeAreRejectedNamingTheType() {
    IoBuffer b = IoBuffer.of(IoMemory.allocate(4));
    assertThatThrownBy(() -> new IoFormat(IoRequestType.READ, BUFFERED, b, null, null, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("READ takes one buffer and no control code");
    assertThatThrownBy(() -> new IoFormat(IoRequestType.WRITE, null, b, b, null, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("WRITE takes one buffer and no control code");
    assertThatThrownBy(() -> new IoFormat(IoRequestType.DEVICE_CONTROL, BUFFERED, b, b, null, 8))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("DEVICE_CONTROL has no device offset");
    assertThatThrownBy(() -> new IoFormat(IoRequestType.DEVICE_CONTROL, BUFFERED, b, b, b, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("DEVICE_CONTROL takes an input and an output buffer only");
    assertThatThrownBy(() -> new IoFormat(IoRequestType.NO_FORMAT, null, null, null, null, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("NO_FORMAT is not a format");
    assertServes(t);
  }

  @Test
  void devicesAndQueuesThatCannotWorkAreRejectedWhenBuilt() {
    assertThatThrownBy(() -> IoDevice.builder("empty").build()).isInstanceOf(IllegalStateException.class)
        .hasMessage("device empty has no queue (expected: a default queue or a queue per type)");
    assertThatThrownBy(() -> IoDevice.builder("d").queue(IoRequestType.NO_FORMAT, IoQueue.manual().build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("type: NO_FORMAT (expected: a request type)");
    assertThatThrownBy(() -> IoQueue.parallel().build()).isInstanceOf(IllegalStateException.class)
        .hasMessage("PARALLEL queue has no handler (expected: at least one on... handler)");
    assertThatThrownBy(() -> IoQueue.sequential().build()).isInstanceOf(IllegalStateException.class)
        .hasMessage("SEQUENTIAL queue has no handler (expected: at least one on... handler)");
    IoQueue parallel = IoQueue.parallel().onDefault((q, request) -> request.complete(IoStatus.SUCCESS)).build();
    assertThatThrownBy(parallel::retrieveNextRequest).isInstanceOf(IllegalStateException.class)
        .hasMessage("retrieveNextRequest: queue is PARALLEL (expected: MANUAL)");
    assertServes(IoDevice.builder("d").defaultQueue(parallel).build().openTarget(clock));
  }

  @Test
  void targetsAndRequestsNotMadeByCourierAreRejectedNamingWhatIsExpected() {
    IoTarget foreignTarget = foreign(IoTarget.class, "ForeignTarget");
    IoRequest foreignRequest = foreign(IoRequest.class, "ForeignRequest");
    IoRequest r = IoRequest.create();
    assertThatThrownBy(() -> r.formatRead(foreignTarget, null, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("target: ForeignTarget (expected: a target made by Courier: IoTargets, IoDevice or FileTarget)");
    assertThatThrownBy(() -> r.send(foreignTarget)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("target: ForeignTarget (expected:");
    assertThatThrownBy(() -> r.changeTarget(foreignTarget)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("target: ForeignTarget (expected:");
    assertThatThrownBy(() -> t.sendSynchronously(foreignRequest, IoFormat.read(null, 0), SendOptions.synchronously()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("request: ForeignRequest (expected: a request made by IoRequest.create() or presented by Courier)");
    assertThat(r.state()).isEqualTo(IoRequest.State.UNFORMATTED);
    assertServes(t);
  }

  // =============================================================================================
  // Helpers
  // =============================================================================================

  /** A started target of a new device whose parallel queue hands every request to {@code handler}. */
  IoTarget deviceWith(IoQueue.Handler handler) {
    return IoDevice.builder("d").defaultQueue(IoQueue.parallel().onDefault(handler).build()).build().openTarget(clock);
  }

  /** Sends a read at {@code offset} to {@code target}; the returned calls show how it completed. */
  static Calls sendRead(IoTarget target, long offset) {
    IoRequest r = IoRequest.create();
    assertThat(r.formatRead(target, null, offset)).isEqualTo(IoStatus.SUCCESS);
    Calls calls = new Calls();
    r.setCompletionRoutine(calls, null);
    assertThat(r.send(target)).isTrue();
    return calls;
  }

  /** An implementation of {@code type} that Courier did not make; every method but toString returns a default. */
  static <T> T foreign(Class<T> type, String name) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
      if (method.getName().equals("toString")) {
        return name;
      }
      if (method.getReturnType() == boolean.class) {
        return false;
      }
      if (method.getReturnType() == int.class || method.getReturnType() == long.class) {
        return method.getReturnType() == int.class ? (Object) 0 : (Object) 0L;
      }
      return null;
    }));
  }
}
