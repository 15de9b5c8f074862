package dev.courier.bench;

import dev.courier.bench.LoadDriver.LoadResult;
import dev.courier.bench.LoadDriver.LoadSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * What the {@link LoadDriver}'s suites ({@link TcpSuite}, {@link SoapSuite}) share: interleaved rounds (in each
 * round, each cell runs every target in turn), each run in a JVM of its own, or in this JVM for a few hundred
 * milliseconds in quick mode; the results by cell, target and round; and the tables of their reports (medians
 * over the rounds, medians of the per-round ratios of two targets).
 */
abstract class LoadSuite {
  /**
   * A workload, measured for each of its targets.
   *
   * @param targets the targets it runs, in turn; {@code null}: every target of the suite
   * @param jvmArgs what each run's JVM starts with besides the suite's and the target's arguments (not
   *     applied in quick mode, which runs in the runner's JVM)
   */
  record Cell(String key, String title, LoadSpec spec, List<? extends LoadTarget> targets, List<String> jvmArgs) {
    /** A cell that every target of the suite runs, in JVMs with the suite's arguments. */
    Cell(String key, String title, LoadSpec spec) {
      this(key, title, spec, null, List.of());
    }
  }

  static final Duration WARMUP = Duration.ofSeconds(5);
  static final Duration MEASURED = Duration.ofSeconds(5);
  static final Duration OPEN_WARMUP = Duration.ofSeconds(6);
  static final Duration QUICK_WARMUP = Duration.ofMillis(100);
  static final Duration QUICK_MEASURED = Duration.ofMillis(200);
  /** The arguments of every run's JVM; a target adds its own ({@link LoadTarget#jvmArgs()}). */
  static final List<String> JVM_ARGS =
      List.of("-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch", "--enable-native-access=ALL-UNNAMED");

  /** The suite's name in what it prints: {@code tcp}, {@code soap}. */
  private final String name;
  final int rounds;
  final boolean quick;
  /** The targets, in the order each cell runs them. */
  final List<LoadTarget> kinds;
  /** cell key -> target -> one result per round. */
  private final Map<String, Map<LoadTarget, List<LoadResult>>> results = new LinkedHashMap<>();
  private final Map<LoadTarget, String> descriptions = new LinkedHashMap<>();
  private final Map<String, String> titles = new LinkedHashMap<>();
  /** Whether an open-loop cell ran. */
  private boolean openLoop;

  LoadSuite(String name, int rounds, boolean quick, List<? extends LoadTarget> kinds) {
    this.name = name;
    this.rounds = rounds;
    this.quick = quick;
    this.kinds = List.copyOf(kinds);
  }

  /** Every round of {@code cells}: in each round, each cell for each target in turn. */
  final void runRounds(List<Cell> cells) {
    for (int round = 1; round <= rounds; round++) {
      for (Cell cell : cells) {
        for (LoadTarget kind : cell.targets() == null ? kinds : cell.targets()) {
          measure(round, cell.key(), cell.title(), timed(cell.spec().withTarget(kind), false), cell.jvmArgs());
        }
      }
    }
  }

  /** Every round of one open-loop cell: in each round, each target in turn. */
  final void runOpenRounds(String key, String title, Function<LoadTarget, LoadSpec> spec) {
    openLoop = true;
    for (int round = 1; round <= rounds; round++) {
      for (LoadTarget kind : kinds) {
        measure(round, key, title, timed(spec.apply(kind), true), List.of());
      }
    }
  }

  /** The highest median calls/s of {@code reference} over the cells that {@code which} takes; NaN if none ran. */
  final double peak(List<Cell> cells, LoadTarget reference, Predicate<Cell> which) {
    return cells.stream().filter(which)
        .mapToDouble(c -> BenchRunner.median(values(c.key(), reference, LoadResult::callsPerSecond)))
        .filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
  }

  /** The warm-up of a closed-loop run: {@link #WARMUP} unless a suite's targets need longer to settle. */
  Duration warmup() {
    return WARMUP;
  }

  final LoadSpec timed(LoadSpec spec, boolean open) {
    return quick ? spec.withTiming(QUICK_WARMUP, QUICK_MEASURED) : spec.withTiming(open ? OPEN_WARMUP : warmup(), MEASURED);
  }

  private void measure(int round, String key, String title, LoadSpec spec, List<String> jvmArgs) {
    titles.put(key, title);
    System.out.printf("== %s round %d of %d: %s%s%n", name, round, rounds, spec,
        jvmArgs.isEmpty() || quick ? "" : " " + String.join(" ", jvmArgs));
    LoadResult r;
    try {
      r = quick ? LoadDriver.run(spec) : fork(spec, jvmArgs);
    } catch (Exception e) {
      throw new IllegalStateException(name + " round " + round + ": " + spec + " failed: " + e.getMessage(), e);
    }
    System.out.println("   " + r);
    descriptions.putIfAbsent(spec.target(), r.description());
    results.computeIfAbsent(key, k -> new LinkedHashMap<>()).computeIfAbsent(spec.target(), k -> new ArrayList<>())
        .add(r);
  }

