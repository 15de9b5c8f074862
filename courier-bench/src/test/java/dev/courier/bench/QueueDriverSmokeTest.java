package dev.courier.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.bench.QueueDriver.QueueResult;
import dev.courier.bench.QueueDriver.QueueSpec;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Keeps the queue suite's harness working: every target through a broker of its own, briefly; no speed assertion. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueueDriverSmokeTest {
  private static final Duration WARMUP = Duration.ofMillis(50);
  private static final Duration MEASURED = Duration.ofMillis(300);

  @ParameterizedTest
  @EnumSource(QueueTarget.class)
  void aTargetSendsDurableMessagesThatTheBrokerConfirmsAndItsConsumersProcess(QueueTarget target) throws Exception {
    QueueResult r = QueueDriver.run(QueueSpec.of(target, 8, 16).withTiming(WARMUP, MEASURED));

    assertThat(r.processed()).isPositive();
    assertThat(r.confirmed()).isPositive();
    assertThat(r.processedPerSecond()).isPositive();
    assertThat(r.cpuSecondsPerMillion()).isPositive();
    assertThat(r.inFlightAtEnd()).as("sent and not yet processed, gated end to end").isBetween(0L, 8L);
    assertThat(r.journalType()).isIn("AIO", "NIO");
    assertThat(r.description()).startsWith(target.label() + " (");
  }

  @Test
  void aSpecSurvivesItsCommandLineAndAResultItsLine() {
    QueueSpec spec = QueueSpec.of(QueueTarget.JMS_PREFETCH, 32, 100).withTiming(Duration.ofMillis(1500),
        Duration.ofSeconds(7));
    assertThat(QueueSpec.parse(spec.args().toArray(String[]::new))).isEqualTo(spec);

    QueueResult result = new QueueResult(spec, "artemis-jms, prefetch (Artemis 2.56.0), etc.", "NIO", "ext4", 7_000,
        7_001, 7.0, 1000.5, 1000.25, 812.5, 32);
    assertThat(QueueResult.parse(spec, result.line())).isEqualTo(result);
  }

  @Test
  void aCommandLineWithAnUnknownArgumentOrTargetIsRefused() {
    assertThatThrownBy(() -> QueueSpec.parse(new String[] {"--target", "artemis-jms", "--inflight", "8"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--inflight");
    assertThatThrownBy(() -> QueueSpec.parse(new String[] {"--target", "msmq"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("courier-queue, artemis-jms");
  }

  @Test
  void theFullModeRunsASpecInAJvmOfItsOwnAndReadsItsResult() throws Exception {
    QueueSpec spec = QueueSpec.of(QueueTarget.COURIER, 8, 16).withTiming(Duration.ofMillis(100), Duration.ofMillis(200));

    QueueResult r = QueueSuite.fork(spec);

    assertThat(r.spec()).isEqualTo(spec);
    assertThat(r.processed()).isPositive();
    assertThat(r.description()).startsWith("courier-queue (");
  }
}
