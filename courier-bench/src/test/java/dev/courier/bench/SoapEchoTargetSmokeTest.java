package dev.courier.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.bench.LoadDriver.LoadResult;
import dev.courier.bench.LoadDriver.LoadSpec;
import dev.courier.bench.LoadDriver.Message;
import dev.courier.bench.SoapEchoTarget.Kind;
import dev.courier.bench.SoapEchoTarget.Parcel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Keeps the SOAP suite's targets working: each stack echoes what it is sent, also under load; no speed assertion. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SoapEchoTargetSmokeTest {
  private static final Duration WARMUP = Duration.ofMillis(50);
  private static final Duration MEASURED = Duration.ofMillis(150);

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aStackEchoesTheStringAndEveryFieldOfTheRecordItIsSent(Kind kind) throws Exception {
    try (SoapEchoTarget target = kind.open(new SoapEchoTarget.Options(1))) {
      assertThat(target.echo("0123456789abcdef").get(10, TimeUnit.SECONDS)).isEqualTo("0123456789abcdef");
      Parcel parcel = Parcel.of(4096);
      Parcel reply = target.echo(parcel).get(10, TimeUnit.SECONDS);
      assertThat(reply).isEqualTo(parcel).isNotSameAs(parcel);
      assertThat(reply.tags()).hasSize(Parcel.TAGS);
      assertThat(reply.body()).hasSize(4096 - Parcel.OVERHEAD);
      assertThat(target.description()).startsWith(kind.label());
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aClosedLoopOfRecordsMeasuresCallsLatencyAndCpu(Kind kind) throws Exception {
    LoadResult r = LoadDriver.run(
        LoadSpec.unary(kind, 8, 4096).withMessage(Message.RECORD).withTiming(WARMUP, MEASURED));

    assertThat(r.calls()).isPositive();
    assertThat(r.p50Micros()).isPositive().isLessThanOrEqualTo(r.p99Micros());
    assertThat(r.cpuSecondsPerMillion()).isPositive();
  }

  @Test
  void aSoapSpecSurvivesItsCommandLineAndTakesAStringByDefault() {
    LoadSpec spec = LoadSpec.openLoop(Kind.METRO, 1_234, 16).withMessage(Message.RECORD)
        .withTiming(Duration.ofMillis(700), Duration.ofSeconds(2));
    assertThat(LoadSpec.parse(spec.args().toArray(String[]::new))).isEqualTo(spec);
    assertThat(LoadSpec.parse(new String[] {"--target", "cxf"}).message()).isEqualTo(Message.TEXT);
  }

  @Test
  void aSoapStackRefusesBytesAndOneWayMessages() {
    assertThatThrownBy(() -> LoadSpec.unary(Kind.CXF, 8, 16).withMessage(Message.BYTES))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CXF cannot run unary loads of bytes");
    assertThatThrownBy(() -> LoadSpec.oneWay(Kind.COURIER, 8, 16))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unary only");
    assertThatThrownBy(() -> LoadSpec.unary(EchoTarget.Kind.RAW, 8, 16).withMessage(Message.TEXT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("raw Netty cannot run unary loads of text");
  }

  @Test
  void theFullModeRunsAMetroSpecInAJvmOfItsOwnWithMetrosSystemProperties() throws Exception {
    LoadSpec spec = LoadSpec.unary(Kind.METRO, 4, 16).withMessage(Message.TEXT)
        .withTiming(Duration.ofMillis(100), Duration.ofMillis(200));

    LoadResult r = LoadSuite.fork(spec);

    assertThat(r.calls()).isPositive();
    assertThat(r.description()).startsWith("Metro 4.0.3").contains("http.maxConnections " + MetroEchoTarget.KEEP_ALIVE);
    assertThat(Kind.METRO.jvmArgs()).contains("-Djakarta.xml.ws.spi.Provider=com.sun.xml.ws.spi.ProviderImpl",
        "-Dsun.net.httpserver.nodelay=true");
    assertThat(List.of(Kind.values())).extracting(Kind::id).containsExactly("courier-soap", "cxf", "metro");
  }
}
