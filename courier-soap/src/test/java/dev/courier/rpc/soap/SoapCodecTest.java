package dev.courier.rpc.soap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.FaultException;
import dev.courier.rpc.OperationDescription;
import dev.courier.rpc.metadata.MetadataContracts;
import dev.courier.rpc.metadata.MetadataContracts.Color;
import dev.courier.rpc.metadata.MetadataContracts.DivideByZero;
import dev.courier.rpc.metadata.MetadataContracts.Node;
import dev.courier.rpc.metadata.MetadataContracts.NotFound;
import dev.courier.rpc.metadata.MetadataContracts.Point;
import dev.courier.rpc.metadata.MetadataContracts.Shape;
import dev.courier.rpc.metadata.ServiceMetadata;
import dev.courier.rpc.metadata.Wsdl;
import dev.courier.rpc.metadata.WsdlSchemas;
import dev.courier.rpc.suite.RepeatedLists;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.dom.DOMSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

class SoapCodecTest {
  private static final ContractDescription DRAWING = ContractDescription.of(MetadataContracts.Drawing.class);
  private static final ContractDescription CALCULATOR = ContractDescription.of(MetadataContracts.Calculator.class);
  private static final SoapCodec DRAWING_CODEC = SoapCodec.of(DRAWING);
  private static final SoapCodec CALCULATOR_CODEC = SoapCodec.of(CALCULATOR);

  static final Shape SHAPE = new Shape("square", Color.GREEN, List.of(new Point(0, 0), new Point(1, 1)),
      Map.of("edges", 4), Optional.of("a note"), new byte[] {1, 2, 3, (byte) 0xFF}, new Point(-5, 7), null, true, 'é',
      List.of(List.of(1, 2), List.of(), List.of(3)));

  private static XmlForm.Limits limits() {
    return new XmlForm.Limits(64, 1 << 20, 1 << 20);
  }

  private static byte[] request(SoapCodec codec, SoapVersion v, OperationDescription op, Object... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.writeRequest(out, v, op, args);
    return out.toByteArray();
  }

  private static byte[] reply(SoapCodec codec, SoapVersion v, OperationDescription op, Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.writeReply(out, v, op, value);
    return out.toByteArray();
  }