  /**
   * Runs one spec in a JVM of its own (this JVM's java and class path, {@link #JVM_ARGS} and the target's
   * own); bounded by its duration plus a minute.
   */
  static LoadResult fork(LoadSpec spec) throws IOException, InterruptedException {
    return fork(spec, List.of());
  }

  /** {@link #fork(LoadSpec)} with {@code extraJvmArgs} after the others. */
  static LoadResult fork(LoadSpec spec, List<String> extraJvmArgs) throws IOException, InterruptedException {
    List<String> jvmArgs = new ArrayList<>(JVM_ARGS);
    jvmArgs.addAll(spec.target().jvmArgs());
    jvmArgs.addAll(extraJvmArgs);
    List<String> cmd = LoadDriver.command(java(), jvmArgs, System.getProperty("java.class.path"), spec);
    return LoadResult.parse(spec, resultLine(cmd, spec.warmup().plus(spec.duration()).plusMinutes(1)));
  }

  /**
   * Runs {@code cmd}, a JVM that prints a {@code RESULT} line, and returns that line; bounded by {@code limit}.
   * What the JVM printed is shown only if it fails or prints none.
   */
  static String resultLine(List<String> cmd, Duration limit) throws IOException, InterruptedException {
    Path log = Files.createTempFile("courier-load-", ".out");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException("no result within " + limit.toMillis() + " ms:\n" + Files.readString(log));
      }
      String output = Files.readString(log);
      return output.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
          .orElseThrow(() -> new IllegalStateException("exit " + p.exitValue() + ", no RESULT line:\n" + output));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** The java command of this JVM, for the JVMs of the runs. */
  static String java() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  // ---- the report -----------------------------------------------------------------------------------

  /** Writes {@code text} to {@code <out>/<file>}; returns its path. */
  static Path write(Path out, String file, String text) throws IOException {
    Files.createDirectories(out);
    Path report = out.resolve(file);
    Files.writeString(report, text);
    return report;
  }

  /** The report's title and the command that produces it, with {@code args} as the runner's arguments. */
  final void heading(StringBuilder s, String name, String args) {
    s.append("# ").append(name).append(" benchmark results\n\n");
    s.append("Produced by `mvn -Pbench -DskipTests verify -Dbench.args=\"").append(args).append("\"` ")
        .append("(`dev.courier.bench.BenchRunner`, `dev.courier.bench.LoadDriver`)");
    s.append(quick ? ", in quick mode: smoke figures, not for comparison" : "").append(".\n\n");
  }

  /** The keys of the cells that ran, in the order they first ran. */
  final List<String> cellKeys() {
    return List.copyOf(results.keySet());
  }

  /** The title a cell ran with. */
  final String title(String key) {
    return titles.get(key);
  }

  final List<Double> values(String key, LoadTarget kind, ToDoubleFunction<LoadResult> f) {
    return results.getOrDefault(key, Map.of()).getOrDefault(kind, List.of()).stream()
        .map(r -> f.applyAsDouble(r)).toList();
  }

  /** {@code numerator} / {@code denominator} of one figure, per pair (round). */
  final List<Double> ratios(String key, LoadTarget numerator, LoadTarget denominator, ToDoubleFunction<LoadResult> f) {
    List<Double> c = values(key, numerator, f);
    List<Double> g = values(key, denominator, f);
    List<Double> r = new ArrayList<>();
    for (int i = 0; i < Math.min(c.size(), g.size()); i++) {
      if (!Double.isNaN(c.get(i)) && !Double.isNaN(g.get(i))) {
        r.add(c.get(i) / g.get(i));
      }
    }
    return r;
  }

  /** The cell whose CPU per call is the worst for {@code numerator} against {@code denominator}; null if none. */
  final String worstCpuCell(LoadTarget numerator, LoadTarget denominator) {
    String worst = null;
    double worstMedian = Double.NEGATIVE_INFINITY;
    for (String key : results.keySet()) {
      double m = BenchRunner.median(ratios(key, numerator, denominator, LoadResult::cpuSecondsPerMillion));
      if (!Double.isNaN(m) && m > worstMedian) {
        worstMedian = m;
        worst = key;
      }
    }
    return worst;
  }

  static String cell(List<Double> values) {
    double m = BenchRunner.median(values);
    if (Double.isNaN(m)) {
      return "n/a";
    }
    return values.size() == 1 ? BenchRunner.fmt(m) : BenchRunner.fmt(m) + " (" + BenchRunner.spread(values) + ")";
  }

