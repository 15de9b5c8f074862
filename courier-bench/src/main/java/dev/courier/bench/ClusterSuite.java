package dev.courier.bench;

import dev.courier.bench.EchoTarget.Kind;
import dev.courier.bench.LoadDriver.LoadResult;
import dev.courier.bench.LoadDriver.LoadSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The several-endpoints suite of {@link BenchRunner} ({@code --suite cluster}): one channel over several hosts
 * against the same calls without the policy, both tuned, under the {@link LoadDriver}, in interleaved rounds,
 * each run in a JVM of its own; writes {@code courier-cluster.md}.
 *
 * <p>The cells, unary echo of 16 B at 64 calls in flight: one endpoint (a channel over one host, against a channel
 * to its address: the policy's cost alone), and three endpoints (a channel over three hosts, against three
 * channels to one host taken in turn: the same three connections, so that the ratio is the policy's cost and not
 * the cost of three connections on this machine's event loops).
 */
final class ClusterSuite extends LoadSuite {
  static final int PAYLOAD = 16;
  static final List<Cell> CELLS = List.of(
      new Cell("cluster-1", "one endpoint: unary echo, 16 B, 64 in flight",
          LoadSpec.unary(Kind.COURIER, 64, PAYLOAD), List.of(Kind.COURIER, Kind.COURIER_CLUSTER), List.of()),
      new Cell("cluster-3", "three endpoints (three connections): unary echo, 16 B, 64 in flight",
          LoadSpec.unary(Kind.COURIER, 64, PAYLOAD).withConnections(3), List.of(Kind.COURIER, Kind.COURIER_CLUSTER),
          List.of()));

  ClusterSuite(int rounds, boolean quick) {
    super("cluster", rounds, quick, List.of(Kind.COURIER, Kind.COURIER_CLUSTER));
  }

  /** Runs every round and writes {@code <out>/courier-cluster.md}; returns its path. */
  Path run(Path out) throws IOException {
    runRounds(CELLS);
    return write(out, "courier-cluster.md", report());
  }

  String report() {
    StringBuilder s = new StringBuilder();
    heading(s, "courier-cluster", "--suite cluster");
    BenchRunner.facts(s, roundsFact(),
        "event loops", "1 server + 1 client thread; the hosts share the server's binding",
        "network", "loopback, 127.0.0.1");
    s.append("A channel over several endpoints sends each call through the cluster's target to one endpoint's ")
        .append("connection (round robin) and takes its completion back through an attempt's completion routine. ")
        .append("The baseline is the same calls without that: a channel to one address, or three channels to one ")
        .append("host over three connections, the calls taking them in turn. Both sides are tuned (`directDispatch()`, ")
        .append("`directCompletions()`, a TASK service, no operation timeout). Nothing fails during a run.\n\n");
    s.append("## Goal (issue 13): several endpoints / the baseline, median of the per-pair ratios\n\n");
    s.append("| goal | median | range | goal | |\n|---|---|---|---|---|\n");
    for (Cell cell : CELLS) {
      s.append(goalRow("calls/s, " + cell.title(),
          ratios(cell.key(), Kind.COURIER_CLUSTER, Kind.COURIER, LoadResult::callsPerSecond), ">= 0.9", true, 0.9,
          false));
    }
    s.append('\n');
    s.append("## Several endpoints / the baseline per cell: median of the per-pair ratios (range)\n\n");
    s.append("Calls/s higher is better; latency and CPU lower is better.\n\n");
    ratioTable(s, Kind.COURIER_CLUSTER, Kind.COURIER);
    s.append('\n');
    s.append("## Figures: median over the rounds (range)\n\n");
    figuresTable(s);
    s.append('\n');
    whatRan(s);
    return s.toString();
  }
}
