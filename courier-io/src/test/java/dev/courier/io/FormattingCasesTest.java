package dev.courier.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * KMDF reference §11 A, "Formatting", cases 1 to 13. Cases 8 and 9 (IRP stack locations) do not apply
 * to Courier, which has no stack locations.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FormattingCasesTest {
  static final IoControlCode BUFFERED_CODE =
      IoControlCode.of(0x8000, 0x801, IoControlCode.TransferMethod.BUFFERED, 0);
  static final IoControlCode OTHERS_CODE =
      IoControlCode.of(0x8000, 0x802, IoControlCode.TransferMethod.NEITHER, 0);

  final ManualClock clock = new ManualClock();
  final ScriptedDevice dev = new ScriptedDevice("t");
  final IoTarget t = dev.openTarget(clock);

  private static byte[] bytes(int n, byte value) {
    byte[] b = new byte[n];
    Arrays.fill(b, value);
    return b;
  }

  @Test
  @DisplayName("case 1: a read of M(100) at {offset 10, length 20} reaches the device as 20 bytes of M[10..30) at offset 0")
  void case01_readWithOffsetsReachesTheDeviceAsTheSliceAndReportsTypeBufferAndOffset() {
    IoMemory m = IoMemory.allocate(100);
    dev.completeInformation = 20;
    dev.onPresented = q -> q.outputBuffer().fill((byte) 0x5A);   // the device writes what it was given
    IoRequest r = IoRequest.create();
    RecordingRoutine routine = new RecordingRoutine();

    assertThat(r.formatRead(t, IoBuffer.of(m, 10, 20), 0)).isEqualTo(IoStatus.SUCCESS);
    r.setCompletionRoutine(routine, null);
    assertThat(r.send(t)).isTrue();

    assertThat(dev.seen()).singleElement().satisfies(s -> {
      assertThat(s.type()).isEqualTo(IoRequestType.READ);
      assertThat(s.length()).isEqualTo(20);
      assertThat(s.deviceOffset()).isZero();
    });
    assertThat(m.toByteArray(0, 10)).containsOnly(0);
    assertThat(m.toByteArray(10, 20)).containsOnly(0x5A);
    assertThat(m.toByteArray(30, 70)).containsOnly(0);
    RecordingRoutine.Call call = routine.only();
    assertThat(call.type()).isEqualTo(IoRequestType.READ);
    assertThat(call.type().wdfValue()).isEqualTo(0x3);
    assertThat(call.buffer()).isSameAs(m);
    assertThat(call.bufferOffset()).isEqualTo(10);
    assertThat(call.length()).isEqualTo(20);
    assertThat(r.completionParams().type()).isEqualTo(IoRequestType.READ);
    assertThat(r.completionParams().buffer()).isSameAs(m);
    assertThat(r.completionParams().bufferOffset()).isEqualTo(10);
  }

  @Test
  @DisplayName("case 2: offsets {90, 20} on M(100) fail with INTEGER_OVERFLOW and leave the request unformatted")
  void case02_rangeBeyondTheMemoryFailsWithIntegerOverflowAndUnformats() {
    IoMemory m = IoMemory.allocate(100);
    IoRequest r = IoRequest.create();
    assertThat(r.formatRead(t, IoBuffer.of(m, 0, 50), 0)).isEqualTo(IoStatus.SUCCESS);
    assertThat(m.pinCount()).isEqualTo(1);

    assertThat(r.formatRead(t, IoBuffer.of(m, 90, 20), 0)).isEqualTo(IoStatus.INTEGER_OVERFLOW);

    assertThat(r.state()).isEqualTo(IoRequest.State.UNFORMATTED);
    assertThat(m.pinCount()).isZero();
    assertThat(r.send(t)).isFalse();
    assertThat(r.status()).isEqualTo(IoStatus.REQUEST_NOT_ACCEPTED);
    assertThat(dev.seen()).isEmpty();
  }

  @Test
  @DisplayName("case 3: offsets {100, 0} on M(100) format a write of length 0")
  void case03_offsetAtTheEndWithLengthZeroIsAZeroLengthWrite() {
    IoMemory m = IoMemory.allocate(100);
    IoRequest r = IoRequest.create();

    assertThat(r.formatWrite(t, IoBuffer.of(m, 100, 0), 0)).isEqualTo(IoStatus.SUCCESS);

    assertThat(r.state()).isEqualTo(IoRequest.State.FORMATTED);
    assertThat(r.length()).isZero();
    assertThat(r.send(t)).isTrue();
    assertThat(dev.seen()).singleElement().satisfies(s -> {
      assertThat(s.type()).isEqualTo(IoRequestType.WRITE);
      assertThat(s.length()).isZero();
    });
    assertThat(r.status()).isEqualTo(IoStatus.SUCCESS);
  }

  @Test
  @DisplayName("case 4: offsets {30, 0} on M(100) format a read of the 70 bytes from offset 30")
  void case04_offsetWithLengthZeroTransfersTheRestOfTheMemory() {
    IoMemory m = IoMemory.allocate(100);
    dev.onPresented = q -> q.outputBuffer().fill((byte) 1);
    IoRequest r = IoRequest.create();

    assertThat(r.formatRead(t, IoBuffer.of(m, 30, 0), 0)).isEqualTo(IoStatus.SUCCESS);
    assertThat(r.send(t)).isTrue();

    assertThat(dev.seen()).singleElement().extracting(ScriptedDevice.Seen::length).isEqualTo(70L);
    assertThat(m.toByteArray(0, 30)).containsOnly(0);
    assertThat(m.toByteArray(30, 70)).containsOnly(1);
  }

  @Test
  @DisplayName("case 5: offsets whose sum overflows fail with INTEGER_OVERFLOW")
  void case05_offsetPlusLengthOverflowingFailsWithIntegerOverflow() {
    IoMemory m = IoMemory.allocate(100);
    IoRequest r = IoRequest.create();
    IoBuffer overflowing = IoBuffer.of(m, Long.MAX_VALUE - 10, 20);

    assertThat(r.formatRead(t, overflowing, 0)).isEqualTo(IoStatus.INTEGER_OVERFLOW);
    assertThat(r.state()).isEqualTo(IoRequest.State.UNFORMATTED);
    assertThat(r.formatWrite(t, overflowing, 0)).isEqualTo(IoStatus.INTEGER_OVERFLOW);
    assertThat(r.formatDeviceControl(t, BUFFERED_CODE, null, overflowing)).isEqualTo(IoStatus.INTEGER_OVERFLOW);
    assertThat(r.state()).isEqualTo(IoRequest.State.UNFORMATTED);
    assertThat(m.pinCount()).isZero();
  }

  @Test
  @DisplayName("case 6: a read with no memory at device offset 4096 reaches the device with length 0 and no buffer")
  void case06_readWithoutMemoryHasLengthZeroNoBufferAndTheDeviceOffset() {
    AtomicReference<Throwable> outputBuffer = new AtomicReference<>();
    dev.onPresented = q -> {
      try {
        q.outputBuffer();
      } catch (Throwable e) {
        outputBuffer.set(e);
      }
    };
    IoRequest r = IoRequest.create();
    RecordingRoutine routine = new RecordingRoutine();

    assertThat(r.formatRead(t, null, 4096)).isEqualTo(IoStatus.SUCCESS);
    r.setCompletionRoutine(routine, null);
    assertThat(r.send(t)).isTrue();

    assertThat(dev.seen()).singleElement().satisfies(s -> {
      assertThat(s.type()).isEqualTo(IoRequestType.READ);
      assertThat(s.length()).isZero();
      assertThat(s.deviceOffset()).isEqualTo(4096);
    });
    assertThat(outputBuffer.get()).as("the device's outputBuffer()").isInstanceOf(IllegalStateException.class);
    RecordingRoutine.Call call = routine.only();
    assertThat(call.status()).isEqualTo(IoStatus.SUCCESS);
    assertThat(call.type()).isEqualTo(IoRequestType.READ);
    assertThat(call.buffer()).isNull();
    assertThat(call.bufferOffset()).isZero();
  }

  @Test
  @DisplayName("case 7: formatting for a closed target fails with INVALID_DEVICE_STATE and drops the earlier format")
  void case07_formatForClosedTargetFailsAndLeavesTheRequestUnformatted() {
    IoTarget closed = new ScriptedDevice("c").openTarget(clock);
    closed.close();
    IoMemory m = IoMemory.allocate(16);
    IoRequest r = IoRequest.create();
    assertThat(r.formatRead(t, IoBuffer.of(m), 0)).isEqualTo(IoStatus.SUCCESS);

    assertThat(r.formatRead(closed, IoBuffer.of(m), 0)).isEqualTo(IoStatus.INVALID_DEVICE_STATE);

    assertThat(r.state()).isEqualTo(IoRequest.State.UNFORMATTED);
    assertThat(m.pinCount()).isZero();
    assertThat(r.send(t)).as("the format for t is gone too").isFalse();
    assertThat(r.status()).isEqualTo(IoStatus.REQUEST_NOT_ACCEPTED);
    assertThat(dev.seen()).isEmpty();
  }

  @Test
  @DisplayName("case 10: a METHOD_BUFFERED device control copies back only the information bytes into the output")
  void case10_bufferedDeviceControlCopiesBackOnlyTheReportedBytes() {
    IoMemory in = IoMemory.allocate(8);
    for (int i = 0; i < 8; i++) {
      in.segment().set(ValueLayout.JAVA_BYTE, i, (byte) (i + 1));
    }
    IoMemory out = IoMemory.allocate(64);
    AtomicReference<byte[]> inputSeen = new AtomicReference<>();
    dev.onPresented = q -> {
      inputSeen.set(q.inputBuffer().toArray(ValueLayout.JAVA_BYTE));
      MemorySegment o = q.outputBuffer();
      o.fill((byte) 0x77);                  // writes all 64 bytes...
    };
    dev.completeInformation = 16;            // ...and reports 16
    IoRequest r = IoRequest.create();
    RecordingRoutine routine = new RecordingRoutine();

    assertThat(r.formatDeviceControl(t, BUFFERED_CODE, IoBuffer.of(in), IoBuffer.of(out))).isEqualTo(IoStatus.SUCCESS);
    r.setCompletionRoutine(routine, null);
    assertThat(r.send(t)).isTrue();

    assertThat(dev.seen()).singleElement().satisfies(s -> {
      assertThat(s.type()).isEqualTo(IoRequestType.DEVICE_CONTROL);
      assertThat(s.code()).isEqualTo(BUFFERED_CODE);
      assertThat(s.inputLength()).isEqualTo(8);
      assertThat(s.outputLength()).isEqualTo(64);
    });
    assertThat(inputSeen.get()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    RecordingRoutine.Call call = routine.only();
    assertThat(call.type()).isEqualTo(IoRequestType.DEVICE_CONTROL);
    assertThat(call.type().wdfValue()).isEqualTo(0xE);
    assertThat(call.ioControlCode()).isEqualTo(BUFFERED_CODE);
    assertThat(call.input()).isSameAs(in);
    assertThat(call.output()).isSameAs(out);
    assertThat(call.outputLength()).isEqualTo(16);
    assertThat(call.status()).isEqualTo(IoStatus.SUCCESS);
    assertThat(out.toByteArray(0, 16)).isEqualTo(bytes(16, (byte) 0x77));
    assertThat(out.toByteArray(16, 48)).as("bytes beyond information are not copied back").containsOnly(0);
  }

  @Test
  @DisplayName("case 10 (formats survive completion, D11): a resent METHOD_BUFFERED device control presents its input again")
  void case10_resentBufferedDeviceControlPresentsItsInputNotThePreviousOutput() {
    IoMemory in = IoMemory.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    IoMemory out = IoMemory.allocate(64);
    List<byte[]> inputsSeen = new CopyOnWriteArrayList<>();
    dev.onPresented = q -> {
      inputsSeen.add(q.inputBuffer().toArray(ValueLayout.JAVA_BYTE));
      q.outputBuffer().fill((byte) 0x77);
    };
    dev.completeInformation = 16;
    IoRequest r = IoRequest.create();
    assertThat(r.formatDeviceControl(t, BUFFERED_CODE, IoBuffer.of(in), IoBuffer.of(out))).isEqualTo(IoStatus.SUCCESS);
    assertThat(r.send(t)).isTrue();
    out.segment().fill((byte) 0);

    assertThat(r.send(t)).as("resent without a new format").isTrue();

    assertThat(inputsSeen).hasSize(2);
    assertThat(inputsSeen.get(1)).as("the input of the second send").containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(out.toByteArray(0, 16)).isEqualTo(bytes(16, (byte) 0x77));
    assertThat(out.toByteArray(16, 48)).containsOnly(0);
  }

  @Test
  @DisplayName("case 11: internal device control with opaque arguments reports the memories, argument 3 = 0 and no code")
  void case11_internalDeviceControlOthersReportsTheArgumentMemoriesAndNoCode() {
    IoMemory m1 = IoMemory.allocate(4);
    IoMemory m3 = IoMemory.allocate(12);
    dev.completeInformation = 9;
    AtomicReference<IoBuffer[]> argsSeen = new AtomicReference<>();
    dev.onPresented = q -> argsSeen.set(new IoBuffer[] {q.otherArgument(1), q.otherArgument(2), q.otherArgument(4)});
    IoRequest r = IoRequest.create();
    RecordingRoutine routine = new RecordingRoutine();

    assertThat(r.formatInternalDeviceControlOthers(t, OTHERS_CODE, IoBuffer.of(m1), null, IoBuffer.of(m3)))
        .isEqualTo(IoStatus.SUCCESS);
    r.setCompletionRoutine(routine, null);
    assertThat(r.send(t)).isTrue();

    assertThat(dev.seen()).singleElement().satisfies(s -> {
      assertThat(s.type()).isEqualTo(IoRequestType.OTHER);
      assertThat(s.code()).isEqualTo(OTHERS_CODE);
    });
    assertThat(argsSeen.get()[0].memory()).isSameAs(m1);
    assertThat(argsSeen.get()[1]).isNull();
    assertThat(argsSeen.get()[2].memory()).isSameAs(m3);
    RecordingRoutine.Call call = routine.only();
    assertThat(call.type()).isEqualTo(IoRequestType.OTHER);
    assertThat(call.type().wdfValue()).isEqualTo(0x1C);
    assertThat(call.argument1()).isSameAs(m1);
    assertThat(call.argument2()).isNull();
    assertThat(call.argument3()).isZero();
    assertThat(call.argument4()).isSameAs(m3);
    assertThat(call.ioControlCode()).isNull();
    assertThat(call.information()).isEqualTo(9);
    assertThat(call.length()).as("no length is derived from information").isZero();
    assertThat(call.outputLength()).isZero();
  }

  @Test
  @DisplayName("case 12: formatting again with identical parameters succeeds and keeps the memory pinned once")
  void case12_reformatWithTheSameParametersKeepsOnePin() {
    IoMemory m = IoMemory.allocate(32);
    IoBuffer buffer = IoBuffer.of(m, 4, 8);
    IoRequest r = IoRequest.create();
    assertThat(r.formatRead(t, buffer, 0)).isEqualTo(IoStatus.SUCCESS);
    assertThat(m.pinCount()).isEqualTo(1);

    assertThat(r.formatRead(t, buffer, 0)).isEqualTo(IoStatus.SUCCESS);
    assertThat(m.pinCount()).isEqualTo(1);
    assertThat(r.formatRead(t, IoBuffer.of(m, 4, 8), 0)).as("an equal buffer value").isEqualTo(IoStatus.SUCCESS);
    assertThat(m.pinCount()).isEqualTo(1);

    IoMemory other = IoMemory.allocate(32);
    assertThat(r.formatRead(t, IoBuffer.of(other), 0)).isEqualTo(IoStatus.SUCCESS);
    assertThat(m.pinCount()).as("the old memory is released").isZero();
    assertThat(other.pinCount()).isEqualTo(1);
    r.reuse();
    assertThat(other.pinCount()).isZero();
  }

  @Test
  @DisplayName("case 13: formatting a sent request fails with INVALID_DEVICE_REQUEST and leaves it untouched")
  void case13_formatOfASentRequestFailsAndLeavesTheInFlightRequestAlone() throws Exception {
    dev.mode = ScriptedDevice.Mode.HOLD_IGNORE_CANCEL;
    IoMemory m = IoMemory.allocate(40);
    IoMemory other = IoMemory.allocate(10);
    IoRequest r = IoRequest.create();
    RecordingRoutine routine = new RecordingRoutine();
    assertThat(r.formatRead(t, IoBuffer.of(m), 7)).isEqualTo(IoStatus.SUCCESS);
    r.setCompletionRoutine(routine, null);
    assertThat(r.send(t)).isTrue();
    IoRequest held = dev.nextHeld();

    assertThat(r.formatRead(t, IoBuffer.of(other), 0)).isEqualTo(IoStatus.INVALID_DEVICE_REQUEST);
    assertThat(r.formatWrite(t, null, 0)).isEqualTo(IoStatus.INVALID_DEVICE_REQUEST);

    assertThat(r.state()).isEqualTo(IoRequest.State.SENT);
    assertThat(r.status()).isEqualTo(IoStatus.PENDING);
    assertThat(m.pinCount()).isEqualTo(1);
    assertThat(other.pinCount()).isZero();
    assertThat(held.type()).isEqualTo(IoRequestType.READ);
    assertThat(held.length()).isEqualTo(40);
    assertThat(held.deviceOffset()).isEqualTo(7);
    assertThat(routine.count()).isZero();

    ScriptedDevice.completeHeld(held, IoStatus.SUCCESS, 40);
    RecordingRoutine.Call call = routine.only();
    assertThat(call.type()).isEqualTo(IoRequestType.READ);
    assertThat(call.buffer()).isSameAs(m);
    assertThat(call.length()).isEqualTo(40);
    assertThat(r.state()).isEqualTo(IoRequest.State.COMPLETED);
  }

  @Test
  @DisplayName("case 13 (queued): formatting a request queued in a stopped target fails with INVALID_DEVICE_REQUEST too")
  void case13_formatOfAQueuedRequestFailsAndLeavesItQueued() {
    t.stop(StopAction.LEAVE_SENT_IO_PENDING);
    IoMemory m = IoMemory.allocate(24);
    IoRequest r = IoRequest.create();
    RecordingRoutine routine = new RecordingRoutine();
    assertThat(r.formatWrite(t, IoBuffer.of(m), 0)).isEqualTo(IoStatus.SUCCESS);
    r.setCompletionRoutine(routine, null);
    assertThat(r.send(t)).isTrue();

    assertThat(r.formatRead(t, null, 0)).isEqualTo(IoStatus.INVALID_DEVICE_REQUEST);

    assertThat(r.state()).isEqualTo(IoRequest.State.QUEUED);
    assertThat(m.pinCount()).isEqualTo(1);
    assertThat(t.start()).isEqualTo(IoStatus.SUCCESS);
    assertThat(dev.seen()).singleElement().satisfies(s -> {
      assertThat(s.type()).isEqualTo(IoRequestType.WRITE);
      assertThat(s.length()).isEqualTo(24);
    });
    assertThat(routine.only().type()).isEqualTo(IoRequestType.WRITE);
  }
}
