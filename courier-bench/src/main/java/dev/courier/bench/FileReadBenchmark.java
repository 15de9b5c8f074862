package dev.courier.bench;

import dev.courier.io.CompletionRoutine;
import dev.courier.io.FileTarget;
import dev.courier.io.IoBuffer;
import dev.courier.io.IoMemory;
import dev.courier.io.IoRequest;
import dev.courier.io.IoTarget;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * 4 KiB random reads from the page cache: Courier's file target against raw {@link FileChannel} reads
 * on one thread and {@link AsynchronousFileChannel} at the same number of reads in flight.
 *
 * <p>Each invocation performs {@value #BATCH} reads with {@code depth} in flight: every completion
 * starts the next read until the batch is done. Scores are reads per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class FileReadBenchmark {
  static final int BATCH = 512;
  static final int PAGE = 4096;
  static final long FILE_SIZE = 64L << 20;

  @Param({"1", "16"})
  public int depth;

  private Path file;
  private long[] offsets;
  private FileChannel channel;
  private AsynchronousFileChannel asyncChannel;
  private IoTarget workers;
  private IoTarget callerRuns;
  private ByteBuffer rawBuffer;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    file = Files.createTempFile("courier-bench", ".dat");
    SplittableRandom random = new SplittableRandom(42);
    byte[] chunk = new byte[1 << 20];
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
      for (long written = 0; written < FILE_SIZE; written += chunk.length) {
        random.nextBytes(chunk);
        out.write(ByteBuffer.wrap(chunk), written);
      }
    }
    offsets = new long[BATCH * 64];
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = random.nextLong(FILE_SIZE / PAGE) * PAGE;
    }
    channel = FileChannel.open(file, StandardOpenOption.READ);
    asyncChannel = AsynchronousFileChannel.open(file, StandardOpenOption.READ);
    workers = FileTarget.open(file, StandardOpenOption.READ);
    callerRuns = FileTarget.builder(file).options(StandardOpenOption.READ).callerRuns().open();
    rawBuffer = ByteBuffer.allocateDirect(PAGE);
    ByteBuffer warm = ByteBuffer.allocateDirect(1 << 20);
    for (long p = 0; p < FILE_SIZE; p += warm.capacity()) {
      channel.read(warm.clear(), p);   // bring the file into the page cache
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    workers.close();
    callerRuns.close();
    channel.close();
    asyncChannel.close();
    Files.deleteIfExists(file);
  }

  private int cursor;

  private long nextOffset() {
    int i = cursor++;
    if (cursor == offsets.length) {
      cursor = 0;
    }
    return offsets[i];
  }

  /** Reference: positional reads on the benchmark thread, one at a time. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long rawFileChannel() throws IOException {
    long sum = 0;
    for (int i = 0; i < BATCH; i++) {
      sum += channel.read(rawBuffer.clear(), nextOffset());
    }
    return sum;
  }

  /** Reference: AsynchronousFileChannel with {@code depth} reads in flight. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int asynchronousFileChannel() {
    AfcWindow w = new AfcWindow(this);
    w.run();
    return w.done.get();
  }

  /** Courier's file target on its default worker path, {@code depth} requests in flight. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int courierWorkers() {
    return new CourierWindow(this, workers).run();
  }

  /** Courier's file target doing the I/O on the sending thread (depth has no meaning there). */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int courierCallerRuns() {
    return new CourierWindow(this, callerRuns).runSequentially();
  }

  /** A batch of reads through Courier with a window of requests; each completion sends the next. */
  static final class CourierWindow {
    final FileReadBenchmark b;
    final IoTarget target;
    final AtomicInteger issued = new AtomicInteger();
    final AtomicInteger done = new AtomicInteger();
    final Thread waiter = Thread.currentThread();
    final CompletionRoutine<IoBuffer> routine;

    CourierWindow(FileReadBenchmark b, IoTarget target) {
      this.b = b;
      this.target = target;
      this.routine = (request, t, params, buffer) -> {
        if (issued.incrementAndGet() <= BATCH) {
          send(request, buffer);
        }
        if (done.incrementAndGet() == BATCH) {
          LockSupport.unpark(waiter);
        }
      };
    }

    private void send(IoRequest request, IoBuffer buffer) {
      long offset;
      synchronized (b) {
        offset = b.nextOffset();
      }
      request.formatRead(target, buffer, offset);
      request.setCompletionRoutine(routine, buffer);
      request.send(target);
    }

    int run() {
      int window = Math.min(b.depth, BATCH);
      issued.set(window);
      for (int i = 0; i < window; i++) {
        send(IoRequest.create(), IoBuffer.of(IoMemory.allocateNative(PAGE)));
      }
      while (done.get() < BATCH) {
        LockSupport.park(this);
      }
      return done.get();
    }

    int runSequentially() {
      IoRequest request = IoRequest.create();
      IoBuffer buffer = IoBuffer.of(IoMemory.allocateNative(PAGE));
      int sum = 0;
      for (int i = 0; i < BATCH; i++) {
        request.formatRead(target, buffer, b.nextOffset());
        request.send(target);
        sum += (int) request.information();
      }
      return sum;
    }
  }

  /** A batch of reads through AsynchronousFileChannel with a window of reads in flight. */
  static final class AfcWindow implements CompletionHandler<Integer, ByteBuffer> {
    final FileReadBenchmark b;
    final AtomicInteger issued = new AtomicInteger();
    final AtomicInteger done = new AtomicInteger();
    final Thread waiter = Thread.currentThread();

    AfcWindow(FileReadBenchmark b) {
      this.b = b;
    }

    private void read(ByteBuffer buffer) {
      long offset;
      synchronized (b) {
        offset = b.nextOffset();
      }
      b.asyncChannel.read(buffer.clear(), offset, buffer, this);
    }

    void run() {
      int window = Math.min(b.depth, BATCH);
      issued.set(window);
      for (int i = 0; i < window; i++) {
        read(ByteBuffer.allocateDirect(PAGE));
      }
      while (done.get() < BATCH) {
        LockSupport.park(this);
      }
    }

    @Override
    public void completed(Integer result, ByteBuffer buffer) {
      if (issued.incrementAndGet() <= BATCH) {
        read(buffer);
      }
      if (done.incrementAndGet() == BATCH) {
        LockSupport.unpark(waiter);
      }
    }

    @Override
    public void failed(Throwable exc, ByteBuffer buffer) {
      completed(0, buffer);
    }
  }
}
