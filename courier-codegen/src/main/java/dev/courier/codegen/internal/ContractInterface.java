package dev.courier.codegen.internal;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.courier.rpc.AsyncCallback;
import dev.courier.rpc.AsyncResult;
import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.CompletedEvent;
import dev.courier.rpc.CompletedListener;
import dev.courier.rpc.FaultContract;
import dev.courier.rpc.Operation;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.metadata.ContractMetadata;
import dev.courier.rpc.metadata.FaultMetadata;
import dev.courier.rpc.metadata.MessageMetadata;
import dev.courier.rpc.metadata.OperationMetadata;
import dev.courier.rpc.metadata.SchemaElement;
import dev.courier.rpc.spi.Binding;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import javax.lang.model.element.Modifier;

/**
 * The Java interface of one port type, with each operation in the shapes asked for, and the class that
 * connects a client of it.
 *
 * <p>Not thread safe: one per generation.
 */
public final class ContractInterface {
  /** The calling shapes a contract is generated in, besides the synchronous one. */
  public record Shapes(boolean sync, boolean task, boolean beginEnd, boolean eventBased) {}

  private final DataTypes types;
  private final Shapes shapes;
  private final boolean messageContracts;

  /**
   * Generates contracts whose data types {@code types} makes, in {@code shapes}; with {@code messageContracts},
   * each operation takes its request and returns its reply as records (svcutil's {@code /messageContract}).
   */
  public ContractInterface(DataTypes types, Shapes shapes, boolean messageContracts) {
    this.types = types;
    this.shapes = shapes;
    this.messageContracts = messageContracts;
  }

  /** The interface of {@code contract}. */
  public TypeSpec contract(ContractMetadata contract, ClassName name) {
    String ns = contract.name().getNamespaceURI();
    String contractName = contract.name().getLocalPart();
    AnnotationSpec.Builder sc = AnnotationSpec.builder(ServiceContract.class)
        .addMember("namespace", "$S", ns).addMember("name", "$S", contractName);
    if (unqualified(contract)) {
      sc.addMember("qualifiedElements", "false");
    }
    if (!types.wrappedLists()) {
      sc.addMember("wrappedLists", "false");
    }
    TypeSpec.Builder spec = TypeSpec.interfaceBuilder(name)
        .addModifiers(Modifier.PUBLIC)
        .addAnnotation(sc.build())
        .addJavadoc("The contract {@code $L} of {@code $L}, as its metadata describes it.\n$L", contractName, ns,
            DataTypes.paragraph(contract.documentation()));
    for (OperationMetadata op : contract.operations()) {
      if (op.pattern() == OperationMetadata.Pattern.CALLBACK_ONE_WAY
          || op.pattern() == OperationMetadata.Pattern.CALLBACK_REQUEST_REPLY) {
        throw new IllegalArgumentException("operation " + op.name() + " of " + contractName + " is a callback of a "
            + "duplex contract, which the generator does not write yet (expected: request/reply and one-way operations)");
      }
      operation(spec, ns, contractName, op);
    }
    if (shapes.eventBased()) {
      spec.addMethod(MethodSpec.methodBuilder("cancelAsync").addModifiers(Modifier.PUBLIC, Modifier.ABSTRACT)
          .addJavadoc("Cancels the event-based calls started with {@code userState}.\n")
          .addParameter(Object.class, "userState").build());
      spec.addMethod(MethodSpec.methodBuilder("isBusy").addModifiers(Modifier.PUBLIC, Modifier.ABSTRACT)
          .addJavadoc("Whether an event-based call is in flight.\n").returns(TypeName.BOOLEAN).build());
    }
    return spec.build();
  }

  /** The class that connects clients of {@code contract}: {@code connect(binding, address)} and a builder. */
  public TypeSpec client(ClassName contract, ClassName name, String address) {
    ParameterizedTypeName builder = ParameterizedTypeName.get(ClassName.get(ChannelFactory.Builder.class), contract);
    TypeSpec.Builder spec = TypeSpec.classBuilder(name)
        .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addJavadoc("Connects clients of {@link $T}.\n", contract)
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
        .addMethod(MethodSpec.methodBuilder("builder").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .addJavadoc("A channel factory's builder for {@link $T}: set its binding and address, and options.\n", contract)
            .returns(builder).addStatement("return $T.builder($T.class)", ChannelFactory.class, contract).build())
        .addMethod(MethodSpec.methodBuilder("connect").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .addJavadoc("A client of the endpoint at {@code address}, over {@code binding}.\n")
            .returns(contract)
            .addParameter(Binding.class, "binding").addParameter(String.class, "address")
            .addStatement("return builder().binding(binding).address(address).build().createChannel()").build());
    if (address != null) {
      spec.addField(com.palantir.javapoet.FieldSpec.builder(String.class, "ADDRESS", Modifier.PUBLIC, Modifier.STATIC,
              Modifier.FINAL).addJavadoc("The address the metadata gives the endpoint.\n").initializer("$S", address)
          .build());
    }
    return spec.build();
  }

