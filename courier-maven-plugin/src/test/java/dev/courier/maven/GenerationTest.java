package dev.courier.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.maven.internal.ForkedGeneration;
import dev.courier.maven.internal.Generation;
import dev.courier.maven.internal.GenerationException;
import dev.courier.maven.internal.InProcessGeneration;
import dev.courier.maven.internal.Options;
import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.DataContract;
import dev.courier.rpc.FaultContract;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.metadata.ServiceMetadata;
import dev.courier.rpc.metadata.Wsdl;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the goal does with its configuration: the checks, the generation, and when it regenerates. */
class GenerationTest {
  /** The service whose WSDL the tests generate from. */
  @ServiceContract(namespace = "urn:example:inventory", name = "Inventory")
  interface Inventory {
    /** A data contract, in a schema namespace of its own. */
    @DataContract(namespace = "urn:example:inventory:data")
    record Stock(String sku, int onHand, List<String> warehouses) {}

    /** A declared fault. */
    record UnknownSku(String sku) {}

    @FaultContract(UnknownSku.class)
    Stock stock(String sku);

    int reserve(String sku, int quantity);
  }

  static final String INVENTORY = "src/main/wsdl/inventory.wsdl";
  static final List<String> INVENTORY_FILES = List.of("com/example/inventory/Inventory.java",
      "com/example/inventory/InventoryClient.java", "com/example/inventory/Stock.java",
      "com/example/inventory/UnknownSku.java");

  @TempDir
  Path basedir;
  Path out;
  Path stamp;
  Options options;
  final List<List<String>> runs = new ArrayList<>();

  /** Writes {@link Inventory}'s WSDL, as Courier publishes it, at {@link #INVENTORY} under {@code basedir}. */
  static void writeInventoryWsdl(Path basedir) throws IOException {
    Path wsdl = basedir.resolve(INVENTORY);
    Files.createDirectories(wsdl.getParent());
    Files.writeString(wsdl, Wsdl.write(ServiceMetadata.builder("InventoryService")
        .contract(ContractDescription.of(Inventory.class)).build()));
  }

  @BeforeEach
  void writeTheWsdl() throws Exception {
    writeInventoryWsdl(basedir);
    out = basedir.resolve("target/generated-sources/courier");
    stamp = basedir.resolve("target/courier-maven-plugin/default.stamp");
    options = Options.of("com.example.inventory", true, false, false);
  }

  Generation generation(Options o, String... sources) throws GenerationException {
    return Generation.of(basedir, List.of(sources), o, out, stamp, "1.0");
  }

  Generation.Result run(Generation g) throws GenerationException {
    return g.run((sources, o, dir) -> {
      List<String> files = InProcessGeneration.generate(sources, o, dir);
      runs.add(files);
      return files;
    });
  }

  @Test
  void aWsdlFileGeneratesItsContractClientAndDataContractsInThePackage() throws Exception {
    Generation.Result result = run(generation(options, INVENTORY));

    assertThat(result.upToDate()).isFalse();
    assertThat(result.files()).containsExactlyInAnyOrderElementsOf(INVENTORY_FILES);
    assertThat(out.resolve("com/example/inventory/Inventory.java")).content()
        .contains("package com.example.inventory;", "interface Inventory", "CompletableFuture<Stock> stockAsync(");
  }

  @Test
  void aWsdlGivenAsAFileUrlGeneratesToo() throws Exception {
    Generation.Result result = run(generation(options, basedir.resolve(INVENTORY).toUri().toString()));

    assertThat(result.files()).containsExactlyInAnyOrderElementsOf(INVENTORY_FILES);
  }

  @Test
  void aSecondBuildWithNothingChangedGeneratesNothing() throws Exception {
    run(generation(options, INVENTORY));

    Generation.Result second = run(generation(options, INVENTORY));

    assertThat(second.upToDate()).isTrue();
    assertThat(second.files()).containsExactlyInAnyOrderElementsOf(INVENTORY_FILES);
    assertThat(runs).hasSize(1);
  }

  @Test
  void aWsdlModifiedAfterTheLastGenerationRegenerates() throws Exception {
    run(generation(options, INVENTORY));
    FileTime stamped = Files.getLastModifiedTime(stamp);
    Files.setLastModifiedTime(basedir.resolve(INVENTORY), FileTime.fromMillis(stamped.toMillis() + 2_000));

    assertThat(run(generation(options, INVENTORY)).upToDate()).isFalse();
    assertThat(runs).hasSize(2);
  }

