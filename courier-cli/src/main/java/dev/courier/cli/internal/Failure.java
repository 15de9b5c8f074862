package dev.courier.cli.internal;

import java.io.Serial;

/**
 * A command's failure that the user can act on: a message that names the culprit and what was expected, and the
 * exit status that says which kind of failure it was.
 *
 * <pre>{@code
 * throw Failure.usage("operation Frob (expected one of: add, divide)");
 * }</pre>
 */
public final class Failure extends RuntimeException {
  @Serial
  private static final long serialVersionUID = 1L;

  /** Exit status: the command did what was asked. */
  public static final int OK = 0;
  /** Exit status: the service answered with a fault. */
  public static final int FAULT = 1;
  /** Exit status: the command line is wrong (an unknown option or operation, bad JSON, a missing file). */
  public static final int USAGE = 2;
  /** Exit status: the endpoint could not be reached, or the exchange with it broke. */
  public static final int UNREACHABLE = 3;
  /**
   * Exit status: what the command needs cannot be had here: metadata it cannot read or generate code for, a
   * directory it cannot write, no Java compiler.
   */
  public static final int CANNOT = 4;

  private final int exitCode;

  private Failure(int exitCode, String message, Throwable cause) {
    super(message, cause, false, false);
    this.exitCode = exitCode;
  }

  /** A usage error (exit status 2). */
  public static Failure usage(String message) {
    return new Failure(USAGE, message, null);
  }

  /** An endpoint that cannot be reached (exit status 3). */
  public static Failure unreachable(String message, Throwable cause) {
    return new Failure(UNREACHABLE, message, cause);
  }

  /** Something this machine or the metadata cannot give (exit status 4). */
  public static Failure cannot(String message, Throwable cause) {
    return new Failure(CANNOT, message, cause);
  }

  /** The exit status. */
  public int exitCode() {
    return exitCode;
  }
}
