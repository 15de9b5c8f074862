package dev.courier.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SmokeTest {
  final ManualClock clock = new ManualClock();

  @Test
  void readCompletesOnceWithTheDevicesStatusAndInformation() {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.completeInformation = 300;
    IoTarget t = dev.openTarget(clock);
    IoMemory m = IoMemory.allocate(512);
    IoRequest r = IoRequest.create();
    assertThat(r.formatRead(t, IoBuffer.of(m), 0)).isEqualTo(IoStatus.SUCCESS);
    AtomicInteger calls = new AtomicInteger();
    r.setCompletionRoutine((req, target, params, ctx) -> {
      calls.incrementAndGet();
      assertThat(target).isSameAs(t);
      assertThat(params.length()).isEqualTo(300);
      assertThat(params.buffer()).isSameAs(m);
    }, null);
    assertThat(r.send(t)).isTrue();
    assertThat(calls).hasValue(1);
    assertThat(r.status()).isEqualTo(IoStatus.SUCCESS);
    assertThat(t.pendingCount()).isZero();
  }

  @Test
  void timeoutOfHeldRequestReportsIoTimeout() throws Exception {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.mode = ScriptedDevice.Mode.HOLD_HONOUR_CANCEL;
    IoTarget t = dev.openTarget(clock);
    IoRequest r = IoRequest.create();
    r.formatRead(t, null, 0);
    AtomicInteger calls = new AtomicInteger();
    r.setCompletionRoutine((req, target, params, ctx) -> calls.incrementAndGet(), null);
    assertThat(r.send(t, SendOptions.withTimeout(Duration.ofMillis(50)))).isTrue();
    clock.advance(Duration.ofMillis(49));
    assertThat(calls).hasValue(0);
    clock.advance(Duration.ofMillis(1));
    assertThat(calls).hasValue(1);
    assertThat(r.status()).isEqualTo(IoStatus.IO_TIMEOUT);
  }

  @Test
  void queuedRequestsAreDeliveredInOrderByStart() {
    ScriptedDevice dev = new ScriptedDevice("t");
    IoTarget t = dev.openTarget(clock);
    t.stop(StopAction.LEAVE_SENT_IO_PENDING);
    IoRequest[] rs = new IoRequest[3];
    for (int i = 0; i < 3; i++) {
      rs[i] = IoRequest.create();
      rs[i].formatWrite(t, null, i * 100L);
      assertThat(rs[i].send(t)).isTrue();
      assertThat(rs[i].state()).isEqualTo(IoRequest.State.QUEUED);
    }
    assertThat(dev.seen()).isEmpty();
    assertThat(t.start()).isEqualTo(IoStatus.SUCCESS);
    assertThat(dev.seen()).extracting(ScriptedDevice.Seen::deviceOffset).containsExactly(0L, 100L, 200L);
  }
}
