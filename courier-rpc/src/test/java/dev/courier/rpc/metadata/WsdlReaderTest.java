package dev.courier.rpc.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.namespace.QName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WsdlReaderTest {
  private static final String TEMPURI = "http://tempuri.org/";
  private static final String CALC = "http://schemas.datacontract.org/2004/07/Calc";
  private static final String ARRAYS = "http://schemas.microsoft.com/2003/10/Serialization/Arrays";

  private static ServiceMetadata wcf() throws Exception {
    try (InputStream in = WsdlReaderTest.class.getResourceAsStream("wcf-calculator.wsdl")) {
      return Wsdl.read(in, null);
    }
  }

  @Test
  void aWcfDocumentGivesItsOperationsWithTheirActionsPatternsAndWrappedElements() throws Exception {
    ServiceMetadata m = wcf();
    assertThat(m.name()).isEqualTo("CalculatorService");
    ContractMetadata calc = m.contract("ICalculator");
    assertThat(calc.operations()).extracting(o -> o.name() + ":" + o.pattern())
        .containsExactly("Add:REQUEST_REPLY", "Move:REQUEST_REPLY", "Log:ONE_WAY");
    OperationMetadata add = calc.operation("Add");
    assertThat(add.request().action()).isEqualTo("http://tempuri.org/ICalculator/Add");
    assertThat(add.request().wrapper()).isEqualTo(new QName(TEMPURI, "Add"));
    assertThat(add.request().elements()).containsExactly(
        new SchemaElement(new QName(TEMPURI, "n1"), SchemaType.XS_DOUBLE, 0, false, false),
        new SchemaElement(new QName(TEMPURI, "n2"), SchemaType.XS_DOUBLE, 0, false, false));
    assertThat(add.reply().orElseThrow().action()).isEqualTo("http://tempuri.org/ICalculator/AddResponse");
    assertThat(add.reply().orElseThrow().elements()).extracting(e -> e.name().getLocalPart()).containsExactly("AddResult");
  }

  /** WCF's ICalculator as a Courier contract: its namespace, names and data contracts. */
  @dev.courier.rpc.ServiceContract(namespace = TEMPURI, name = "ICalculator")
  interface WcfCalculator {
    @dev.courier.rpc.Operation(name = "Move")
    WcfPoint move(WcfPoint p, java.util.List<String> tags);
  }

  /** WCF's Point data contract. */
  @dev.courier.rpc.DataContract(name = "Point", namespace = CALC)
  record WcfPoint(int Label, int X, int Y) {}

  @Test
  void aCourierContractWrittenForAWcfServiceNamesItsArraysAndDataContractsAsWcfsDocumentDoes() throws Exception {
    ServiceMetadata wcf = wcf();
    ServiceMetadata courier = ServiceMetadata.builder("CalculatorService")
        .contract(dev.courier.rpc.ContractDescription.of(WcfCalculator.class)).build();
    OperationMetadata theirs = wcf.contract("ICalculator").operation("Move");
    OperationMetadata ours = courier.contract("ICalculator").operation("Move");
    assertThat(ours.request().wrapper()).isEqualTo(theirs.request().wrapper());
    assertThat(ours.request().elements()).extracting(SchemaElement::name, SchemaElement::type)
        .containsExactlyElementsOf(theirs.request().elements().stream()
            .map(e -> org.assertj.core.groups.Tuple.tuple(e.name(), e.type())).toList());
    QName tags = new QName(ARRAYS, "ArrayOfstring");
    assertThat(((ComplexType) courier.type(tags).orElseThrow()).arrayItem().orElseThrow().name())
        .isEqualTo(((ComplexType) wcf.type(tags).orElseThrow()).arrayItem().orElseThrow().name());
    assertThat(((ComplexType) courier.type(new QName(CALC, "Point")).orElseThrow()).elements())
        .extracting(SchemaElement::name)
        .containsExactlyElementsOf(((ComplexType) wcf.type(new QName(CALC, "Point")).orElseThrow()).elements().stream()
            .map(SchemaElement::name).toList());
  }

  @Test
  void typesFromSeveralSchemasResolveAcrossTheirImportsIncludingWcfsArraysAndSimpleTypes() throws Exception {
    ServiceMetadata m = wcf();
    OperationMetadata move = m.contract("ICalculator").operation("Move");
    assertThat(move.request().elements()).containsExactly(
        new SchemaElement(new QName(TEMPURI, "p"), new QName(CALC, "Point"), 0, false, true),
        new SchemaElement(new QName(TEMPURI, "tags"), new QName(ARRAYS, "ArrayOfstring"), 0, false, true));
    ComplexType point = (ComplexType) m.type(new QName(CALC, "Point")).orElseThrow();
    // ser:char is a restriction of xs:int: read as its base type
    assertThat(point.elements()).extracting(e -> e.name().getLocalPart() + ":" + e.type().getLocalPart())
        .containsExactly("Label:int", "X:int", "Y:int");
    ComplexType tags = (ComplexType) m.type(new QName(ARRAYS, "ArrayOfstring")).orElseThrow();
    assertThat(tags.arrayItem()).hasValue(new SchemaElement(new QName(ARRAYS, "string"), SchemaType.XS_STRING, 0, true, true));
    ComplexType map = (ComplexType) m.type(new QName(ARRAYS, "ArrayOfKeyValueOfstringint")).orElseThrow();
    QName entry = map.arrayItem().orElseThrow().type();
    assertThat(entry).isEqualTo(new QName(ARRAYS, "KeyValueOfstringint"));
    assertThat(((ComplexType) m.type(entry).orElseThrow()).elements()).extracting(e -> e.name().getLocalPart())
        .containsExactly("Key", "Value");
    assertThat(m.type(new QName(CALC, "FaultKind"))).hasValue(
        new EnumType(new QName(CALC, "FaultKind"), List.of("Overflow", "DivideByZero")));
  }

  @Test
  void aDeclaredFaultGivesItsDetailElementAndType() throws Exception {
    FaultMetadata fault = wcf().contract("ICalculator").operation("Move").faults().getFirst();
    assertThat(fault).isEqualTo(new FaultMetadata("MathFaultFault", "http://tempuri.org/ICalculator/MoveMathFaultFault",
        new QName(CALC, "MathFault"), new QName(CALC, "MathFault")));
  }

  @Test
  void soap11AndSoap12PortsBecomeEndpoints() throws Exception {
    assertThat(wcf().endpoints()).containsExactly(
        new EndpointMetadata("BasicHttpBinding_ICalculator", new QName(TEMPURI, "ICalculator"),
            EndpointMetadata.Protocol.SOAP_11, java.net.URI.create("http://localhost:8000/calc")),
        new EndpointMetadata("CustomBinding_ICalculator", new QName(TEMPURI, "ICalculator"),
            EndpointMetadata.Protocol.SOAP_12, java.net.URI.create("http://localhost:8000/calc/soap12")));
  }

  @Test
  void aWcfDocumentWrittenByCourierReadsBackTheSame() throws Exception {
    ServiceMetadata m = wcf();
    assertThat(Wsdl.read(Wsdl.write(m))).isEqualTo(m);
  }

  @Test
  void schemasAndDocumentsAtSchemaLocationsAreReadRelativeToTheDocument(@TempDir Path dir) throws Exception {
    // Metro's ?wsdl form: the schema in its own document, imported by location; element names unqualified
    Files.writeString(dir.resolve("calc.xsd"), """
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:calc" targetNamespace="urn:calc">
          <xs:element name="add" type="tns:add"/>
          <xs:element name="addResponse" type="tns:addResponse"/>
          <xs:complexType name="add"><xs:sequence>
            <xs:element name="arg0" type="xs:int"/><xs:element name="arg1" type="xs:int"/>
          </xs:sequence></xs:complexType>
          <xs:complexType name="addResponse"><xs:sequence>
            <xs:element name="return" type="xs:int"/>
          </xs:sequence></xs:complexType>
        </xs:schema>
        """);
    Path wsdl = dir.resolve("calc.wsdl");
    Files.writeString(wsdl, """
        <definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:tns="urn:calc" xmlns:xsd="http://www.w3.org/2001/XMLSchema"
            xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:wsam="http://www.w3.org/2007/05/addressing/metadata"
            targetNamespace="urn:calc" name="CalcService">
          <types><xsd:schema><xsd:import namespace="urn:calc" schemaLocation="calc.xsd"/></xsd:schema></types>
          <message name="add"><part name="parameters" element="tns:add"/></message>
          <message name="addResponse"><part name="parameters" element="tns:addResponse"/></message>
          <portType name="Calc">
            <operation name="add">
              <input wsam:Action="urn:calc:Calc:addRequest" message="tns:add"/>
              <output message="tns:addResponse"/>
            </operation>
          </portType>
          <binding name="CalcPortBinding" type="tns:Calc">
            <soap:binding transport="http://schemas.xmlsoap.org/soap/http" style="document"/>
            <operation name="add"><soap:operation soapAction=""/>
              <input><soap:body use="literal"/></input><output><soap:body use="literal"/></output></operation>
          </binding>
          <service name="CalcService">
            <port name="CalcPort" binding="tns:CalcPortBinding"><soap:address location="http://localhost:9000/calc"/></port>
          </service>
        </definitions>
        """);
    ServiceMetadata m;
    try (InputStream in = Files.newInputStream(wsdl)) {
      m = Wsdl.read(in, wsdl.toUri());
    }
    OperationMetadata add = m.contract("Calc").operation("add");
    assertThat(add.request().action()).isEqualTo("urn:calc:Calc:addRequest");
    // no action given: WS-Addressing's default, target namespace / port type / operation + "Response"
    assertThat(add.reply().orElseThrow().action()).isEqualTo("urn:calc/Calc/addResponse");
    assertThat(add.request().elements()).extracting(SchemaElement::name)
        .containsExactly(new QName("", "arg0"), new QName("", "arg1"));
    assertThat(add.reply().orElseThrow().elements()).containsExactly(
        SchemaElement.required(new QName("", "return"), SchemaType.XS_INT));
  }

  @Test
  void theRpcStyleIsRefusedNamingWhereItIs() {
    String rpc = minimal("""
        <message name="in"><part name="a" type="xsd:int"/></message>""", "");
    assertThatThrownBy(() -> Wsdl.read(rpc)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported: message part a that names a type (the rpc style)")
        .hasMessageContaining("at /definitions/message[@name='in']/part[@name='a']");
  }

  @Test
  void aChoiceInATypeIsRefusedNamingTheConstructAndItsPlace() {
    String choice = minimal("", """
        <xsd:complexType name="Either"><xsd:choice><xsd:element name="a" type="xsd:int"/></xsd:choice></xsd:complexType>""");
    assertThatThrownBy(() -> Wsdl.read(choice)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unsupported: xs:choice")
        .hasMessageContaining("/definitions/types/schema/complexType[@name='Either']/choice");
  }

  @Test
  void aReferenceToAnUndefinedTypeNamesTheTypeAndTheElement() {
    String undefined = minimal("", """
        <xsd:complexType name="Holder"><xsd:sequence><xsd:element name="a" type="tns:Missing"/></xsd:sequence></xsd:complexType>""");
    assertThatThrownBy(() -> Wsdl.read(undefined)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("type {urn:t}Missing at /definitions/types/schema/complexType[@name='Holder']/sequence/element[@name='a'] is not defined");
  }

  @Test
  void aWsdl20DescriptionIsRefusedSayingWhichVersionIsRead() {
    assertThatThrownBy(() -> Wsdl.read("<description xmlns=\"http://www.w3.org/ns/wsdl\"/>"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a WSDL 2.0 description")
        .hasMessageContaining("expected: WSDL 1.1");
  }

  @Test
  void aDocumentWithADoctypeIsRefused() {
    assertThatThrownBy(() -> Wsdl.read("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not well-formed XML")
        .hasMessageContaining("DOCTYPE");
  }

  private static String minimal(String messages, String types) {
    return """
        <definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:tns="urn:t" xmlns:xsd="http://www.w3.org/2001/XMLSchema"
            targetNamespace="urn:t">
          <types><xsd:schema targetNamespace="urn:t">%s</xsd:schema></types>
          %s
        </definitions>
        """.formatted(types, messages);
  }
}
