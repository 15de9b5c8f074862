package dev.courier.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.TypeSpec;
import dev.courier.codegen.internal.ContractInterface;
import dev.courier.codegen.internal.DataTypes;
import dev.courier.rpc.metadata.ContractMetadata;
import dev.courier.rpc.metadata.EndpointMetadata;
import dev.courier.rpc.metadata.OperationMetadata;
import dev.courier.rpc.metadata.SchemaElement;
import dev.courier.rpc.metadata.ServiceMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.lang.model.SourceVersion;

/**
 * Generates a Courier client from a service's metadata, as svcutil does for WCF: the contract interface with
 * each operation in the calling shapes asked for, a record or enum per data contract, fault records named by
 * {@code @FaultContract}, and a class that connects a client.
 *
 * <pre>{@code
 * ServiceMetadata metadata = Wsdl.read(Files.readString(Path.of("calculator.wsdl")));
 * ClientGenerator.builder("com.example.calc").async(true).build().writeTo(metadata, Path.of("src/main/java"));
 * }</pre>
 *
 * <table>
 *   <caption>Options and their svcutil counterparts</caption>
 *   <tr><th>builder</th><th>svcutil</th><th>adds</th></tr>
 *   <tr><td>(default)</td><td>(default)</td><td>{@code R op(args)}</td></tr>
 *   <tr><td>{@link Builder#async(boolean) async}</td><td>{@code /async}</td>
 *       <td>{@code CompletableFuture<R> opAsync(args)}, {@code beginOp(args, callback, state)} and {@code endOp(result)}</td></tr>
 *   <tr><td>{@link Builder#eventBased(boolean) eventBased}</td><td>{@code /tcv:Version35}</td>
 *       <td>{@code void opAsync(args, userState)}, {@code onOpCompleted(listener)}, {@code cancelAsync}, {@code isBusy}</td></tr>
 *   <tr><td>{@link Builder#syncOnly(boolean) syncOnly}</td><td>{@code /syncOnly}</td><td>no asynchronous shape</td></tr>
 *   <tr><td>{@link Builder#namespacePackage(String, String) namespacePackage}</td><td>{@code /namespace:ns,Name}</td>
 *       <td>the types of a namespace in a package of their own</td></tr>
 *   <tr><td>{@link Builder#messageContract(boolean) messageContract}</td><td>{@code /messageContract}</td>
 *       <td>{@code OpResponse op(OpRequest request)}: records of the messages' parts</td></tr>
 *   <tr><td>{@link Builder#collectionType(CollectionType) collectionType}</td><td>{@code /collectionType}</td>
 *       <td>{@code Line[]} rather than {@code List<Line>} for WCF's {@code ArrayOfX}</td></tr>
 * </table>
 *
 * <p>Generated code is deterministic: the same metadata and options give the same text. Compile it with
 * {@code -parameters}, as Courier names a request's elements by its parameters' names.
 *
 * <p>Immutable and thread safe.
 */
public final class ClientGenerator {
  private final String packageName;
  private final boolean async;
  private final boolean eventBased;
  private final boolean syncOnly;
  private final boolean messageContract;
  private final CollectionType collectionType;
  private final Map<String, String> namespacePackages;

  private ClientGenerator(Builder b) {
    this.collectionType = b.collectionType;
    this.namespacePackages = Map.copyOf(b.namespacePackages);
    this.messageContract = b.messageContract;
    this.packageName = b.packageName;
    this.async = b.async;
    this.eventBased = b.eventBased;
    this.syncOnly = b.syncOnly;
  }

  /**
   * A generator that writes its types in {@code packageName}, but for the namespaces {@link
   * Builder#namespacePackage mapped} to other packages.
   *
   * @throws IllegalArgumentException when {@code packageName} is no Java package name
   */
  public static Builder builder(String packageName) {
    return new Builder(packageName);
  }

  /**
   * The sources of every contract of {@code metadata}: for each, its interface and its client class, then the
   * data types they use.
   *
   * @throws IllegalArgumentException when the metadata has a shape the generator cannot write, naming it
   */
  public List<GeneratedSource> generate(ServiceMetadata metadata) {
    List<GeneratedSource> sources = new ArrayList<>();
    java.util.function.Function<String, String> packages = ns -> namespacePackages.getOrDefault(ns, packageName);
    for (ContractMetadata contract : metadata.contracts()) {
      DataTypes types = new DataTypes(metadata, packages, contract.name().getNamespaceURI(),
          DataTypes.wrappedLists(metadata, elements(contract)), collectionType == CollectionType.ARRAY);
      ContractInterface writer = new ContractInterface(types, new ContractInterface.Shapes(
          true, async && !syncOnly, async && !syncOnly, eventBased && !syncOnly), messageContract);
      ClassName name = types.className(contract.name());
      TypeSpec contractType = writer.contract(contract, name);
      String address = metadata.endpoints().stream().filter(e -> e.contract().equals(contract.name()))
          .map(EndpointMetadata::address).filter(Objects::nonNull).map(Object::toString).findFirst().orElse(null);
      ClassName clientName = uniqueClientName(name, types);
      sources.add(source(name.packageName(), contractType));
      sources.add(source(name.packageName(), writer.client(name, clientName, address)));
      for (DataTypes.Generated t : types.generated()) {
        if (sources.stream().noneMatch(s -> s.qualifiedName().equals(t.qualifiedName()))) {
          sources.add(source(t.packageName(), t.type()));
        }
      }
    }
    return List.copyOf(sources);
  }

