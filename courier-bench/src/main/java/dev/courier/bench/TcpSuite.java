package dev.courier.bench;

import dev.courier.bench.EchoTarget.Kind;
import dev.courier.bench.LoadDriver.LoadResult;
import dev.courier.bench.LoadDriver.LoadSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The TCP suite of {@link BenchRunner} ({@code --suite tcp}): Courier TCP, grpc-java and raw Netty under the
 * {@link LoadDriver}, in interleaved rounds (in each round, each cell runs Courier, grpc-java, raw Netty in
 * turn), each run in a JVM of its own; writes {@code courier-tcp.md}.
 *
 * <p>The cells: unary echo of 16 B at 1, 64 and 256 calls in flight and of 4 KiB at 64; one-way 16 B
 * messages; then, once every round of those has run, unary 16 B in an open loop at half of grpc-java's peak
 * (the highest median calls/s of grpc-java's unary 16 B cells), for as many rounds. Quick mode runs every
 * cell in this JVM for a few hundred milliseconds: it keeps the harness working, its figures mean nothing.
 *
 * <p>The defaults' cells (issue 12) run Courier tuned, Courier with its defaults and grpc-java with its
 * defaults, in turn: unary 16 B at 64 in flight; at 512 in flight over 8 connections; and at 64 in flight in
 * JVMs that see 16 processors ({@code -XX:ActiveProcessorCount=16}), which sizes every default pool as on a
 * many-core machine while the work still runs on this one's cores.
 */
final class TcpSuite extends LoadSuite {
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

  /** What the defaults' cells compare: Courier tuned, Courier's defaults, grpc-java's defaults. */
  static final List<Kind> DEFAULTS_TARGETS = Stream.of(Kind.COURIER, Kind.COURIER_DEFAULTS, Kind.GRPC_DEFAULTS)
      .filter(Kind::available).toList();
  static final String DEFAULTS_HEADLINE = "defaults-16-64";
  static final int MANY_CORES = 16;

  static final List<Cell> DEFAULTS_CELLS = List.of(
      new Cell(DEFAULTS_HEADLINE, "defaults: unary echo, 16 B, 64 in flight",
          LoadSpec.unary(Kind.GRPC, 64, PAYLOAD), DEFAULTS_TARGETS, List.of()),
      new Cell("defaults-16-512-8c", "defaults: unary echo, 16 B, 512 in flight over 8 connections",
          LoadSpec.unary(Kind.GRPC, 512, PAYLOAD).withConnections(8), DEFAULTS_TARGETS, List.of()),
      new Cell("defaults-16-64-apc16", "defaults: unary echo, 16 B, 64 in flight, -XX:ActiveProcessorCount="
          + MANY_CORES, LoadSpec.unary(Kind.GRPC, 64, PAYLOAD), DEFAULTS_TARGETS,
          List.of("-XX:ActiveProcessorCount=" + MANY_CORES)));

  private double halfLoadRate = Double.NaN;

  TcpSuite(int rounds, boolean quick) {
    super("tcp", rounds, quick, Stream.of(Kind.COURIER, Kind.GRPC, Kind.RAW).filter(Kind::available).toList());
  }

  /** Runs every round and writes {@code <out>/courier-tcp.md}; returns its path. */
  Path run(Path out) throws IOException {
    if (!Kind.COURIER.available()) {
      System.out.println("== tcp: courier-tcp is not in this build: grpc-java and raw Netty only");
    }
    runRounds(Stream.concat(CELLS.stream(), DEFAULTS_CELLS.stream()).toList());
    double peak = peak(CELLS, Kind.GRPC,
        c -> c.spec().mode() == LoadDriver.Mode.UNARY && c.spec().payloadBytes() == PAYLOAD);
    halfLoadRate = Math.max(1, Math.round(peak / 2));
    String title = String.format(Locale.ROOT, "unary echo, 16 B, open loop at %,.0f calls/s (half of grpc-java's peak)",
        halfLoadRate);
    runOpenRounds(HALF_LOAD, title, kind -> LoadSpec.openLoop(kind, halfLoadRate, PAYLOAD));
    return write(out, "courier-tcp.md", report());
  }

  // ---- the report -----------------------------------------------------------------------------------

  String report() {
    StringBuilder s = new StringBuilder();
    heading(s, "courier-tcp", "--suite tcp");
    BenchRunner.facts(s, roundsFact(),
        "event loops", "1 server + 1 client thread for every target",
        "network", "loopback, 127.0.0.1, one connection per run (8 in the cell that says so)");
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
    s.append(goalRow("calls/s, unary echo 16 B, 64 in flight",
        ratios(HEADLINE, Kind.COURIER, Kind.GRPC, LoadResult::callsPerSecond), ">= 1.5", true, 1.5, false));
    s.append(goalRow(String.format(Locale.ROOT, "p99 latency at half of grpc-java's peak (open loop, %,.0f calls/s)",
        halfLoadRate), ratios(HALF_LOAD, Kind.COURIER, Kind.GRPC, LoadResult::p99Micros), "<= 1", false, 1, false));
    String worst = worstCpuCell(Kind.COURIER, Kind.GRPC);
    s.append(goalRow("CPU per call, unary echo 16 B, 64 in flight",
        ratios(HEADLINE, Kind.COURIER, Kind.GRPC, LoadResult::cpuSecondsPerMillion), "< 1", false, 1, true));
    s.append(goalRow("CPU per call, the worst cell" + (worst == null ? "" : " (" + title(worst) + ")"),
        worst == null ? List.of() : ratios(worst, Kind.COURIER, Kind.GRPC, LoadResult::cpuSecondsPerMillion),
        "< 1", false, 1, true));
    s.append('\n');

    defaults(s);

    s.append("## Courier / grpc-java per cell: median of the per-pair ratios (range)\n\n");
    s.append("Calls/s higher is better; latency and CPU lower is better.\n\n");
    ratioTable(s, Kind.COURIER, Kind.GRPC);
    s.append('\n');

    s.append("## Figures: median over the rounds (range)\n\n");
    figuresTable(s);
    s.append("\nOne-way calls/s are the service's deliveries per second (no latency: nothing comes back).\n\n");

    whatRan(s);
    s.append("- grpc-java's peak: the highest median calls/s of its unary 16 B cells in this run.\n");
    s.append("- The defaults' cells (\"defaults: ...\") run ").append(String.join("; ",
        DEFAULTS_TARGETS.stream().map(Kind::label).toList())).append(" in turn. Over 8 connections, Courier's ")
        .append("client binding opens a connection per channel (`connectionPerChannel()`), grpc-java a channel per ")
        .append("connection, and the calls take them in turn. With ")
        .append("-XX:ActiveProcessorCount=").append(MANY_CORES).append(" each run's JVM sizes its pools ")
        .append("(event loops, the virtual threads' carriers, grpc's executors) for ").append(MANY_CORES)
        .append(" processors on this machine's ").append(Runtime.getRuntime().availableProcessors())
        .append(quick ? " (not in quick mode: it runs in the runner's JVM)" : "").append(".\n");
    return s.toString();
  }

  /** The defaults' section: Courier's defaults against its tuned path (issue 12's goal) and grpc's defaults. */
  private void defaults(StringBuilder s) {
    s.append("## Defaults (issue 12): Courier's defaults / Courier tuned, median of the per-pair ratios\n\n");
    s.append("Tuned: `directDispatch()` on the server, `directCompletions()` on the client, a TASK service. ")
        .append("Defaults: `TcpBinding.create()` on both sides, a SYNC service, a future-shaped client, the ")
        .append("default operation timeout. The goal: the defaults cost at most twice the tuned path's CPU per ")
        .append("call.\n\n");
    s.append("| goal | median | range | goal | |\n|---|---|---|---|---|\n");
    for (Cell cell : DEFAULTS_CELLS) {
      s.append(goalRow("CPU per call, " + cell.title().substring("defaults: ".length()),
          ratios(cell.key(), Kind.COURIER_DEFAULTS, Kind.COURIER, LoadResult::cpuSecondsPerMillion), "<= 2", false,
          2, false));
    }
    for (Cell cell : DEFAULTS_CELLS) {
      List<Double> calls = ratios(cell.key(), Kind.COURIER_DEFAULTS, Kind.COURIER, LoadResult::callsPerSecond);
      s.append("| calls/s, ").append(cell.title().substring("defaults: ".length())).append(" | ")
          .append(BenchRunner.fmt(BenchRunner.median(calls))).append(" | ").append(BenchRunner.spread(calls))
          .append(" | (for reference) | |\n");
    }
    s.append('\n');
    ratioSection(s, "### Courier's defaults / grpc-java's defaults, per cell: median of the per-pair ratios (range)",
        Kind.COURIER_DEFAULTS, Kind.GRPC_DEFAULTS);
    ratioSection(s, "### Courier tuned / grpc-java's defaults, per cell: median of the per-pair ratios (range)",
        Kind.COURIER, Kind.GRPC_DEFAULTS);
  }
}
