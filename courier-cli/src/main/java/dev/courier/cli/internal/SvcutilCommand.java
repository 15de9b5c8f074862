package dev.courier.cli.internal;

import dev.courier.codegen.ClientGenerator;
import dev.courier.codegen.CollectionType;
import dev.courier.rpc.metadata.ServiceMetadata;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.lang.model.SourceVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code courier svcutil}: a client's Java sources from a service's metadata, as svcutil writes them. */
@Command(name = "svcutil", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = CourierCommand.Version.class,
    description = {"Generates a client from a service's metadata, as svcutil does for WCF: the contract interface, "
        + "a record or enum per data contract, the fault records, and a class that connects a client "
        + "(<Contract>Client.connect(binding, address)). Prints the files it writes.", ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  courier svcutil orders.wsdl --package com.example.orders --out src/main/java",
        "  courier svcutil http://localhost:8080/orders?wsdl --async",
        "  courier svcutil courier.tcp://localhost:8808/orders --tcv Version35 -o src",
        "  courier svcutil Orders.wsdl -p com.example.orders -n http://schemas.datacontract.org/2004/07/Orders="
            + "com.example.orders.data --message-contract",
        "  courier svcutil orders.wsdl -p com.example.orders --collection-type array",
        "",
        "Compile the sources with -parameters: Courier names a request's elements by the parameters' names."},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
        "0:the files were written",
        "2:a usage error: an unknown option, no such file, an option value that is not allowed",
        "3:the endpoint cannot be reached",
        "4:the metadata cannot be read or generated from, or the files cannot be written"})
public final class SvcutilCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<source>", description = "Where the metadata is: " + MetadataSource.EXPECTED
      + " (a plain http(s) address gets ?wsdl appended; courier.tcp:// uses metadata exchange).")
  String source;

  @Option(names = "--async", description = "Also the task-based shape, CompletableFuture<R> opAsync(args), and the "
      + "Begin/End pair, beginOp(args, callback, state) and endOp(result). svcutil: /async")
  boolean async;

  @Option(names = "--tcv", paramLabel = "Version35", description = "Target client version: Version35 adds the "
      + "event-based shape, void opAsync(args, userState) and onOpCompleted(listener). svcutil: /tcv:Version35")
  String targetClientVersion;

  @Option(names = "--event-based", description = "The same as --tcv Version35.")
  boolean eventBased;

  @Option(names = "--sync-only", description = "Only the synchronous shape, R op(args), whatever else is asked. "
      + "svcutil: /syncOnly")
  boolean syncOnly;

  @Option(names = {"-p", "--package"}, paramLabel = "PACKAGE", description = "The generated types' Java package. "
      + "Without it, the package is derived from the contract's namespace, as svcutil derives a namespace: "
      + "http://example.com/orders gives com.example.orders, urn:acme:orders gives acme.orders. svcutil: /namespace")
  String packageName;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS=PACKAGE", description = "The types and contracts of "
      + "one schema or WSDL namespace go in a Java package of their own; repeat it for several namespaces "
      + "(* for all the others, as --package). svcutil: /namespace:NS,Name")
  List<String> namespaces = List.of();

  @Option(names = {"--message-contract", "--mc"}, description = "Each operation takes its request and returns its "
      + "reply as a record of the message's parts (PlaceResponse place(PlaceRequest request)). svcutil: "
      + "/messageContract")
  boolean messageContract;

  @Option(names = {"--collection-type", "--ct"}, paramLabel = "list|array", description = "The Java form of a "
      + "repeated type (WCF's ArrayOfX): list, List<Line> (the default: a record's equals compares lists by their "
      + "items, arrays by reference), or array, Line[] (int[] where the items cannot be nil). svcutil: "
      + "/collectionType")
  String collectionType;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = ".", description = "The source root the "
      + "package's directories are made under (default: the current directory). svcutil: /directory")
  Path out;

  @Mixin
  TimeoutOption timeout;

  /** Picocli makes it. */
  public SvcutilCommand() {
  }

  @Override
  public Integer call() {
    boolean version35 = eventBased;
    if (targetClientVersion != null) {
      if (!targetClientVersion.equalsIgnoreCase("Version35")) {
        throw Failure.usage("--tcv " + targetClientVersion + " (expected: Version35, which adds the event-based shape)");
      }
      version35 = true;
    }
    CollectionType collections = CollectionType.LIST;
    if (collectionType != null) {
      collections = switch (collectionType.toLowerCase(java.util.Locale.ROOT)) {
        case "list" -> CollectionType.LIST;
        case "array" -> CollectionType.ARRAY;
        default -> throw Failure.usage("--collection-type " + collectionType + " (expected: list or array)");
      };
    }
    Map<String, String> packages = new LinkedHashMap<>();
    for (String mapping : namespaces) {
      int at = Math.max(mapping.lastIndexOf('='), mapping.lastIndexOf(','));
      if (at <= 0 || at == mapping.length() - 1) {
        throw Failure.usage("--namespace " + mapping + " (expected: NS=PACKAGE, such as "
            + "--namespace http://example.com/orders/data=com.example.orders.data)");
      }
      String namespace = mapping.substring(0, at);
      String pkg = mapping.substring(at + 1);
      if (!SourceVersion.isName(pkg)) {
        throw Failure.usage("--namespace " + mapping + ": " + pkg
            + " is no Java package name (expected one such as com.example.orders.data)");
      }
      if (packages.putIfAbsent(namespace, pkg) != null) {
        throw Failure.usage("--namespace " + mapping + ": the namespace " + namespace
            + " is mapped twice (expected: one package per namespace)");
      }
    }
    String wildcard = packages.remove("*");
    if (wildcard != null && packageName != null && !wildcard.equals(packageName)) {
      throw Failure.usage("--namespace *=" + wildcard + " and --package " + packageName
          + " name two packages for all namespaces (expected: one of them)");
    }
    String chosen = packageName != null ? packageName : wildcard;
    ClientGenerator.Builder builder;
    try {
      builder = chosen == null ? null : ClientGenerator.builder(chosen);
    } catch (IllegalArgumentException e) {
      throw Failure.usage("--package " + chosen + " (expected: a Java package name such as com.example.orders)");
    }
    MetadataSource from = MetadataSource.of(source);
    ServiceMetadata metadata;
    try (Bindings bindings = new Bindings()) {
      metadata = from.read(bindings, timeout.duration());
    }
    PrintWriter err = spec.commandLine().getErr();
    if (builder == null) {
      String namespace = metadata.contracts().isEmpty() ? metadata.targetNamespace()
          : metadata.contracts().getFirst().name().getNamespaceURI();
      String derived = PackageName.of(namespace).orElseThrow(() -> Failure.usage("the namespace " + namespace
          + " gives no Java package (expected: --package, such as --package com.example.orders)"));
      builder = ClientGenerator.builder(derived);
      err.println("package " + derived + " (from the namespace " + namespace + "; --package sets another)");
    }
    packages.forEach(builder::namespacePackage);
    List<Path> written;
    try {
      written = builder.async(async).eventBased(version35).syncOnly(syncOnly).messageContract(messageContract)
          .collectionType(collections).build().writeTo(metadata, out);
    } catch (IllegalArgumentException e) {
      throw Failure.cannot("cannot generate a client from " + source + ": " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw Failure.cannot(e.getMessage(), e);
    }
    PrintWriter o = spec.commandLine().getOut();
    written.forEach(o::println);
    return Failure.OK;
  }
}
