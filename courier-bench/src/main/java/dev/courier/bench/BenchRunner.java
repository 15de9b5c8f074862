package dev.courier.bench;

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
 * Runs the I/O benchmarks in interleaved rounds and writes the figures, as medians of per-round ratios
 * against the references measured in the same run, to {@code <out>/courier-io.md}.
 *
 * <pre>
 * mvn -Pbench -DskipTests verify                      # 5 rounds (about 6 minutes)
 * mvn -Pbench -DskipTests verify -Dbench.args="--rounds 9"
 * </pre>
 */
public final class BenchRunner {
  private final int rounds;
  private final boolean quick;
  private final Path out;
  private final Map<String, List<Double>> scores = new LinkedHashMap<>();

  private BenchRunner(int rounds, boolean quick, Path out) {
    this.rounds = rounds;
    this.quick = quick;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    int rounds = 5;
    boolean quick = false;
    Path out = Path.of("results");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--quick" -> quick = true;
        case "--out" -> out = Path.of(args[++i]);
        default -> throw new IllegalArgumentException(
            "argument: " + args[i] + " (expected: --rounds N, --quick, --out DIR)");
      }
    }
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds: " + rounds + " (expected: >= 1)");
    }
    Path report = new BenchRunner(rounds, quick, out).run();
    System.out.println("wrote " + report.toAbsolutePath());
  }

  /** Runs every round and writes the report; returns its path. */
  public static Path run(int rounds, boolean quick, Path out) throws RunnerException, IOException {
    return new BenchRunner(rounds, quick, out).run();
  }

  private Path run() throws RunnerException, IOException {
    for (int round = 1; round <= rounds; round++) {
      System.out.printf("== round %d of %d%n", round, rounds);
      collect(run(options(RoundTripBenchmark.class.getName() + ".*").addProfiler(GCProfiler.class)), true);
      collect(run(options(FileReadBenchmark.class.getName() + ".*").param("depth", "1")), false);
      collect(run(options(FileReadBenchmark.class.getName() + ".(asynchronousFileChannel|courierWorkers)")
          .param("depth", "16")), false);
    }
    Files.createDirectories(out);
    Path report = out.resolve("courier-io.md");
    Files.writeString(report, report());
    return report;
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

  private List<Double> ratios(String numerator, String denominator) {
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

  private static String spread(List<Double> values) {
    if (values.isEmpty()) {
      return "n/a";
    }
    double min = values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double max = values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    return fmt(min) + " to " + fmt(max);
  }

  private static String fmt(double v) {
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
    s.append("| fact | value |\n|---|---|\n");
    s.append("| date | ").append(LocalDate.now()).append(" |\n");
    s.append("| JDK | ").append(System.getProperty("java.vm.name")).append(' ')
        .append(Runtime.version()).append(" |\n");
    s.append("| OS | ").append(System.getProperty("os.name")).append(' ')
        .append(System.getProperty("os.version")).append(' ').append(System.getProperty("os.arch")).append(" |\n");
    s.append("| CPU | ").append(cpuModel()).append(" |\n");
    s.append("| nproc | ").append(Runtime.getRuntime().availableProcessors()).append(" |\n");
    s.append("| rounds | ").append(rounds).append(" interleaved; each JMH run 1 fork, ")
        .append(quick ? "1 x 200 ms warm-up, 1 x 200 ms measured" : "3 x 1 s warm-up, 5 x 1 s measured")
        .append(", -Xmx1g |\n\n");

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
