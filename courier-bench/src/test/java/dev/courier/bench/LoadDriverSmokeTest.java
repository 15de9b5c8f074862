package dev.courier.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.bench.EchoTarget.Kind;
import dev.courier.bench.LoadDriver.LoadResult;
import dev.courier.bench.LoadDriver.LoadSpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Keeps the load harness working: every available target under every load, briefly; no speed assertion. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoadDriverSmokeTest {
  private static final Duration WARMUP = Duration.ofMillis(50);
  private static final Duration MEASURED = Duration.ofMillis(150);

  static List<Kind> availableTargets() {
    return Arrays.stream(Kind.values()).filter(Kind::available).toList();
  }

  @ParameterizedTest
  @MethodSource("availableTargets")
  void aTargetEchoesTheBytesItIsSentAndDeliversOneWayMessages(Kind kind) throws Exception {
    CountDownLatch delivered = new CountDownLatch(2);
    try (EchoTarget target = kind.open(new EchoTarget.Options(1, true, delivered::countDown))) {
      byte[] payload = {1, 2, 3, 4, 5};
      assertThat(target.call(payload).get(5, TimeUnit.SECONDS)).containsExactly(1, 2, 3, 4, 5);
      byte[] page = new byte[4096];
      for (int i = 0; i < page.length; i++) {
        page[i] = (byte) (i * 31 + 7);             // a pattern: a target cannot answer with fresh zeros
      }
      assertThat(target.call(page).get(5, TimeUnit.SECONDS)).hasSize(4096).containsExactly(page);
      target.oneWay(payload);
      target.oneWay(payload);
      assertThat(delivered.await(5, TimeUnit.SECONDS)).as("both one-way messages delivered").isTrue();
      assertThat(target.description()).startsWith(kind.label());
    }
  }

  @ParameterizedTest
  @EnumSource(value = Kind.class, names = {"COURIER", "COURIER_DEFAULTS", "GRPC_DEFAULTS", "COURIER_HOSTS"})
  void aClosedLoopOverSeveralConnectionsSpreadsItsCallsAndMeasuresThem(Kind kind) throws Exception {
    LoadResult r = LoadDriver.run(LoadSpec.unary(kind, 16, 16).withConnections(3).withTiming(WARMUP, MEASURED));

    assertThat(r.calls()).isPositive();
    assertThat(r.description()).contains("3 ");
  }

  @ParameterizedTest
  @MethodSource("availableTargets")
  void aClosedLoopMeasuresCallsLatencyAndCpu(Kind kind) throws Exception {
    LoadResult r = LoadDriver.run(LoadSpec.unary(kind, 8, 16).withTiming(WARMUP, MEASURED));

    assertThat(r.calls()).isPositive();
    assertThat(r.callsPerSecond()).isPositive();
    assertThat(r.p50Micros()).isPositive().isLessThanOrEqualTo(r.p99Micros());
    assertThat(r.cpuSecondsPerMillion()).isPositive();
  }

  @ParameterizedTest
  @MethodSource("availableTargets")
  void aOneWayRunCountsTheServicesDeliveriesAndHasNoLatency(Kind kind) throws Exception {
    LoadResult r = LoadDriver.run(LoadSpec.oneWay(kind, 64, 16).withTiming(WARMUP, MEASURED));

    assertThat(r.calls()).isPositive();
    assertThat(r.p50Micros()).isNaN();
    assertThat(r.p99Micros()).isNaN();
  }

  @ParameterizedTest
  @MethodSource("availableTargets")
  void anOpenLoopRunNeverRunsAheadOfItsRate(Kind kind) throws Exception {
    double rate = 2_000;
    long before = System.nanoTime();
    LoadResult r = LoadDriver.run(LoadSpec.openLoop(kind, rate, 16).withTiming(WARMUP, Duration.ofMillis(300)));
    double runSeconds = (System.nanoTime() - before) / 1e9;

    // The pacer issues the calls due since it started, in bursts every 200 µs (at most one call a burst at this
    // rate); it started after the warm-up and stopped before the run returned, and every call completed in the
    // measured 0.3 s was issued by then. A loaded machine may fall behind the rate (fewer calls), but no machine
    // may run ahead of it. Whether it keeps up with the rate depends on the machine's speed: not asserted.
    double pacerSeconds = runSeconds - WARMUP.toNanos() / 1e9;
    assertThat(r.calls()).as("calls completed in a run whose pacer ran at most %.3f s", pacerSeconds)
        .isPositive().isLessThanOrEqualTo((long) (rate * pacerSeconds) + 1);
    assertThat(r.seconds()).as("the measured duration").isGreaterThanOrEqualTo(0.3);
    assertThat(r.p99Micros()).isPositive();
  }

  @Test
  void aRunMakesNoMoreCallsThanItsCallLimitThoughItsDurationWouldAllowMore() throws Exception {
    // The loop stops issuing at 20 calls; the run still measures its whole 2 s duration, in which a loop
    // without a limit makes thousands.
    LoadResult r = LoadDriver.run(LoadSpec.unary(Kind.RAW, 4, 16).withTiming(Duration.ZERO, Duration.ofSeconds(2))
        .withMaxCalls(20));

    // with no warm-up every call is measured: all 20, and not one more
    assertThat(r.calls()).isEqualTo(20L);
    assertThat(r.seconds()).as("the measured duration").isGreaterThanOrEqualTo(2.0);
  }

  @Test
  void aSpecSurvivesItsCommandLineAndAResultItsLine() {
    LoadSpec spec = LoadSpec.openLoop(Kind.GRPC, 12_345.5, 4096).withTiming(Duration.ofMillis(1500), Duration.ofSeconds(7))
        .withEventLoops(2, false).withMaxCalls(1_000_000).withConnections(3);
    assertThat(LoadSpec.parse(spec.args().toArray(String[]::new))).isEqualTo(spec);

    LoadResult result = new LoadResult(spec, "grpc-java 1.85.1 (NIO), etc.", 86_420, 7.0, 12_345.714, 250.5, 1999.0,
        21.25);
    assertThat(LoadResult.parse(spec, result.line())).isEqualTo(result);
  }

  @Test
  void aCommandLineWithAnUnknownArgumentIsRefused() {
    assertThatThrownBy(() -> LoadSpec.parse(new String[] {"--target", "raw", "--inflight", "8"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--inflight");
    assertThatThrownBy(() -> LoadSpec.parse(new String[] {"--target", "carrier-pigeon"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("courier, grpc or raw");
  }

  @Test
  void theFullModeRunsASpecInAJvmOfItsOwnAndReadsItsResult() throws Exception {
    LoadSpec spec = LoadSpec.unary(Kind.RAW, 4, 16).withTiming(Duration.ofMillis(100), Duration.ofMillis(200));

    LoadResult r = LoadSuite.fork(spec);

    assertThat(r.spec()).isEqualTo(spec);
    assertThat(r.calls()).isPositive();
    assertThat(r.description()).startsWith("raw Netty 4.2");
  }
}
