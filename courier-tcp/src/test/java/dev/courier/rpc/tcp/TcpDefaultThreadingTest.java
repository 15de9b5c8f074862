package dev.courier.rpc.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.ServiceHost;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What runs where with the bindings' defaults (no directDispatch, no directCompletions): a synchronous service
 * and the callbacks of a future-shaped client on virtual threads, never on an event loop, every call
 * completing exactly once under many calls in flight; a service that blocks does not hold up the other calls
 * of its read; a host given an executor runs its calls there.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpDefaultThreadingTest {
  @ServiceContract(name = "Echo")
  public interface Echo {
    String echo(String text);
  }

  @ServiceContract(name = "Echo")
  public interface AsyncEcho {
    CompletableFuture<String> echoAsync(String text);
  }

  @ServiceContract(name = "Gate")
  public interface Gate {
    String hold(int calls);

    String release();
  }

  @ServiceContract(name = "Gate")
  public interface AsyncGate {
    CompletableFuture<String> holdAsync(int calls);

    CompletableFuture<String> releaseAsync();
  }

  /** Calls of {@code hold} block until as many calls of {@code release} have run: later calls of the same read. */
  static final class GateService implements Gate {
    final java.util.concurrent.Semaphore released = new java.util.concurrent.Semaphore(0);
    final Queue<String> ranOn = new ConcurrentLinkedQueue<>();

    @Override
    public String hold(int calls) {
      ranOn.add(Thread.currentThread().getName());
      try {
        return released.tryAcquire(calls, 20, TimeUnit.SECONDS) ? "released" : "still held after 20 s";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    }

    @Override
    public String release() {
      ranOn.add(Thread.currentThread().getName());
      released.release();
      return "done";
    }
  }

  /** Echoes, and notes the threads it ran on. */
  static final class EchoService implements Echo {
    final Queue<Thread> ranOn = new ConcurrentLinkedQueue<>();

    @Override
    public String echo(String text) {
      ranOn.add(Thread.currentThread());
      return text;
    }
  }

  private static boolean eventLoop(Thread t) {
    return t.getName().startsWith("courier-tcp-") && !t.isVirtual();
  }

  @Test
  void aSynchronousServiceThatBlocksUntilLaterCallsOfTheSameConnectionRunIsNotWaitingForItself() throws Exception {
    GateService service = new GateService();
    try (TcpBinding server = TcpBinding.create(); TcpBinding client = TcpBinding.create()) {
      ServiceHost host = ServiceHost.builder(service)
          .endpoint(Gate.class, server, "courier.tcp://127.0.0.1:0/gate").build().open();
      try {
        AsyncGate gate = ChannelFactory.builder(AsyncGate.class).binding(client)
            .address(host.listenAddresses().get(0)).build().createChannel();
        for (int round = 0; round < 20; round++) {
          // Sent back to back, these calls mostly arrive in one read: the held call must not keep the others
          // of its read from running, or it would wait for itself.
          CompletableFuture<String> held = gate.holdAsync(8);
          List<CompletableFuture<String>> releases = new ArrayList<>();
          for (int i = 0; i < 8; i++) {
            releases.add(gate.releaseAsync());
          }
          assertThat(held.get(30, TimeUnit.SECONDS)).as("round %d", round).isEqualTo("released");
          for (CompletableFuture<String> r : releases) {
            assertThat(r.get(30, TimeUnit.SECONDS)).isEqualTo("done");
          }
        }
        assertThat(service.ranOn).allMatch(name -> name.startsWith("courier-tcp-call"));
        ClientChannel.of(gate).close();
      } finally {
        host.close(Duration.ofSeconds(5));
      }
    }
  }

  @Test
  void aHostGivenAnExecutorRunsEveryCallThatArrivesOverTcpOnIt() throws Exception {
    GateService service = new GateService();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4,
        Thread.ofPlatform().name("owners-pool-", 0).factory());
    try (TcpBinding server = TcpBinding.create(); TcpBinding client = TcpBinding.create()) {
      ServiceHost host = ServiceHost.builder(service).executor(pool)
          .endpoint(Gate.class, server, "courier.tcp://127.0.0.1:0/gate").build().open();
      try {
        Gate gate = ChannelFactory.builder(Gate.class).binding(client)
            .address(host.listenAddresses().get(0)).build().createChannel();
        for (int i = 0; i < 10; i++) {
          assertThat(gate.release()).isEqualTo("done");
        }
        assertThat(service.ranOn).hasSize(10).allMatch(name -> name.startsWith("owners-pool-"));
        ClientChannel.of(gate).close();
      } finally {
        host.close(Duration.ofSeconds(5));
        pool.shutdown();
      }
    }
  }

  @Test
  void aSynchronousServiceAndAFutureClientsCallbacksRunOnVirtualThreadsAndEveryCallCompletesOnce()
      throws Exception {
    EchoService service = new EchoService();
    try (TcpBinding server = TcpBinding.create(); TcpBinding client = TcpBinding.create()) {
      ServiceHost host = ServiceHost.builder(service)
          .endpoint(Echo.class, server, "courier.tcp://127.0.0.1:0/echo").build().open();
      try {
        AsyncEcho echo = ChannelFactory.builder(AsyncEcho.class).binding(client)
            .address(host.listenAddresses().get(0)).build().createChannel();
        int calls = 20_000;
        AtomicInteger[] completions = new AtomicInteger[calls];
        for (int i = 0; i < calls; i++) {
          completions[i] = new AtomicInteger();
        }
        Queue<Thread> callbacksRanOn = new ConcurrentLinkedQueue<>();
        Queue<String> wrong = new ConcurrentLinkedQueue<>();
        AtomicInteger issued = new AtomicInteger();
        CompletableFuture<Void> allDone = new CompletableFuture<>();
        AtomicInteger finished = new AtomicInteger();
        Runnable[] next = new Runnable[1];
        next[0] = () -> {                   // 256 chains: each callback issues the next call
          int n = issued.getAndIncrement();
          if (n >= calls) {
            return;
          }
          echo.echoAsync("call " + n).whenComplete((reply, failure) -> {
            completions[n].incrementAndGet();
            callbacksRanOn.add(Thread.currentThread());
            if (!("call " + n).equals(reply)) {
              wrong.add(n + ": " + reply + " / " + failure);
            }
            if (finished.incrementAndGet() == calls) {
              allDone.complete(null);
            }
            next[0].run();
          });
        };
        for (int i = 0; i < 256; i++) {
          next[0].run();
        }
        allDone.get(30, TimeUnit.SECONDS);

        assertThat(wrong).isEmpty();
        for (int i = 0; i < calls; i++) {
          assertThat(completions[i].get()).as("completions of call %d", i).isEqualTo(1);
        }
        assertThat(callbacksRanOn).noneMatch(TcpDefaultThreadingTest::eventLoop)
            .allMatch(t -> t.isVirtual() || t == Thread.currentThread());     // or the caller, if already done
        assertThat(service.ranOn).hasSize(calls).allMatch(Thread::isVirtual)
            .noneMatch(TcpDefaultThreadingTest::eventLoop);
        ClientChannel.of(echo).close();
      } finally {
        host.close(Duration.ofSeconds(5));
      }
    }
  }
}