  @Test
  void otherOptionsADeletedGeneratedFileOrAUrlRegenerate() throws Exception {
    run(generation(options, INVENTORY));
    assertThat(run(generation(Options.of("com.example.inventory", true, true, false), INVENTORY)).upToDate())
        .isFalse();
    Files.delete(out.resolve(INVENTORY_FILES.getFirst()));
    assertThat(run(generation(Options.of("com.example.inventory", true, true, false), INVENTORY)).upToDate())
        .isFalse();
    String url = basedir.resolve(INVENTORY).toUri().toString();
    run(generation(options, url));
    assertThat(run(generation(options, url)).upToDate()).as("a URL is read again in every build").isFalse();
    assertThat(runs).hasSize(5);
  }

  @Test
  void aRegenerationDeletesTheTypesTheLastOneWroteInAnotherPackage() throws Exception {
    run(generation(options, INVENTORY));

    run(generation(Options.of("com.example.stock", false, false, false), INVENTORY));

    assertThat(out.resolve("com/example/inventory")).isEmptyDirectory();
    assertThat(out.resolve("com/example/stock/Inventory.java")).exists();
  }

  @Test
  void aMissingWsdlFileFailsNamingItAndWhereItWasLookedFor() {
    assertThatThrownBy(() -> generation(options, "src/main/wsdl/orders.wsdl"))
        .isInstanceOf(GenerationException.class)
        .hasMessageStartingWith("WSDL file src/main/wsdl/orders.wsdl does not exist (looked for "
            + basedir.resolve("src/main/wsdl/orders.wsdl"));
  }

  @Test
  void aDirectoryOrAnEmptySourceOrNoSourceFailsSayingWhatIsExpected() {
    assertThatThrownBy(() -> generation(options, "src/main/wsdl"))
        .hasMessageStartingWith("WSDL file src/main/wsdl is not a file");
    assertThatThrownBy(() -> generation(options, " "))
        .hasMessageStartingWith("a <source> is empty (expected: a WSDL file");
    assertThatThrownBy(() -> generation(options))
        .hasMessageStartingWith("<sources> names no WSDL (expected: at least one <source>");
  }

  @Test
  void aUrlOfNoKnownProtocolOrThatCannotBeReadFailsNamingIt() throws Exception {
    assertThatThrownBy(() -> generation(options, "classpath:orders.wsdl"))
        .isInstanceOf(GenerationException.class)
        .hasMessageStartingWith("WSDL URL classpath:orders.wsdl is no valid URL: unknown protocol: classpath");
    String gone = basedir.resolve("gone.wsdl").toUri().toString();
    Generation generation = generation(options, gone);

    assertThatThrownBy(() -> run(generation))
        .isInstanceOf(GenerationException.class)
        .hasMessageStartingWith("reading WSDL URL " + gone + " failed: java.io.FileNotFoundException");
  }

  @Test
  void aPackageNameThatIsNoJavaPackageFailsNamingIt() {
    for (String name : List.of("com.example.2orders", "com.example.class", "com-example", "com..example")) {
      assertThatThrownBy(() -> Options.of(name, false, false, false))
          .isInstanceOf(GenerationException.class)
          .hasMessage("<packageName> " + name + " is no Java package name (expected: dot-separated Java "
              + "identifiers that are not keywords, such as com.example.orders)");
    }
    assertThatThrownBy(() -> Options.of(null, false, false, false))
        .hasMessageStartingWith("<packageName> is not set");
  }

  @Test
  void aDocumentThatIsNoWsdlFailsNamingTheFileAndTheReadersReason() throws Exception {
    Files.writeString(basedir.resolve("src/main/wsdl/page.wsdl"), "<html><body>Not found</body></html>");
    Files.writeString(basedir.resolve("src/main/wsdl/broken.wsdl"), "<wsdl:definitions");

    assertThatThrownBy(() -> run(generation(options, INVENTORY, "src/main/wsdl/page.wsdl")))
        .isInstanceOf(GenerationException.class)
        .hasMessageStartingWith("WSDL file src/main/wsdl/page.wsdl is no valid WSDL: ");
    assertThatThrownBy(() -> run(generation(options, "src/main/wsdl/broken.wsdl")))
        .hasMessageStartingWith("WSDL file src/main/wsdl/broken.wsdl is no valid WSDL: ");
    assertThat(out).as("nothing is written unless every WSDL generates").doesNotExist();
  }

  @Test
  void aForkedGenerationWritesTheSameFilesAndReportsAFailureWithItsMessage() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<Path> classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(Path::of).toList();

    List<String> files = ForkedGeneration.generate(java, classPath, basedir, List.of(INVENTORY), options, out);