  /**
   * Writes the sources of {@code metadata} under the source root {@code directory}, creating its package's
   * directories; returns the files written.
   */
  public List<Path> writeTo(ServiceMetadata metadata, Path directory) {
    List<Path> written = new ArrayList<>();
    for (GeneratedSource s : generate(metadata)) {
      Path file = directory.resolve(s.path());
      try {
        Files.createDirectories(file.getParent());
        Files.writeString(file, s.source());
      } catch (IOException e) {
        throw new UncheckedIOException("writing " + file + " failed: " + e.getMessage(), e);
      }
      written.add(file);
    }
    return List.copyOf(written);
  }

  /** The elements of {@code contract}'s messages, and its faults' details as elements. */
  private static List<SchemaElement> elements(ContractMetadata contract) {
    List<SchemaElement> elements = new ArrayList<>();
    for (OperationMetadata op : contract.operations()) {
      elements.addAll(op.request().elements());
      op.reply().ifPresent(r -> elements.addAll(r.elements()));
      op.faults().forEach(f -> elements.add(new SchemaElement(f.detailElement(), f.detailType(), 1, false, false)));
    }
    return elements;
  }

  private static ClassName uniqueClientName(ClassName contract, DataTypes types) {
    String simple = contract.simpleName();
    return types.className(new javax.xml.namespace.QName(DataTypes.GENERATED + "client",
        (simple.startsWith("I") && simple.length() > 1 && Character.isUpperCase(simple.charAt(1))
            ? simple.substring(1) : simple) + "Client"));
  }

  private static GeneratedSource source(String packageName, TypeSpec type) {
    JavaFile file = JavaFile.builder(packageName, type)
        .addFileComment("Generated by Courier's ClientGenerator from service metadata. Do not edit.")
        .skipJavaLangImports(true)
        .indent("  ")
        .build();
    return new GeneratedSource(packageName + "." + type.name(), file.toString());
  }

  /** Options of a {@link ClientGenerator}. */
  public static final class Builder {
    private final String packageName;
    private boolean async;
    private boolean eventBased;
    private boolean syncOnly;
    private boolean messageContract;
    private CollectionType collectionType = CollectionType.LIST;
    private final Map<String, String> namespacePackages = new LinkedHashMap<>();

    private Builder(String packageName) {
      this.packageName = requirePackage(packageName);
    }

    private static String requirePackage(String packageName) {
      Objects.requireNonNull(packageName, "packageName");
      if (!SourceVersion.isName(packageName)) {
        throw new IllegalArgumentException("package " + packageName + " (expected: a Java package name such as "
            + "com.example.orders)");
      }
      return packageName;
    }

    /**
     * The types and contracts of the schema or port types of {@code namespace} go in {@code packageName} (svcutil's
     * {@code /namespace:ns,Name}); those of the other namespaces in the builder's package.
     *
     * <pre>{@code
     * ClientGenerator.builder("com.example.orders")
     *     .namespacePackage("http://schemas.datacontract.org/2004/07/Contoso.Orders", "com.example.orders.data")
     * }</pre>
     */
    public Builder namespacePackage(String namespace, String packageName) {
      Objects.requireNonNull(namespace, "namespace");
      namespacePackages.put(namespace, requirePackage(packageName));
      return this;
    }

    /** Also the task-based shape and the Begin/End pair of each operation (svcutil's {@code /async}). */
    public Builder async(boolean on) {
      this.async = on;
      return this;
    }

    /** Also the event-based shape (svcutil's {@code /tcv:Version35}). */
    public Builder eventBased(boolean on) {
      this.eventBased = on;
      return this;
    }

    /** Only the synchronous shape, whatever else is asked (svcutil's {@code /syncOnly}). */
    public Builder syncOnly(boolean on) {
      this.syncOnly = on;
      return this;
    }

    /**
     * Each operation takes its request as a record and returns its reply as a record, whose components are the
     * messages' parts (svcutil's {@code /messageContract}); an operation whose reply has no part returns void.
     */
    public Builder messageContract(boolean on) {
      this.messageContract = on;
      return this;
    }

    /**
     * The Java form of WCF's {@code ArrayOfX} in records, parameters and results (svcutil's
     * {@code /collectionType}): {@link CollectionType#LIST} by default, or arrays.
     *
     * <pre>{@code
     * ClientGenerator.builder("com.example.orders").collectionType(CollectionType.ARRAY)   // Line[] lines
     * }</pre>
     */
    public Builder collectionType(CollectionType type) {
      this.collectionType = Objects.requireNonNull(type, "type");
      return this;
    }

    /** The generator. */
    public ClientGenerator build() {
      return new ClientGenerator(this);
    }
  }
}
