package dev.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line as a user runs it: the launcher script {@code ./courier}, which finds a JDK 25 and runs the
 * built jar, started as a process against a {@link Shop} served over Courier TCP and SOAP in this JVM.
 */
class CourierIT {
  @RegisterExtension static final ShopHosts hosts = new ShopHosts();
  @TempDir Path dir;
  final Map<String, String> environment = new HashMap<>();

  /** {@code ./courier args}, run in {@link #dir}, with {@code stdin} on its standard input. */
  private Run courierWithInput(String stdin, String... args) throws IOException, InterruptedException {
    Path launcher = Path.of(System.getProperty("courier.launcher", "../courier")).toAbsolutePath().normalize();
    List<String> command = new ArrayList<>(List.of("bash", launcher.toString()));
    command.addAll(List.of(args));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Path in = Files.writeString(dir.resolve("in.txt"), stdin);
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectInput(in.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    // the JDK 25 that runs the tests first on PATH, wherever the build found it; the launcher passes over a
    // JAVA_HOME older than 25
    builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator
        + System.getenv("PATH"));
    builder.environment().putAll(environment);
    Process p = builder.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("courier " + String.join(" ", args) + " did not end within 60 s");
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private Run courier(String... args) throws IOException, InterruptedException {
    return courierWithInput("", args);
  }

  @Test
  void describeReadsTheContractOfACourierTcpEndpoint() throws Exception {
    Run run = courier("describe", hosts.tcpAddress());

    assertThat(run.err()).isEmpty();
    assertThat(run.status()).isZero();
    assertThat(run.out()).contains(
        "contract Shop\n",
        "  request/reply  GetOrder(id: string) -> Order\n                   faults: NoSuchOrder\n",
        "  one-way        forget(id: string)\n",
        "  " + hosts.tcpAddress() + "  Shop  Courier courier.tcp  CourierTcpBinding_Shop\n");
  }

  @Test
  void describeReadsTheContractOfASoapEndpointFromItsWsdl() throws Exception {
    Run run = courier("describe", hosts.soapAddress() + "?wsdl");

    assertThat(run.status()).isZero();
    assertThat(run.out()).contains("  request/reply  place(order: Order) -> Order\n",
        "  Order        { id: string, speed: Speed, lines: Line[], stock: map<string, int>, label: base64Binary, "
            + "grade: unsignedShort }\n",
        "SOAP 1.1");
    assertThat(run.out().lines()).anySatisfy(l -> assertThat(l).startsWith("  " + hosts.soapAddress() + " ")
        .endsWith("  Shop  SOAP 1.1             BasicHttpBinding_Shop"));
  }

  @Test
  void callSendsARecordAsJsonOverTcpAndPrintsTheRecordItGetsBack() throws Exception {
    Run run = courier("call", hosts.tcpAddress(), "place", "--json", """
        {"order": {"id": "o-7", "speed": "SLOW", "lines": [{"sku": "a", "quantity": 3, "note": "gift"}],
                   "stock": {"a": 5}, "label": "AQID", "grade": "B"}}""");

    assertThat(run.err()).isEmpty();
    assertThat(run.status()).isZero();
    assertThat(run.out().replaceAll("\\s+", "")).isEqualTo("""
        {"id":"o-7-placed","speed":"SLOW","lines":[{"sku":"a","quantity":3,"note":"gift"}],"stock":{"a":5},\
        "label":"AQID","grade":"B"}""");
  }

  @Test
  void callReadsItsArgumentsFromStandardInputOverSoap() throws Exception {
    Run run = courierWithInput("{\"speed\": \"FAST\", \"atLeast\": 5}", "call", hosts.soapAddress(), "count", "-");

    assertThat(run.err()).isEmpty();
    assertThat(run.status()).isZero();
    assertThat(run.out()).isEqualTo("105\n");
  }

  @Test
  void aDeclaredFaultIsPrintedWithItsDetailAndExitsWith1() throws Exception {
    Run run = courier("call", hosts.soapAddress(), "GetOrder", "--json", "{\"id\": \"o-9\"}");

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("fault Sender: no order o-9\ndetail NoSuchOrder:\n");
    assertThat(run.err().replaceAll("\\s+", "")).endsWith("{\"id\":\"o-9\",\"tried\":3}");
  }

  @Test
  void aOneWayCallPrintsNothingAndReachesTheService() throws Exception {
    Run run = courier("call", hosts.tcpAddress(), "forget", "-j", "{\"id\": \"o-3\"}");

    assertThat(run.status()).isZero();
    assertThat(run.out()).isEmpty();
    assertThat(hosts.forgotten.poll(10, TimeUnit.SECONDS)).isEqualTo("o-3");
  }

  @Test
  void anUnknownOperationIsNamedWithTheKnownOnesAndExitsWith2() throws Exception {
    Run run = courier("call", hosts.tcpAddress(), "cancel", "--json", "{}");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("unknown operation cancel at " + hosts.tcpAddress()
        + " (expected one of: GetOrder, count, forget, place, reserve)");
  }

  @Test
  void anUnreachableHostIsNamedAndExitsWith3() throws Exception {
    Run run = courier("call", "courier.tcp://127.0.0.1:1/shop", "place", "--json", "{}");

    assertThat(run.status()).isEqualTo(3);
    assertThat(run.err()).contains("cannot reach courier.tcp://127.0.0.1:1/shop", "Connection refused");
  }

  /** A JDK home whose {@code java -version} says {@code version} and whose {@code java} prints its arguments. */
  private Path fakeJdk(String version) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("jdk-" + version + "/bin"));
    for (String tool : List.of("java", "javac")) {
      Path script = Files.writeString(bin.resolve(tool), """
          #!/bin/sh
          if [ "$1" = "-version" ]; then echo 'openjdk version "%s" 2026-01-20' >&2; exit 0; fi
          echo "fake java: $*"
          """.formatted(version));
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return bin.getParent();
  }

