package dev.courier.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
}
