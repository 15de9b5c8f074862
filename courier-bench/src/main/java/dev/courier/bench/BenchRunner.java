package dev.courier.bench;

import dev.courier.rpc.tcp.CodecBenchmark;
import dev.courier.rpc.tcp.CodecPayloads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmarks in interleaved rounds and writes the figures, as medians of per-round ratios
 * against the references measured in the same run: the I/O suite to {@code <out>/courier-io.md}, the RPC
 * suite ({@link RpcCallBenchmark}) to {@code <out>/courier-rpc.md}, the TCP suite ({@link TcpSuite}: Courier
 * TCP, grpc-java and raw Netty under the {@link LoadDriver}) to {@code <out>/courier-tcp.md}, the SOAP suite
 * ({@link SoapSuite}: Courier SOAP, CXF and Metro under the same driver) to {@code <out>/courier-soap.md}; the
 * codec suite ({@link CodecBenchmark}: courier-tcp's WireCodec against Jackson CBOR and Smile, one JMH run, not
 * in rounds) to {@code <out>/courier-codec.md}; the cluster suite ({@link ClusterSuite}) to
 * {@code <out>/courier-cluster.md}; the queue suite ({@link QueueSuite}: Courier's queued binding against Artemis's
 * own client, durable messages through an embedded broker, under the {@link QueueDriver}) to
 * {@code <out>/courier-queue.md}.
 *
 * <pre>
 * mvn -Pbench -DskipTests verify                      # every suite, 5 rounds (about 6 + 16 + 22 + 17 minutes)
 * mvn -Pbench -DskipTests verify -Dbench.args="--suite io --rounds 9"
 * mvn -Pbench -DskipTests verify -Dbench.args="--suite rpc --rounds 3"
 * mvn -Pbench -DskipTests verify -Dbench.args="--suite tcp"
 * mvn -Pbench -DskipTests verify -Dbench.args="--suite soap --rounds 3"   # about 11 minutes
 * mvn -Pbench -DskipTests verify -Dbench.args="--suite codec"       # about 3 minutes
 * mvn -Pbench -DskipTests verify -Dbench.args="--suite cluster"     # about 4 minutes
 * mvn -Pbench -DskipTests verify -Dbench.args="--suite queue"       # about 4 minutes
 * </pre>
 */
public final class BenchRunner {
  /** Which benchmarks a run measures. */
  public enum Suite {
    IO, RPC, TCP, SOAP, CODEC, CLUSTER, QUEUE, ALL;

    boolean includes(Suite s) {
      return this == ALL || this == s;
    }
  }

  private static final int RPC_WARMUP_ITERATIONS = 5;

  private final Suite suite;
  private final int rounds;
  private final boolean quick;
  private final Path out;
  private final Map<String, List<Double>> scores = new LinkedHashMap<>();
  private final Map<String, List<Double>> rpcScores = new LinkedHashMap<>();
  /** "method@payload" of the codec suite -> its JMH figures. */
  private final Map<String, CodecScore> codecScores = new LinkedHashMap<>();