  private void operation(TypeSpec.Builder spec, String ns, String contractName, OperationMetadata op) {
    String where = "operation " + op.name();
    String doc = DataTypes.paragraph(op.documentation());
    String base = lowerCamel(DataTypes.typeName(op.name()));
    String upper = DataTypes.typeName(op.name());
    boolean oneWay = op.pattern() == OperationMetadata.Pattern.ONE_WAY;
    List<ParameterSpec> params = new ArrayList<>();
    if (messageContracts) {
      ClassName request = types.messageRecord(upper + "Request", op.request().elements(),
          "The request of {@code " + op.name() + "}: its parts, in order.\n", "the request of " + where);
      params.add(ParameterSpec.builder(request, "request").build());
    } else {
      for (SchemaElement e : op.request().elements()) {
        params.add(ParameterSpec.builder(types.of(e, where), DataTypes.javaName(e.name().getLocalPart(),
            "a parameter of " + where)).build());
      }
    }
    TypeName result = TypeName.VOID;
    String resultName = null;
    ClassName completedEvent = null;
    if (op.reply().isPresent()) {
      List<SchemaElement> out = op.reply().get().elements();
      if (!out.isEmpty() && (messageContracts || out.size() > 1)) {
        ClassName reply = types.messageRecord(upper + "Response", out, messageContracts
            ? "The reply of {@code " + op.name() + "}: its parts, in order.\n"
            : "What {@code " + op.name() + "} returns: its result and its out values, in order.\n", "the reply of " + where);
        result = reply;
        if (!messageContracts && shapes.eventBased()) {
          completedEvent = completedEvent(op, upper, reply, out);
        }
      } else if (out.size() == 1) {
        result = types.of(out.getFirst(), where);
        resultName = out.getFirst().name().getLocalPart();
      }
    }
    AnnotationSpec operation = operationAnnotation(ns, contractName, op, base, oneWay, resultName);
    List<AnnotationSpec> faults = new ArrayList<>();
    for (FaultMetadata f : op.faults()) {
      faults.add(AnnotationSpec.builder(FaultContract.class)
          .addMember("value", "$T.class", types.of(f.detailType(), where + ", fault " + f.name())).build());
    }
    TypeName boxed = result == TypeName.VOID ? ClassName.get(Void.class) : result.box();
    if (shapes.sync()) {
      spec.addMethod(abstractMethod(base, operation).addJavadoc("Calls {@code $L}.\n", op.name()).addJavadoc("$L", doc)
          .addAnnotations(faults).addParameters(params).returns(result).build());
      faults = List.of();
    }
    if (shapes.task()) {
      spec.addMethod(abstractMethod(base + "Async", operation).addJavadoc("Calls {@code $L}; the future completes with its outcome.\n", op.name())
          .addJavadoc("$L", doc)
          .addAnnotations(faults).addParameters(params)
          .returns(ParameterizedTypeName.get(ClassName.get(CompletableFuture.class), boxed)).build());
      faults = List.of();
    }
    if (shapes.beginEnd()) {
      spec.addMethod(abstractMethod("begin" + upper, operation).addJavadoc("Begins a call of {@code $L}.\n", op.name()).addJavadoc("$L", doc)
          .addAnnotations(faults).addParameters(params)
          .addParameter(AsyncCallback.class, free("callback", params)).addParameter(Object.class, free("state", params))
          .returns(AsyncResult.class).build());
      faults = List.of();
      spec.addMethod(abstractMethod("end" + upper, operation).addJavadoc("Ends a call of {@code $L}: its result, or its failure.\n", op.name()).addJavadoc("$L", doc)
          .addParameter(AsyncResult.class, "result").returns(result).build());
    }
    if (shapes.eventBased()) {
      spec.addMethod(abstractMethod(base + "Async", operation)
          .addJavadoc("Starts a call of {@code $L}; its completed event goes to the listeners.\n", op.name()).addJavadoc("$L", doc)
          .addAnnotations(faults).addParameters(params).addParameter(Object.class, free("userState", params)).build());
      MethodSpec.Builder listener = abstractMethod("on" + upper + "Completed", operation)
          .addJavadoc("Adds a listener to the completed events of {@code $L}.\n", op.name()).addJavadoc("$L", doc);
      if (completedEvent != null) {
        listener.addJavadoc("{@link $T#of} reads an event's result and out values.\n", completedEvent);
      }
      spec.addMethod(listener
          .addParameter(ParameterizedTypeName.get(ClassName.get(CompletedListener.class), boxed), "listener").build());
    }
  }

