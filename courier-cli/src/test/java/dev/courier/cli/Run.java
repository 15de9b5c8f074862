package dev.courier.cli;

import dev.courier.cli.internal.CourierCommand;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * One run of the command line in the test JVM, its output and errors captured.
 *
 * @param status the exit status
 * @param out what it wrote to standard output
 * @param err what it wrote to standard error
 */
record Run(int status, String out, String err) {
  /** Runs {@code courier args}. */
  static Run courier(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = CourierCommand.execute(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(status, out.toString(), err.toString());
  }
}
