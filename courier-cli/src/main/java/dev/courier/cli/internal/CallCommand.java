package dev.courier.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.courier.codegen.ClientGenerator;
import dev.courier.codegen.GeneratedSource;
import dev.courier.rpc.CallTimeoutException;
import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.CommunicationException;
import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.FaultException;
import dev.courier.rpc.OperationShape;
import dev.courier.rpc.metadata.ContractMetadata;
import dev.courier.rpc.metadata.EndpointMetadata;
import dev.courier.rpc.metadata.OperationMetadata;
import dev.courier.rpc.metadata.SchemaElement;
import dev.courier.rpc.metadata.ServiceMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code courier call}: one operation of a live endpoint, from its metadata alone, with JSON arguments and result.
 * The metadata is fetched, a synchronous client generated and compiled in memory, and the operation called on it.
 */
@Command(name = "call", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = CourierCommand.Version.class,
    description = {"Calls one operation of a live endpoint, knowing nothing but its metadata, as grpcurl does: the "
        + "arguments are a JSON object whose keys are the parameters' names (as 'courier describe' shows them), "
        + "and the result is printed as JSON. Records are JSON objects, enums their constants' names, lists arrays, "
        + "maps objects, base64Binary a base64 string, an element that may be left out (name?) null or absent.",
        "",
        "A fault is printed to standard error with its code, reason and detail (as JSON); a one-way operation "
        + "prints nothing once it is sent.", ""},
    footerHeading = "%nExamples:%n",
    footer = {
        "  courier call courier.tcp://localhost:8808/shop GetOrder --json '{\"id\": \"o-1\"}'",
        "  echo '{\"a\": 1, \"b\": 2}' | courier call http://localhost:8080/calc add -",
        "  courier call http://localhost:8080/shop forget -j '{\"id\": \"o-1\"}'"},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
        "0:the call returned (its result is on standard output) or, one-way, was sent",
        "1:the service answered with a fault (on standard error)",
        "2:a usage error: an unknown operation or parameter, bad JSON, a value of the wrong type",
        "3:the endpoint cannot be reached, the exchange broke, or no answer came within --timeout",
        "4:the metadata cannot be read or generated from, or there is no JDK compiler"})