  static String goalRow(String what, List<Double> ratio, String goal, boolean higherIsBetter, double limit,
      boolean strict) {
    double m = BenchRunner.median(ratio);
    boolean met = higherIsBetter ? m >= limit : strict ? m < limit : m <= limit;
    return "| " + what + " | " + BenchRunner.fmt(m) + " | " + BenchRunner.spread(ratio) + " | " + goal + " | "
        + (Double.isNaN(m) ? "n/a" : met ? "met" : "NOT met") + " |\n";
  }

  /** A section headed {@code heading}: the {@link #ratioTable} of {@code numerator} / {@code denominator}. */
  final void ratioSection(StringBuilder s, String heading, LoadTarget numerator, LoadTarget denominator) {
    s.append(heading).append("\n\n");
    ratioTable(s, numerator, denominator);
    s.append('\n');
  }

  /**
   * A row for each cell that ran both targets: {@code numerator} / {@code denominator} of each figure, median
   * of the per-pair ratios.
   */
  final void ratioTable(StringBuilder s, LoadTarget numerator, LoadTarget denominator) {
    s.append("| cell | calls/s | p50 | p99 | CPU per call |\n|---|---|---|---|---|\n");
    for (String key : results.keySet()) {
      if (!ran(key, numerator) || !ran(key, denominator)) {
        continue;
      }
      s.append("| ").append(titles.get(key)).append(" | ")
          .append(cell(ratios(key, numerator, denominator, LoadResult::callsPerSecond))).append(" | ")
          .append(cell(ratios(key, numerator, denominator, LoadResult::p50Micros))).append(" | ")
          .append(cell(ratios(key, numerator, denominator, LoadResult::p99Micros))).append(" | ")
          .append(cell(ratios(key, numerator, denominator, LoadResult::cpuSecondsPerMillion))).append(" |\n");
    }
  }

  /** Whether {@code kind} ran in the cell {@code key}. */
  final boolean ran(String key, LoadTarget kind) {
    return results.getOrDefault(key, Map.of()).containsKey(kind);
  }

  /** A row for each cell and each target it ran: the median of each figure over the rounds, with its range. */
  final void figuresTable(StringBuilder s) {
    s.append("| cell | target | calls/s | p50 µs | p99 µs | CPU s per 1M calls |\n|---|---|---|---|---|---|\n");
    for (String key : results.keySet()) {
      for (LoadTarget kind : results.get(key).keySet()) {
        s.append("| ").append(titles.get(key)).append(" | ").append(kind.label()).append(" | ")
            .append(cell(values(key, kind, LoadResult::callsPerSecond))).append(" | ")
            .append(cell(values(key, kind, LoadResult::p50Micros))).append(" | ")
            .append(cell(values(key, kind, LoadResult::p99Micros))).append(" | ")
            .append(cell(values(key, kind, LoadResult::cpuSecondsPerMillion))).append(" |\n");
      }
    }
  }

  /** The facts' row of how the rounds ran. */
  final String roundsFact() {
    String order = String.join(", ", kinds.stream().map(LoadTarget::label).toList());
    return rounds + " interleaved " + (kinds.size() == 2 ? "pairs" : "rounds") + " (" + order
        + " in turn, each cell" + (kinds.size() == 2 ? "" : " those it runs") + "); "
        + (quick ? "each run in the runner's JVM, " + QUICK_WARMUP.toMillis() + " ms warm-up, "
            + QUICK_MEASURED.toMillis() + " ms measured"
            : "each run a JVM of its own, " + warmup().toSeconds() + " s warm-up, " + MEASURED.toSeconds()
                + " s measured, -Xmx1g");
  }

  /** The section "What ran": each target's description, then how the open-loop cell, if one ran, drives them. */
  final void whatRan(StringBuilder s) {
    s.append("## What ran\n\n");
    for (String description : descriptions.values()) {
      s.append("- ").append(description).append(".\n");
    }
    if (!openLoop) {
      return;
    }
    s.append("- The open-loop cell: a pacing thread issues the calls due every 200 µs (bursts of rate / 5,000 ")
        .append("calls), at most ").append(LoadDriver.OPEN_LOOP_MAX_OUTSTANDING)
        .append(" outstanding; latency counts from each burst's scheduled time, so a target that falls behind ")
        .append("shows it in its p99 and in calls/s below the rate. Its warm-up (")
        .append(quick ? QUICK_WARMUP.toMillis() + " ms" : OPEN_WARMUP.toSeconds() + " s")
        .append(") is half closed loop, half the pacer issuing as fast as the target takes calls, then ")
        .append("the rate for up to 2 s before the measured seconds.\n");
  }
}
