package dev.courier.rpc.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.EndpointAddress;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.metadata.MetadataContracts.Calculator;
import dev.courier.rpc.metadata.MetadataContracts.Chat;
import dev.courier.rpc.metadata.MetadataContracts.Drawing;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.namespace.QName;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

class WsdlTest {

  static ServiceMetadata metadataOf(Class<?> contract) {
    ContractDescription d = ContractDescription.of(contract);
    ServiceMetadata.Builder b = ServiceMetadata.builder(d.name() + "Service")
        .endpoint(d, EndpointAddress.of("courier.tcp://localhost:8808/" + d.name()));
    if (!d.isDuplex()) {
      b.endpoint(d, EndpointAddress.of("http://localhost:8080/" + d.name()));
    }
    return b.build();
  }

  static List<Class<?>> contracts() {
    return MetadataContracts.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contracts")
  void theSchemaOfEveryContractCompilesWithTheJdksSchemaFactory(Class<?> contract) throws Exception {
    WsdlSchemas schemas = WsdlSchemas.of(Wsdl.write(metadataOf(contract)));
    assertThat(schemas.namespaces()).isNotEmpty();
    for (String namespace : schemas.namespaces()) {
      assertThat(schemas.compile(namespace)).as("the schema of %s", namespace).isNotNull();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contracts")
  void everyContractReadBackDescribesTheSameOperationsTypesAndEndpoints(Class<?> contract) {
    ServiceMetadata written = metadataOf(contract);
    assertThat(Wsdl.read(Wsdl.write(written))).isEqualTo(written);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("contracts")
  void theSameContractIsWrittenAsTheSameBytes(Class<?> contract) {
    assertThat(Wsdl.write(metadataOf(contract))).isEqualTo(Wsdl.write(metadataOf(contract)));
  }

  @Test
  void anOperationDeclaredInEveryShapeIsOneWsdlOperationWithWcfsNames() throws Exception {
    Document doc = parse(Wsdl.write(metadataOf(Calculator.class)));
    Element portType = only(doc, "portType");
    List<String> operations = names(portType.getElementsByTagNameNS(Wsdl.NAMESPACE, "operation"));
    assertThat(operations).containsExactly("add", "divide", "reset");

    OperationMetadata add = metadataOf(Calculator.class).contract("Calculator").operation("add");
    assertThat(add.pattern()).isEqualTo(OperationMetadata.Pattern.REQUEST_REPLY);
    assertThat(add.request().action()).isEqualTo("http://example.com/calc/Calculator/add");
    assertThat(add.request().wrapper().getLocalPart()).isEqualTo("add");
    assertThat(add.request().elements()).extracting(e -> e.name().getLocalPart()).containsExactly("a", "b");
    assertThat(add.reply().orElseThrow().action()).isEqualTo("http://example.com/calc/Calculator/addResponse");
    assertThat(add.reply().orElseThrow().elements()).containsExactly(SchemaElement.required(
        new javax.xml.namespace.QName("http://example.com/calc", "addResult"), SchemaType.XS_INT));
    assertThat(names(doc.getElementsByTagNameNS(Wsdl.NAMESPACE, "message"))).contains(
        "Calculator_add_InputMessage", "Calculator_add_OutputMessage", "Calculator_divide_DivideByZeroFault_FaultMessage");
  }

  @Test
  void aOneWayOperationIsInputOnlyAndFaultsAreWsdlFaultsWhoseDetailIsTheRecordsType() throws Exception {
    Document doc = parse(Wsdl.write(metadataOf(Calculator.class)));
    Element reset = named(only(doc, "portType").getElementsByTagNameNS(Wsdl.NAMESPACE, "operation"), "reset");
    assertThat(reset.getElementsByTagNameNS(Wsdl.NAMESPACE, "input").getLength()).isEqualTo(1);
    assertThat(reset.getElementsByTagNameNS(Wsdl.NAMESPACE, "output").getLength()).isZero();

    OperationMetadata divide = metadataOf(Calculator.class).contract("Calculator").operation("divide");
    FaultMetadata fault = divide.faults().getFirst();
    assertThat(fault.name()).isEqualTo("DivideByZeroFault");
    assertThat(fault.detailType().getLocalPart()).isEqualTo("DivideByZero");
    ServiceMetadata m = metadataOf(Calculator.class);
    assertThat(m.type(fault.detailType()).orElseThrow()).isInstanceOfSatisfying(ComplexType.class,
        t -> assertThat(t.elements()).extracting(e -> e.name().getLocalPart()).containsExactly("dividend", "reason"));
  }

  @Test
  void dataContractsMapToSchemaTypesAsDocumented() {
    ServiceMetadata m = metadataOf(Drawing.class);
    String ns = "http://example.com/shapes/";
    ComplexType shape = (ComplexType) m.type(new javax.xml.namespace.QName(ns, "Shape")).orElseThrow();
    assertThat(shape.elements()).extracting(e -> e.name().getLocalPart() + ":" + e.type().getLocalPart()
        + (e.optional() ? "?" : "") + (e.nillable() ? "~" : "") + (e.repeated() ? "*" : "")).containsExactly(
        "name:string~", "color:Color~", "points:ArrayOfPoint~", "tags:ArrayOfKeyValueOfstringint~", "note:string?",
        "thumbnail:base64Binary~", "origin:Point~", "id:long~", "closed:boolean", "mark:unsignedShort",
        "grid:ArrayOfArrayOfint~");
    assertThat(m.type(new javax.xml.namespace.QName(ns, "Color")).orElseThrow())
        .isEqualTo(new EnumType(new javax.xml.namespace.QName(ns, "Color"), List.of("RED", "GREEN", "BLUE")));
    ComplexType points = (ComplexType) m.type(new javax.xml.namespace.QName(ns, "ArrayOfPoint")).orElseThrow();
    assertThat(points.arrayItem()).hasValueSatisfying(item -> {
      assertThat(item.name().getLocalPart()).isEqualTo("Point");
      assertThat(item.optional()).isTrue();
      assertThat(item.nillable()).isTrue();
    });
    // collections of built-in types are in WCF's Arrays namespace, named as a WCF service names them
    String arrays = "http://schemas.microsoft.com/2003/10/Serialization/Arrays";
    assertThat(m.type(new QName(arrays, "ArrayOfArrayOfint"))).isPresent();
    assertThat(m.type(new QName(arrays, "ArrayOfint"))).hasValueSatisfying(t -> assertThat(((ComplexType) t).arrayItem())
        .hasValueSatisfying(item -> assertThat(item.name()).isEqualTo(new QName(arrays, "int"))));
    ComplexType entry = (ComplexType) m.type(new javax.xml.namespace.QName(arrays, "KeyValueOfstringint")).orElseThrow();
    assertThat(entry.elements()).extracting(e -> e.name().getLocalPart()).containsExactly("Key", "Value");
    ComplexType node = (ComplexType) m.type(new javax.xml.namespace.QName(ns, "Node")).orElseThrow();
    assertThat(node.elements().get(1).type().getLocalPart()).isEqualTo("ArrayOfNode");
  }

  @Test
  void aDataContractsNameAndNamespaceNameItsTypeItsComponentsItsCollectionsAndItsFaultElement() throws Exception {
    ServiceMetadata m = metadataOf(MetadataContracts.Orders.class);
    String orders = MetadataContracts.ORDERS_SCHEMA;
    String contract = "http://example.com/orders";
    ComplexType order = (ComplexType) m.type(new QName(orders, "Order")).orElseThrow();
    assertThat(order.elements()).extracting(SchemaElement::name).containsExactly(new QName(orders, "id"),
        new QName(orders, "lines"), new QName(orders, "status"), new QName(orders, "pickup"));
    assertThat(order.elements()).extracting(SchemaElement::type).containsExactly(SchemaType.XS_STRING,
        new QName(orders, "ArrayOfOrderLine"), new QName(orders, "Status"), new QName(contract, "Point"));
    assertThat(m.type(new QName(orders, "OrderLine"))).isPresent();
    assertThat(m.type(new QName(orders, "ArrayOfOrder"))).isPresent();
    assertThat(m.type(new QName(orders, "ArrayOfKeyValueOfstringStatus"))).isPresent();
    OperationMetadata place = m.contract("Orders").operation("place");
    assertThat(place.request().wrapper()).isEqualTo(new QName(contract, "place"));
    assertThat(place.faults()).singleElement().satisfies(f -> {
      assertThat(f.detailElement()).isEqualTo(new QName(orders, "Rejected"));
      assertThat(f.detailType()).isEqualTo(new QName(orders, "Rejected"));
    });
    // one schema per namespace in the one document, the contract's importing the order schema's
    Document doc = parse(Wsdl.write(m));
    NodeList schemas = doc.getElementsByTagNameNS(XMLConstants.W3C_XML_SCHEMA_NS_URI, "schema");
    List<String> targets = new ArrayList<>();
    for (int i = 0; i < schemas.getLength(); i++) {
      targets.add(((Element) schemas.item(i)).getAttribute("targetNamespace"));
    }
    assertThat(targets).containsExactlyInAnyOrder(contract, orders);
  }

  /** Two records called Item. */
  static final class Shop {
    record Item(String sku) {}
  }

  /** The other Item. */
  record Item(int count) {}

  /** A third Item, named apart. */
  static final class Warehouse {
    @dev.courier.rpc.DataContract(name = "StockItem")
    record Item(int count) {}
  }

  @dev.courier.rpc.ServiceContract
  interface Clashing {
    Item stock(Shop.Item item);
  }

  @dev.courier.rpc.ServiceContract
  interface Resolved {
    Warehouse.Item stock(Shop.Item item);
  }

  @Test
  void twoTypesOfOneNameAreRefusedSayingHowToNameOneApart() {
    ContractDescription d = ContractDescription.of(Clashing.class);
    assertThatThrownBy(() -> ServiceMetadata.builder("S").contract(d).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("would both be named Item")
        .hasMessageContaining("@DataContract(name = ...)");
    ServiceMetadata resolved = ServiceMetadata.builder("S").contract(ContractDescription.of(Resolved.class)).build();
    assertThat(resolved.types()).extracting(t -> t.name().getLocalPart()).containsExactlyInAnyOrder("Item", "StockItem");
  }

  @Test
  void aDataContractNameThatIsNoXmlNameIsRefusedNamingTheType() {
    ContractDescription d = ContractDescription.of(BadName.class);
    assertThatThrownBy(() -> ServiceMetadata.builder("S").contract(d).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("@DataContract(name = \"1st item\") on " + Badly.class.getName())
        .hasMessageContaining("expected: an XML name");
  }

  @dev.courier.rpc.DataContract(name = "1st item")
  record Badly(int x) {}

  @dev.courier.rpc.ServiceContract
  interface BadName {
    Badly get();
  }

  @Test
  void aDuplexContractsCallbacksAreOutputFirstOperationsOfTheSamePortType() throws Exception {
    ServiceMetadata m = metadataOf(Chat.class);
    ContractMetadata chat = m.contract("Chat");
    assertThat(chat.operations()).extracting(o -> o.name() + ":" + o.pattern()).containsExactly(
        "join:REQUEST_REPLY", "post:ONE_WAY", "ping:CALLBACK_REQUEST_REPLY", "posted:CALLBACK_ONE_WAY");
    Element posted = named(only(parse(Wsdl.write(m)), "portType").getElementsByTagNameNS(Wsdl.NAMESPACE, "operation"),
        "posted");
    assertThat(posted.getElementsByTagNameNS(Wsdl.NAMESPACE, "output").getLength()).isEqualTo(1);
    assertThat(posted.getElementsByTagNameNS(Wsdl.NAMESPACE, "input").getLength()).isZero();
  }

  @Test
  void aSoapEndpointForADuplexContractIsRefusedWithTheReason() {
    ContractDescription chat = ContractDescription.of(Chat.class);
    assertThatThrownBy(() -> ServiceMetadata.builder("ChatService")
        .endpoint(chat, EndpointAddress.of("http://localhost:8080/chat")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http://localhost:8080/chat")
        .hasMessageContaining("SOAP_11 cannot carry the duplex contract Chat");
  }

  @Test
  void endpointsBecomeBindingsAndPortsNamedAfterTheirKindAndContract() {
    ServiceMetadata m = metadataOf(Calculator.class);
    assertThat(m.endpoints()).extracting(e -> e.name() + " " + e.protocol() + " " + e.address()).containsExactly(
        "CourierTcpBinding_Calculator COURIER courier.tcp://localhost:8808/Calculator",
        "BasicHttpBinding_Calculator SOAP_11 http://localhost:8080/Calculator");
    String wsdl = Wsdl.write(m);
    assertThat(wsdl).contains("<soap:operation soapAction=\"http://example.com/calc/Calculator/add\" style=\"document\"/>")
        .contains("<courier:address location=\"courier.tcp://localhost:8808/Calculator\"/>");
  }

  @Test
  void contractsOfOneDocumentMustShareANamespace() {
    assertThatThrownBy(() -> ServiceMetadata.builder("Both").contract(ContractDescription.of(Calculator.class))
        .contract(ContractDescription.of(Drawing.class)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("contract Drawing has namespace http://example.com/shapes/")
        .hasMessageContaining("expected: http://example.com/calc,");
  }

  static Document parse(String xml) throws Exception {
    return DocumentBuilderFactory.newDefaultNSInstance().newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
  }

  static Element only(Document doc, String wsdlElement) {
    NodeList list = doc.getElementsByTagNameNS(Wsdl.NAMESPACE, wsdlElement);
    assertThat(list.getLength()).isEqualTo(1);
    return (Element) list.item(0);
  }

  static List<String> names(NodeList list) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < list.getLength(); i++) {
      names.add(((Element) list.item(i)).getAttribute("name"));
    }
    return names;
  }

  static Element named(NodeList list, String name) {
    for (int i = 0; i < list.getLength(); i++) {
      if (((Element) list.item(i)).getAttribute("name").equals(name)) {
        return (Element) list.item(i);
      }
    }
    throw new AssertionError("no element named " + name);
  }

  /** Tags as arrays. */
  @ServiceContract(name = "Tags", namespace = "http://example.com/tags")
  interface TagArrays {
    record Tagged(String[] tags, Integer[] scores, Tagged[] children, int[][] grid) {}

    String[] tags(Tagged[] items);
  }

  /** The same tags as lists. */
  @ServiceContract(name = "Tags", namespace = "http://example.com/tags")
  interface TagLists {
    record Tagged(List<String> tags, List<Integer> scores, List<Tagged> children, List<List<Integer>> grid) {}

    List<String> tags(List<Tagged> items);
  }

  @Test
  void anArrayIsDescribedAsTheListOfItsItems() {
    assertThat(Wsdl.write(metadataOf(TagArrays.class))).isEqualTo(Wsdl.write(metadataOf(TagLists.class)));
  }

  /** Numbers that cannot be null. */
  @ServiceContract(name = "Counts", namespace = "http://example.com/counts")
  interface Counts {
    int[] counts();
  }

  /** Those numbers and a list of numbers that may be null. */
  @ServiceContract(name = "Counts", namespace = "http://example.com/counts")
  interface CountsAndBoxes {
    int[] counts();

    List<Integer> boxes();
  }

  @Test
  void theItemsOfAnArrayOfPrimitivesAreNotNillableUnlessAListOfTheirBoxesSharesTheType() {
    QName arrayOfInt = new QName("http://schemas.microsoft.com/2003/10/Serialization/Arrays", "ArrayOfint");
    for (Class<?> contract : List.of(Counts.class, CountsAndBoxes.class)) {
      SchemaType type = Wsdl.read(Wsdl.write(metadataOf(contract))).type(arrayOfInt).orElseThrow();
      assertThat(((ComplexType) type).arrayItem()).as("%s", contract.getSimpleName())
          .hasValueSatisfying(item -> assertThat(item.nillable()).isEqualTo(contract == CountsAndBoxes.class));
    }
  }

  @Test
  void aMessageContractAndTheParametersItStandsForHaveOneMetadata() {
    ContractMetadata plain = ServiceMetadata.builder("Stock")
        .contract(ContractDescription.of(dev.courier.rpc.suite.MessageContracts.Plain.class)).build().contracts().getFirst();
    ContractMetadata messages = ServiceMetadata.builder("Stock")
        .contract(ContractDescription.of(dev.courier.rpc.suite.MessageContracts.Messages.class)).build().contracts().getFirst();

    assertThat(messages.operation("add")).isEqualTo(plain.operation("add"));
    assertThat(messages.operation("note")).isEqualTo(plain.operation("note"));
  }

  /** An optional list in a contract of unwrapped lists. */
  @dev.courier.rpc.ServiceContract(namespace = "urn:basket", wrappedLists = false)
  interface OptionalList {
    int count(java.util.Optional<List<String>> skus);
  }

  @Test
  void aContractOfUnwrappedListsHasRepeatedElementsWhereTheListsAreAndAnOptionalListKeepsItsWrapper() {
    ServiceMetadata metadata = ServiceMetadata.builder("Basket")
        .contract(ContractDescription.of(dev.courier.rpc.suite.RepeatedLists.Basket.class)).build();
    ContractMetadata basket = metadata.contracts().getFirst();

    SchemaElement skus = basket.operation("fill").request().elements().getFirst();
    assertThat(skus.name()).isEqualTo(new QName("", "skus"));
    assertThat(skus.type()).isEqualTo(SchemaType.XS_STRING);
    assertThat(skus.repeated()).isTrue();
    assertThat(skus.minOccurs()).isZero();
    assertThat(basket.operation("fill").reply().orElseThrow().elements().getFirst().repeated()).isTrue();
    ComplexType item = (ComplexType) metadata.type(new QName(dev.courier.rpc.suite.RepeatedLists.NAMESPACE, "Item"))
        .orElseThrow();
    assertThat(item.elements()).extracting(SchemaElement::repeated).containsExactly(false, true, false, true);
    assertThat(Wsdl.read(Wsdl.write(metadata)).contracts()).isEqualTo(metadata.contracts());
    SchemaElement optional = ServiceMetadata.builder("Basket").contract(ContractDescription.of(OptionalList.class))
        .build().contracts().getFirst().operation("count").request().elements().getFirst();
    assertThat(optional.repeated()).as("an optional list keeps its wrapper: absent is not empty").isFalse();
    assertThat(optional.minOccurs()).isZero();
    assertThat(optional.type().getLocalPart()).isEqualTo("ArrayOfstring");
  }

  @Test
  void severalReturnValuesAreTheReplysElementsInTheRecordsOrder() {
    ServiceMetadata metadata = ServiceMetadata.builder("Stock")
        .contract(ContractDescription.of(dev.courier.rpc.suite.MessageContracts.Messages.class)).build();
    MessageMetadata reply = metadata.contracts().getFirst().operation("tryReserve").reply().orElseThrow();

    assertThat(reply.wrapper().getLocalPart()).isEqualTo("tryReserveResponse");
    assertThat(reply.elements()).extracting(e -> e.name().getLocalPart())
        .containsExactly("tryReserveResult", "reserved", "warehouse", "notes");
    assertThat(reply.elements().get(2).optional()).isTrue();
    assertThat(Wsdl.read(Wsdl.write(metadata)).contracts()).isEqualTo(metadata.contracts());
  }

  @Test
  void documentationOfPortTypesOperationsAndTypesIsWrittenAndReadBack() {
    ServiceMetadata plain = metadataOf(Calculator.class);
    ContractMetadata c = plain.contracts().getFirst();
    List<OperationMetadata> ops = new ArrayList<>();
    for (OperationMetadata op : c.operations()) {
      ops.add(new OperationMetadata(op.name(), op.pattern(), op.request(), op.reply(), op.faults(),
          "Calls " + op.name() + " <once> & only once."));
    }
    List<SchemaType> types = plain.types().stream().map(t -> switch (t) {
      case ComplexType ct -> (SchemaType) new ComplexType(ct.name(), ct.elements(), "The record " + ct.name().getLocalPart());
      case EnumType et -> new EnumType(et.name(), et.values(), "The enum " + et.name().getLocalPart());
    }).toList();
    ServiceMetadata documented = new ServiceMetadata(plain.name(), plain.targetNamespace(),
        List.of(new ContractMetadata(c.name(), ops, "A calculator.\nIt adds.")), types, plain.endpoints());

    String wsdl = Wsdl.write(documented);

    assertThat(wsdl).contains("<wsdl:documentation>A calculator.\nIt adds.</wsdl:documentation>")
        .contains("&lt;once&gt; &amp; only once.");
    assertThat(Wsdl.read(wsdl)).isEqualTo(documented);
  }
}
