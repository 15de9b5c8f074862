package dev.courier.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The queue suite's harness in one JVM: a {@link QueueBroker} embedded in it, a {@link QueueTarget}'s sender and
 * consumers on it, and a closed loop gated end to end: at most {@code inFlight} messages sent and not yet
 * processed; one sender thread sends whenever a consumer has processed a message, so the queue never holds more
 * than {@code inFlight} and the run reaches a steady state whatever the consumers' pace. After a warm-up it
 * measures, over the measured duration, the messages processed per second (counted by the consumers' operation
 * in the receive's transaction), the sends the broker confirmed per second, and the process's CPU time per
 * million messages processed (sender, consumers and broker together: {@code OperatingSystemMXBean
 * .getProcessCpuTime()}). Any failed send or receive fails the run.
 *
 * <pre>
 * java -cp ... dev.courier.bench.QueueDriver --target artemis-jms --in-flight 64 --payload 16 --warmup-ms 5000 --duration-ms 5000
 * </pre>
 *
 * The main prints a summary and one {@code RESULT} line that {@link QueueResult#parse} reads back.
 */
public final class QueueDriver {
  /** How long a run waits for its first message, and for its last ones after the measured duration. */
  private static final Duration QUIESCE = Duration.ofSeconds(10);

  private QueueDriver() {}

  /**
   * One run: what to drive and how long.
   *
   * @param target the sender and consumers
   * @param inFlight the most messages sent and not yet processed
   * @param payloadBytes the length of the string each message carries
   * @param warmup driven but not measured
   * @param duration measured
   */
  public record QueueSpec(QueueTarget target, int inFlight, int payloadBytes, Duration warmup, Duration duration) {
    public QueueSpec {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(warmup, "warmup");
      Objects.requireNonNull(duration, "duration");
      if (inFlight < 1 || payloadBytes < 1 || payloadBytes > 65_536) {
        throw new IllegalArgumentException("inFlight " + inFlight + ", payloadBytes " + payloadBytes
            + " (expected: inFlight >= 1, payloadBytes 1 to 65,536)");
      }
      if (warmup.isNegative() || duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("warmup " + warmup + ", duration " + duration
            + " (expected: warm-up >= 0, duration > 0)");
      }
    }

    /** {@code inFlight} messages of {@code payloadBytes} in flight; 5 s warm-up, 5 s measured. */
    public static QueueSpec of(QueueTarget target, int inFlight, int payloadBytes) {
      return new QueueSpec(target, inFlight, payloadBytes, Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    public QueueSpec withTarget(QueueTarget t) {
      return new QueueSpec(t, inFlight, payloadBytes, warmup, duration);
    }

    public QueueSpec withTiming(Duration w, Duration d) {
      return new QueueSpec(target, inFlight, payloadBytes, w, d);
    }

    /** The command line that runs this spec in {@link QueueDriver#main}. */
    public List<String> args() {
      return List.of("--target", target.id(), "--in-flight", Integer.toString(inFlight),
          "--payload", Integer.toString(payloadBytes), "--warmup-ms", Long.toString(warmup.toMillis()),
          "--duration-ms", Long.toString(duration.toMillis()));
    }

    /** The spec on a command line; anything not given takes {@link #of}'s defaults (artemis-jms, 64, 16 B). */
    public static QueueSpec parse(String[] args) {
      Map<String, String> a = LoadDriver.options(args, "--target courier-queue|artemis-jms|artemis-jms-prefetch, "
          + "--in-flight N, --payload BYTES, --warmup-ms MS, --duration-ms MS");
      QueueSpec spec = new QueueSpec(QueueTarget.of(a.getOrDefault("--target", "artemis-jms")),
          Integer.parseInt(a.getOrDefault("--in-flight", "64")), Integer.parseInt(a.getOrDefault("--payload", "16")),
          Duration.ofMillis(Long.parseLong(a.getOrDefault("--warmup-ms", "5000"))),
          Duration.ofMillis(Long.parseLong(a.getOrDefault("--duration-ms", "5000"))));
      a.keySet().removeAll(List.of("--target", "--in-flight", "--payload", "--warmup-ms", "--duration-ms"));
      if (!a.isEmpty()) {
        throw new IllegalArgumentException("unknown arguments: " + a.keySet());
      }
      return spec;
    }

    @Override
    public String toString() {
      return target.label() + ": " + payloadBytes + " B, " + inFlight + " in flight end to end";
    }
  }

  /**
   * What a run measured, over its measured duration.
   *
   * @param description the target's description
   * @param journalType the broker's journal: {@code AIO} or {@code NIO}
   * @param fileSystem the type of the file system the journal was on
   * @param processed messages processed by the consumers
   * @param confirmed sends the broker confirmed
   * @param processedPerSecond messages processed per second
   * @param confirmedPerSecond sends confirmed per second
   * @param cpuSecondsPerMillion process CPU seconds per million messages processed
   * @param inFlightAtEnd messages sent and not yet processed when the measured duration ended
   */
  public record QueueResult(QueueSpec spec, String description, String journalType, String fileSystem,
      long processed, long confirmed, double seconds, double processedPerSecond, double confirmedPerSecond,
      double cpuSecondsPerMillion, long inFlightAtEnd) implements LoadDriver.Printed {

    /** The line {@link QueueDriver#main} prints: {@code RESULT key=value ... description=...}. */
    @Override
    public String line() {
      return String.format(Locale.ROOT,
          "RESULT processed=%d confirmed=%d seconds=%.6f processedPerSecond=%.3f confirmedPerSecond=%.3f"
              + " cpuSecondsPerMillion=%.6f inFlightAtEnd=%d journalType=%s fileSystem=%s description=%s",
          processed, confirmed, seconds, processedPerSecond, confirmedPerSecond, cpuSecondsPerMillion, inFlightAtEnd,
          journalType, fileSystem.isEmpty() ? "unknown" : fileSystem.replace(' ', '_'), description);
    }

    /** Reads a {@link #line()} back. */
    public static QueueResult parse(QueueSpec spec, String line) {
      Map<String, String> v = LoadDriver.resultFields(line);
      return new QueueResult(spec, v.get("description"), v.get("journalType"), v.get("fileSystem"),
          Long.parseLong(v.get("processed")), Long.parseLong(v.get("confirmed")), Double.parseDouble(v.get("seconds")),
          Double.parseDouble(v.get("processedPerSecond")), Double.parseDouble(v.get("confirmedPerSecond")),
          Double.parseDouble(v.get("cpuSecondsPerMillion")), Long.parseLong(v.get("inFlightAtEnd")));
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s: %,.0f processed/s, %,.0f confirmed/s, %.2f CPU s per 1M, %d in flight"
          + " at the end (%s journal on %s)", spec, processedPerSecond, confirmedPerSecond, cpuSecondsPerMillion,
          inFlightAtEnd, journalType, fileSystem);
    }
  }

  public static void main(String[] args) {
    QueueSpec spec = QueueSpec.parse(args);
    LoadDriver.printAndExit(() -> run(spec));
  }

  /**
   * Starts a broker, opens the target on it, checks that one message is confirmed and processed, drives the
   * loop, waits for the last messages, closes the target and the broker; throws if a message failed.
   */
  public static QueueResult run(QueueSpec spec) throws Exception {
    try (QueueBroker broker = QueueBroker.start()) {
      Loop loop = new Loop(spec.inFlight());
      QueueResult result;
      try (QueueTarget.Messages messages = spec.target().open(broker, spec.payloadBytes(), loop)) {
        loop.first(messages);
        loop.start(messages);
        try {
          loop.awaitFailure(spec.warmup());
          Snapshot start = loop.snapshot();
          loop.awaitFailure(spec.duration());
          Snapshot end = loop.snapshot();
          long processed = end.processed() - start.processed();
          long confirmed = end.confirmed() - start.confirmed();
          double seconds = (end.nanos() - start.nanos()) / 1e9;
          result = new QueueResult(spec, messages.description(), broker.journalType(), broker.fileSystem(), processed,
              confirmed, seconds, processed / seconds, confirmed / seconds,
              processed == 0 ? Double.NaN : (end.cpuNanos() - start.cpuNanos()) / 1e9 / processed * 1e6,
              end.sent() - end.processed());
        } finally {
          loop.stop();
        }
      }
      loop.throwIfFailed();
      return result;
    }
  }

  /** The counters at one instant. */
  private record Snapshot(long sent, long confirmed, long processed, long nanos, long cpuNanos) {}

  /**
   * The closed loop: a slot for each message in flight, freed when a consumer has processed it; one sender
   * thread takes the free slots and sends as many messages.
   */
  private static final class Loop implements QueueTarget.Outcomes {
    private final Semaphore slots;
    private final LongAdder confirmed = new LongAdder();
    private final LongAdder processed = new LongAdder();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch failed = new CountDownLatch(1);
    private volatile long sent;              // written by one thread at a time: the sender's
    private volatile boolean stopped;
    private Thread sender;

    Loop(int inFlight) {
      slots = new Semaphore(inFlight);
    }

    @Override
    public void confirmed() {
      confirmed.increment();
    }

    @Override
    public void processed() {
      processed.increment();
      slots.release();
    }

    @Override
    public void failed(Throwable t) {
      if (failure.compareAndSet(null, t)) {
        stopped = true;
        slots.release();
        failed.countDown();
      }
    }

    /** Sends one message and waits, bounded, until it is confirmed and processed: the target works. */
    void first(QueueTarget.Messages messages) throws InterruptedException {
      slots.acquire();
      messages.send();
      sent = 1;
      awaitAll(messages.description() + ": the first message");
    }

    void start(QueueTarget.Messages messages) {
      sender = Thread.ofPlatform().name("queue-sender").daemon().start(() -> send(messages));
    }

    private void send(QueueTarget.Messages messages) {
      long n = sent;
      try {
        while (!stopped) {
          slots.acquire();
          int free = 1 + slots.drainPermits();
          for (int i = 0; i < free && !stopped; i++) {
            messages.send();
            sent = ++n;
          }
        }
      } catch (InterruptedException | RuntimeException e) {
        failed(e);
      }
    }

    Snapshot snapshot() {
      long s = sent;
      long c = confirmed.sum();
      long p = processed.sum();
      return new Snapshot(s, c, p, System.nanoTime(), LoadDriver.processCpuNanos());
    }

    void awaitFailure(Duration d) throws InterruptedException {
      if (failed.await(d.toNanos(), TimeUnit.NANOSECONDS)) {
        throwIfFailed();
      }
    }

    /** Stops sending and waits, bounded, until every message sent is confirmed and processed. */
    void stop() throws InterruptedException {
      stopped = true;
      slots.release();
      if (sender != null) {
        sender.join(QUIESCE.toMillis());
      }
      if (failure.get() == null) {
        awaitAll("the run's last messages");
      }
    }

    private void awaitAll(String what) throws InterruptedException {
      long deadline = System.nanoTime() + QUIESCE.toNanos();
      while ((processed.sum() < sent || confirmed.sum() < sent) && failure.get() == null
          && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      throwIfFailed();
      if (processed.sum() < sent || confirmed.sum() < sent) {
        throw new IllegalStateException(what + ": of " + sent + " sent, " + confirmed.sum() + " confirmed and "
            + processed.sum() + " processed within " + QUIESCE);
      }
    }

    void throwIfFailed() {
      Throwable t = failure.get();
      if (t != null) {
        throw new IllegalStateException("a message failed: " + t, t);
      }
    }
  }
}
