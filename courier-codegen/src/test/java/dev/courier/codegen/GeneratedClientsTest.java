package dev.courier.codegen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.metadata.ServiceMetadata;
import dev.courier.rpc.metadata.Wsdl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The generator's output for each test document and option set equals its committed golden files, as
 * dotnet-svcutil keeps its baselines; a changed output is a reviewed change, recorded with
 * {@code -Dcourier.golden.update}.
 */
class GeneratedClientsTest {
  static final String PACKAGE = "com.example.orders";

  /**
   * The metadata Courier publishes for {@link OrderDesk} and {@link Shipping}, two contracts of one document that
   * share types, read back from its WSDL as a client would.
   */
  static ServiceMetadata orderDesk() {
    ServiceMetadata published = ServiceMetadata.builder("OrderDeskService")
        .contract(ContractDescription.of(OrderDesk.class)).contract(ContractDescription.of(Shipping.class)).build();
    return Wsdl.read(Wsdl.write(published));
  }

  static ServiceMetadata wcfOrderService() throws IOException {
    try (InputStream in = GeneratedClientsTest.class.getResourceAsStream("WcfOrderService.wsdl")) {
      return Wsdl.read(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  static Stream<Arguments> documentsAndOptions() throws IOException {
    List<Arguments> sets = new ArrayList<>();
    for (var doc : List.of(Arguments.of("orderdesk", orderDesk()), Arguments.of("wcf", wcfOrderService()))) {
      String name = (String) doc.get()[0];
      ServiceMetadata metadata = (ServiceMetadata) doc.get()[1];
      sets.add(Arguments.of(name + "-sync", metadata, ClientGenerator.builder(PACKAGE).build()));
      sets.add(Arguments.of(name + "-async", metadata, ClientGenerator.builder(PACKAGE).async(true).build()));
      sets.add(Arguments.of(name + "-tcv35", metadata,
          ClientGenerator.builder(PACKAGE).async(true).eventBased(true).build()));
      sets.add(Arguments.of(name + "-messages", metadata,
          ClientGenerator.builder(PACKAGE).messageContract(true).async(true).eventBased(true).build()));
    }
    for (var doc : List.of(Arguments.of("orderdesk", orderDesk()), Arguments.of("wcf", wcfOrderService()))) {
      sets.add(Arguments.of(doc.get()[0] + "-arrays", doc.get()[1],
          ClientGenerator.builder(PACKAGE).collectionType(CollectionType.ARRAY).async(true).build()));
    }
    sets.add(Arguments.of("wcf-packages", wcfOrderService(), ClientGenerator.builder(PACKAGE).async(true)
        .namespacePackage("http://schemas.datacontract.org/2004/07/Contoso.Orders", PACKAGE + ".data").build()));
    return sets.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("documentsAndOptions")
  void theGeneratedSourcesEqualTheirGoldenFiles(String set, ServiceMetadata metadata, ClientGenerator generator)
      throws IOException {
    GoldenFiles.assertMatch(set, metadata, generator);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("documentsAndOptions")
  void everyOptionSetCompilesWithoutAWarning(String set, ServiceMetadata metadata, ClientGenerator generator,
      @TempDir Path dir) throws IOException {
    try (Compiled compiled = Compiled.of(generator.generate(metadata), dir)) {
      assertThat(compiled).as(set).isNotNull();
    }
  }

  @Test
  void aNamespaceMappedToAPackagePutsItsTypesThereAndTheContractsStayInTheDefault() throws IOException {
    List<GeneratedSource> sources = ClientGenerator.builder(PACKAGE)
        .namespacePackage("http://schemas.datacontract.org/2004/07/Contoso.Orders", PACKAGE + ".data").build()
        .generate(wcfOrderService());

    assertThat(sources).extracting(GeneratedSource::qualifiedName)
        .contains(PACKAGE + ".IOrderService", PACKAGE + ".OrderServiceClient", PACKAGE + ".TryReserveResponse",
            PACKAGE + ".data.Order", PACKAGE + ".data.OrderRejected")
        .doesNotContain(PACKAGE + ".Order");
  }

  @Test
  void aMappedPackageThatIsNoJavaNameIsRefusedNamingIt() {
    assertThatThrownBy(() -> ClientGenerator.builder(PACKAGE).namespacePackage("urn:x", "data-types"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("data-types");
  }

  @Test
  void theSameMetadataAndOptionsGiveTheSameText() throws IOException {
    ClientGenerator generator = ClientGenerator.builder(PACKAGE).async(true).eventBased(true).build();

    assertThat(generator.generate(wcfOrderService())).isEqualTo(generator.generate(wcfOrderService()));
  }

  /** Numbers that cannot be null, and names. */
  @ServiceContract(namespace = "urn:courier:codegen:counts", name = "Counts")
  interface Counts {
    int[] counts(String[] names);
  }

  /** Numbers that may be null, and names. */
  @ServiceContract(namespace = "urn:courier:codegen:counts", name = "Counts")
  interface BoxedCounts {
    List<Integer> counts(List<String> names);
  }

  @Test
  void arraysArePrimitiveWhereTheItemsCannotBeNilAndBoxedWhereTheyMay() {
    ClientGenerator arrays = ClientGenerator.builder(PACKAGE).collectionType(CollectionType.ARRAY).build();

    assertThat(contractSource(arrays, Counts.class)).contains("int[] counts(String[] names);");
    assertThat(contractSource(arrays, BoxedCounts.class)).contains("Integer[] counts(String[] names);");
    assertThat(contractSource(ClientGenerator.builder(PACKAGE).build(), Counts.class))
        .contains("List<Integer> counts(List<String> names);");
  }

  private static String contractSource(ClientGenerator generator, Class<?> contract) {
    ServiceMetadata metadata = Wsdl.read(Wsdl.write(ServiceMetadata.builder("CountsService")
        .contract(ContractDescription.of(contract)).build()));
    return generator.generate(metadata).stream().filter(s -> s.qualifiedName().equals(PACKAGE + ".Counts"))
        .findFirst().orElseThrow().source();
  }

  @Test
  void aPackageThatIsNoJavaNameIsRefusedNamingIt() {
    assertThatThrownBy(() -> ClientGenerator.builder("com.example.2orders"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("com.example.2orders");
  }

  /** A WSDL of one operation, {@code all}, whose response wrapper holds {@code responseElements}, as JAX-WS writes them. */
  static ServiceMetadata jaxWsStyle(String responseElements, String types) {
    return Wsdl.read("""
        <wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
            xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="http://example.com/inventory"
            targetNamespace="http://example.com/inventory" name="InventoryService">
          <wsdl:types>
            <xs:schema targetNamespace="http://example.com/inventory">
              <xs:element name="all"><xs:complexType><xs:sequence/></xs:complexType></xs:element>
              <xs:element name="allResponse"><xs:complexType><xs:sequence>%s</xs:sequence></xs:complexType></xs:element>
              %s
            </xs:schema>
          </wsdl:types>
          <wsdl:message name="all"><wsdl:part name="parameters" element="tns:all"/></wsdl:message>
          <wsdl:message name="allResponse"><wsdl:part name="parameters" element="tns:allResponse"/></wsdl:message>
          <wsdl:portType name="Inventory">
            <wsdl:operation name="all">
              <wsdl:input message="tns:all"/>
              <wsdl:output message="tns:allResponse"/>
            </wsdl:operation>
          </wsdl:portType>
        </wsdl:definitions>
        """.formatted(responseElements, types));
  }

  @Test
  void listsAsJaxwsWritesThemRepeatedElementsBecomeListsOfAContractOfUnwrappedLists() throws IOException {
    ServiceMetadata metadata = jaxWsStyle("""
        <xs:element name="total" type="xs:int"/>
        <xs:element name="baskets" type="tns:basket" minOccurs="0" maxOccurs="unbounded"/>""", """
        <xs:complexType name="basket"><xs:sequence>
          <xs:element name="items" type="xs:string" minOccurs="0" maxOccurs="unbounded"/>
        </xs:sequence></xs:complexType>""");

    List<GeneratedSource> sources = ClientGenerator.builder(PACKAGE).build().generate(metadata);

    assertThat(source(sources, "Inventory")).contains("wrappedLists = false", "AllResponse all();");
    assertThat(source(sources, "AllResponse")).contains("record AllResponse(int total, List<Basket> baskets)");
    assertThat(source(sources, "Basket")).contains("record Basket(List<String> items)");
  }

  private static String source(List<GeneratedSource> sources, String simpleName) {
    return sources.stream().filter(g -> g.qualifiedName().equals(PACKAGE + "." + simpleName)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + simpleName + " among " + sources.stream()
            .map(GeneratedSource::qualifiedName).toList())).source();
  }

  @Test
  void anArrayTypeWhoseQualifiedItemsAreNamedAfterTheirTypeIsAList() throws IOException {
    ServiceMetadata metadata = jaxWsStyle("<xs:element name=\"return\" type=\"tns:ArrayOfstring\"/>", """
        <xs:complexType name="ArrayOfstring"><xs:sequence>
          <xs:element name="string" type="xs:string" minOccurs="0" maxOccurs="unbounded" form="qualified"/>
        </xs:sequence></xs:complexType>""");

    assertThat(ClientGenerator.builder(PACKAGE).build().generate(metadata))
        .filteredOn(g -> g.qualifiedName().equals(PACKAGE + ".Inventory")).singleElement()
        .extracting(GeneratedSource::source).asString().contains("List<String> all();");
  }
}
