package dev.courier.bench;

import dev.courier.io.CompletionRoutine;
import dev.courier.io.IoControlCode;
import dev.courier.io.IoDevice;
import dev.courier.io.IoQueue;
import dev.courier.io.IoRequest;
import dev.courier.io.IoStatus;
import dev.courier.io.IoTarget;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One request round trip through an in-process device (format, send, the handler completes, the
 * completion routine runs) against a bare {@link CompletableFuture} complete-then-continue round trip.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class RoundTripBenchmark {
  static final IoControlCode PING = IoControlCode.of(0x8000, 0x900, IoControlCode.TransferMethod.NEITHER, 0);

  /** Counts completions so that the routine does observable work. */
  public static final class Counter {
    long completions;
  }

  private final Counter counter = new Counter();
  private final CompletionRoutine<Counter> routine = (request, target, params, c) -> c.completions++;
  private final Consumer<Object> continuation = value -> counter.completions++;
  private IoTarget target;
  private IoRequest request;

  @Setup
  public void setUp() {
    IoDevice device = IoDevice.builder("null-device")
        .defaultQueue(IoQueue.parallel().onDeviceControl((queue, r) -> r.complete(IoStatus.SUCCESS, 0)).build())
        .build();
    target = device.openTarget();
    request = IoRequest.create();
  }

  /** Courier: a reused request, formatted, sent, completed by the device and its routine run. */
  @Benchmark
  public long courierDeviceRoundTrip() {
    IoRequest r = request;
    r.formatDeviceControl(target, PING, null, null);
    r.setCompletionRoutine(routine, counter);
    r.send(target);
    return counter.completions;
  }

  /** Reference: a new future, a continuation registered, then completed on the same thread. */
  @Benchmark
  public long completableFutureRoundTrip() {
    CompletableFuture<Object> f = new CompletableFuture<>();
    f.thenAccept(continuation);
    f.complete(Boolean.TRUE);
    return counter.completions;
  }
}
