package dev.courier.cli;

import dev.courier.cli.internal.CourierCommand;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The {@code courier} command line: {@code svcutil}, {@code describe} and {@code call}.
 *
 * <pre>
 * ./courier describe courier.tcp://localhost:8808/orders
 * java -jar courier-cli/target/courier.jar call http://localhost:8080/orders GetOrder --json '{"id": "o-1"}'
 * </pre>
 *
 * <p>Exit status: 0 success, 1 a fault from the service, 2 a usage error, 3 an endpoint that cannot be reached,
 * 4 metadata or a machine that cannot give what the command needs.
 */
public final class Courier {
  private Courier() {
  }

  /** Runs the command {@code args} names and exits with its status. */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(CourierCommand.execute(out, err, args));
  }
}
