package dev.courier.bench;

import dev.courier.bench.EchoTarget.Kind;
import dev.courier.bench.LoadDriver.LoadResult;
import dev.courier.bench.LoadDriver.LoadSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The several-endpoints suite of {@link BenchRunner} ({@code --suite cluster}): one channel over several hosts
 * against the same calls without the policy, both tuned, under the {@link LoadDriver}, in interleaved rounds,
 * each run in a JVM of its own; writes {@code courier-cluster.md}.
 *
 * <p>The cells, unary echo of 16 B at 64 calls in flight: one endpoint (a channel over one host, against a channel
 * to its address: the policy's cost alone), and three endpoints (a channel over three hosts, against a plain
 * channel to each of the three hosts taken in turn, the goal's baseline: the same hosts and connections without
 * the policy; and against three channels to one host, which shows what three hosts cost the server's side).
 */
final class ClusterSuite extends LoadSuite {
  static final int PAYLOAD = 16;
  static final String ONE = "cluster-1";
  static final String THREE = "cluster-3";
  static final List<Cell> CELLS = List.of(
      new Cell(ONE, "one endpoint: unary echo, 16 B, 64 in flight",
          LoadSpec.unary(Kind.COURIER, 64, PAYLOAD), List.of(Kind.COURIER, Kind.COURIER_CLUSTER), List.of()),
      new Cell(THREE, "three endpoints (three connections): unary echo, 16 B, 64 in flight",
          LoadSpec.unary(Kind.COURIER, 64, PAYLOAD).withConnections(3),
          List.of(Kind.COURIER, Kind.COURIER_HOSTS, Kind.COURIER_CLUSTER), List.of()));

  /**
   * Past the first health check after the hot path is compiled (the channel asks at once, then every 5 s): its
   * answer takes branches the compiled code never saw, which sends it back to be compiled again, once.
   */
  static final Duration WARMUP = Duration.ofSeconds(7);

  ClusterSuite(int rounds, boolean quick) {
    super("cluster", rounds, quick, List.of(Kind.COURIER, Kind.COURIER_HOSTS, Kind.COURIER_CLUSTER));
  }

  @Override
  Duration warmup() {
    return WARMUP;
  }

  /** Runs every round and writes {@code <out>/courier-cluster.md}; returns its path. */
  Path run(Path out) throws IOException {
    runRounds(CELLS);
    return write(out, "courier-cluster.md", report());
  }

  /** Per round: the channel over three hosts / the plain channel to one host, of one figure. */
  private List<Double> acrossCells(ToDoubleFunction<LoadResult> f) {
    List<Double> three = values(THREE, Kind.COURIER_CLUSTER, f);
    List<Double> one = values(ONE, Kind.COURIER, f);
    List<Double> r = new ArrayList<>();
    for (int i = 0; i < Math.min(three.size(), one.size()); i++) {
      r.add(three.get(i) / one.get(i));
    }
    return r;
  }

  String report() {
    StringBuilder s = new StringBuilder();
    heading(s, "courier-cluster", "--suite cluster");
    BenchRunner.facts(s, roundsFact(),
        "event loops", "1 server + 1 client thread; the hosts share the server's binding",
        "network", "loopback, 127.0.0.1");
    s.append("A channel over several endpoints sends each call to one endpoint's connection (round robin) and ")
        .append("takes its completion back through an attempt's completion routine. The goal's baseline is the same ")
        .append("calls without that: a channel to the one host's address, or a plain channel to each of the three ")
        .append("hosts, the calls taking them in turn. The three-endpoint cell also runs three channels to one host ")
        .append("over three connections, which shows what spreading the calls over three hosts costs the server's ")
        .append("side, policy aside. All are tuned (`directDispatch()`, `directCompletions()`, a TASK service, no ")
        .append("operation timeout). Nothing fails during a run. The channel over several endpoints asks each host ")
        .append("for its health as it connects and every 5 s (the default), over its connection to it; the warm-up ")
        .append("is 7 s so that it ends after the check at 5 s, the first to find the hot path compiled, which ")
        .append("sends that code back to be compiled once.\n\n");
    s.append("## Goal (issue 13): several endpoints / the same hosts without the policy, median of the per-round ")
        .append("ratios\n\n");
    s.append("| goal | median | range | goal | |\n|---|---|---|---|---|\n");
    s.append(goalRow("calls/s, " + title(ONE) + " (against a channel to its address)",
        ratios(ONE, Kind.COURIER_CLUSTER, Kind.COURIER, LoadResult::callsPerSecond), ">= 0.9", true, 0.9, false));
    s.append(goalRow("calls/s, " + title(THREE) + " (against a channel to each host)",
        ratios(THREE, Kind.COURIER_CLUSTER, Kind.COURIER_HOSTS, LoadResult::callsPerSecond), ">= 0.9", true, 0.9,
        false));
    s.append('\n');
    ratioSection(s, "## Several endpoints / a channel per host, per cell: median of the per-round ratios (range)\n\n"
        + "Calls/s higher is better; latency and CPU lower is better.", Kind.COURIER_CLUSTER, Kind.COURIER_HOSTS);
    ratioSection(s, "## Several endpoints / channels to one host, per cell: median of the per-round ratios (range)",
        Kind.COURIER_CLUSTER, Kind.COURIER);
    ratioSection(s, "## A channel per host / channels to one host: what three hosts cost, policy aside",
        Kind.COURIER_HOSTS, Kind.COURIER);
    s.append("## Three hosts against one: several endpoints over three hosts / a channel to one host, per round\n\n");
    s.append("The issue's other figure: what a channel over three hosts gets next to a plain channel to one host ")
        .append("(the one-endpoint cell's baseline in the same round). On this machine the hosts share the server's ")
        .append("one event loop, so three hosts add connections, not capacity.\n\n");
    s.append("| figure | median (range) |\n|---|---|\n");
    s.append("| calls/s | ").append(cell(acrossCells(LoadResult::callsPerSecond))).append(" |\n");
    s.append("| p50 | ").append(cell(acrossCells(LoadResult::p50Micros))).append(" |\n");
    s.append("| CPU per call | ").append(cell(acrossCells(LoadResult::cpuSecondsPerMillion))).append(" |\n\n");
    s.append("## Figures: median over the rounds (range)\n\n");
    figuresTable(s);
    s.append('\n');
    whatRan(s);
    return s.toString();
  }
}
