package dev.courier.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A load harness in one JVM: a target's server and client on loopback ({@link EchoTarget} over one TCP
 * connection, or {@link SoapEchoTarget} over HTTP), driven for a warm-up and then a measured duration. It records calls per second, the p50 and p99 latency
 * (HdrHistogram, 3 significant digits) and the process's CPU time per million calls (client, server, JIT
 * and GC together: {@code OperatingSystemMXBean.getProcessCpuTime()}).
 *
 * <p>Three loads:
 * <ul>
 *   <li>closed loop ({@link LoadSpec#unary}): {@code inFlight} calls in flight; each completion records its
 *       latency and issues the next call from the completing thread;
 *   <li>one-way ({@link LoadSpec#oneWay}): one sender thread sends one-way messages while fewer than
 *       {@code inFlight} are sent and not yet delivered; the figure is the server's deliveries per second;
 *   <li>open loop ({@link LoadSpec#openLoop}): a pacing thread issues calls at a fixed rate whatever the
 *       replies do, in bursts every 200 µs (at most {@code inFlight} outstanding); latency counts from when
 *       each burst was due, so a stall shows in the figures (no coordinated omission). Its warm-up is half a
 *       closed loop and half the pacer issuing as fast as the target takes calls; then the rate runs for up
 *       to 2 s before the measured duration.
 * </ul>
 * Every loop stops at the end of the duration or after {@link LoadSpec#maxCalls()} calls, whichever comes
 * first; any failed call or wrong reply fails the run. The first reply must be the request echoed in full
 * ({@link Calls#echoes}); every other one is checked cheaply ({@link Calls#mismatch}).
 *
 * <p>What a call sends is its {@link Message}: random bytes for the TCP targets, a string or a record
 * ({@link SoapEchoTarget.Parcel}) for the SOAP targets, of about {@link LoadSpec#payloadBytes()}.
 *
 * <pre>
 * java -cp ... dev.courier.bench.LoadDriver --target grpc --in-flight 64 --payload 16 --warmup-ms 5000 --duration-ms 5000
 * java -cp ... dev.courier.bench.LoadDriver --target raw --mode one-way --in-flight 256 --payload 16
 * java -cp ... dev.courier.bench.LoadDriver --target courier --rate 40000 --payload 16
 * java -cp ... dev.courier.bench.LoadDriver --target cxf --message record --in-flight 64 --payload 4096
 * </pre>
 *
 * The main prints a summary and one {@code RESULT} line that {@link LoadResult#parse} reads back.
 */
public final class LoadDriver {
  /** Unary calls (closed or open loop) or one-way messages. */
  public enum Mode {
    UNARY("unary"), ONE_WAY("one-way");

    private final String id;

    Mode(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    static Mode of(String id) {
      return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("--mode: " + id + " (expected: unary or one-way)"));
    }
  }

  /** What each call sends and the service echoes. */
  public enum Message {
    /** {@code payloadBytes} random bytes, a {@code byte[]}: the TCP targets' message. */
    BYTES("bytes"),
    /** A string of {@code payloadBytes} ASCII letters and digits. */
    TEXT("text"),
    /** A {@link SoapEchoTarget.Parcel} record of about {@code payloadBytes} of content. */
    RECORD("record");

    private final String id;

    Message(String id) {
      this.id = id;
    }

    /** The name on the command line: {@code bytes}, {@code text} or {@code record}. */
    public String id() {
      return id;
    }

    static Message of(String id) {
      return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("--message: " + id + " (expected: bytes, text or record)"));
    }
  }

  /**
   * One run's calls, as its target's kind opened them ({@link LoadTarget#open}): the server and the client,
   * the request every call sends, and the checks of the replies.
   *
   * @param <T> the type of the request and of its reply
   */
  public interface Calls<T> extends AutoCloseable {
    /** The library, its version, the transport and the threads: one line for the report. */
    String description();

    /**
     * Sends the run's request and completes with the service's reply. Callable from any thread, including
     * the thread that completes an earlier call; never blocks for long.
     */
    CompletableFuture<T> call();

    /** Whether {@code reply} is the request echoed, compared in full: the check of a run's first reply. */
    boolean echoes(T reply);

    /**
     * The cheap check of every other reply: {@code null} when {@code reply} looks like the request's echo
     * (as long, or the same record), what is wrong with it otherwise.
     */
    String mismatch(T reply);

    /**
     * Sends the run's request with no reply; the server runs the run's {@code onDelivery} when it arrives.
     * Called from one thread at a time; only for targets that take one-way messages.
     */
    void oneWay();

    /** Closes the client, then the server; bounded. */
    @Override
    void close();
  }

  /** The most calls outstanding in an open-loop run (below Courier TCP's default cap of 1,000 per connection). */
  public static final int OPEN_LOOP_MAX_OUTSTANDING = 512;
  /** The bound on the calls of one run, whatever its duration. */
  public static final long DEFAULT_MAX_CALLS = 500_000_000L;

  private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);
  /**
   * The open loop's tick: every 200 µs the pacer issues the calls that became due, all stamped with the
   * tick's time (bursts of {@code rate / 5,000} calls). Finer ticks cost every target a thread wake-up per
   * call or two, which on a 2-core machine is most of what a call costs.
   */
  private static final long PACE_NANOS = 200_000;
  /** One call per nanosecond: more than any target takes, so the pacer keeps the most calls outstanding. */
  private static final double SATURATING_RATE = 1e9;
  private static final Duration OPEN_LOOP_SETTLE = Duration.ofSeconds(2);
  private static final Duration QUIESCE = Duration.ofSeconds(10);

  /**
   * One run: what to drive and how long.
   *
   * @param target the implementation
   * @param mode unary calls or one-way messages
   * @param inFlight calls in flight (closed loop), the delivery window (one-way), or the cap on outstanding
   *     calls (open loop)
   * @param payloadBytes the size of each request (and of each reply)
   * @param message what each request is: bytes, a string or a record
   * @param rate calls per second of an open-loop run; {@code 0} for a closed loop
   * @param warmup driven but not measured; with none, a closed loop is measured from its first call
   * @param duration measured
   * @param eventLoopThreads event-loop threads on each side
   * @param nativeTransport epoll where available (NIO otherwise)
   * @param maxCalls the most calls the run makes
   * @param connections the client's connections to the server, the calls spread over them in turn
   */
  public record LoadSpec(LoadTarget target, Mode mode, int inFlight, int payloadBytes, Message message, double rate,
      Duration warmup, Duration duration, int eventLoopThreads, boolean nativeTransport, long maxCalls,
      int connections) {
    public LoadSpec {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(mode, "mode");
      Objects.requireNonNull(message, "message");
      if (!target.supports(mode, message)) {
        throw new IllegalArgumentException(target.label() + " cannot run " + mode.id() + " loads of " + message.id()
            + " (expected: " + target.messages().stream().map(Message::id).toList()
            + (target.oneWay() ? "" : ", unary only") + ")");
      }
      Objects.requireNonNull(warmup, "warmup");
      Objects.requireNonNull(duration, "duration");
      if (inFlight < 1) {
        throw new IllegalArgumentException("inFlight: " + inFlight + " (expected: >= 1)");
      }
      if (payloadBytes < 0 || payloadBytes > (1 << 20)) {
        throw new IllegalArgumentException("payloadBytes: " + payloadBytes + " (expected: 0 to 1 MiB)");
      }
      if (rate < 0 || Double.isNaN(rate) || (rate > 0 && mode != Mode.UNARY)) {
        throw new IllegalArgumentException("rate: " + rate + " (expected: >= 0, and only for unary calls)");
      }
      if (warmup.isNegative() || duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("warmup " + warmup + ", duration " + duration
            + " (expected: warm-up >= 0, duration > 0)");
      }
      if (eventLoopThreads < 1 || maxCalls < 1 || connections < 1) {
        throw new IllegalArgumentException("eventLoopThreads " + eventLoopThreads + ", maxCalls " + maxCalls
            + ", connections " + connections + " (expected: >= 1)");
      }
    }

    /**
     * Unary echo of {@code payloadBytes} (the target's default message) with {@code inFlight} calls in flight;
     * 5 s warm-up, 5 s measured.
     */
    public static LoadSpec unary(LoadTarget target, int inFlight, int payloadBytes) {
      return new LoadSpec(target, Mode.UNARY, inFlight, payloadBytes, target.messages().getFirst(), 0,
          Duration.ofSeconds(5), Duration.ofSeconds(5), 1, true, DEFAULT_MAX_CALLS, 1);
    }

    /** One-way messages of {@code payloadBytes}, at most {@code window} sent and not yet delivered. */
    public static LoadSpec oneWay(LoadTarget target, int window, int payloadBytes) {
      return new LoadSpec(target, Mode.ONE_WAY, window, payloadBytes, target.messages().getFirst(), 0,
          Duration.ofSeconds(5), Duration.ofSeconds(5), 1, true, DEFAULT_MAX_CALLS, 1);
    }

    /** Unary echo issued at {@code rate} calls per second whatever the replies do. */
    public static LoadSpec openLoop(LoadTarget target, double rate, int payloadBytes) {
      if (!(rate > 0)) {
        throw new IllegalArgumentException("rate: " + rate + " (expected: > 0)");
      }
      return new LoadSpec(target, Mode.UNARY, OPEN_LOOP_MAX_OUTSTANDING, payloadBytes, target.messages().getFirst(),
          rate, Duration.ofSeconds(5), Duration.ofSeconds(5), 1, true, DEFAULT_MAX_CALLS, 1);
    }

    public LoadSpec withTarget(LoadTarget k) {
      return new LoadSpec(k, mode, inFlight, payloadBytes, message, rate, warmup, duration, eventLoopThreads,
          nativeTransport, maxCalls, connections);
    }

    /** The same run with {@code m} as every call's request. */
    public LoadSpec withMessage(Message m) {
      return new LoadSpec(target, mode, inFlight, payloadBytes, m, rate, warmup, duration, eventLoopThreads,
          nativeTransport, maxCalls, connections);
    }

    public LoadSpec withTiming(Duration w, Duration d) {
      return new LoadSpec(target, mode, inFlight, payloadBytes, message, rate, w, d, eventLoopThreads, nativeTransport,
          maxCalls, connections);
    }

    public LoadSpec withEventLoops(int threads, boolean nativeIo) {
      return new LoadSpec(target, mode, inFlight, payloadBytes, message, rate, warmup, duration, threads, nativeIo,
          maxCalls, connections);
    }

    public LoadSpec withMaxCalls(long max) {
      return new LoadSpec(target, mode, inFlight, payloadBytes, message, rate, warmup, duration, eventLoopThreads,
          nativeTransport, max, connections);
    }

    /** The same run over {@code n} connections. */
    public LoadSpec withConnections(int n) {
      return new LoadSpec(target, mode, inFlight, payloadBytes, message, rate, warmup, duration, eventLoopThreads,
          nativeTransport, maxCalls, n);
    }

    /** Whether calls are issued at a fixed rate (open loop). */
    public boolean openLoop() {
      return rate > 0;
    }

    /** The command line that runs this spec in {@link LoadDriver#main}. */
    public List<String> args() {
      return List.of("--target", target.id(), "--mode", mode.id(), "--in-flight", Integer.toString(inFlight),
          "--payload", Integer.toString(payloadBytes), "--message", message.id(),
          "--rate", String.format(Locale.ROOT, "%.1f", rate),
          "--warmup-ms", Long.toString(warmup.toMillis()), "--duration-ms", Long.toString(duration.toMillis()),
          "--event-loops", Integer.toString(eventLoopThreads), "--transport", nativeTransport ? "native" : "nio",
          "--max-calls", Long.toString(maxCalls), "--connections", Integer.toString(connections));
    }

    /**
     * The spec on a command line; anything not given takes {@link #unary}'s defaults (grpc, 64, 16 B, the
     * target's default message).
     */
    public static LoadSpec parse(String[] args) {
      Map<String, String> a = options(args, "--target courier|grpc|raw|courier-soap|cxf|metro, --mode unary|one-way, "
          + "--in-flight N, --payload BYTES, --message bytes|text|record, --rate CALLS_PER_S, --warmup-ms MS, "
          + "--duration-ms MS, --event-loops N, --transport native|nio, --max-calls N, --connections N");
      Mode mode = Mode.of(a.getOrDefault("--mode", "unary"));
      String transport = a.getOrDefault("--transport", "native");
      if (!transport.equals("native") && !transport.equals("nio")) {
        throw new IllegalArgumentException("--transport: " + transport + " (expected: native or nio)");
      }
      double rate = Double.parseDouble(a.getOrDefault("--rate", "0"));
      int inFlight = Integer.parseInt(a.getOrDefault("--in-flight",
          rate > 0 ? Integer.toString(OPEN_LOOP_MAX_OUTSTANDING) : mode == Mode.ONE_WAY ? "256" : "64"));
      LoadTarget target = LoadTarget.of(a.getOrDefault("--target", "grpc"));
      Message message = a.containsKey("--message") ? Message.of(a.get("--message")) : target.messages().getFirst();
      LoadSpec spec = new LoadSpec(target, mode, inFlight, Integer.parseInt(a.getOrDefault("--payload", "16")),
          message, rate,
          Duration.ofMillis(Long.parseLong(a.getOrDefault("--warmup-ms", "5000"))),
          Duration.ofMillis(Long.parseLong(a.getOrDefault("--duration-ms", "5000"))),
          Integer.parseInt(a.getOrDefault("--event-loops", "1")), transport.equals("native"),
          Long.parseLong(a.getOrDefault("--max-calls", Long.toString(DEFAULT_MAX_CALLS))),
          Integer.parseInt(a.getOrDefault("--connections", "1")));
      a.keySet().removeAll(List.of("--target", "--mode", "--in-flight", "--payload", "--message", "--rate",
          "--warmup-ms", "--duration-ms", "--event-loops", "--transport", "--max-calls", "--connections"));
      if (!a.isEmpty()) {
        throw new IllegalArgumentException("unknown arguments: " + a.keySet());
      }
      return spec;
    }

    @Override
    public String toString() {
      String load = mode == Mode.ONE_WAY ? "one-way, window " + inFlight
          : openLoop() ? String.format(Locale.ROOT, "open loop at %.0f calls/s (at most %d outstanding)", rate, inFlight)
          : inFlight + " in flight";
      return target.label() + ": " + payloadBytes + " B" + (message == Message.BYTES ? "" : " " + message.id())
          + ", " + load + (connections == 1 ? "" : ", " + connections + " connections");
    }
  }

  /**
   * What a run measured, over its measured duration.
   *
   * @param calls calls completed (one-way: messages delivered to the service)
   * @param p50Micros median latency, microseconds ({@code NaN} for one-way)
   * @param p99Micros 99th percentile latency, microseconds ({@code NaN} for one-way)
   * @param cpuSecondsPerMillion process CPU seconds per million calls
   */
  public record LoadResult(LoadSpec spec, String description, long calls, double seconds, double callsPerSecond,
      double p50Micros, double p99Micros, double cpuSecondsPerMillion) implements Printed {

    /** The line {@link LoadDriver#main} prints: {@code RESULT key=value ... description=...}. */
    @Override
    public String line() {
      return String.format(Locale.ROOT,
          "RESULT calls=%d seconds=%.6f callsPerSecond=%.3f p50Micros=%.3f p99Micros=%.3f cpuSecondsPerMillion=%.6f"
              + " description=%s",
          calls, seconds, callsPerSecond, p50Micros, p99Micros, cpuSecondsPerMillion, description);
    }

    /** Reads a {@link #line()} back. */
    public static LoadResult parse(LoadSpec spec, String line) {
      Map<String, String> v = resultFields(line);
      return new LoadResult(spec, v.get("description"), Long.parseLong(v.get("calls")), Double.parseDouble(v.get("seconds")),
          Double.parseDouble(v.get("callsPerSecond")), Double.parseDouble(v.get("p50Micros")),
          Double.parseDouble(v.get("p99Micros")), Double.parseDouble(v.get("cpuSecondsPerMillion")));
    }

    @Override
    public String toString() {
      if (Double.isNaN(p50Micros)) {
        return String.format(Locale.ROOT, "%s: %,.0f deliveries/s, %.2f CPU s per 1M", spec, callsPerSecond,
            cpuSecondsPerMillion);
      }
      return String.format(Locale.ROOT, "%s: %,.0f calls/s, p50 %.1f us, p99 %.1f us, %.2f CPU s per 1M calls",
          spec, callsPerSecond, p50Micros, p99Micros, cpuSecondsPerMillion);
    }
  }

  private LoadDriver() {}

  /**
   * A driver's command line as options and their values ({@code --name value} pairs); {@code usage} says what
   * is expected when an argument is not such a pair.
   */
  static Map<String, String> options(String[] args, String usage) {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("argument: " + args[i] + " (expected: " + usage + ")");
      }
      a.put(args[i], args[++i]);
    }
    return a;
  }

  /**
   * The fields of a {@code RESULT key=value ... description=...} line: each key's value, and the description
   * (everything after {@code description=}, spaces included; empty when there is none).
   */
  static Map<String, String> resultFields(String line) {
    if (!line.startsWith("RESULT ")) {
      throw new IllegalArgumentException("not a RESULT line: " + line);
    }
    int d = line.indexOf(" description=");
    Map<String, String> v = new HashMap<>();
    for (String kv : line.substring("RESULT ".length(), d < 0 ? line.length() : d).trim().split(" ")) {
      int eq = kv.indexOf('=');
      v.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    v.put("description", d < 0 ? "" : line.substring(d + " description=".length()));
    return v;
  }

  public static void main(String[] args) {
    LoadSpec spec = LoadSpec.parse(args);
    printAndExit(() -> run(spec));
  }

  /** A run's result as a driver's main prints it: a summary ({@code toString()}) and a {@code RESULT} line. */
  interface Printed {
    /** The {@code RESULT key=value ... description=...} line. */
    String line();
  }

  /**
   * A driver's main: performs {@code run}, prints its result's summary and {@code RESULT} line (or the failure),
   * then exits, 0 or 1: the libraries under test may leave non-daemon threads winding down.
   */
  static void printAndExit(Callable<? extends Printed> run) {
    int status = 0;
    try {
      Printed result = run.call();
      System.out.println(result);
      System.out.println(result.line());
    } catch (Throwable t) {
      t.printStackTrace();
      status = 1;
    }
    System.out.flush();
    System.exit(status);
  }

  /** Opens the target, checks one echo (or one delivery), drives it, closes it; throws if a call failed. */
  public static LoadResult run(LoadSpec spec) throws Exception {
    Deliveries deliveries = new Deliveries();
    try (Calls<?> calls = spec.target().open(spec, deliveries)) {
      return run(spec, calls, deliveries);
    }
  }

  /** {@link #run(LoadSpec)} with its target open. */
  private static <T> LoadResult run(LoadSpec spec, Calls<T> target, Deliveries deliveries) throws Exception {
    check(target, spec.mode(), deliveries);
    Load<T> load = spec.mode() == Mode.ONE_WAY ? new OneWayLoad<>(target, spec, deliveries)
        : spec.openLoop() ? new OpenLoad<>(target, spec, spec.rate()) : new ClosedLoad<>(target, spec);
    LoadResult result;
    try {
      Snapshot start;
      if (spec.openLoop()) {
        warmUpOpen(target, spec);
        load.start();
        load.awaitFailure(spec.warmup().compareTo(OPEN_LOOP_SETTLE) < 0 ? spec.warmup() : OPEN_LOOP_SETTLE);
        start = load.snapshot();
      } else if (spec.warmup().isZero()) {
        start = load.snapshot();            // no warm-up: every call of the run is measured
        load.start();
      } else {
        load.start();
        load.awaitFailure(spec.warmup());
        start = load.snapshot();
      }
      load.awaitFailure(spec.duration());
      Snapshot end = load.snapshot();
      long calls = end.calls() - start.calls();
      double seconds = (end.nanos() - start.nanos()) / 1e9;
      Histogram h = end.histogram();
      boolean latency = spec.mode() == Mode.UNARY && h.getTotalCount() > 0;
      result = new LoadResult(spec, target.description(), calls, seconds, calls / seconds,
          latency ? h.getValueAtPercentile(50) / 1e3 : Double.NaN,
          latency ? h.getValueAtPercentile(99) / 1e3 : Double.NaN,
          calls == 0 ? Double.NaN : (end.cpuNanos() - start.cpuNanos()) / 1e9 / calls * 1e6);
    } finally {
      load.stop();
    }
    load.throwIfFailed();
    return result;
  }

  /**
   * Warms an open-loop run's target up: half of the warm-up in a closed loop (the quickest way through the
   * JIT), then half the way the run drives it (calls issued by the pacing thread) as fast as it takes them;
   * then lets it drain. A target warmed in a closed loop alone recompiles when its calls start coming from
   * another thread, falls behind the fixed rate and spends the run catching up.
   */
  private static <T> void warmUpOpen(Calls<T> target, LoadSpec spec) throws InterruptedException {
    Duration half = spec.warmup().dividedBy(2);
    for (Load<T> warm : List.of(new ClosedLoad<>(target, spec), new OpenLoad<>(target, spec, SATURATING_RATE))) {
      try {
        warm.start();
        warm.awaitFailure(half);
      } finally {
        warm.stop();
      }
      warm.throwIfFailed();
    }
  }

  /** One call must come back with what it sent; one one-way message must be delivered. */
  private static <T> void check(Calls<T> target, Mode mode, Deliveries deliveries) throws Exception {
    if (mode == Mode.UNARY) {
      T reply = target.call().get(10, TimeUnit.SECONDS);
      if (!target.echoes(reply)) {
        throw new IllegalStateException(target.description() + ": the echo returned other content than it was sent");
      }
    } else {
      target.oneWay();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (deliveries.count.get() < 1 && System.nanoTime() < deadline) {
        LockSupport.parkNanos(100_000);
      }
      if (deliveries.count.get() < 1) {
        throw new IllegalStateException(target.description() + ": a one-way message was not delivered within 10 s");
      }
    }
  }

  /** The counters at one instant; taking the snapshot starts a new latency interval. */
  private record Snapshot(long calls, long nanos, long cpuNanos, Histogram histogram) {}

  /** The CPU time of this process, all its threads, in nanoseconds; -1 where the JVM does not tell it. */
  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** A running load: its counters, its failure, its stop. */
  private abstract static class Load<T> {
    final Calls<T> target;
    final LoadSpec spec;
    final Recorder recorder = new Recorder(HIGHEST_NANOS, 3);
    final LongAdder completed = new LongAdder();
    final CountDownLatch failed = new CountDownLatch(1);
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    volatile boolean stopped;

    Load(Calls<T> target, LoadSpec spec) {
      this.target = target;
      this.spec = spec;
    }

    abstract void start();

    /** Stops issuing and waits (bounded) until nothing is outstanding. */
    abstract void stop() throws InterruptedException;

    long completedCalls() {
      return completed.sum();
    }

    final Snapshot snapshot() {
      long calls = completedCalls();
      long now = System.nanoTime();
      long cpu = processCpuNanos();
      return new Snapshot(calls, now, cpu, recorder.getIntervalHistogram());
    }

    final void record(long startNanos, T reply, Throwable error) {
      long end = System.nanoTime();
      String wrong;
      if (error != null) {
        fail(error);
      } else if ((wrong = target.mismatch(reply)) != null) {
        fail(new IllegalStateException(wrong));
      } else {
        recorder.recordValue(Math.min(Math.max(end - startNanos, 0), HIGHEST_NANOS));
        completed.increment();
      }
    }

    final void fail(Throwable t) {
      if (failure.compareAndSet(null, t)) {
        stopped = true;
        failed.countDown();
      }
    }

    final void awaitFailure(Duration d) throws InterruptedException {
      if (failed.await(d.toNanos(), TimeUnit.NANOSECONDS)) {
        throwIfFailed();
      }
    }

    final void throwIfFailed() {
      Throwable t = failure.get();
      if (t != null) {
        throw new IllegalStateException(spec + ": a call failed: " + t, t);
      }
    }

    static void awaitZero(AtomicInteger outstanding) throws InterruptedException {
      long deadline = System.nanoTime() + QUIESCE.toNanos();
      while (outstanding.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      if (outstanding.get() > 0) {
        throw new IllegalStateException(outstanding.get() + " calls still outstanding " + QUIESCE + " after the run");
      }
    }
  }

  /** {@code inFlight} calls in flight; each completion issues the next call from the completing thread. */
  private static final class ClosedLoad<T> extends Load<T> {
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicLong issued = new AtomicLong();

    ClosedLoad(Calls<T> target, LoadSpec spec) {
      super(target, spec);
    }

    @Override
    void start() {
      for (int i = 0; i < spec.inFlight(); i++) {
        outstanding.incrementAndGet();
        issue();
      }
    }

    private void issue() {
      if (stopped || issued.incrementAndGet() > spec.maxCalls()) {
        outstanding.decrementAndGet();
        return;
      }
      long start = System.nanoTime();
      CompletableFuture<T> reply;
      try {
        reply = target.call();
      } catch (RuntimeException e) {
        fail(e);
        outstanding.decrementAndGet();
        return;
      }
      reply.whenComplete((r, e) -> {
        record(start, r, e);
        if (e != null) {
          outstanding.decrementAndGet();
        } else {
          issue();
        }
      });
    }

    @Override
    void stop() throws InterruptedException {
      stopped = true;
      awaitZero(outstanding);
    }
  }

  /** Calls issued at a fixed rate by a pacing thread; latency counts from when each call was due. */
  private static final class OpenLoad<T> extends Load<T> {
    private final AtomicInteger outstanding = new AtomicInteger();
    private final double rate;
    private Thread pacer;

    OpenLoad(Calls<T> target, LoadSpec spec, double rate) {
      super(target, spec);
      this.rate = rate;
    }

    @Override
    void start() {
      pacer = Thread.ofPlatform().name("open-loop-pacer").daemon().start(this::pace);
    }

    private void pace() {
      double perTick = rate * PACE_NANOS / 1e9;
      long t0 = System.nanoTime();
      long issued = 0;
      while (!stopped && issued < spec.maxCalls()) {
        long ticks = (System.nanoTime() - t0) / PACE_NANOS + 1;      // ticks 0 .. ticks - 1 have begun
        long due = (long) Math.min(Math.floor(ticks * perTick), spec.maxCalls());
        while (issued < due && !stopped && outstanding.get() < spec.inFlight()) {
          long intended = t0 + (long) Math.floor(issued / perTick) * PACE_NANOS;
          issued++;
          outstanding.incrementAndGet();
          try {
            target.call().whenComplete((r, e) -> {
              record(intended, r, e);
              outstanding.decrementAndGet();
            });
          } catch (RuntimeException e) {
            fail(e);
            outstanding.decrementAndGet();
          }
        }
        LockSupport.parkNanos(Math.max(1_000, t0 + ticks * PACE_NANOS - System.nanoTime()));
      }
    }

    @Override
    void stop() throws InterruptedException {
      stopped = true;
      if (pacer != null) {
        pacer.join(QUIESCE.toMillis());
      }
      awaitZero(outstanding);
    }
  }

  /** The server's one-way deliveries: counted, and they wake a sender that waits for its window. */
  private static final class Deliveries implements Runnable {
    final AtomicLong count = new AtomicLong();
    volatile long sent;
    volatile Thread waiter;
    volatile int window = Integer.MAX_VALUE;

    @Override
    public void run() {
      long delivered = count.incrementAndGet();
      Thread w = waiter;
      if (w != null && sent - delivered <= window / 2) {
        waiter = null;
        LockSupport.unpark(w);
      }
    }
  }

  /** One sender thread; at most {@code inFlight} messages sent and not yet delivered. */
  private static final class OneWayLoad<T> extends Load<T> {
    private final Deliveries deliveries;
    private Thread sender;

    OneWayLoad(Calls<T> target, LoadSpec spec, Deliveries deliveries) {
      super(target, spec);
      this.deliveries = deliveries;
      deliveries.window = spec.inFlight();
      deliveries.sent = deliveries.count.get();
    }

    @Override
    long completedCalls() {
      return deliveries.count.get();
    }

    @Override
    void start() {
      sender = Thread.ofPlatform().name("one-way-sender").daemon().start(this::send);
    }

    private void send() {
      long sent = deliveries.sent;
      long last = sent + spec.maxCalls();
      int window = spec.inFlight();
      while (!stopped && sent < last) {
        if (sent - deliveries.count.get() >= window) {
          deliveries.waiter = Thread.currentThread();
          if (sent - deliveries.count.get() >= window && !stopped) {
            LockSupport.parkNanos(1_000_000);
          }
          deliveries.waiter = null;
          continue;
        }
        try {
          target.oneWay();
        } catch (RuntimeException e) {
          fail(e);
          return;
        }
        deliveries.sent = ++sent;
      }
    }

    @Override
    void stop() throws InterruptedException {
      stopped = true;
      if (sender != null) {
        sender.join(QUIESCE.toMillis());
      }
      long deadline = System.nanoTime() + QUIESCE.toNanos();
      while (deliveries.count.get() < deliveries.sent && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      if (deliveries.count.get() < deliveries.sent) {
        throw new IllegalStateException((deliveries.sent - deliveries.count.get())
            + " one-way messages not delivered " + QUIESCE + " after the run");
      }
    }
  }

  /** The arguments of one run, for a forked JVM. */
  static List<String> command(String java, List<String> jvmArgs, String classPath, LoadSpec spec) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(LoadDriver.class.getName());
    cmd.addAll(spec.args());
    return cmd;
  }
}
