package dev.courier.cli.internal;

import java.time.Duration;
import picocli.CommandLine.Option;

/** The {@code --timeout} option of the commands that reach an endpoint. */
public final class TimeoutOption {
  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
      description = "How long to wait for the endpoint's metadata and answers (default: ${DEFAULT-VALUE} seconds).")
  int seconds;

  /** Picocli makes it. */
  public TimeoutOption() {
  }

  /**
   * The timeout.
   *
   * @throws Failure a usage error when it is not positive
   */
  public Duration duration() {
    if (seconds <= 0) {
      throw Failure.usage("--timeout " + seconds + " (expected: a number of seconds above 0)");
    }
    return Duration.ofSeconds(seconds);
  }
}
