package dev.courier.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keeps the benchmark harness working: one quick round, no speed assertion. */
class BenchRunnerSmokeTest {

  @Test
  void quickRoundWritesAReportWithEveryComparison(@TempDir Path out) throws Exception {
    Path report = BenchRunner.run(1, true, out);

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
    List<Path> reports = BenchRunner.run(BenchRunner.Suite.RPC, 1, true, out);

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
}