public final class CallCommand implements Callable<Integer> {
  /** The package the client is generated in. */
  static final String PACKAGE = "courier.call";

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<address>", description = "The endpoint: courier.tcp://host:port/path, or "
      + "http(s)://host:port/path of a SOAP endpoint (its ?wsdl is read).")
  String address;

  @Parameters(index = "1", paramLabel = "<operation>", description = "The operation's name, as 'courier describe' "
      + "shows it (or Contract.operation when several contracts have one of that name).")
  String operation;

  @Parameters(index = "2", arity = "0..1", paramLabel = "-", description = "Read the JSON arguments from standard "
      + "input.")
  String stdin;

  @Option(names = {"-j", "--json"}, paramLabel = "JSON", description = "The arguments: a JSON object of the "
      + "parameters, such as {\"id\": \"o-1\"} (default: {}, for an operation without parameters).")
  String json;

  @Mixin
  TimeoutOption timeout;

  /** Picocli makes it. */
  public CallCommand() {
  }

  @Override
  public Integer call() {
    JsonNode arguments = arguments();
    Duration wait = timeout.duration();
    MetadataSource source = MetadataSource.of(address);
    if (!source.live()) {
      throw Failure.usage("address " + address + " (expected: a live endpoint, " + Bindings.SCHEMES + ")");
    }
    try (Bindings bindings = new Bindings()) {
      ServiceMetadata metadata = source.read(bindings, wait);
      Target target = target(metadata);
      List<JsonNode> values = values(metadata, target, arguments);
      String endpoint = source.endpoint();
      Method method = compile(metadata, target);
      Object[] args = javaValues(method, target.op, values);
      EndpointMetadata.Protocol protocol = protocol(metadata, target.contract, endpoint);
      Object client = connect(method.getDeclaringClass(), bindings, endpoint, protocol, wait);
      try {
        return invoke(client, method, args, endpoint, wait);
      } finally {
        closeQuietly(client);
      }
    }
  }

  /** The contract and operation the user named. */
  private record Target(ContractMetadata contract, OperationMetadata op) {}

  private JsonNode arguments() {
    if (stdin != null && !stdin.equals("-")) {
      throw Failure.usage("unexpected argument " + stdin + " (expected: - to read the JSON arguments from standard "
          + "input, or --json '{...}')");
    }
    if (stdin != null && json != null) {
      throw Failure.usage("both --json and - name the arguments (expected: one of them)");
    }
    String text = json;
    String what = "--json " + json;
    if (stdin != null) {
      what = "standard input";
      try {
        InputStream in = System.in;
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw Failure.usage("reading the JSON arguments from standard input failed: " + e);
      }
    }
    if (text == null || text.isBlank()) {
      text = "{}";
    }
    JsonNode node = Json.parse(text, what);
    if (!node.isObject()) {
      throw Failure.usage(what + " (expected: a JSON object of the parameters, such as {\"id\": \"o-1\"})");
    }
    return node;
  }

  private Target target(ServiceMetadata metadata) {
    List<Target> found = new ArrayList<>();
    List<String> known = new ArrayList<>();
    boolean several = metadata.contracts().size() > 1;
    for (ContractMetadata c : metadata.contracts()) {
      for (OperationMetadata op : c.operations()) {
        String qualified = c.name().getLocalPart() + "." + op.name();
        known.add(several ? qualified : op.name());
        if (operation.equals(op.name()) || operation.equals(qualified)) {
          found.add(new Target(c, op));
        }
      }
    }
    if (found.isEmpty()) {
      throw Failure.usage("unknown operation " + operation + " at " + address + " (expected one of: "
          + String.join(", ", known) + ")");
    }
    if (found.size() > 1) {
      throw Failure.usage("operation " + operation + " is in several contracts (expected one of: " + found.stream()
          .map(t -> t.contract.name().getLocalPart() + "." + t.op.name()).toList() + ")");
    }
    Target t = found.getFirst();
    if (t.op.pattern().isCallback()) {
      throw Failure.usage("operation " + operation + " is a callback, which the service calls on its clients "
          + "(expected: an operation the client calls)");
    }
    return t;
  }

  /**
   * The arguments in the operation's parameter order ({@code null} for one left out), checked against its
   * metadata: every key a parameter, every parameter that may not be left out there.
   */
  private List<JsonNode> values(ServiceMetadata metadata, Target target, JsonNode arguments) {
    List<SchemaElement> params = target.op.request().elements();
    Supplier<String> form = () -> ContractText.jsonForm(metadata, target.op);
    for (Iterator<String> names = arguments.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (params.stream().noneMatch(p -> p.name().getLocalPart().equals(name))) {
        throw Failure.usage("operation " + target.op.name() + " has no parameter " + name + " (expected: "
            + form.get() + ")");
      }
    }
    List<JsonNode> nodes = new ArrayList<>();
    for (SchemaElement p : params) {
      JsonNode value = arguments.get(p.name().getLocalPart());
      if (value == null && !p.optional()) {
        throw Failure.usage("operation " + target.op.name() + " needs the parameter " + p.name().getLocalPart()
            + " (expected: " + form.get() + ")");
      }
      nodes.add(value);
    }
    return nodes;
  }

  /** The generated contract's synchronous method of the operation. */
  private Method compile(ServiceMetadata metadata, Target target) {
    ServiceMetadata one = new ServiceMetadata(metadata.name(), metadata.targetNamespace(), List.of(target.contract),
        metadata.types(), metadata.endpoints().stream().filter(e -> e.contract().equals(target.contract.name())).toList());
    List<GeneratedSource> sources;
    try {
      sources = ClientGenerator.builder(PACKAGE).syncOnly(true).build().generate(one);
    } catch (IllegalArgumentException e) {
      throw Failure.cannot("cannot make a client of " + target.contract.name().getLocalPart() + ": " + e.getMessage(), e);
    }
    ClassLoader loader = CompiledSources.compile(sources);
    try {
      Class<?> contract = loader.loadClass(sources.getFirst().qualifiedName());
      return ContractDescription.of(contract).operation(target.op.name()).method(OperationShape.SYNC).orElseThrow();
    } catch (ClassNotFoundException e) {
      throw Failure.cannot("the generated client has no contract " + sources.getFirst().qualifiedName(), e);
    }
  }

  private static EndpointMetadata.Protocol protocol(ServiceMetadata metadata, ContractMetadata contract, String address) {
    String scheme = address.substring(0, address.indexOf("://"));
    List<EndpointMetadata> same = metadata.endpoints().stream()
        .filter(e -> e.contract().equals(contract.name()) && scheme.equalsIgnoreCase(e.address().getScheme())).toList();
    return same.stream().filter(e -> e.address().toString().equals(address)).findFirst()
        .or(() -> same.stream().findFirst()).map(EndpointMetadata::protocol).orElse(null);
  }

  private static Object connect(Class<?> contract, Bindings bindings, String address, EndpointMetadata.Protocol protocol,
      Duration wait) {
    ChannelFactory.Builder<?> builder = ChannelFactory.builder(contract);
    return builder.binding(bindings.forAddress(address, protocol)).address(address).operationTimeout(wait).build()
        .createChannel();
  }

  /** The JSON arguments as the generated method's parameters: records, enums, lists of them. */
  private static Object[] javaValues(Method method, OperationMetadata op, List<JsonNode> nodes) {
    Object[] args = new Object[nodes.size()];
    Type[] types = method.getGenericParameterTypes();
    List<SchemaElement> params = op.request().elements();
    for (int i = 0; i < args.length; i++) {
      JsonNode node = nodes.get(i);
      String name = params.get(i).name().getLocalPart();
      args[i] = node == null ? Optional.empty() : Json.read(node, types[i], "parameter " + name);
    }
    return args;
  }

  private int invoke(Object client, Method method, Object[] args, String endpoint, Duration wait) {
    Object result;
    try {
      result = method.invoke(client, args);
    } catch (InvocationTargetException e) {
      return failed(e.getCause(), endpoint, wait);
    } catch (IllegalAccessException e) {
      throw Failure.cannot("the generated client cannot be called: " + e, e);
    }
    if (method.getReturnType() != void.class) {
      PrintWriter out = spec.commandLine().getOut();
      out.println(Json.write(result));
      out.flush();
    }
    return Failure.OK;
  }

  private int failed(Throwable cause, String endpoint, Duration wait) {
    PrintWriter err = spec.commandLine().getErr();
    switch (cause) {
      case FaultException f -> {
        err.println("fault " + f.code() + ": " + f.reason());
        if (f.detail() != null) {
          err.println("detail " + f.detail().getClass().getSimpleName() + ":");
          err.println(Json.write(f.detail()));
        }
        err.flush();
        return Failure.FAULT;
      }
      case CommunicationException c ->
          throw Failure.unreachable("the call to " + endpoint + " failed: " + c.getMessage()
              + (c.mayHaveReachedService() ? " (the service may have run it)" : " (the service did not run it)"), c);
      case CallTimeoutException t ->
          throw Failure.unreachable("no answer from " + endpoint + " within " + wait.toSeconds() + " s (--timeout): "
              + t.getMessage(), t);
      default -> throw Failure.cannot("the call to " + endpoint + " failed: " + cause, cause);
    }
  }

  private static void closeQuietly(Object client) {
    try {
      ClientChannel.of(client).close();
    } catch (RuntimeException e) {
      // the call's outcome is decided; a channel that does not close cleanly changes nothing
    }
  }
}