    assertThat(files).containsExactlyInAnyOrderElementsOf(INVENTORY_FILES);
    assertThat(out.resolve("com/example/inventory/Inventory.java")).exists();
    assertThatThrownBy(() -> ForkedGeneration.generate(java, classPath, basedir, List.of("missing.wsdl"),
        options, out))
        .isInstanceOf(GenerationException.class)
        .hasMessageStartingWith("WSDL file missing.wsdl does not exist (looked for " + basedir.resolve("missing.wsdl"));
  }

  /** Generates {@link #INVENTORY} into {@code dir} in a JVM of its own, as a Maven older than Java 25 does. */
  private List<String> forked(Options o, Path dir) throws GenerationException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<Path> classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(Path::of).toList();
    return ForkedGeneration.generate(java, classPath, basedir, List.of(INVENTORY), o, dir);
  }

  static final Options MESSAGES = messages();

  private static Options messages() {
    try {
      return Options.of("com.example.inventory", false, false, false, true,
          List.of("urn:example:inventory:data=com.example.inventory.data"));
    } catch (GenerationException e) {
      throw new AssertionError(e);
    }
  }

  static final List<String> MESSAGE_FILES = List.of("com/example/inventory/Inventory.java",
      "com/example/inventory/InventoryClient.java", "com/example/inventory/data/Stock.java",
      "com/example/inventory/UnknownSku.java", "com/example/inventory/StockRequest.java",
      "com/example/inventory/StockResponse.java", "com/example/inventory/ReserveRequest.java",
      "com/example/inventory/ReserveResponse.java");

  @Test
  void messageContractAndANamespaceMappingShapeTheClientInProcessAndForked() throws Exception {
    Generation.Result result = run(generation(MESSAGES, INVENTORY));
    assertThat(result.files()).containsExactlyInAnyOrderElementsOf(MESSAGE_FILES);
    String inProcess = Files.readString(out.resolve("com/example/inventory/Inventory.java"));
    assertThat(inProcess).contains("StockResponse stock(StockRequest request)");
    assertThat(out.resolve("com/example/inventory/StockResponse.java")).content()
        .contains("import com.example.inventory.data.Stock;");

    Path forkedOut = basedir.resolve("forked");
    List<String> forked = forked(MESSAGES, forkedOut);

    assertThat(forked).containsExactlyInAnyOrderElementsOf(MESSAGE_FILES);
    assertThat(forkedOut.resolve("com/example/inventory/Inventory.java")).content().isEqualTo(inProcess);
  }

  @Test
  void anotherNamespaceMappingRegenerates() throws Exception {
    run(generation(MESSAGES, INVENTORY));
    Options other = Options.of("com.example.inventory", false, false, false, true,
        List.of("urn:example:inventory:data=com.example.stock"));

    assertThat(run(generation(other, INVENTORY)).upToDate()).isFalse();
    assertThat(out.resolve("com/example/stock/Stock.java")).exists();
    assertThat(out.resolve("com/example/inventory/data")).isEmptyDirectory();
  }

  @Test
  void aNamespaceMappingThatIsNoneFailsNamingIt() {
    assertThatThrownBy(() -> Options.of("a", false, false, false, false, List.of("urn:example:inventory:data")))
        .isInstanceOf(GenerationException.class)
        .hasMessage("<namespace>urn:example:inventory:data</namespace> is no mapping (expected: NS=PACKAGE, such "
            + "as http://example.com/orders/data=com.example.orders.data)");
    assertThatThrownBy(() -> Options.of("a", false, false, false, false, List.of("urn:x=com.2x")))
        .hasMessageStartingWith("<namespace>urn:x=com.2x</namespace>: com.2x is no Java package name");
    assertThatThrownBy(() -> Options.of("a", false, false, false, false, List.of("urn:x=b", "urn:x=c")))
        .hasMessageStartingWith("<namespace>urn:x=c</namespace>: the namespace urn:x is mapped twice");
  }

  @Test
  void collectionTypeArrayGeneratesArraysInProcessAndForkedAndRegenerates() throws Exception {
    run(generation(options, INVENTORY));
    Options arrays = Options.of("com.example.inventory", true, false, false, false, List.of(), "Array");

    assertThat(run(generation(arrays, INVENTORY)).upToDate()).isFalse();
    String inProcess = Files.readString(out.resolve("com/example/inventory/Stock.java"));
    assertThat(inProcess).contains("String[] warehouses");
    Path forkedOut = basedir.resolve("forked");
    forked(arrays, forkedOut);
    assertThat(forkedOut.resolve("com/example/inventory/Stock.java")).content().isEqualTo(inProcess);
    assertThat(run(generation(arrays, INVENTORY)).upToDate()).isTrue();
  }

  @Test
  void aCollectionTypeOtherThanListOrArrayFailsNamingIt() throws Exception {
    assertThat(Options.of("a", false, false, false, false, List.of(), null).collectionType()).isEqualTo("list");
    assertThatThrownBy(() -> Options.of("a", false, false, false, false, List.of(), "vector"))
        .isInstanceOf(GenerationException.class)
        .hasMessage("<collectionType>vector</collectionType> (expected: list or array)");
  }
}
