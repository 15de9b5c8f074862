package dev.courier.cli.internal;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code courier} command and its subcommands, with the exit statuses of {@link Failure}.
 *
 * <pre>{@code
 * int status = CourierCommand.execute(out, err, "describe", "courier.tcp://localhost:8808/orders");
 * }</pre>
 */
@Command(name = "courier", mixinStandardHelpOptions = true, versionProvider = CourierCommand.Version.class,
    subcommands = {SvcutilCommand.class, DescribeCommand.class, CallCommand.class, CommandLine.HelpCommand.class},
    description = {"Courier's command line: generate a client from a service's metadata, read a contract, call an "
        + "operation.", ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  courier describe courier.tcp://localhost:8808/shop",
        "  courier svcutil http://localhost:8080/shop?wsdl --async --out src/main/java",
        "  courier call courier.tcp://localhost:8808/shop GetOrder --json '{\"id\": \"o-1\"}'",
        "",
        "Run 'courier help <command>' for a command's options."},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
        "0:success",
        "1:the service answered with a fault (call)",
        "2:a usage error: an unknown option, operation or file, bad JSON",
        "3:the endpoint cannot be reached, or the exchange with it broke",
        "4:the metadata cannot be read or generated from, a file cannot be written, or no JDK compiler"})
public final class CourierCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  /** Picocli makes it. */
  public CourierCommand() {
  }

  /** {@code courier} alone: its usage, and a usage error. */
  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "a command is required (expected: svcutil, describe or call)");
  }

  /** The command line, writing to {@code out} and {@code err}, with Courier's exit statuses. */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine line = new CommandLine(new CourierCommand());
    line.setOut(out);
    line.setErr(err);
    line.setCaseInsensitiveEnumValuesAllowed(true);
    line.setExecutionExceptionHandler((e, failed, parsed) -> {
      String name = failed.getCommandSpec().qualifiedName();
      if (e instanceof Failure f) {
        failed.getErr().println(name + ": " + f.getMessage());
        if (f.exitCode() == Failure.USAGE) {
          failed.getErr().println("Run '" + name + " --help' for its usage.");
        }
        failed.getErr().flush();
        return f.exitCode();
      }
      failed.getErr().println(name + ": unexpected failure: " + e);
      e.printStackTrace(failed.getErr());
      failed.getErr().flush();
      return Failure.CANNOT;
    });
    return line;
  }

  /** Runs {@code args} and returns the exit status. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    try {
      return commandLine(out, err).execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** The version: the jar's, or {@code development} when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = CourierCommand.class.getPackage().getImplementationVersion();
      return new String[] {"courier " + (v == null ? "(development)" : v) + ", Java " + Runtime.version()};
    }
  }
}