  private BenchRunner(Suite suite, int rounds, boolean quick, Path out) {
    this.suite = suite;
    this.rounds = rounds;
    this.quick = quick;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    int rounds = 5;
    boolean quick = false;
    Path out = Path.of("results");
    Suite suite = Suite.ALL;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--quick" -> quick = true;
        case "--out" -> out = Path.of(args[++i]);
        case "--suite" -> suite = suite(args[++i]);
        default -> throw new IllegalArgumentException(
            "argument: " + args[i] + " (expected: --suite io|rpc|tcp|soap|codec|cluster|queue|all, --rounds N, --quick, --out DIR)");
      }
    }
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds: " + rounds + " (expected: >= 1)");
    }
    for (Path report : new BenchRunner(suite, rounds, quick, out).run()) {
      System.out.println("wrote " + report.toAbsolutePath());
    }
  }

  private static Suite suite(String name) {
    return switch (name) {
      case "io" -> Suite.IO;
      case "rpc" -> Suite.RPC;
      case "tcp" -> Suite.TCP;
      case "soap" -> Suite.SOAP;
      case "codec" -> Suite.CODEC;
      case "cluster" -> Suite.CLUSTER;
      case "queue" -> Suite.QUEUE;
      case "all" -> Suite.ALL;
      default -> throw new IllegalArgumentException("--suite: " + name
          + " (expected: io, rpc, tcp, soap, codec, cluster, queue or all)");
    };
  }

  /** Runs every round of the I/O suite and writes its report; returns its path. */
  public static Path run(int rounds, boolean quick, Path out) throws RunnerException, IOException {
    return new BenchRunner(Suite.IO, rounds, quick, out).run().getFirst();
  }

  /**
   * Runs every round of {@code suite} and writes its reports (I/O, RPC, codec, TCP, SOAP, cluster, queue); returns
   * their paths.
   */
  public static List<Path> run(Suite suite, int rounds, boolean quick, Path out) throws RunnerException, IOException {
    return new BenchRunner(suite, rounds, quick, out).run();
  }

  private List<Path> run() throws RunnerException, IOException {
    for (int round = 1; round <= rounds && (suite.includes(Suite.IO) || suite.includes(Suite.RPC)); round++) {
      System.out.printf("== round %d of %d%n", round, rounds);
      if (suite.includes(Suite.IO)) {
        collect(run(options(RoundTripBenchmark.class.getName() + ".*").addProfiler(GCProfiler.class)), true);
        collect(run(options(FileReadBenchmark.class.getName() + ".*").param("depth", "1")), false);
        collect(run(options(FileReadBenchmark.class.getName() + ".(asynchronousFileChannel|courierWorkers)")
            .param("depth", "16")), false);
      }
      if (suite.includes(Suite.RPC)) {
        collectRpc(run(rpcOptions(RpcCallBenchmark.class.getName() + ".*").addProfiler(GCProfiler.class)));
      }
    }
    Files.createDirectories(out);
    List<Path> reports = new ArrayList<>();
    if (suite.includes(Suite.IO)) {
      Path report = out.resolve("courier-io.md");
      Files.writeString(report, report());
      reports.add(report);
    }
    if (suite.includes(Suite.RPC)) {
      Path report = out.resolve("courier-rpc.md");
      Files.writeString(report, rpcReport());
      reports.add(report);
    }
    if (suite.includes(Suite.CODEC)) {
      System.out.println("== codec");
      collectCodec(run(codecOptions(CodecBenchmark.class.getName() + ".*").addProfiler(GCProfiler.class)));
      Path report = out.resolve("courier-codec.md");
      Files.writeString(report, codecReport());
      reports.add(report);
    }
    if (suite.includes(Suite.TCP)) {
      reports.add(new TcpSuite(rounds, quick).run(out));
    }
    if (suite.includes(Suite.SOAP)) {
      reports.add(new SoapSuite(rounds, quick).run(out));
    }
    if (suite.includes(Suite.CLUSTER)) {
      reports.add(new ClusterSuite(rounds, quick).run(out));
    }
    if (suite.includes(Suite.QUEUE)) {
      reports.add(new QueueSuite(rounds, quick).run(out));
    }
    return reports;
  }

  private ChainedOptionsBuilder options(String include) {
    ChainedOptionsBuilder b = new OptionsBuilder().include(include).forks(1).shouldFailOnError(true)
        .jvmArgsAppend("-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch");
    if (quick) {
      return b.warmupIterations(1).warmupTime(TimeValue.milliseconds(200))
          .measurementIterations(1).measurementTime(TimeValue.milliseconds(200));
    }
    return b.warmupIterations(3).warmupTime(TimeValue.seconds(1))
        .measurementIterations(5).measurementTime(TimeValue.seconds(1));
  }

  /**
   * The RPC suite's options: grpc-java's deep call path needs about 3 s of warm-up to reach its steady
   * state, so 5 x 1 s (Courier's is steady after 1 s). Quick mode skips pre-touching the heap: it only
   * keeps the harness working, and 15 forks must stay fast.
   */
  private ChainedOptionsBuilder rpcOptions(String include) {
    ChainedOptionsBuilder b = new OptionsBuilder().include(include).forks(1).shouldFailOnError(true);
    if (quick) {
      return b.jvmArgsAppend("-Xmx1g").warmupIterations(1).warmupTime(TimeValue.milliseconds(200))
          .measurementIterations(1).measurementTime(TimeValue.milliseconds(200));
    }
    return b.jvmArgsAppend("-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch")
        .warmupIterations(RPC_WARMUP_ITERATIONS).warmupTime(TimeValue.seconds(1))
        .measurementIterations(5).measurementTime(TimeValue.seconds(1));
  }

  /**
   * The codec suite's options: one JMH run (each benchmark and payload in a fork of its own), no rounds.
   * Quick mode skips pre-touching the heap, as {@link #rpcOptions} does: 18 forks must stay fast.
   */
  private ChainedOptionsBuilder codecOptions(String include) {
    ChainedOptionsBuilder b = new OptionsBuilder().include(include).forks(1).shouldFailOnError(true);
    if (quick) {
      return b.jvmArgsAppend("-Xmx1g").warmupIterations(1).warmupTime(TimeValue.milliseconds(100))
          .measurementIterations(1).measurementTime(TimeValue.milliseconds(200));
    }
    return b.jvmArgsAppend("-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch")
        .warmupIterations(3).warmupTime(TimeValue.seconds(1))
        .measurementIterations(5).measurementTime(TimeValue.seconds(1));
  }

  private static Collection<RunResult> run(ChainedOptionsBuilder options) throws RunnerException {
    return new Runner(options.build()).run();
  }

  private void collect(Collection<RunResult> results, boolean allocation) {
    for (RunResult r : results) {
      String method = r.getParams().getBenchmark();
      method = method.substring(method.lastIndexOf('.') + 1);
      String depth = r.getParams().getParam("depth");
      String key = depth == null ? method : method + "@" + depth;
      scores.computeIfAbsent(key, k -> new ArrayList<>()).add(r.getPrimaryResult().getScore());
      if (allocation) {
        Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
        if (alloc != null) {
          scores.computeIfAbsent(key + ":alloc", k -> new ArrayList<>()).add(alloc.getScore());
        }
      }
    }
  }

  private void collectRpc(Collection<RunResult> results) {
    for (RunResult r : results) {
      String method = r.getParams().getBenchmark();
      method = method.substring(method.lastIndexOf('.') + 1);
      rpcScores.computeIfAbsent(method, k -> new ArrayList<>()).add(r.getPrimaryResult().getScore());
      Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
      if (alloc != null) {
        rpcScores.computeIfAbsent(method + ":alloc", k -> new ArrayList<>()).add(alloc.getScore());
      }
    }
  }

  /** One codec benchmark's JMH score and allocation, each with its error (NaN when JMH gives none). */
  private record CodecScore(double nanos, double nanosError, double bytes, double bytesError) {}

  private void collectCodec(Collection<RunResult> results) {
    for (RunResult r : results) {
      String method = r.getParams().getBenchmark();
      method = method.substring(method.lastIndexOf('.') + 1);
      Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
      codecScores.put(method + "@" + r.getParams().getParam("payload"), new CodecScore(
          r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError(),
          alloc == null ? Double.NaN : alloc.getScore(), alloc == null ? Double.NaN : alloc.getScoreError()));
    }
  }

  private List<Double> ratios(String numerator, String denominator) {
    return ratios(scores, numerator, denominator);
  }

  private static List<Double> ratios(Map<String, List<Double>> scores, String numerator, String denominator) {
    List<Double> a = scores.getOrDefault(numerator, List.of());
    List<Double> b = scores.getOrDefault(denominator, List.of());
    List<Double> r = new ArrayList<>();
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      r.add(a.get(i) / b.get(i));
    }
    return r;
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  static String spread(List<Double> values) {
    if (values.isEmpty()) {
      return "n/a";
    }
    double min = values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double max = values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    return fmt(min) + " to " + fmt(max);
  }

  static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (Math.abs(v) >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private String row(String what, List<Double> ratio, String goal, boolean higherIsBetter, double limit) {
    double m = median(ratio);
    String verdict = Double.isNaN(m) ? "n/a" : (higherIsBetter ? m >= limit : m <= limit) ? "met" : "NOT met";
    return "| " + what + " | " + fmt(m) + " | " + spread(ratio) + " | " + goal + " | " + verdict + " |\n";
  }

  private String report() {
    StringBuilder s = new StringBuilder();
    s.append("# courier-io benchmark results\n\n");
    s.append("Produced by `mvn -Pbench -DskipTests verify` (`dev.courier.bench.BenchRunner`)");
    s.append(quick ? ", in quick mode: smoke figures, not for comparison" : "").append(".\n\n");
    facts(s, 3);

    s.append("## Ratios (median of the per-round ratios, with their range)\n\n");
    s.append("| comparison | median | range | goal | |\n|---|---|---|---|---|\n");
    s.append(row("in-process device round trip time / CompletableFuture round trip time",
        ratios("courierDeviceRoundTrip", "completableFutureRoundTrip"), "<= 10", false, 10));
    s.append(row("file target reads/s / AsynchronousFileChannel reads/s, depth 16 (workers)",
        ratios("courierWorkers@16", "asynchronousFileChannel@16"), ">= 2", true, 2));
    s.append(row("file target reads/s / raw FileChannel reads/s, depth 1 (caller runs)",
        ratios("courierCallerRuns@1", "rawFileChannel@1"), ">= 0.5", true, 0.5));
    s.append(row("file target reads/s / raw FileChannel reads/s, depth 1 (workers)",
        ratios("courierWorkers@1", "rawFileChannel@1"), "(shown for honesty: one hand-off per read)", true, 0.5));
    s.append(row("file target reads/s / AsynchronousFileChannel reads/s, depth 1 (workers)",
        ratios("courierWorkers@1", "asynchronousFileChannel@1"), "(same hand-off, for comparison)", true, 1));
    double alloc = median(scores.getOrDefault("courierDeviceRoundTrip:alloc", List.of()));
    s.append("| bytes allocated per reused-request round trip (JMH gc.alloc.rate.norm) | ")
        .append(fmt(alloc)).append(" | ")
        .append(spread(scores.getOrDefault("courierDeviceRoundTrip:alloc", List.of())))
        .append(" | <= 64 | ").append(Double.isNaN(alloc) ? "n/a" : alloc <= 64 ? "met" : "NOT met").append(" |\n\n");

    s.append("## Raw scores (median over rounds)\n\n| benchmark | median | unit |\n|---|---|---|\n");
    for (Map.Entry<String, List<Double>> e : scores.entrySet()) {
      String unit = e.getKey().endsWith(":alloc") ? "B/op"
          : e.getKey().contains("RoundTrip") ? "ns/op" : "reads/s";
      s.append("| ").append(e.getKey()).append(" | ").append(fmt(median(e.getValue()))).append(" | ")
          .append(unit).append(" |\n");
    }
    s.append("\nDepth is the number of reads in flight; each read is 4 KiB at a random 4 KiB-aligned offset of a ")
        .append("64 MiB file in the page cache. \"workers\" is the file target's default worker path; \"caller runs\" ")
        .append("does the positional read on the sending thread.\n");
    return s.toString();
  }

  /** A Courier client shape, its benchmark and the grpc call of the same shape it is compared with. */
  private record Shape(String name, String courier, String grpc, String calls) {}

  private static final List<Shape> SHAPES = List.of(
      new Shape("SYNC", "courierSync", "grpcBlocking", "`add(a, b)` / `blockingUnaryCall`"),
      new Shape("TASK", "courierTask", "grpcFuture", "`addAsync(a, b).join()` / `futureUnaryCall(...).get()`"),
      new Shape("BEGIN_END", "courierBeginEnd", "grpcFuture",
          "`endAdd(beginAdd(a, b, null, null))` / `futureUnaryCall(...).get()`"),
      new Shape("EVENT", "courierEvent", "grpcAsync",
          "`addAsync(a, b, state)` + completed listener / `asyncUnaryCall` + `StreamObserver`"));

  private static final String DEFAULTS = "Defaults";
  private static final String FILTERED = "Filtered";

  private String rpcRow(String what, List<Double> ratio, String goal, double limit) {
    double m = median(ratio);
    String verdict = Double.isNaN(limit) ? "" : Double.isNaN(m) ? "n/a" : m < limit ? "met" : "NOT met";
    return "| " + what + " | " + fmt(m) + " | " + spread(ratio) + " | " + goal + " | " + verdict + " |\n";
  }

  private String rpcReport() {
    StringBuilder s = new StringBuilder();
    s.append("# courier-rpc benchmark results\n\n");
    s.append("Produced by `mvn -Pbench -DskipTests verify -Dbench.args=\"--suite rpc\"` ")
        .append("(`dev.courier.bench.BenchRunner`, `dev.courier.bench.RpcCallBenchmark`)");
    s.append(quick ? ", in quick mode: smoke figures, not for comparison" : "").append(".\n\n");
    facts(s, RPC_WARMUP_ITERATIONS);
    s.append("Each figure is the time of one call of `add(a, b)` (two ints in, their sum out) from one thread, ")
        .append("through one channel: Courier's in-process binding against grpc-java's in-process transport ")
        .append("(grpc-java ").append(grpcVersion()).append("), in the same JMH run. Issue 3's goal: a Courier ")
        .append("call takes less than half of grpc-java's in-process time per call (ratio < 0.5).\n\n");
    s.append("Like with like: the same work per call; arguments and results passed by reference on both sides ")
        .append("(Courier's in-process binding never copies; the grpc marshallers hand the message object through ")
        .append("the in-process transport unserialized, as protobuf's marshallers do; the benchmark checks that ")
        .append("nothing was serialized); one channel; every call waits for its own reply.\n\n");

    s.append("## Courier / grpc-java, like with like: the service runs on the delivering thread\n\n");
    s.append("Courier: a SYNC service with `.executor(Runnable::run)`, no operation timeout. grpc-java: ")
        .append("`directExecutor()` on the server and on the channel, no deadline, retries off (Courier has ")
        .append("none). Each shape is paired with the grpc call of the same shape.\n\n");
    s.append("| time per call, Courier / grpc-java | median | range | goal | |\n|---|---|---|---|---|\n");
    for (Shape shape : SHAPES) {
      s.append(rpcRow(shape.name() + ": " + shape.calls(), ratios(rpcScores, shape.courier(), shape.grpc()),
          "< 0.5", 0.5));
    }

    s.append("\n## Courier / grpc-java, each side's defaults\n\n");
    s.append("Courier: the SYNC service on a virtual thread per call (the host's default executor), the ")
        .append("channel's default one-minute operation timeout (a timer armed and cancelled per call), completions ")
        .append("on the completing thread. grpc-java: the default executors (a shared cached pool on the server and ")
        .append("on the channel; blocking calls complete on the caller's thread), no deadline (its default), retries ")
        .append("on (its default). Every call hands off to another thread and back on both sides: two thread ")
        .append("wake-ups per call, which dominate these figures.\n\n");
    s.append("| time per call, Courier / grpc-java | median | range | goal | |\n|---|---|---|---|---|\n");
    for (Shape shape : SHAPES) {
      s.append(rpcRow(shape.name() + ": " + shape.calls(),
          ratios(rpcScores, shape.courier() + DEFAULTS, shape.grpc() + DEFAULTS), "< 0.5", 0.5));
    }

    s.append("\n## Filters: one pass-through filter on each side / none\n\n");
    s.append("The like-with-like channel and host, each with one `CallFilter` that forwards the call as it is ")
        .append("(`(call, next) -> next.proceed(call)`): what a filter costs. An operation no filter wants takes ")
        .append("the unfiltered path, which the rows above measure.\n\n");
    s.append("| time per call, filtered / unfiltered | median | range | | |\n|---|---|---|---|---|\n");
    for (Shape shape : SHAPES.subList(0, 2)) {
      s.append(rpcRow(shape.name(), ratios(rpcScores, shape.courier() + FILTERED, shape.courier()), "", Double.NaN));
    }

    s.append("\n## For reference: time per call / a direct method call\n\n");
    s.append("The direct call is `add(a, b)` through the service's interface on the calling thread: what a ")
        .append("call costs beyond the work itself.\n\n");
    s.append("| time per call / direct call | median | range | | |\n|---|---|---|---|---|\n");
    for (Shape shape : SHAPES) {
      s.append(rpcRow("Courier " + shape.name() + ", delivering thread", ratios(rpcScores, shape.courier(), "directCall"),
          "", Double.NaN));
    }
    for (String grpc : List.of("grpcBlocking", "grpcFuture", "grpcAsync")) {
      s.append(rpcRow("grpc-java " + grpc.substring(4) + ", direct executor", ratios(rpcScores, grpc, "directCall"),
          "", Double.NaN));
    }

    s.append("\n## Raw scores (median over rounds)\n\n| benchmark | time | unit | allocated | unit |\n|---|---|---|---|---|\n");
    List<String> names = new ArrayList<>(List.of("directCall"));
    for (String suffix : List.of("", DEFAULTS)) {
      for (Shape shape : SHAPES) {
        names.add(shape.courier() + suffix);
      }
      for (String grpc : List.of("grpcBlocking", "grpcFuture", "grpcAsync")) {
        names.add(grpc + suffix);
      }
    }
    names.add(SHAPES.get(0).courier() + FILTERED);
    names.add(SHAPES.get(1).courier() + FILTERED);
    for (String name : names) {
      s.append("| ").append(name).append(" | ")
          .append(fmt(median(rpcScores.getOrDefault(name, List.of())))).append(" | ns/op | ")
          .append(fmt(median(rpcScores.getOrDefault(name + ":alloc", List.of())))).append(" | B/op |\n");
    }
    s.append("\nAllocation is JMH's gc.alloc.rate.norm: bytes allocated per call by every thread of the JVM ")
        .append("(the calling thread, and the service's thread when it is another one).\n");
    return s.toString();
  }

  /** The codecs of the codec suite: the report's name and the prefix of their benchmark methods. */
  private static final Map<String, String> CODECS = Map.of(
      CodecBenchmark.WIRE, "wire", CodecBenchmark.CBOR, "cbor", CodecBenchmark.SMILE, "smile");
  private static final List<String> CODEC_ORDER = List.of(CodecBenchmark.WIRE, CodecBenchmark.CBOR, CodecBenchmark.SMILE);

  private static final Map<String, String> PAYLOADS = Map.of(
      "small", "the " + CodecPayloads.SMALL_BYTES + " B `byte[]` argument of the TCP suite's unary echo",
      "order", "an `Order` record: `long` id, customer, status enum, " + CodecPayloads.ORDER_LINES
          + " `Line(String sku, int quantity, long priceCents)` records, 3 string tags, an `Optional<String>` note, "
          + "a `double` total",
      "large", "the same `Order` with " + CodecPayloads.LARGE_LINES + " lines");

  private CodecScore codecScore(String codec, String op, String payload) {
    return codecScores.get(CODECS.get(codec) + op + "@" + payload);
  }

  /** A JMH score with its error, as in {@code 123.45 ± 1.20}; the score alone when JMH gives no error. */
  private static String withError(double score, double error) {
    return Double.isNaN(error) ? fmt(score) : fmt(score) + " ± " + fmt(error);
  }

  /** Jackson's figure over WireCodec's; when WireCodec's is under 1 (no allocation), says so instead. */
  private static String codecRatio(double jackson, double wire) {
    return wire < 1 ? "WireCodec " + fmt(wire) : fmt(jackson / wire);
  }

  private String codecReport() {
    StringBuilder s = new StringBuilder();
    s.append("# courier-tcp codec benchmark results\n\n");
    s.append("Produced by `mvn -Pbench -DskipTests verify -Dbench.args=\"--suite codec\"` ")
        .append("(`dev.courier.bench.BenchRunner`, `dev.courier.rpc.tcp.CodecBenchmark`)");
    s.append(quick ? ", in quick mode: smoke figures, not for comparison" : "").append(".\n\n");
    facts(s, "1 JMH run, not in rounds (each benchmark and payload in a JVM fork of its own); "
            + (quick ? "1 x 100 ms warm-up, 1 x 200 ms measured, -Xmx1g"
                : "3 x 1 s warm-up, 5 x 1 s measured, -Xms1g -Xmx1g, heap pre-touched"),
        "Jackson", CodecPayloads.jacksonVersion() + " (databind, dataformat-cbor, dataformat-smile, datatype-jdk8)");
    s.append("The time and the allocation of encoding and decoding one body with courier-tcp's contract-driven ")
        .append("`WireCodec` (docs/tcp-protocol.md, section 3) against Jackson CBOR and Jackson Smile with records, ")
        .append("for the same values. Times are JMH's average time per operation with its error (99.9% confidence ")
        .append("interval); allocation is JMH's `gc.alloc.rate.norm` (bytes allocated per operation, all threads); ")
        .append("encoded bytes are the body each codec writes for the payload.\n\n");

    for (String payload : CodecPayloads.NAMES) {
      Map<String, Integer> sizes = CodecBenchmark.encodedSizes(payload);
      s.append("## ").append(payload).append(": ").append(PAYLOADS.get(payload)).append("\n\n");
      s.append("| codec | encode ns/op | decode ns/op | encode B/op | decode B/op | encoded bytes |\n")
          .append("|---|---|---|---|---|---|\n");
      for (String codec : CODEC_ORDER) {
        CodecScore enc = codecScore(codec, "Encode", payload);
        CodecScore dec = codecScore(codec, "Decode", payload);
        s.append("| ").append(codec).append(" | ")
            .append(enc == null ? "n/a" : withError(enc.nanos(), enc.nanosError())).append(" | ")
            .append(dec == null ? "n/a" : withError(dec.nanos(), dec.nanosError())).append(" | ")
            .append(enc == null ? "n/a" : fmt(enc.bytes())).append(" | ")
            .append(dec == null ? "n/a" : fmt(dec.bytes())).append(" | ")
            .append(sizes.get(codec)).append(" |\n");
      }
      s.append('\n');
    }

    s.append("## Jackson / WireCodec\n\n");
    s.append("Each figure is Jackson's divided by WireCodec's for the same payload: above 1, WireCodec is faster, ")
        .append("allocates less or writes fewer bytes.\n\n");
    s.append("| payload | codec | encode time | decode time | encode B/op | decode B/op | encoded bytes |\n")
        .append("|---|---|---|---|---|---|---|\n");
    for (String payload : CodecPayloads.NAMES) {
      Map<String, Integer> sizes = CodecBenchmark.encodedSizes(payload);
      CodecScore wireEnc = codecScore(CodecBenchmark.WIRE, "Encode", payload);
      CodecScore wireDec = codecScore(CodecBenchmark.WIRE, "Decode", payload);
      for (String codec : List.of(CodecBenchmark.CBOR, CodecBenchmark.SMILE)) {
        CodecScore enc = codecScore(codec, "Encode", payload);
        CodecScore dec = codecScore(codec, "Decode", payload);
        boolean all = wireEnc != null && wireDec != null && enc != null && dec != null;
        s.append("| ").append(payload).append(" | ").append(codec).append(" | ")
            .append(all ? fmt(enc.nanos() / wireEnc.nanos()) : "n/a").append(" | ")
            .append(all ? fmt(dec.nanos() / wireDec.nanos()) : "n/a").append(" | ")
            .append(all ? codecRatio(enc.bytes(), wireEnc.bytes()) : "n/a").append(" | ")
            .append(all ? codecRatio(dec.bytes(), wireDec.bytes()) : "n/a").append(" | ")
            .append(fmt((double) sizes.get(codec) / sizes.get(CodecBenchmark.WIRE))).append(" |\n");
      }
    }

    s.append("\n## What ran\n\n");
    s.append("- WireCodec: `WireCodec.write(buf, type, value)` and `WireCodec.read(buf, type)` with the type the ")
        .append("contract declares (`byte[]`, `Order`); no type information on the wire; on reading, counts are ")
        .append("bounded by the bytes left and nesting by ").append(CodecPayloads.MAX_DEPTH).append(" levels.\n");
    s.append("- Jackson ").append(CodecPayloads.jacksonVersion()).append(", one `CBORMapper` and one `SmileMapper` ")
        .append("built once: records through Jackson's own record support (canonical constructors), `Optional` ")
        .append("through `Jdk8Module`; `StreamReadConstraints` with `maxNestingDepth` ").append(CodecPayloads.MAX_DEPTH)
        .append(" (WireCodec's limit), `maxDocumentLength` and `maxStringLength` ")
        .append(CodecPayloads.MAX_DOCUMENT_BYTES >> 20).append(" MiB (courier-tcp's default maximum message size), ")
        .append("Jackson's defaults for the other limits; `FAIL_ON_UNKNOWN_PROPERTIES` on (the default); no default ")
        .append("or polymorphic typing, so no class name is ever read; `AUTO_CLOSE_TARGET` off, so that one stream ")
        .append("serves every write. Smile writes binary raw (`ENCODE_BINARY_AS_7BIT` off: a frame is length-prefixed, ")
        .append("and raw is smaller and faster), with its default header and shared property names.\n");
    s.append("- Jackson reads and writes with an `ObjectReader` and an `ObjectWriter` built once for the payload's ")
        .append("class (`readerFor(Order.class)`, `writerFor(Order.class)`): the type comes from the contract, as ")
        .append("in a binding.\n");
    s.append("- Encoding: every codec writes into one reused heap `ByteBuf` (`Unpooled.buffer(64 KiB)`), cleared ")
        .append("before each write; Jackson through one reused `ByteBufOutputStream` over it, passed as an ")
        .append("`OutputStream`. Neither side copies the body to a `byte[]`; Jackson's own working buffers are ")
        .append("recycled by its `BufferRecycler`.\n");
    s.append("- Decoding: each codec reads the body it wrote itself from a heap `ByteBuf`: WireCodec from the ")
        .append("`ByteBuf` (reader index reset), Jackson with `readValue(byte[], offset, length)` on the buffer's ")
        .append("backing array, its fastest form (the parser reads in place; an `InputStream` would be copied into ")
        .append("Jackson's buffer). courier-tcp's frames arrive in pooled direct buffers, where Jackson would need ")
        .append("that stream and its copy: these figures are Jackson's best case.\n");
    s.append("- Not equalised: Jackson writes every record as a map of property names to values (CBOR the names ")
        .append("as strings each time; Smile refers back to names it has already written) where WireCodec writes ")
        .append("the components in declaration order; the encodings of numbers differ (varints against CBOR's and ")
        .append("Smile's own).\n");
    s.append("- `CodecBenchmarkPayloadsTest` checks that every codec reads back each payload to an equal value, ")
        .append("that every encode benchmark writes the same bytes on every call, and Jackson's limits.\n");
    return s.toString();
  }

  private static String grpcVersion() {
    String v = io.grpc.ManagedChannel.class.getPackage().getImplementationVersion();
    return v == null ? "version unknown" : v;
  }

  /** The header table: where and how the figures were measured. */
  private void facts(StringBuilder s, int warmupIterations) {
    facts(s, rounds + " interleaved; each JMH run 1 fork, "
        + (quick ? "1 x 200 ms warm-up, 1 x 200 ms measured" : warmupIterations + " x 1 s warm-up, 5 x 1 s measured")
        + ", -Xmx1g");
  }

  /**
   * The header table: the machine, then how the rounds ran, then {@code more} rows (name, value, name,
   * value, ...); a blank line follows it.
   */
  static void facts(StringBuilder s, String roundsRow, String... more) {
    s.append("| fact | value |\n|---|---|\n");
    s.append("| date | ").append(LocalDate.now()).append(" |\n");
    s.append("| JDK | ").append(System.getProperty("java.vm.name")).append(' ')
        .append(Runtime.version()).append(" |\n");
    s.append("| OS | ").append(System.getProperty("os.name")).append(' ')
        .append(System.getProperty("os.version")).append(' ').append(System.getProperty("os.arch")).append(" |\n");
    s.append("| CPU | ").append(cpuModel()).append(" |\n");
    s.append("| nproc | ").append(Runtime.getRuntime().availableProcessors()).append(" |\n");
    s.append("| rounds | ").append(roundsRow).append(" |\n");
    for (int i = 0; i + 1 < more.length; i += 2) {
      s.append("| ").append(more[i]).append(" | ").append(more[i + 1]).append(" |\n");
    }
    s.append('\n');
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst().orElse("unknown");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
