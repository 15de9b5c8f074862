package dev.courier.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every kind of user callback that throws reaches the {@link CallbackFailureHandler}, named; the framework goes on. */
class CallbackFailureHandlerTest {
  final ManualClock clock = new ManualClock();

  @AfterEach
  void putTheTestsRecorderBack() {
    CallbackFailureHandler.setDefault(CallbackFailures.recorder());
  }

  @Test
  void aThrowingCompletionRoutineReachesTheHandlerNamedAndTheRequestIsCompletedRegardless() {
    ScriptedDevice dev = new ScriptedDevice("t");
    IoTarget t = dev.openTarget(clock);
    IoRequest r = IoRequest.create();
    r.formatRead(t, null, 0);
    IllegalStateException boom = new IllegalStateException("routine boom");
    r.setCompletionRoutine((req, target, params, ctx) -> {
      throw boom;
    }, null);

    assertThat(r.send(t)).isTrue();

    assertThat(CallbackFailures.take()).singleElement().satisfies(f -> {
      assertThat(f.failure()).isSameAs(boom);
      assertThat(f.callback()).startsWith("completion routine of IoRequest[").contains("completed regardless");
    });
    assertThat(r.state()).isEqualTo(IoRequest.State.COMPLETED);
    assertThat(r.status()).isEqualTo(IoStatus.SUCCESS);
    assertThat(t.pendingCount()).isZero();
  }

  @Test
  void anAssertionFailingInsideACompletionRoutineReachesTheHandler() {
    ScriptedDevice dev = new ScriptedDevice("t");
    dev.completeInformation = 300;
    IoTarget t = dev.openTarget(clock);
    IoRequest r = IoRequest.create();
    r.formatRead(t, null, 0);
    r.setCompletionRoutine((req, target, params, ctx) -> assertThat(params.information()).isEqualTo(301), null);

    r.send(t);

    assertThat(CallbackFailures.take()).singleElement()
        .satisfies(f -> assertThat(f.failure()).isInstanceOf(AssertionError.class).hasMessageContaining("301"));
  }

  @Test
  void aThrowingQueueHandlerReachesTheHandlerNamedAndItsRequestCompletesUnsuccessful() {
    RuntimeException boom = new RuntimeException("handler boom");
    IoTarget t = IoDevice.builder("d").defaultQueue(IoQueue.parallel().onDefault((q, request) -> {
      throw boom;
    }).build()).build().openTarget(clock);
    IoRequest r = IoRequest.create();
    r.formatRead(t, null, 0);

    assertThat(r.send(t)).isTrue();

    assertThat(CallbackFailures.take()).singleElement().satisfies(f -> {
      assertThat(f.failure()).isSameAs(boom);
      assertThat(f.callback()).startsWith("queue handler for IoRequest[").contains("STATUS_UNSUCCESSFUL");
    });
    assertThat(r.status()).isEqualTo(IoStatus.UNSUCCESSFUL);
  }

  @Test
  void aDriverThatThrowsFromDispatchReachesTheHandlerNamingItsTarget() {
    RuntimeException boom = new RuntimeException("driver boom");
    IoTarget t = IoTargets.create("throwing", request -> {
      throw boom;
    }, clock);
    IoRequest r = IoRequest.create();
    r.formatRead(t, null, 0);

    assertThat(r.send(t)).isTrue();

    assertThat(CallbackFailures.take()).singleElement().satisfies(f -> {
      assertThat(f.failure()).isSameAs(boom);
      assertThat(f.callback()).isEqualTo(
          "dispatch of the driver of target throwing (the request is completed with STATUS_UNSUCCESSFUL)");
    });
    assertThat(r.status()).isEqualTo(IoStatus.UNSUCCESSFUL);
  }

  @Test
  void aDriverThatThrowsFromOnCloseReachesTheHandlerAndTheTargetStillCloses() {
    RuntimeException boom = new RuntimeException("close boom");
    IoTarget t = IoTargets.create("closing", new dev.courier.io.spi.IoDriver() {
      @Override
      public void dispatch(IoRequest request) {
        request.complete(IoStatus.SUCCESS);
      }

      @Override
      public void onClose() {
        throw boom;
      }
    }, clock);

    t.close();

    assertThat(CallbackFailures.take()).singleElement().satisfies(f -> {
      assertThat(f.failure()).isSameAs(boom);
      assertThat(f.callback()).isEqualTo("onClose of the driver of target closing");
    });
    assertThat(t.state()).isEqualTo(IoTargetState.CLOSED);
  }

