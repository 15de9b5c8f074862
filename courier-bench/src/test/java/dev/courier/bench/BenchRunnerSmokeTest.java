package dev.courier.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keeps the benchmark harness working: one quick round, no speed assertion. */
class BenchRunnerSmokeTest {

  /** Runs {@code round} with what it prints (JMH's progress, the forks' output) kept, and shown only if it fails. */
  private static <T> T quietly(Callable<T> round) throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream kept = new PrintStream(printed, true, StandardCharsets.UTF_8);
    System.setOut(kept);
    System.setErr(kept);
    try {
      return round.call();
    } catch (Exception | Error e) {
      out.print(printed.toString(StandardCharsets.UTF_8));
      throw e;
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void quickRoundWritesAReportWithEveryComparison(@TempDir Path out) throws Exception {
    Path report = quietly(() -> BenchRunner.run(1, true, out));

    String text = Files.readString(report);
    assertThat(text)
        .contains("round trip time / CompletableFuture")
        .contains("AsynchronousFileChannel reads/s, depth 16")
        .contains("raw FileChannel reads/s, depth 1 (caller runs)")
        .contains("bytes allocated per reused-request round trip")
        .contains("| nproc | " + Runtime.getRuntime().availableProcessors());
    assertThat(text).doesNotContain("| n/a |");
  }

  @Test
  void quickRpcRoundWritesAReportWithEveryShapeAgainstGrpc(@TempDir Path out) throws Exception {
    List<Path> reports = quietly(() -> BenchRunner.run(BenchRunner.Suite.RPC, 1, true, out));

    assertThat(reports).containsExactly(out.resolve("courier-rpc.md"));
    String text = Files.readString(reports.getFirst());
    assertThat(text)
        .contains("## Courier / grpc-java, like with like: the service runs on the delivering thread")
        .contains("## Courier / grpc-java, each side's defaults")
        .contains("## For reference: time per call / a direct method call")
        .contains("| nproc | " + Runtime.getRuntime().availableProcessors())
        .contains("grpc-java 1.85.1");
    for (String shape : List.of("SYNC: ", "TASK: ", "BEGIN_END: ", "EVENT: ")) {
      assertThat(text.lines().filter(l -> l.startsWith("| " + shape) && l.contains("| < 0.5 |")))
          .as("rows of %s against grpc, like with like and defaults", shape)
          .hasSize(2);
    }
    assertThat(text).contains("| Courier SYNC, delivering thread |", "| Courier EVENT, delivering thread |",
        "| grpcAsyncDefaults |");
    assertThat(text).doesNotContain("n/a");
  }

  @Test
  void quickCodecRunWritesAReportWithEveryCodecForEveryPayload(@TempDir Path out) throws Exception {
    List<Path> reports = quietly(() -> BenchRunner.run(BenchRunner.Suite.CODEC, 1, true, out));

    assertThat(reports).containsExactly(out.resolve("courier-codec.md"));
    String text = Files.readString(reports.getFirst());
    assertThat(text)
        .contains("| nproc | " + Runtime.getRuntime().availableProcessors())
        .contains("| Jackson | 2.")
        .contains("## Jackson / WireCodec")
        .contains("## What ran")
        .contains("`maxNestingDepth` 64");
    for (String payload : List.of("small", "order", "large")) {
      String section = text.substring(text.indexOf("## " + payload + ": "));
      section = section.substring(0, section.indexOf("\n\n", section.indexOf("| codec |")));
      for (String codec : List.of("WireCodec", "Jackson CBOR", "Jackson Smile")) {
        assertThat(section.lines().filter(l -> l.startsWith("| " + codec + " | ")))
            .as("%s, %s", payload, codec)
            .singleElement().asString()
            .doesNotContain("n/a")
            .matches("\\| [^|]+( \\| [0-9][0-9.,]*( ± [0-9.,]+)?){2}( \\| [0-9][0-9.,]*){3} \\|");
      }
      for (String codec : List.of("Jackson CBOR", "Jackson Smile")) {
        assertThat(text.lines().filter(l -> l.startsWith("| " + payload + " | " + codec + " | ")))
            .as("ratios of %s, %s", payload, codec)
            .singleElement().asString().doesNotContain("n/a");
      }
    }
  }

  @Test
  void quickTcpRoundWritesAReportWithEveryCellForEveryAvailableTarget(@TempDir Path out) throws Exception {
    List<Path> reports = quietly(() -> BenchRunner.run(BenchRunner.Suite.TCP, 1, true, out));

    assertThat(reports).containsExactly(out.resolve("courier-tcp.md"));
    String text = Files.readString(reports.getFirst());
    assertThat(text)
        .contains("## Goals (issue 4): Courier / grpc-java, median of the per-pair ratios")
        .contains("| calls/s, unary echo 16 B, 64 in flight |")
        .contains("| p99 latency at half of grpc-java's peak (open loop, ")
        .contains("| CPU per call, unary echo 16 B, 64 in flight |")
        .contains("| nproc | " + Runtime.getRuntime().availableProcessors())
        .contains("grpc-java 1.85.1 (grpc-netty-shaded, ");
    List<EchoTarget.Kind> main = List.of(EchoTarget.Kind.COURIER, EchoTarget.Kind.GRPC, EchoTarget.Kind.RAW);
    for (String cell : List.of("unary echo, 16 B, 1 in flight", "unary echo, 16 B, 64 in flight",
        "unary echo, 16 B, 256 in flight", "unary echo, 4 KiB, 64 in flight", "one-way, 16 B (window 256)",
        "unary echo, 16 B, open loop at ")) {
      assertFigures(text, cell, main);
    }
    assertThat(text).contains("## Defaults (issue 12): Courier's defaults / Courier tuned")
        .contains("| CPU per call, unary echo, 16 B, 64 in flight, -XX:ActiveProcessorCount=16 |")
        .contains("### Courier's defaults / grpc-java's defaults");
    for (String cell : List.of("defaults: unary echo, 16 B, 64 in flight |",
        "defaults: unary echo, 16 B, 512 in flight over 8 connections", "defaults: unary echo, 16 B, 64 in flight, ")) {
      assertFigures(text, cell, List.of(EchoTarget.Kind.COURIER, EchoTarget.Kind.COURIER_DEFAULTS,
          EchoTarget.Kind.GRPC_DEFAULTS));
    }
  }

  @Test
  void quickClusterRoundWritesAReportWithBothCellsForTheClusterAndItsBaseline(@TempDir Path out) throws Exception {
    List<Path> reports = quietly(() -> BenchRunner.run(BenchRunner.Suite.CLUSTER, 1, true, out));

    assertThat(reports).containsExactly(out.resolve("courier-cluster.md"));
    String text = Files.readString(reports.getFirst());
    assertThat(text).contains("## Goal (issue 13): several endpoints / the same hosts without the policy")
        .contains("| calls/s, one endpoint: unary echo, 16 B, 64 in flight (against a channel to its address) |")
        .contains("| calls/s, three endpoints (three connections): unary echo, 16 B, 64 in flight (against a channel "
            + "to each host) |")
        .contains("host(s) (ServiceHosts on the server's binding, each at its own port) and one channel over them")
        .contains("3 host(s) (ServiceHosts on the server's binding, each at its own port), one channel to each")
        .contains("## Three hosts against one: several endpoints over three hosts / a channel to one host")
        .doesNotContain("open-loop");
    assertThat(text.lines().filter(l -> l.startsWith("| calls/s, ")))
        .as("the goal rows, judged").hasSize(2).allMatch(l -> l.matches(".*\\| >= 0\\.9 \\| (met|NOT met) \\|"));
    assertFigures(text, "one endpoint: unary echo", List.of(EchoTarget.Kind.COURIER, EchoTarget.Kind.COURIER_CLUSTER));
    assertFigures(text, "three endpoints (three connections)",
        List.of(EchoTarget.Kind.COURIER, EchoTarget.Kind.COURIER_HOSTS, EchoTarget.Kind.COURIER_CLUSTER));
  }

  @Test
  void quickQueueRoundWritesAReportWithTheGoalAgainstArtemisAndEveryTargetsFigures(@TempDir Path out)
      throws Exception {
    List<Path> reports = quietly(() -> BenchRunner.run(BenchRunner.Suite.QUEUE, 1, true, out));

    assertThat(reports).containsExactly(out.resolve("courier-queue.md"));
    String text = Files.readString(reports.getFirst());
    assertThat(text).contains("## Goal: courier-queue / artemis-jms, median of the per-round ratios")
        .contains("| nproc | " + Runtime.getRuntime().availableProcessors())
        .containsPattern("[AN]IO journal on ")
        .contains("- courier-queue (", "- artemis-jms (Artemis 2.56.0", "- artemis-jms, prefetch (Artemis 2.56.0")
        .contains("send-guarantees.html", "perf-tuning.html", "flow-control.html");
    assertThat(text.lines().filter(l -> l.startsWith("| messages processed/s, 64 in flight, 16 B | ")))
        .as("the goal row, judged").singleElement().asString().matches(".*\\| >= 0\\.8 \\| (met|NOT met) \\|");
    assertThat(text.lines().filter(l -> l.startsWith("| CPU per message processed ")))
        .singleElement().asString().doesNotContain("n/a");
    for (QueueTarget target : QueueSuite.TARGETS) {
      assertThat(text.lines().filter(l -> l.startsWith("| " + target.label() + " | ")))
          .as("the figures of %s", target.label())
          .singleElement().asString()
          .matches("\\| [^|]+( \\| [0-9][0-9.,]*){4} \\|");
    }
  }

  /** The figures' table has one row of {@code cell} for each available target of {@code kinds}, with figures. */
  private static void assertFigures(String text, String cell, List<EchoTarget.Kind> kinds) {
    for (EchoTarget.Kind kind : kinds) {
      if (kind.available()) {
        assertThat(text.lines().filter(l -> l.startsWith("| " + cell) && l.contains(" | " + kind.label() + " | ")))
            .as("%s, %s", cell, kind.label())
            .singleElement().asString().doesNotStartWith("| n/a").matches(l -> !l.contains("| n/a | n/a | n/a | n/a |"))
            .satisfies(l -> {
              String[] columns = l.split("\\|");     // "", cell, target, calls/s, p50, p99, CPU
              assertThat(columns[3].trim()).as("calls/s of %s, %s", cell, kind.label()).matches("[0-9][0-9,.]*( \\(.*\\))?");
              assertThat(columns[6].trim()).as("CPU of %s, %s", cell, kind.label()).matches("[0-9][0-9,.]*( \\(.*\\))?");
            });
      }
    }
  }

  @Test
  void quickSoapRoundWritesAReportWithEveryCellForEveryStackAndTheGoalsAgainstCxfAndMetro(@TempDir Path out)
      throws Exception {
    List<Path> reports = quietly(() -> BenchRunner.run(BenchRunner.Suite.SOAP, 1, true, out));

    assertThat(reports).containsExactly(out.resolve("courier-soap.md"));
    String text = Files.readString(reports.getFirst());
    assertThat(text)
        .contains("## Goals (issue 10): Courier / CXF, median of the per-pair ratios")
        .contains("| calls/s, echo string 16 B, 64 in flight |")
        .contains("| CPU per call, echo string 16 B, 64 in flight |")
        .contains("| p99 latency at half of CXF's peak (open loop, ")
        .contains("## Courier / CXF per cell", "## Courier / Metro per cell")
        .contains("| nproc | " + Runtime.getRuntime().availableProcessors())
        .contains("- CXF 4.2.3, ", "on Jetty 12.", "- Metro 4.0.3, ", "- Courier SOAP (");
    assertThat(text.lines().filter(l -> l.startsWith("| p99 latency at half of CXF's peak")
            && (l.endsWith("| <= 1 | met |") || l.endsWith("| <= 1 | NOT met |"))))
        .as("the p99 goal against CXF and against Metro, judged").hasSize(2);
    for (String cell : List.of("echo string, 16 B, 1 in flight", "echo string, 16 B, 64 in flight",
        "echo record, 4 KiB, 1 in flight", "echo record, 4 KiB, 64 in flight", "echo string, 16 B, open loop at ")) {
      for (SoapEchoTarget.Kind kind : SoapEchoTarget.Kind.values()) {
        assertThat(text.lines().filter(l -> l.startsWith("| " + cell) && l.contains(" | " + kind.label() + " | ")))
            .as("%s, %s", cell, kind.label())
            .singleElement().asString()
            .satisfies(l -> {
              String[] columns = l.split("\\|");     // "", cell, target, calls/s, p50, p99, CPU
              for (int c = 3; c <= 6; c++) {
                assertThat(columns[c].trim()).as("column %d of %s, %s", c, cell, kind.label())
                    .matches("[0-9][0-9,.]*");
              }
            });
      }
      String ratioRow = "\\| [^|]+( \\| [0-9][0-9.,]*){4} \\|";
      assertThat(text.lines().filter(l -> l.startsWith("| " + cell) && l.matches(ratioRow)))
          .as("the ratios of %s, against CXF and against Metro", cell).hasSize(2);
    }
  }
}
