package dev.courier.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The system timer that runs real timeouts. */
class SystemClockTest {
  final IoClock clock = IoClock.system();

  @Test
  void tasksRunInDueOrderEvenWhenScheduledLatestFirst() throws Exception {
    List<Integer> order = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(3);
    long[] earliestDue = new long[4];
    long[] latestDue = new long[4];
    for (int task = 3; task >= 1; task--) {
      int id = task;
      long delay = TimeUnit.MILLISECONDS.toNanos(100L * (id - 1));
      earliestDue[id] = System.nanoTime() + delay;
      clock.schedule(() -> { order.add(id); done.countDown(); }, delay);
      latestDue[id] = System.nanoTime() + delay;
    }

    assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
    // A stalled test thread can make a later-scheduled task due first; only a task known to be due
    // strictly earlier must run first. Without a stall of 100 ms this is exactly 1, 2, 3.
    for (int i = 0; i < 3; i++) {
      for (int j = i + 1; j < 3; j++) {
        int ranFirst = order.get(i);
        int ranLater = order.get(j);
        assertThat(latestDue[ranLater] - earliestDue[ranFirst])
            .as("task %d ran before task %d, which was due earlier (order %s)", ranFirst, ranLater, order)
            .isGreaterThanOrEqualTo(0);
      }
    }
  }

  @Test
  void aCancelledTaskNeverRunsAndCancelSaysWhetherItStoppedIt() throws Exception {
    AtomicInteger ran = new AtomicInteger();
    IoClock.Scheduled later = clock.schedule(ran::incrementAndGet, TimeUnit.MILLISECONDS.toNanos(20));
    assertThat(later.cancel()).isTrue();
    assertThat(later.cancel()).isFalse();
    CountDownLatch after = new CountDownLatch(1);
    clock.schedule(after::countDown, TimeUnit.MILLISECONDS.toNanos(40));

    assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(ran).hasValue(0);
  }

  @Test
  void manyLongTimeoutsCancelledAtOnceDoNotDelayAShortOne() throws Exception {
    for (int i = 0; i < 100_000; i++) {
      clock.schedule(() -> { throw new AssertionError("a cancelled timeout ran"); }, TimeUnit.MINUTES.toNanos(1)).cancel();
    }
    CountDownLatch shortOne = new CountDownLatch(1);
    IoClock.Scheduled s = clock.schedule(shortOne::countDown, TimeUnit.MILLISECONDS.toNanos(5));

    assertThat(shortOne.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(s.cancel()).as("it ran, so it can no longer be cancelled").isFalse();
  }

  @Test
  void timeoutsCancelledFromManyThreadsAtOnceDoNotPileUpInTheTimer() throws Exception {
    int threads = 4;
    int each = 50_000;
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      Thread.ofPlatform().start(() -> {
        for (int i = 0; i < each; i++) {
          clock.schedule(() -> { throw new AssertionError("a cancelled timeout ran"); }, TimeUnit.MINUTES.toNanos(10))
              .cancel();
        }
        done.countDown();
      });
    }
    assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();

    // Purges keep the cancelled ones to a few thousand, not the 200,000 scheduled.
    assertThat(dev.courier.io.internal.SystemClock.INSTANCE.queued()).isLessThan(10_000);
  }

  @Test
  void shortTimeoutsScheduledFromManyThreadsWhileTheTimerWaitsForALongOneAllRunSoon() throws Exception {
    IoClock.Scheduled longOne = clock.schedule(() -> { }, TimeUnit.MINUTES.toNanos(10));
    int threads = 4;
    int each = 2_000;
    CountDownLatch ran = new CountDownLatch(threads * each);
    for (int t = 0; t < threads; t++) {
      Thread.ofPlatform().start(() -> {
        for (int i = 0; i < each; i++) {
          clock.schedule(ran::countDown, TimeUnit.MICROSECONDS.toNanos(i % 5_000));
        }
      });
    }

    assertThat(ran.await(30, TimeUnit.SECONDS)).as("every short timeout ran, none waiting for the long one").isTrue();
    longOne.cancel();
  }

  @Test
  void aTaskThatThrowsDoesNotStopTheTimer() throws Exception {
    clock.schedule(() -> { throw new IllegalStateException("timer task bug"); }, 0);
    CountDownLatch next = new CountDownLatch(1);
    clock.schedule(next::countDown, TimeUnit.MILLISECONDS.toNanos(5));

    assertThat(next.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(CallbackFailures.take()).extracting(f -> f.failure().getMessage()).containsExactly("timer task bug");
  }
}
