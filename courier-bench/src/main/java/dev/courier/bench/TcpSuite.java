package dev.courier.bench;

import dev.courier.bench.EchoTarget.Kind;
import dev.courier.bench.LoadDriver.LoadResult;
import dev.courier.bench.LoadDriver.LoadSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The TCP suite of {@link BenchRunner} ({@code --suite tcp}): Courier TCP, grpc-java and raw Netty under the
 * {@link LoadDriver}, in interleaved rounds (in each round, each cell runs Courier, grpc-java, raw Netty in
 * turn), each run in a JVM of its own; writes {@code courier-tcp.md}.
 *
 * <p>The cells: unary echo of 16 B at 1, 64 and 256 calls in flight and of 4 KiB at 64; one-way 16 B
 * messages; then, once every round of those has run, unary 16 B in an open loop at half of grpc-java's peak
 * (the highest median calls/s of grpc-java's unary 16 B cells), for as many rounds. Quick mode runs every
 * cell in this JVM for a few hundred milliseconds: it keeps the harness working, its figures mean nothing.
 */
final class TcpSuite {
  /** A workload, measured for each target. */
  record Cell(String key, String title, LoadSpec spec) {}

  static final int PAYLOAD = 16;
  static final int ONE_WAY_WINDOW = 256;
  static final String HEADLINE = "unary-16-64";
  static final String HALF_LOAD = "open-16-half";

  static final List<Cell> CELLS = List.of(
      new Cell("unary-16-1", "unary echo, 16 B, 1 in flight", LoadSpec.unary(Kind.GRPC, 1, PAYLOAD)),
      new Cell(HEADLINE, "unary echo, 16 B, 64 in flight", LoadSpec.unary(Kind.GRPC, 64, PAYLOAD)),
      new Cell("unary-16-256", "unary echo, 16 B, 256 in flight", LoadSpec.unary(Kind.GRPC, 256, PAYLOAD)),
      new Cell("unary-4k-64", "unary echo, 4 KiB, 64 in flight", LoadSpec.unary(Kind.GRPC, 64, 4096)),
      new Cell("oneway-16", "one-way, 16 B (window " + ONE_WAY_WINDOW + ")",
          LoadSpec.oneWay(Kind.GRPC, ONE_WAY_WINDOW, PAYLOAD)));

  private static final Duration WARMUP = Duration.ofSeconds(5);
  private static final Duration MEASURED = Duration.ofSeconds(5);
  private static final Duration OPEN_WARMUP = Duration.ofSeconds(6);
  private static final Duration QUICK_WARMUP = Duration.ofMillis(100);
  private static final Duration QUICK_MEASURED = Duration.ofMillis(200);
  private static final List<String> JVM_ARGS =
      List.of("-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch", "--enable-native-access=ALL-UNNAMED");

  private final int rounds;
  private final boolean quick;
  private final List<Kind> kinds;
  /** cell key -> target -> one result per round. */
  private final Map<String, Map<Kind, List<LoadResult>>> results = new LinkedHashMap<>();
  private final Map<Kind, String> descriptions = new LinkedHashMap<>();
  private final Map<String, String> titles = new LinkedHashMap<>();
  private double halfLoadRate = Double.NaN;

  TcpSuite(int rounds, boolean quick) {
    this.rounds = rounds;
    this.quick = quick;
    this.kinds = Arrays.stream(Kind.values()).filter(Kind::available).toList();
  }

  /** Runs every round and writes {@code <out>/courier-tcp.md}; returns its path. */
  Path run(Path out) throws IOException {
    if (!Kind.COURIER.available()) {
      System.out.println("== tcp: courier-tcp is not in this build: grpc-java and raw Netty only");
    }
    for (int round = 1; round <= rounds; round++) {
      for (Cell cell : CELLS) {
        for (Kind kind : kinds) {
          measure(round, cell.key(), cell.title(), timed(cell.spec().withTarget(kind), false));
        }
      }
    }
    double peak = CELLS.stream().filter(c -> c.spec().mode() == LoadDriver.Mode.UNARY
            && c.spec().payloadBytes() == PAYLOAD)
        .mapToDouble(c -> BenchRunner.median(values(c.key(), Kind.GRPC, LoadResult::callsPerSecond)))
        .filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
    halfLoadRate = Math.max(1, Math.round(peak / 2));
    String title = String.format(Locale.ROOT, "unary echo, 16 B, open loop at %,.0f calls/s (half of grpc-java's peak)",
        halfLoadRate);
    for (int round = 1; round <= rounds; round++) {
      for (Kind kind : kinds) {
        measure(round, HALF_LOAD, title, timed(LoadSpec.openLoop(kind, halfLoadRate, PAYLOAD), true));
      }
    }
    Files.createDirectories(out);
    Path report = out.resolve("courier-tcp.md");
    Files.writeString(report, report());
    return report;
  }

  private LoadSpec timed(LoadSpec spec, boolean open) {
    return quick ? spec.withTiming(QUICK_WARMUP, QUICK_MEASURED) : spec.withTiming(open ? OPEN_WARMUP : WARMUP, MEASURED);
  }

  private void measure(int round, String key, String title, LoadSpec spec) {
    titles.put(key, title);
    System.out.printf("== tcp round %d of %d: %s%n", round, rounds, spec);
    LoadResult r;
    try {
      r = quick ? LoadDriver.run(spec) : fork(spec);
    } catch (Exception e) {
      throw new IllegalStateException("tcp round " + round + ": " + spec + " failed: " + e.getMessage(), e);
    }
    System.out.println("   " + r);
    descriptions.putIfAbsent(spec.target(), r.description());
    results.computeIfAbsent(key, k -> new LinkedHashMap<>()).computeIfAbsent(spec.target(), k -> new ArrayList<>())
        .add(r);
  }

  /** Runs one spec in a JVM of its own (this JVM's java and class path); bounded by its duration plus a minute. */
  static LoadResult fork(LoadSpec spec) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd = LoadDriver.command(java, JVM_ARGS, System.getProperty("java.class.path"), spec);
    Path log = Files.createTempFile("courier-load-", ".out");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      long limit = spec.warmup().plus(spec.duration()).plusMinutes(1).toMillis();
      if (!p.waitFor(limit, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException("no result within " + limit + " ms:\n" + Files.readString(log));
      }
      String output = Files.readString(log);
      return output.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
          .map(l -> LoadResult.parse(spec, l))
          .orElseThrow(() -> new IllegalStateException("exit " + p.exitValue() + ", no RESULT line:\n" + output));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  // ---- the report -----------------------------------------------------------------------------------

  private List<Double> values(String key, Kind kind, ToDoubleFunction<LoadResult> f) {
    return results.getOrDefault(key, Map.of()).getOrDefault(kind, List.of()).stream()
        .map(r -> f.applyAsDouble(r)).toList();
  }

  /** Courier / grpc-java of one figure, per pair (round). */
  private List<Double> ratios(String key, ToDoubleFunction<LoadResult> f) {
    List<Double> c = values(key, Kind.COURIER, f);
    List<Double> g = values(key, Kind.GRPC, f);
    List<Double> r = new ArrayList<>();
    for (int i = 0; i < Math.min(c.size(), g.size()); i++) {
      if (!Double.isNaN(c.get(i)) && !Double.isNaN(g.get(i))) {
        r.add(c.get(i) / g.get(i));
      }
    }
    return r;
  }

  private static String cell(List<Double> values) {
    double m = BenchRunner.median(values);
    if (Double.isNaN(m)) {
      return "n/a";
    }
    return values.size() == 1 ? BenchRunner.fmt(m) : BenchRunner.fmt(m) + " (" + BenchRunner.spread(values) + ")";
  }

  private static String goalRow(String what, List<Double> ratio, String goal, boolean higherIsBetter, double limit,
      boolean strict) {
    double m = BenchRunner.median(ratio);
    boolean met = higherIsBetter ? m >= limit : strict ? m < limit : m <= limit;
    return "| " + what + " | " + BenchRunner.fmt(m) + " | " + BenchRunner.spread(ratio) + " | " + goal + " | "
        + (Double.isNaN(m) ? "n/a" : met ? "met" : "NOT met") + " |\n";
  }

  String report() {
    StringBuilder s = new StringBuilder();
    s.append("# courier-tcp benchmark results\n\n");
    s.append("Produced by `mvn -Pbench -DskipTests verify -Dbench.args=\"--suite tcp\"` ")
        .append("(`dev.courier.bench.BenchRunner`, `dev.courier.bench.LoadDriver`)");
    s.append(quick ? ", in quick mode: smoke figures, not for comparison" : "").append(".\n\n");
    String order = String.join(", ", kinds.stream().map(Kind::label).toList());
    BenchRunner.facts(s, rounds + " interleaved pairs (" + order + " in turn, each cell); "
            + (quick ? "each run in the runner's JVM, " + QUICK_WARMUP.toMillis() + " ms warm-up, "
                + QUICK_MEASURED.toMillis() + " ms measured"
                : "each run a JVM of its own, " + WARMUP.toSeconds() + " s warm-up, " + MEASURED.toSeconds()
                    + " s measured, -Xmx1g"),
        "event loops", "1 server + 1 client thread for every target",
        "network", "loopback, 127.0.0.1, one connection per run");
    if (!Kind.COURIER.available()) {
      s.append("**Courier TCP was not in this build** (no courier-tcp module): grpc-java and raw Netty only; ")
          .append("the ratios are n/a.\n\n");
    }
    s.append("Each run starts the server and the client in one JVM and drives one connection: a closed loop keeps ")
        .append("N calls in flight, each reply issuing the next call from the thread that completed it; the one-way ")
        .append("cell sends from one thread while fewer than ").append(ONE_WAY_WINDOW)
        .append(" messages are sent and not yet delivered, and counts the service's deliveries. Latency is from the ")
        .append("call to its reply (HdrHistogram); CPU is the whole process's CPU time over the measured seconds ")
        .append("(client, server, JIT and GC) per million calls. The first reply of a run must be the bytes sent, every ")
        .append("other one as long; a failed call fails the run.\n\n");

    s.append("## Goals (issue 4): Courier / grpc-java, median of the per-pair ratios\n\n");
    s.append("| goal | median | range | goal | |\n|---|---|---|---|---|\n");
    s.append(goalRow("calls/s, unary echo 16 B, 64 in flight", ratios(HEADLINE, LoadResult::callsPerSecond),
        ">= 1.5", true, 1.5, false));
    s.append(goalRow(String.format(Locale.ROOT, "p99 latency at half of grpc-java's peak (open loop, %,.0f calls/s)",
        halfLoadRate), ratios(HALF_LOAD, LoadResult::p99Micros), "<= 1", false, 1, false));
    String worst = null;
    double worstMedian = Double.NEGATIVE_INFINITY;
    for (String key : results.keySet()) {
      double m = BenchRunner.median(ratios(key, LoadResult::cpuSecondsPerMillion));
      if (!Double.isNaN(m) && m > worstMedian) {
        worstMedian = m;
        worst = key;
      }
    }
    s.append(goalRow("CPU per call, unary echo 16 B, 64 in flight", ratios(HEADLINE, LoadResult::cpuSecondsPerMillion),
        "< 1", false, 1, true));
    s.append(goalRow("CPU per call, the worst cell" + (worst == null ? "" : " (" + titles.get(worst) + ")"),
        worst == null ? List.of() : ratios(worst, LoadResult::cpuSecondsPerMillion), "< 1", false, 1, true));
    s.append('\n');

    s.append("## Courier / grpc-java per cell: median of the per-pair ratios (range)\n\n");
    s.append("Calls/s higher is better; latency and CPU lower is better.\n\n");
    s.append("| cell | calls/s | p50 | p99 | CPU per call |\n|---|---|---|---|---|\n");
    for (String key : results.keySet()) {
      s.append("| ").append(titles.get(key)).append(" | ")
          .append(cell(ratios(key, LoadResult::callsPerSecond))).append(" | ")
          .append(cell(ratios(key, LoadResult::p50Micros))).append(" | ")
          .append(cell(ratios(key, LoadResult::p99Micros))).append(" | ")
          .append(cell(ratios(key, LoadResult::cpuSecondsPerMillion))).append(" |\n");
    }
    s.append('\n');

    s.append("## Figures: median over the rounds (range)\n\n");
    s.append("| cell | target | calls/s | p50 µs | p99 µs | CPU s per 1M calls |\n|---|---|---|---|---|---|\n");
    for (String key : results.keySet()) {
      for (Kind kind : kinds) {
        s.append("| ").append(titles.get(key)).append(" | ").append(kind.label()).append(" | ")
            .append(cell(values(key, kind, LoadResult::callsPerSecond))).append(" | ")
            .append(cell(values(key, kind, LoadResult::p50Micros))).append(" | ")
            .append(cell(values(key, kind, LoadResult::p99Micros))).append(" | ")
            .append(cell(values(key, kind, LoadResult::cpuSecondsPerMillion))).append(" |\n");
      }
    }
    s.append("\nOne-way calls/s are the service's deliveries per second (no latency: nothing comes back).\n\n");

    s.append("## What ran\n\n");
    for (Map.Entry<Kind, String> e : descriptions.entrySet()) {
      s.append("- ").append(e.getValue()).append(".\n");
    }
    s.append("- The open-loop cell: a pacing thread issues the calls due every 200 µs (bursts of rate / 5,000 ")
        .append("calls), at most ").append(LoadDriver.OPEN_LOOP_MAX_OUTSTANDING)
        .append(" outstanding; latency counts from each burst's scheduled time, so a target that falls behind ")
        .append("shows it in its p99 and in calls/s below the rate. Its warm-up (")
        .append(quick ? QUICK_WARMUP.toMillis() + " ms" : OPEN_WARMUP.toSeconds() + " s")
        .append(") is half closed loop, half the pacer issuing as fast as the target takes calls, then ")
        .append("the rate for up to 2 s before the measured seconds.\n");
    s.append("- grpc-java's peak: the highest median calls/s of its unary 16 B cells in this run.\n");
    return s.toString();
  }
}
