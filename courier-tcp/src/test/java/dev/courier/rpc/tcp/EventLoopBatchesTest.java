package dev.courier.rpc.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.io.Eventually;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A connection's completions off the event loop ({@link EventLoopBatches}): those of one pass of the loop on
 * one virtual thread, in order; every one exactly once; none on the event loop; a completion that waits for
 * a later one of its batch does not wait for ever, and one that blocks does not hold the rest of its batch.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EventLoopBatchesTest {
  private static final long NEVER = TimeUnit.HOURS.toNanos(1);

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final EventLoop loop = group.next();
  private final Queue<Throwable> uncaught = new ConcurrentLinkedQueue<>();
  private final Executor threads = task -> Thread.ofVirtual().name("completion")
      .uncaughtExceptionHandler((t, e) -> uncaught.add(e)).start(task);

  @AfterEach
  void stopTheLoop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void theCompletionsOfOnePassRunInOrderOnOneVirtualThreadAndNoneOnTheEventLoop() throws Exception {
    EventLoopBatches batches = new EventLoopBatches(threads, NEVER);
    batches.bind(loop);
    Queue<Integer> order = new ConcurrentLinkedQueue<>();
    Queue<Thread> ranOn = new ConcurrentLinkedQueue<>();
    CountDownLatch done = new CountDownLatch(100);
    loop.execute(() -> {
      for (int i = 0; i < 100; i++) {
        int n = i;
        batches.execute(() -> {
          order.add(n);
          ranOn.add(Thread.currentThread());
          done.countDown();
        });
      }
    });

    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(order).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 100).boxed().toList());
    assertThat(ranOn.stream().distinct().toList()).singleElement()
        .satisfies(t -> assertThat(t.isVirtual()).isTrue())
        .satisfies(t -> assertThat(t.getName()).isEqualTo("completion"));
  }

  @Test
  void aCompletionHandedOverOffTheEventLoopRunsOnAVirtualThreadOfItsOwnAtOnce() throws Exception {
    EventLoopBatches batches = new EventLoopBatches(threads, NEVER);
    batches.bind(loop);
    CompletableFuture<Thread> ranOn = new CompletableFuture<>();

    batches.execute(() -> ranOn.complete(Thread.currentThread()));

    Thread t = ranOn.get(10, TimeUnit.SECONDS);
    assertThat(t.isVirtual()).isTrue();
    assertThat(t).isNotSameAs(Thread.currentThread());
  }

  @Test
  void everyCompletionRunsExactlyOnceWhateverThreadHandsItOverAndWhateverItsBatchDoes() throws Exception {
    int passes = 400;
    int perPass = 50;
    int offLoop = 4_000;
    EventLoopBatches batches = new EventLoopBatches(threads, TimeUnit.MICROSECONDS.toNanos(50));  // helpers often
    batches.bind(loop);
    AtomicIntegerArray runs = new AtomicIntegerArray(passes * perPass + offLoop);
    AtomicIntegerArray onTheLoop = new AtomicIntegerArray(1);
    CountDownLatch done = new CountDownLatch(runs.length());
    Runnable[] tasks = new Runnable[runs.length()];
    for (int i = 0; i < tasks.length; i++) {
      int n = i;
      tasks[i] = () -> {
        if (loop.inEventLoop()) {
          onTheLoop.incrementAndGet(0);
        }
        if (n % 97 == 0) {
          Thread.yield();             // some take a while: their batches get helpers
        }
        runs.incrementAndGet(n);
        done.countDown();
      };
    }
    Thread sender = Thread.ofPlatform().start(() -> {
      for (int i = 0; i < offLoop; i++) {
        batches.execute(tasks[passes * perPass + i]);
      }
    });
    for (int p = 0; p < passes; p++) {
      int first = p * perPass;
      loop.execute(() -> {
        for (int i = first; i < first + perPass; i++) {
          batches.execute(tasks[i]);
        }
      });
    }
    sender.join();

    assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < runs.length(); i++) {
      assertThat(runs.get(i)).as("runs of completion %d", i).isEqualTo(1);
    }
    assertThat(onTheLoop.get(0)).isZero();
    assertThat(uncaught).isEmpty();
  }

  @Test
  void aCompletionThatWaitsForALaterOneOfItsBatchGetsIt() throws Exception {
    EventLoopBatches batches = new EventLoopBatches(threads, TimeUnit.MILLISECONDS.toNanos(1));
    batches.bind(loop);
    CompletableFuture<String> later = new CompletableFuture<>();
    CompletableFuture<String> first = new CompletableFuture<>();
    loop.execute(() -> {
      batches.execute(() -> first.complete(later.join() + " after"));      // waits for the next one of its batch
      batches.execute(() -> later.complete("later"));
    });

    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("later after");
  }

  @Test
  void aCompletionThatBlocksHandsTheRestOfItsBatchToAnotherThreadAtTheNextPass() throws Exception {
    EventLoopBatches batches = new EventLoopBatches(threads, NEVER);     // no timer: the passes notice
    batches.bind(loop);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> second = new CompletableFuture<>();
    loop.execute(() -> {
      batches.execute(() -> {
        entered.countDown();
        awaitQuietly(release);        // a callback that blocks (on I/O, say)
      });
      batches.execute(() -> second.complete(null));
    });
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    Eventually.until(() -> {
      loop.execute(() -> batches.execute(() -> { }));     // another pass of the loop, with a completion of its own
      return second.isDone();
    }, "the completion after the blocked one to run");
    assertThat(release.getCount()).as("the first one still blocked").isOne();
    release.countDown();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aCompletionThatThrowsIsReportedAndTheRestOfItsBatchStillRuns() throws Exception {
    EventLoopBatches batches = new EventLoopBatches(threads, NEVER);
    batches.bind(loop);
    CountDownLatch rest = new CountDownLatch(2);
    IllegalStateException boom = new IllegalStateException("a callback failed");
    loop.execute(() -> {
      batches.execute(rest::countDown);
      batches.execute(() -> {
        throw boom;
      });
      batches.execute(rest::countDown);
    });

    assertThat(rest.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(List.copyOf(uncaught)).containsExactly(boom);
  }
}
