package dev.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Parsing the command line and refusing what it cannot do, in the test JVM, before any endpoint is reached. */
class CourierCommandTest {
  /** A port nothing listens at: a command that got as far as reaching it would exit with 3. */
  static final String NOBODY = "courier.tcp://127.0.0.1:1/shop";

  @Test
  void theHelpListsTheCommandsAndTheExitStatuses() {
    Run run = Run.courier("--help");

    assertThat(run.status()).isZero();
    assertThat(run.out()).contains("svcutil", "describe", "call", "Exit status:",
        "1   the service answered with a fault", "2   a usage error", "3   the endpoint cannot be reached");
  }

  @Test
  void svcutilsHelpNamesEachOptionsSvcutilCounterpart() {
    Run run = Run.courier("svcutil", "--help");

    assertThat(run.status()).isZero();
    assertThat(run.out().replaceAll("\\s+", " ")).contains("--async", "svcutil: /async", "--tcv=Version35", "svcutil: /tcv:Version35",
        "--event-based", "--sync-only", "svcutil: /syncOnly", "--package", "com.example.orders", "--out");
  }

  @Test
  void courierWithoutACommandPrintsItsUsageAndExitsWith2() {
    Run run = Run.courier();

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("a command is required (expected: svcutil, describe or call)", "Usage: courier");
  }

  @Test
  void anUnknownOptionIsNamedAndExitsWith2() {
    Run run = Run.courier("describe", "--verbose", "shop.wsdl");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("Unknown option: '--verbose'");
  }

  @Test
  void aSourceThatIsNoFileIsNamedWithWhatASourceMayBe() {
    Run run = Run.courier("describe", "no-such.wsdl");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("courier describe: source no-such.wsdl: no such file (expected: a WSDL file, "
        + "an http(s):// address");
  }

  @Test
  void anAddressOfASchemeTheCommandLineDoesNotReachIsRefused() {
    Run run = Run.courier("describe", "inproc://shop");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("source inproc://shop (expected: a WSDL file", "courier.tcp:// address)");
  }

  @Test
  void svcutilRefusesATargetClientVersionOtherThanVersion35() {
    Run run = Run.courier("svcutil", NOBODY, "--tcv", "Version30");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("--tcv Version30 (expected: Version35");
  }

  @Test
  void svcutilRefusesAPackageThatIsNoJavaName() {
    Run run = Run.courier("svcutil", NOBODY, "--package", "com.example.2026");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("--package com.example.2026 (expected: a Java package name");
  }

  @Test
  void callRefusesArgumentsThatAreNoJsonBeforeReachingTheEndpoint() {
    Run run = Run.courier("call", NOBODY, "place", "--json", "{\"order\": ");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("courier call: --json {\"order\":  is no JSON: ", "(line 1, column");
  }

  @Test
  void callRefusesArgumentsThatAreNoObject() {
    Run run = Run.courier("call", NOBODY, "count", "--json", "[1, 2]");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("--json [1, 2] (expected: a JSON object of the parameters");
  }

  @Test
  void callRefusesArgumentsGivenTwice() {
    Run run = Run.courier("call", NOBODY, "count", "--json", "{}", "-");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("both --json and - name the arguments (expected: one of them)");
  }

  @Test
  void callNeedsALiveEndpointRatherThanAFile() {
    Run run = Run.courier("call", "shop.wsdl", "count");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("address shop.wsdl (expected: a live endpoint, courier.tcp://, http:// or https://)");
  }

  @Test
  void aSoapHostThatDoesNotAnswerIsNamedAndExitsWith3() {
    Run run = Run.courier("describe", "http://127.0.0.1:1/shop");

    assertThat(run.status()).isEqualTo(3);
    assertThat(run.err()).contains("courier describe: cannot reach http://127.0.0.1:1/shop?wsdl: cannot connect to "
        + "127.0.0.1:1 (refused, or nothing listens there)");
  }

  @Test
  void aHostThatDoesNotAnswerIsNamedAndExitsWith3() {
    Run run = Run.courier("describe", NOBODY);

    assertThat(run.status()).isEqualTo(3);
    assertThat(run.err()).contains("courier describe: cannot reach " + NOBODY + ": ", "Connection refused");
  }
}