  /**
   * The completed event of an operation of several return values, as WCF's design guideline has it: {@code result()}
   * for the return value and one property per out value, in order, each rethrowing the call's failure first.
   */
  private ClassName completedEvent(OperationMetadata op, String upper, ClassName reply, List<SchemaElement> out) {
    ClassName name = types.className(new javax.xml.namespace.QName("urn:courier:codegen:event", upper + "CompletedEvent"));
    TypeName event = ParameterizedTypeName.get(ClassName.get(CompletedEvent.class), reply);
    TypeSpec.Builder spec = TypeSpec.classBuilder(name).addModifiers(Modifier.PUBLIC, Modifier.FINAL)
        .addJavadoc("A completed event of {@code $L}: its result and out values, each of which throws the call's "
            + "exception first when it failed or was cancelled.\n\n<pre>{@code\nclient.on$LCompleted(e -> {\n"
            + "  $T done = $T.of(e);\n  if (done.error() == null && !done.cancelled()) { ... }\n});\n}</pre>\n",
            op.name(), upper, name, name)
        .addField(event, "event", Modifier.PRIVATE, Modifier.FINAL)
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).addParameter(event, "event")
            .addStatement("this.event = event").build())
        .addMethod(MethodSpec.methodBuilder("of").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .addJavadoc("The completed event that {@code event} reports.\n").returns(name).addParameter(event, "event")
            .addStatement("return new $T($T.requireNonNull(event, $S))", name, java.util.Objects.class, "event").build());
    Set<String> taken = new java.util.HashSet<>(Set.of("of", "error", "cancelled", "userState", "event"));
    for (int i = 0; i < out.size(); i++) {
      SchemaElement e = out.get(i);
      String part = e.name().getLocalPart();
      boolean returned = i == 0 && part.equals(op.name() + "Result");
      String method = returned ? "result" : part;
      while (!taken.add(method)) {
        method = method + "_";
      }
      spec.addMethod(MethodSpec.methodBuilder(method).addModifiers(Modifier.PUBLIC)
          .addJavadoc(returned ? "The value the operation returned ({@code $L}).\n" : "The out value {@code $L}.\n", part)
          .returns(types.of(e, "operation " + op.name()))
          .addStatement("return event.result().$L()", part).build());
    }
    spec.addMethod(MethodSpec.methodBuilder("error").addModifiers(Modifier.PUBLIC)
            .addJavadoc("The call's exception, or {@code null}.\n").returns(RuntimeException.class)
            .addStatement("return event.error()").build())
        .addMethod(MethodSpec.methodBuilder("cancelled").addModifiers(Modifier.PUBLIC)
            .addJavadoc("Whether the call was cancelled.\n").returns(TypeName.BOOLEAN)
            .addStatement("return event.cancelled()").build())
        .addMethod(MethodSpec.methodBuilder("userState").addModifiers(Modifier.PUBLIC)
            .addJavadoc("The user state the call was started with.\n").returns(Object.class)
            .addStatement("return event.userState()").build());
    types.add(spec.build(), name.packageName());
    return name;
  }

  private static MethodSpec.Builder abstractMethod(String name, AnnotationSpec operation) {
    MethodSpec.Builder m = MethodSpec.methodBuilder(name).addModifiers(Modifier.PUBLIC, Modifier.ABSTRACT);
    if (operation != null) {
      m.addAnnotation(operation);
    }
    return m;
  }

  /** The {@code @Operation} every method of the operation carries, or {@code null} when its defaults say it all. */
  private static AnnotationSpec operationAnnotation(String ns, String contractName, OperationMetadata op, String base,
      boolean oneWay, String resultName) {
    AnnotationSpec.Builder a = AnnotationSpec.builder(Operation.class);
    boolean needed = false;
    if (!op.name().equals(base)) {
      a.addMember("name", "$S", op.name());
      needed = true;
    }
    String defaultAction = ns + (ns.endsWith("/") ? "" : "/") + contractName + "/" + op.name();
    MessageMetadata request = op.request();
    if (request.action() != null && !request.action().isEmpty() && !request.action().equals(defaultAction)) {
      a.addMember("action", "$S", request.action());
      needed = true;
    }
    if (resultName != null && !resultName.equals(op.name() + "Result")) {
      a.addMember("resultName", "$S", resultName);
      needed = true;
    }
    if (oneWay) {
      a.addMember("oneWay", "true");
      needed = true;
    }
    return needed ? a.build() : null;
  }

  private static boolean unqualified(ContractMetadata contract) {
    return contract.operations().stream().flatMap(o -> o.request().elements().stream())
        .anyMatch(e -> e.name().getNamespaceURI().isEmpty());
  }

  /** {@code name}, or with a trailing underscore while a parameter of the operation has it. */
  private static String free(String name, List<ParameterSpec> params) {
    Set<String> taken = new java.util.HashSet<>();
    params.forEach(p -> taken.add(p.name()));
    String n = name;
    while (taken.contains(n)) {
      n = n + "_";
    }
    return n;
  }

  static String lowerCamel(String name) {
    return Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }
}
