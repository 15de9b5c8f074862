package dev.courier.cli.internal;

import dev.courier.rpc.metadata.ServiceMetadata;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code courier describe}: a service's contracts, types and endpoints, as a person reads them. */
@Command(name = "describe", mixinStandardHelpOptions = true, versionProvider = CourierCommand.Version.class,
    description = {"Prints a service's contracts as a person reads them: each operation's message exchange pattern "
        + "(request/reply, one-way, a duplex callback), its parameters with their types, its result and declared "
        + "faults; then the data types; then the endpoints, with their bindings and addresses.",
        "",
        "Types are schema names (string, int, base64Binary, ...; a record or enum by its name), lists are T[], "
        + "maps map<K, V>; name?: T is an element that may be left out.", ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  courier describe courier.tcp://localhost:8808/orders",
        "  courier describe http://localhost:8080/orders",
        "  courier describe orders.wsdl"},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
        "0:the service was described",
        "2:a usage error: an unknown option, no such file",
        "3:the endpoint cannot be reached",
        "4:the metadata cannot be read"})
public final class DescribeCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<address|file>", description = "Where the metadata is: "
      + MetadataSource.EXPECTED + ".")
  String source;

  @Mixin
  TimeoutOption timeout;

  /** Picocli makes it. */
  public DescribeCommand() {
  }

  @Override
  public Integer call() {
    MetadataSource from = MetadataSource.of(source);
    ServiceMetadata metadata;
    try (Bindings bindings = new Bindings()) {
      metadata = from.read(bindings, timeout.duration());
    }
    spec.commandLine().getOut().print(ContractText.of(metadata));
    return Failure.OK;
  }
}