  @Test
  void aThrowingCancelRoutineReachesTheHandlerAndItsRequestCompletesCancelled() {
    RuntimeException boom = new RuntimeException("cancel boom");
    IoTarget t = IoTargets.create("holding", request -> request.markCancelable(held -> {
      throw boom;
    }), clock);
    IoRequest r = IoRequest.create();
    r.formatRead(t, null, 0);
    assertThat(r.send(t)).isTrue();

    assertThat(r.cancelSentRequest()).isTrue();

    assertThat(CallbackFailures.take()).singleElement().satisfies(f -> {
      assertThat(f.failure()).isSameAs(boom);
      assertThat(f.callback()).startsWith("cancel routine of IoRequest[").contains("STATUS_CANCELLED");
    });
    assertThat(r.status()).isEqualTo(IoStatus.CANCELLED);
  }

  @Test
  void aThrowingTaskOnTheSystemTimerReachesTheHandlerOnTheTimerThreadAndTheTimerGoesOn() throws Exception {
    RuntimeException boom = new RuntimeException("timer boom");
    List<String> threads = new ArrayList<>();
    CountDownLatch handled = new CountDownLatch(1);
    CallbackFailureHandler.setDefault((callback, failure) -> {
      synchronized (threads) {
        threads.add(Thread.currentThread().getName() + " " + callback + ": " + failure.getMessage());
      }
      handled.countDown();
    });
    Runnable throwing = new Runnable() {
      @Override
      public void run() {
        throw boom;
      }

      @Override
      public String toString() {
        return "the throwing task";
      }
    };
    CountDownLatch next = new CountDownLatch(1);

    IoClock.system().schedule(throwing, 0);
    IoClock.system().schedule(next::countDown, 0);

    assertThat(handled.await(Eventually.LIMIT.toMillis(), TimeUnit.MILLISECONDS)).as("the handler ran").isTrue();
    assertThat(next.await(Eventually.LIMIT.toMillis(), TimeUnit.MILLISECONDS)).as("the next task ran").isTrue();
    synchronized (threads) {
      assertThat(threads).singleElement().asString().doesNotStartWith(Thread.currentThread().getName() + " ")
          .endsWith(" timer task the throwing task: timer boom");
    }
  }

  @Test
  void withNoHandlerSetAFailureGoesToTheThreadsUncaughtExceptionHandler() {
    AtomicReference<Throwable> uncaught = new AtomicReference<>();
    Thread thread = Thread.currentThread();
    Thread.UncaughtExceptionHandler before = thread.getUncaughtExceptionHandler() == thread.getThreadGroup()
        ? null : thread.getUncaughtExceptionHandler();
    thread.setUncaughtExceptionHandler((th, e) -> uncaught.set(e));
    try {
      CallbackFailureHandler.setDefault(null);
      RuntimeException boom = new RuntimeException("to the thread");

      CallbackFailureHandler.report("a test's callback", boom);

      assertThat(uncaught).hasValue(boom);
    } finally {
      thread.setUncaughtExceptionHandler(before);
    }
  }

  @Test
  void aHandlerThatThrowsIsLoggedAndTheFrameworkStillCompletesTheRequest() {
    CallbackFailureHandler.setDefault((callback, failure) -> {
      throw new IllegalStateException("handler boom");
    });
    ScriptedDevice dev = new ScriptedDevice("t");
    IoTarget t = dev.openTarget(clock);
    IoRequest r = IoRequest.create();
    r.formatRead(t, null, 0);
    r.setCompletionRoutine((req, target, params, ctx) -> {
      throw new RuntimeException("routine boom");
    }, null);

    assertThat(r.send(t)).isTrue();

    assertThat(r.status()).isEqualTo(IoStatus.SUCCESS);
    assertThat(CapturedLogs.take()).singleElement().satisfies(record -> {
      assertThat(record.getLevel()).isEqualTo(Level.SEVERE);
      assertThat(record.getMessage()).startsWith("callback failure handler threw while handling a failure of completion routine");
      assertThat(record.getThrown()).hasMessage("handler boom");
      assertThat(record.getThrown().getSuppressed()).singleElement().asString().contains("routine boom");
    });
  }

  @Test
  void aHandlerThatRethrowsTheFailureItWasGivenIsLoggedOnceAndTheFrameworkStillCompletesTheRequest() {
    CallbackFailureHandler.setDefault((callback, failure) -> {
      if (failure instanceof RuntimeException e) {
        throw e;
      }
    });
    ScriptedDevice dev = new ScriptedDevice("t");
    IoTarget t = dev.openTarget(clock);
    IoRequest r = IoRequest.create();
    r.formatRead(t, null, 0);
    RuntimeException boom = new RuntimeException("routine boom");
    r.setCompletionRoutine((req, target, params, ctx) -> {
      throw boom;
    }, null);

    assertThat(r.send(t)).isTrue();

    assertThat(r.status()).isEqualTo(IoStatus.SUCCESS);
    assertThat(t.pendingCount()).isZero();
    assertThat(CapturedLogs.take()).singleElement().satisfies(record -> {
      assertThat(record.getMessage()).startsWith("callback failure handler threw while handling a failure of completion routine");
      assertThat(record.getThrown()).isSameAs(boom);
      assertThat(boom.getSuppressed()).isEmpty();
    });
  }
}