  @Test
  void theLauncherRunsTheJarOnTheJavaHomeWhenItIs25OrNewer() throws Exception {
    environment.put("JAVA_HOME", fakeJdk("26.0.1").toString());

    Run run = courier("describe", "shop.wsdl");

    assertThat(run.out()).startsWith("fake java: ").contains("-jar ", "courier.jar describe shop.wsdl");
  }

  @Test
  void theLauncherPassesOverAJavaHomeOlderThan25() throws Exception {
    environment.put("JAVA_HOME", fakeJdk("17.0.2").toString());

    Run run = courier("--version");

    assertThat(run.status()).isZero();
    assertThat(run.out()).startsWith("courier ").contains(", Java " + Runtime.version().feature());
  }

  @Test
  void theLauncherSaysHowToBuildTheJarWhenItIsMissing() throws Exception {
    Path launcher = Path.of(System.getProperty("courier.launcher", "../courier"));
    Path elsewhere = Files.copy(launcher, dir.resolve("courier"));

    Process p = new ProcessBuilder("bash", elsewhere.toString(), "--help").redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(4);
    assertThat(output).contains(dir.resolve("courier-cli/target/courier.jar") + " is not built yet",
        "mvn -q -pl courier-cli -am package -DskipTests");
  }

  @Test
  void svcutilWritesTheClientsSourcesFromALiveWsdl() throws Exception {
    Run run = courier("svcutil", hosts.soapAddress() + "?wsdl", "--async", "--out", "src");

    assertThat(run.status()).isZero();
    assertThat(run.err()).contains("package com.example.shop (from the namespace http://example.com/shop");
    Path pkg = dir.resolve("src/com/example/shop");
    assertThat(run.out().lines().map(l -> dir.resolve(l).normalize()).toList())
        .contains(pkg.resolve("Shop.java"), pkg.resolve("ShopClient.java"), pkg.resolve("Order.java"));
    assertThat(Files.readString(pkg.resolve("Shop.java")))
        .contains("CompletableFuture<Order> placeAsync(Order order);", "AsyncResult beginGetOrder(String id");
  }
}