  private static byte[] fault(SoapCodec codec, SoapVersion v, OperationDescription op, FaultException f) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    codec.writeFault(out, v, op, f);
    return out.toByteArray();
  }

  @ParameterizedTest
  @EnumSource(SoapVersion.class)
  void everyKindOfDataContractGoesThroughARequestAndItsReplyUnchanged(SoapVersion v) {
    OperationDescription find = DRAWING.operation("find");
    SoapCodec.Call call = DRAWING_CODEC.readRequest(new ByteArrayInputStream(
        request(DRAWING_CODEC, v, find, "square", Optional.of(Color.BLUE))), find.action(), limits());
    assertThat(call.operation()).isEqualTo(find);
    assertThat(call.version()).isEqualTo(v);
    assertThat(call.arguments()).containsExactly("square", Optional.of(Color.BLUE));

    SoapCodec.Reply reply = DRAWING_CODEC.readReply(new ByteArrayInputStream(reply(DRAWING_CODEC, v, find, SHAPE)),
        find, limits());
    assertThat(reply.fault()).isNull();
    assertThat(reply.value()).usingRecursiveComparison().isEqualTo(SHAPE);

    OperationDescription tree = DRAWING.operation("tree");
    Node root = new Node("root", List.of(new Node("leaf", List.of()), new Node("empty", null)));
    SoapCodec.Call treeCall = DRAWING_CODEC.readRequest(new ByteArrayInputStream(
        request(DRAWING_CODEC, v, tree, root, new byte[0], Optional.empty())), tree.action(), limits());
    assertThat(treeCall.arguments()[0]).isEqualTo(root);
    assertThat((byte[]) treeCall.arguments()[1]).isEmpty();
    assertThat(treeCall.arguments()[2]).isEqualTo(Optional.empty());

    OperationDescription byColor = DRAWING.operation("byColor");
    Map<Color, List<Point>> grouped = Map.of(Color.RED, List.of(new Point(1, 2)), Color.BLUE, List.of());
    assertThat(DRAWING_CODEC.readReply(new ByteArrayInputStream(reply(DRAWING_CODEC, v, byColor, grouped)), byColor,
        limits()).value()).isEqualTo(grouped);
  }

  @Test
  void aRequestBodyIsValidAgainstTheSchemaTheWsdlPublishes() throws Exception {
    OperationDescription find = DRAWING.operation("find");
    WsdlSchemas schemas = WsdlSchemas.of(Wsdl.write(ServiceMetadata.builder("DrawingService").contract(DRAWING).build()));
    for (byte[] message : List.of(request(DRAWING_CODEC, SoapVersion.SOAP_11, find, "x", Optional.empty()),
        reply(DRAWING_CODEC, SoapVersion.SOAP_11, find, SHAPE),
        reply(DRAWING_CODEC, SoapVersion.SOAP_11, DRAWING.operation("all"), List.of(SHAPE, SHAPE)))) {
      Element body = firstChild(firstChild(parse(message).getDocumentElement()));
      // the validator throws, naming the element and what the schema expected, when the body does not conform
      schemas.compile(body.getNamespaceURI()).newValidator().validate(new DOMSource(body));
    }
  }

  @Test
  void aListOfAContractOfUnwrappedListsIsItsItemsAloneAsTheSchemaSaysAndANullOneIsEmpty() throws Exception {
    ContractDescription basket = ContractDescription.of(RepeatedLists.Basket.class);
    SoapCodec codec = SoapCodec.of(basket);
    OperationDescription fill = basket.operation("fill");
    byte[] message = request(codec, SoapVersion.SOAP_11, fill, List.of("a", "b"), 3, null);

    assertThat(new String(message, StandardCharsets.UTF_8))
        .contains("<skus>a</skus><skus>b</skus><each>3</each></q1:fill>");
    WsdlSchemas schemas = WsdlSchemas.of(Wsdl.write(ServiceMetadata.builder("BasketService").contract(basket).build()));
    Element body = firstChild(firstChild(parse(message).getDocumentElement()));
    schemas.compile(body.getNamespaceURI()).newValidator().validate(new DOMSource(body));
    assertThat(codec.readRequest(new ByteArrayInputStream(message), fill.action(), limits()).arguments())
        .containsExactly(List.of("a", "b"), 3, List.of());
    assertThat(new String(request(codec, SoapVersion.SOAP_11, basket.operation("tags"), new int[] {4, 5},
        new String[] {"a"}), StandardCharsets.UTF_8)).contains("<counts>4</counts><counts>5</counts><prefixes>a</prefixes>");
  }

  @Test
  void elementsAreQualifiedAsWcfWritesThemAndNullIsNil() throws Exception {
    OperationDescription add = CALCULATOR.operation("add");
    String xml = new String(request(CALCULATOR_CODEC, SoapVersion.SOAP_11, add, 2, 3), StandardCharsets.UTF_8);
    assertThat(xml).contains("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"")
        .contains("<q1:add xmlns:q1=\"http://example.com/calc\"><q1:a>2</q1:a><q1:b>3</q1:b></q1:add>");
    OperationDescription find = DRAWING.operation("find");
    String nil = new String(request(DRAWING_CODEC, SoapVersion.SOAP_11, find, null, Optional.empty()),
        StandardCharsets.UTF_8);
    assertThat(nil).contains("<q1:name xsi:nil=\"true\"></q1:name>").doesNotContain("color");
  }

  @ParameterizedTest
  @EnumSource(SoapVersion.class)
  void aDeclaredFaultArrivesWithItsTypedDetailAndAnUndeclaredOneWithItsCodeAndReason(SoapVersion v) {
    OperationDescription divide = CALCULATOR.operation("divide");
    FaultException declared = new FaultException("cannot divide by zero", new DivideByZero(1.0, "zero"));
    FaultException read = CALCULATOR_CODEC.readReply(new ByteArrayInputStream(
        fault(CALCULATOR_CODEC, v, divide, declared)), divide, limits()).fault();
    assertThat(read.code()).isEqualTo(FaultException.SENDER);
    assertThat(read.reason()).isEqualTo("cannot divide by zero");
    assertThat(read.detail()).isEqualTo(new DivideByZero(1.0, "zero"));

    FaultException internal = new FaultException(FaultException.INTERNAL, "The server was unable to process the request",
        null);
    FaultException readInternal = CALCULATOR_CODEC.readReply(new ByteArrayInputStream(
        fault(CALCULATOR_CODEC, v, divide, internal)), divide, limits()).fault();
    assertThat(readInternal.code()).isEqualTo(FaultException.INTERNAL);
    assertThat(readInternal.detail()).isNull();

    OperationDescription find = DRAWING.operation("find");
    FaultException notFound = DRAWING_CODEC.readReply(new ByteArrayInputStream(
        fault(DRAWING_CODEC, v, find, new FaultException("no such shape", new NotFound("circle")))), find, limits()).fault();
    assertThat(notFound.detail()).isEqualTo(new NotFound("circle"));
  }

  @Test
  void aSoap11FaultHasWcfsCodesAndTheDetailElement() {
    OperationDescription divide = CALCULATOR.operation("divide");
    String declared = new String(fault(CALCULATOR_CODEC, SoapVersion.SOAP_11, divide,
        new FaultException("cannot divide by zero", new DivideByZero(2.0, "zero"))), StandardCharsets.UTF_8);
    assertThat(declared).contains("<faultcode>s:Client</faultcode>")
        .contains("<faultstring xml:lang=\"en-US\">cannot divide by zero</faultstring>")
        .contains("<detail><q1:DivideByZero xmlns:q1=\"http://example.com/calc\"><q1:dividend>2.0</q1:dividend>");
    String internal = new String(fault(CALCULATOR_CODEC, SoapVersion.SOAP_11, divide,
        new FaultException(FaultException.INTERNAL, "failed", null)), StandardCharsets.UTF_8);
    assertThat(internal).contains("xmlns:a=\"" + SoapCodec.WCF_DISPATCHER + "\"").contains(">a:InternalServiceFault<");
  }

  @Test
  void anActionTheContractLacksIsWcfsActionNotSupportedFault() {
    OperationDescription add = CALCULATOR.operation("add");
    assertThatThrownBy(() -> CALCULATOR_CODEC.readRequest(new ByteArrayInputStream(
        request(CALCULATOR_CODEC, SoapVersion.SOAP_11, add, 1, 2)), "http://example.com/calc/Calculator/nope", limits()))
        .isInstanceOfSatisfying(FaultException.class, f -> {
          assertThat(f.code()).isEqualTo(SoapCodec.ACTION_NOT_SUPPORTED);
          assertThat(f.reason()).contains("'http://example.com/calc/Calculator/nope'").contains("Calculator");
        });
  }

  @Test
  void aBodyThatIsNotTheActionsRequestIsASenderFaultNamingBoth() {
    OperationDescription add = CALCULATOR.operation("add");
    OperationDescription divide = CALCULATOR.operation("divide");
    assertThatThrownBy(() -> CALCULATOR_CODEC.readRequest(new ByteArrayInputStream(
        request(CALCULATOR_CODEC, SoapVersion.SOAP_11, add, 1, 2)), divide.action(), limits()))
        .isInstanceOfSatisfying(FaultException.class, f -> {
          assertThat(f.code()).isEqualTo(FaultException.SENDER);
          assertThat(f.reason()).contains("{http://example.com/calc}add").contains("{http://example.com/calc}divide");
        });
  }

  @Test
  void aDoctypeIsRefusedAndNoEntityIsExpanded() {
    String xxe = "<?xml version=\"1.0\"?><!DOCTYPE s:Envelope [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
        + "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
        + "<q:add xmlns:q=\"http://example.com/calc\"><q:a>&x;</q:a><q:b>1</q:b></q:add></s:Body></s:Envelope>";
    assertThatThrownBy(() -> CALCULATOR_CODEC.readRequest(new ByteArrayInputStream(xxe.getBytes(StandardCharsets.UTF_8)),
        CALCULATOR.operation("add").action(), limits()))
        .isInstanceOfSatisfying(FaultException.class, f -> assertThat(f.reason()).contains("DOCTYPE"));
  }

  @Test
  void elementsNestedBeyondTheLimitAreRefusedBeforeTheyAreBuilt() {
    StringBuilder deep = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      deep.append("<q:children><q:Node><q:label>n</q:label>");
    }
    deep.append("<q:children/>");
    for (int i = 0; i < 100; i++) {
      deep.append("</q:Node></q:children>");
    }
    String xml = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
        + "<q:tree xmlns:q=\"http://example.com/shapes/\"><q:root><q:label>r</q:label>" + deep + "</q:root>"
        + "<q:data></q:data></q:tree></s:Body></s:Envelope>";
    assertThatThrownBy(() -> DRAWING_CODEC.readRequest(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)),
        DRAWING.operation("tree").action(), limits()))
        .isInstanceOfSatisfying(FaultException.class, f -> assertThat(f.reason()).contains("nested deeper than 64"));
  }

  @Test
  void aTextLongerThanTheLimitIsRefusedNamingItsLengthAndTheOption() {
    OperationDescription find = DRAWING.operation("find");
    byte[] body = request(DRAWING_CODEC, SoapVersion.SOAP_11, find, "x".repeat(2000), Optional.empty());
    assertThatThrownBy(() -> DRAWING_CODEC.readRequest(new ByteArrayInputStream(body), find.action(),
        new XmlForm.Limits(64, 1 << 20, 1000)))
        .isInstanceOfSatisfying(FaultException.class, f -> assertThat(f.reason())
            .contains("2000 characters", "more than the 1000 allowed", "maxTextLength"));
    assertThat(DRAWING_CODEC.readRequest(new ByteArrayInputStream(body), find.action(),
        new XmlForm.Limits(64, 1 << 20, 2000)).arguments()).containsExactly("x".repeat(2000), Optional.empty());
  }

  @Test
  void anElementWithMoreAttributesThanTheLimitIsRefused() {
    StringBuilder attributes = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      attributes.append(" a").append(i).append("=\"x\"");
    }
    String xml = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
        + "<q:add xmlns:q=\"http://example.com/calc\"" + attributes + "><q:a>1</q:a><q:b>2</q:b></q:add>"
        + "</s:Body></s:Envelope>";
    assertThatThrownBy(() -> CALCULATOR_CODEC.readRequest(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)),
        CALCULATOR.operation("add").action(), limits()))
        .isInstanceOfSatisfying(FaultException.class, f -> {
          assertThat(f.code()).isEqualTo(FaultException.SENDER);
          assertThat(f.reason()).contains("the request cannot be read").contains("64");
        });
  }

  @Test
  void anUnknownEnumConstantFailsNamingTheConstantAndTheOnesKnown() {
    String xml = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
        + "<q:find xmlns:q=\"http://example.com/shapes/\"><q:name>x</q:name><q:color>PURPLE</q:color></q:find>"
        + "</s:Body></s:Envelope>";
    assertThatThrownBy(() -> DRAWING_CODEC.readRequest(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)),
        DRAWING.operation("find").action(), limits()))
        .isInstanceOfSatisfying(FaultException.class,
            f -> assertThat(f.reason()).contains("no constant PURPLE").contains("[RED, GREEN, BLUE]"));
  }

  @Test
  void aListItemOfTheRightNameInTheWrongNamespaceIsNamedWithItsNamespace() {
    String xml = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
        + "<q:tree xmlns:q=\"http://example.com/shapes/\"><q:root><q:label>r</q:label><q:children><Node/>"
        + "</q:children></q:root><q:data></q:data></q:tree></s:Body></s:Envelope>";
    assertThatThrownBy(() -> DRAWING_CODEC.readRequest(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)),
        DRAWING.operation("tree").action(), limits()))
        .isInstanceOfSatisfying(FaultException.class, f -> assertThat(f.reason())
            .contains("element Node in a list (expected: {http://example.com/shapes/}Node)"));
  }

  @Test
  void aNewerWritersExtraElementsAreSkippedAndAMissingOptionalIsEmpty() {
    String xml = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Header><x:any xmlns:x=\"urn:x\"/>"
        + "</s:Header><s:Body><q:find xmlns:q=\"http://example.com/shapes/\"><q:name>x</q:name>"
        + "<q:addedLater>1</q:addedLater></q:find></s:Body></s:Envelope>";
    SoapCodec.Call call = DRAWING_CODEC.readRequest(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), "",
        limits());
    assertThat(call.operation().name()).isEqualTo("find");
    assertThat(call.version()).isEqualTo(SoapVersion.SOAP_12);
    assertThat(call.arguments()).containsExactly("x", Optional.empty());
  }

  @Test
  void aDuplexContractHasNoSoapCodecAndTheReasonSaysWhy() {
    assertThatThrownBy(() -> SoapCodec.of(ContractDescription.of(MetadataContracts.Chat.class)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot call the client back");
  }

  private static Document parse(byte[] xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newDefaultInstance();
    f.setNamespaceAware(true);
    return f.newDocumentBuilder().parse(new InputSource(new StringReader(new String(xml, StandardCharsets.UTF_8))));
  }

  private static Element firstChild(Element e) {
    for (org.w3c.dom.Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element child) {
        return child;
      }
    }
    throw new AssertionError("no child element in " + e.getTagName());
  }
}
