package dev.courier.rpc.metadata;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.namespace.QName;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/** Reads WSDL 1.1 documents (and the schemas and documents they import) into {@link ServiceMetadata}. */
final class WsdlReader {
  private static final String WSAW_NAMESPACE = "http://www.w3.org/2006/05/addressing/wsdl";
  private static final String WSDL20_NAMESPACE = "http://www.w3.org/ns/wsdl";
  private static final int MAX_DOCUMENTS = 64;
  private static final String XS = SchemaType.XSD_NAMESPACE;

  /** A schema: its element, target namespace, whether local elements are qualified, and where it came from. */
  private record Schema(Element element, String targetNamespace, boolean qualified, URI location) {}

  /** A declaration in a schema, with the schema it belongs to. */
  private record Declared(Element element, Schema schema) {}

  private final List<Element> definitions = new ArrayList<>();
  private final Map<Element, URI> locations = new HashMap<>();
  private final List<Schema> schemas = new ArrayList<>();
  private final Set<URI> loaded = new HashSet<>();
  private final Map<QName, Declared> globalElements = new LinkedHashMap<>();
  private final Map<QName, Declared> namedTypes = new LinkedHashMap<>();
  private final Map<QName, SchemaType> types = new LinkedHashMap<>();
  private final Set<QName> translating = new HashSet<>();
  private final Map<QName, List<Part>> messages = new HashMap<>();
  private int documents;

  private record Part(String name, QName element, Element where) {}

  ServiceMetadata read(InputStream in, URI location) {
    Document doc = parse(in, location);
    Element root = doc.getDocumentElement();
    if (WSDL20_NAMESPACE.equals(root.getNamespaceURI())) {
      throw new IllegalArgumentException("a WSDL 2.0 description" + in(location)
          + " (expected: WSDL 1.1, whose root is {" + Wsdl.NAMESPACE + "}definitions)");
    }
    if (!is(root, Wsdl.NAMESPACE, "definitions")) {
      throw new IllegalArgumentException("root element {" + root.getNamespaceURI() + "}" + root.getLocalName()
          + in(location) + " (expected: {" + Wsdl.NAMESPACE + "}definitions)");
    }
    addDefinitions(root, location);
    for (Schema schema : List.copyOf(schemas)) {
      index(schema);
    }
    String tns = root.getAttribute("targetNamespace");
    for (Declared d : namedTypes.values()) {
      QName name = new QName(d.schema().targetNamespace(), d.element().getAttribute("name"));
      if (is(d.element(), XS, "complexType") || isEnumeration(d.element())) {
        translate(name);
      }
    }
    for (Element def : definitions) {
      String defNs = def.getAttribute("targetNamespace");
      for (Element message : children(def, Wsdl.NAMESPACE, "message")) {
        List<Part> parts = new ArrayList<>();
        for (Element part : children(message, Wsdl.NAMESPACE, "part")) {
          if (part.hasAttribute("type") || !part.hasAttribute("element")) {
            throw unsupported("message part " + part.getAttribute("name") + " that names a type (the rpc style)",
                "a part that names an element (document/literal)", part);
          }
          parts.add(new Part(part.getAttribute("name"), qname(part, part.getAttribute("element")), part));
        }
        messages.put(new QName(defNs, message.getAttribute("name")), parts);
      }
    }
    Map<QName, Element> bindings = new LinkedHashMap<>();
    List<ContractMetadata> contracts = new ArrayList<>();
    for (Element def : definitions) {
      for (Element binding : children(def, Wsdl.NAMESPACE, "binding")) {
        bindings.put(new QName(def.getAttribute("targetNamespace"), binding.getAttribute("name")), binding);
      }
    }
    for (Element def : definitions) {
      for (Element portType : children(def, Wsdl.NAMESPACE, "portType")) {
        contracts.add(contract(def, portType, bindings.values()));
      }
    }
    List<EndpointMetadata> endpoints = new ArrayList<>();
    String name = root.getAttribute("name");
    boolean named = false;
    for (Element def : definitions) {
      for (Element service : children(def, Wsdl.NAMESPACE, "service")) {
        if (!named) {
          name = service.getAttribute("name");
          named = true;
        }
        for (Element port : children(service, Wsdl.NAMESPACE, "port")) {
          QName bindingName = qname(port, port.getAttribute("binding"));
          Element binding = bindings.get(bindingName);
          if (binding == null) {
            throw new IllegalArgumentException("port " + port.getAttribute("name") + " names binding " + bindingName
                + where(port) + " (expected one of " + bindings.keySet() + ")");
          }
          Optional<EndpointMetadata.Protocol> protocol = protocol(binding);
          Element address = firstChild(port, null, "address");
          if (protocol.isEmpty() || address == null) {
            continue; // a port of another binding (HTTP GET, JMS): not one Courier or its peers call
          }
          endpoints.add(new EndpointMetadata(port.getAttribute("name"), qname(binding, binding.getAttribute("type")),
              protocol.get(), URI.create(address.getAttribute("location").strip())));
        }
      }
    }
    // named types in the order the schemas declare them, then anonymous ones in the order they were met
    Map<QName, SchemaType> ordered = new LinkedHashMap<>();
    for (QName declared : namedTypes.keySet()) {
      if (types.containsKey(declared)) {
        ordered.put(declared, types.get(declared));
      }
    }
    types.forEach(ordered::putIfAbsent);
    return new ServiceMetadata(name, tns, contracts, List.copyOf(ordered.values()), endpoints);
  }

  // ---- documents

  private Document parse(InputStream in, URI location) {
    if (++documents > MAX_DOCUMENTS) {
      throw new IllegalArgumentException("more than " + MAX_DOCUMENTS + " documents imported" + in(location)
          + " (expected: fewer; is there an import cycle?)");
    }
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newDefaultNSInstance();
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(null);
      Document doc = b.parse(in, location == null ? null : location.toString());
      return doc;
    } catch (SAXException e) {
      throw new IllegalArgumentException("not well-formed XML" + in(location) + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading" + in(location) + " failed", e);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
  }

  private Document load(URI base, String reference, Element where) {
    URI target;
    try {
      target = base == null ? new URI(reference) : base.resolve(reference);
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      throw new IllegalArgumentException("location " + reference + where(where) + " is not a URI", e);
    }
    if (!target.isAbsolute()) {
      throw new IllegalArgumentException("relative location " + reference + where(where)
          + " (expected: an absolute one, or a document read with its own location to resolve it against)");
    }
    if (!loaded.add(target)) {
      return null;
    }
    try (InputStream in = target.toURL().openStream()) {
      return parse(in, target);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + target + ", imported" + where(where) + ", failed", e);
    }
  }

  private void addDefinitions(Element def, URI location) {
    definitions.add(def);
    locations.put(def, location);
    if (location != null) {
      loaded.add(location);
    }
    for (Element child : children(def, null, null)) {
      if (is(child, Wsdl.NAMESPACE, "import")) {
        Document doc = load(location, child.getAttribute("location"), child);
        if (doc != null) {
          Element root = doc.getDocumentElement();
          if (is(root, Wsdl.NAMESPACE, "definitions")) {
            addDefinitions(root, URI.create(doc.getDocumentURI()));
          } else if (is(root, XS, "schema")) {
            addSchema(root, URI.create(doc.getDocumentURI()), null);
          } else {
            throw unsupported("an import of {" + root.getNamespaceURI() + "}" + root.getLocalName(),
                "a WSDL document or a schema", child);
          }
        }
      } else if (is(child, Wsdl.NAMESPACE, "types")) {
        for (Element schema : children(child, XS, "schema")) {
          addSchema(schema, location, null);
        }
      }
    }
  }

  private void addSchema(Element schema, URI location, String chameleonNamespace) {
    String tns = schema.hasAttribute("targetNamespace") ? schema.getAttribute("targetNamespace")
        : chameleonNamespace == null ? "" : chameleonNamespace;
    schemas.add(new Schema(schema, tns, "qualified".equals(schema.getAttribute("elementFormDefault")), location));
    for (Element child : children(schema, XS, null)) {
      switch (child.getLocalName()) {
        case "import", "include" -> {
          if (child.hasAttribute("schemaLocation")) {
            Document doc = load(location, child.getAttribute("schemaLocation"), child);
            if (doc != null) {
              addSchema(doc.getDocumentElement(), URI.create(doc.getDocumentURI()),
                  child.getLocalName().equals("include") ? tns : null);
            }
          }
        }
        case "redefine", "override" -> throw unsupported("xs:" + child.getLocalName(), "plain schemas", child);
        default -> { }
      }
    }
  }

  private void index(Schema schema) {
    for (Element child : children(schema.element(), XS, null)) {
      QName name = new QName(schema.targetNamespace(), child.getAttribute("name"));
      switch (child.getLocalName()) {
        case "element" -> globalElements.putIfAbsent(name, new Declared(child, schema));
        case "complexType", "simpleType" -> namedTypes.putIfAbsent(name, new Declared(child, schema));
        default -> { }
      }
    }
  }

  // ---- types

  /** The type {@code name} as the model refers to it: built-in, a schema type, or the base of a simple type. */
  private QName typeRef(QName name, Element where) {
    if (name.getNamespaceURI().equals(XS)) {
      if (name.getLocalPart().equals("anyType")) {
        throw unsupported("xs:anyType", "a declared type", where);
      }
      return name;
    }
    Declared d = namedTypes.get(name);
    if (d == null) {
      throw new IllegalArgumentException("type " + name + where(where) + " is not defined (expected: a built-in type "
          + "or one of the document's schemas)");
    }
    if (is(d.element(), XS, "simpleType") && !isEnumeration(d.element())) {
      return simpleBase(d.element());
    }
    translate(name);
    return name;
  }

  private QName simpleBase(Element simpleType) {
    Element restriction = firstChild(simpleType, XS, "restriction");
    if (restriction == null || !restriction.hasAttribute("base")) {
      throw unsupported("a simple type that is not a restriction (xs:list, xs:union)", "a restriction of a built-in type",
          simpleType);
    }
    return typeRef(qname(restriction, restriction.getAttribute("base")), restriction);
  }

  private static boolean isEnumeration(Element simpleType) {
    Element restriction = firstChild(simpleType, XS, "restriction");
    return is(simpleType, XS, "simpleType") && restriction != null && firstChild(restriction, XS, "enumeration") != null;
  }

  private void translate(QName name) {
    if (types.containsKey(name) || !translating.add(name)) {
      return;
    }
    Declared d = namedTypes.get(name);
    types.put(name, translate(name, d.element(), d.schema()));
    translating.remove(name);
  }

  private SchemaType translate(QName name, Element type, Schema schema) {
    if (is(type, XS, "simpleType")) {
      List<String> values = new ArrayList<>();
      for (Element e : children(firstChild(type, XS, "restriction"), XS, "enumeration")) {
        values.add(e.getAttribute("value"));
      }
      return new EnumType(name, values, annotation(type));
    }
    types.put(name, new ComplexType(name, List.of())); // holds its place in document order
    List<SchemaElement> elements = new ArrayList<>();
    for (Element child : children(type, XS, null)) {
      switch (child.getLocalName()) {
        case "annotation" -> { }
        case "sequence" -> elements.addAll(sequence(child, schema, name.getLocalPart()));
        case "attribute", "attributeGroup", "anyAttribute" ->
            throw unsupported("xs:" + child.getLocalName(), "elements only (data contracts carry no attributes)", child);
        case "complexContent", "simpleContent" ->
            throw unsupported("xs:" + child.getLocalName() + " (type inheritance or content derivation)",
                "a plain xs:sequence", child);
        default -> throw unsupported("xs:" + child.getLocalName(), "an xs:sequence of elements", child);
      }
    }
    return new ComplexType(name, elements, annotation(type));
  }

  /** The text of {@code type}'s {@code xs:annotation/xs:documentation} elements, empty when it has none. */
  private static String annotation(Element type) {
    Element annotation = firstChild(type, XS, "annotation");
    return annotation == null ? "" : documentation(annotation, XS);
  }

  /**
   * The text of {@code parent}'s {@code documentation} children of namespace {@code ns}, each line trimmed and
   * the documents joined by a blank line; empty when it has none.
   */
  private static String documentation(Element parent, String ns) {
    List<String> texts = new ArrayList<>();
    for (Element d : children(parent, ns, "documentation")) {
      String text = d.getTextContent().lines().map(String::strip).collect(java.util.stream.Collectors.joining("\n")).strip();
      if (!text.isEmpty()) {
        texts.add(text);
      }
    }
    return String.join("\n\n", texts);
  }

  private List<SchemaElement> sequence(Element sequence, Schema schema, String owner) {
    List<SchemaElement> elements = new ArrayList<>();
    for (Element child : children(sequence, XS, null)) {
      if (child.getLocalName().equals("annotation")) {
        continue;
      }
      if (!child.getLocalName().equals("element")) {
        throw unsupported("xs:" + child.getLocalName() + " in a sequence", "xs:element", child);
      }
      elements.add(element(child, schema, owner));
    }
    return elements;
  }

  private SchemaElement element(Element e, Schema schema, String owner) {
    int minOccurs = e.hasAttribute("minOccurs") && e.getAttribute("minOccurs").strip().equals("0") ? 0 : 1;
    String max = e.getAttribute("maxOccurs").strip();
    boolean repeated = !max.isEmpty() && !max.equals("1") && !max.equals("0");
    if (e.hasAttribute("ref")) {
      QName ref = qname(e, e.getAttribute("ref"));
      Declared global = globalElements.get(ref);
      if (global == null) {
        throw new IllegalArgumentException("element reference " + ref + where(e) + " names no global element");
      }
      return new SchemaElement(ref, elementType(global.element(), global.schema(), ref.getLocalPart()), minOccurs,
          repeated, Boolean.parseBoolean(global.element().getAttribute("nillable").strip()));
    }
    String form = e.getAttribute("form");
    boolean qualified = form.isEmpty() ? schema.qualified() : form.equals("qualified");
    QName name = new QName(qualified ? schema.targetNamespace() : "", e.getAttribute("name"));
    return new SchemaElement(name, elementType(e, schema, owner + "_" + e.getAttribute("name")), minOccurs, repeated,
        Boolean.parseBoolean(e.getAttribute("nillable").strip()));
  }

  /** The type of element {@code e}: named, or an anonymous one given the name {@code anonymousName} if free. */
  private QName elementType(Element e, Schema schema, String anonymousName) {
    if (e.hasAttribute("type")) {
      return typeRef(qname(e, e.getAttribute("type")), e);
    }
    Element anonymous = firstChild(e, XS, "complexType");
    if (anonymous == null) {
      anonymous = firstChild(e, XS, "simpleType");
    }
    if (anonymous == null) {
      throw unsupported("an element without a type (xs:anyType)", "a type attribute or an anonymous type", e);
    }
    if (is(anonymous, XS, "simpleType") && !isEnumeration(anonymous)) {
      return simpleBase(anonymous);
    }
    QName name = new QName(schema.targetNamespace(), e.getAttribute("name"));
    if (types.containsKey(name) || namedTypes.containsKey(name)) {
      name = new QName(schema.targetNamespace(), anonymousName);
    }
    if (!types.containsKey(name)) {
      types.put(name, translate(name, anonymous, schema));
    }
    return name;
  }

  // ---- contracts

  private ContractMetadata contract(Element def, Element portType, java.util.Collection<Element> bindings) {
    String tns = def.getAttribute("targetNamespace");
    String portTypeName = portType.getAttribute("name");
    QName contractName = new QName(tns, portTypeName);
    List<OperationMetadata> operations = new ArrayList<>();
    for (Element op : children(portType, Wsdl.NAMESPACE, "operation")) {
      String opName = op.getAttribute("name");
      List<Element> directions = new ArrayList<>();
      List<Element> faults = new ArrayList<>();
      for (Element child : children(op, Wsdl.NAMESPACE, null)) {
        switch (child.getLocalName()) {
          case "input", "output" -> directions.add(child);
          case "fault" -> faults.add(child);
          default -> { }
        }
      }
      String order = String.join(",", directions.stream().map(Element::getLocalName).toList());
      OperationMetadata.Pattern pattern = switch (order) {
        case "input,output" -> OperationMetadata.Pattern.REQUEST_REPLY;
        case "input" -> OperationMetadata.Pattern.ONE_WAY;
        case "output" -> OperationMetadata.Pattern.CALLBACK_ONE_WAY;
        case "output,input" -> OperationMetadata.Pattern.CALLBACK_REQUEST_REPLY;
        default -> throw unsupported("an operation with messages [" + order + "]",
            "input, input then output, output, or output then input", op);
      };
      String base = tns + (tns.endsWith("/") || tns.endsWith(":") ? "" : "/") + portTypeName + "/";
      Element first = directions.getFirst();
      String firstDefault = first.hasAttribute("name") ? first.getAttribute("name")
          : opName + (pattern.hasReply() ? (pattern.isCallback() ? "Solicit" : "Request") : "");
      String requestAction = action(first).or(() -> pattern.isCallback() ? Optional.empty()
          : soapAction(contractName, opName, bindings)).orElse(base + firstDefault);
      MessageMetadata request = message(first, requestAction);
      Optional<MessageMetadata> reply = Optional.empty();
      if (pattern.hasReply()) {
        Element second = directions.get(1);
        String secondDefault = second.hasAttribute("name") ? second.getAttribute("name") : opName + "Response";
        reply = Optional.of(message(second, action(second).orElse(base + secondDefault)));
      }
      List<FaultMetadata> faultList = new ArrayList<>();
      for (Element fault : faults) {
        String faultName = fault.getAttribute("name");
        Part part = onlyPart(fault);
        Declared global = globalElement(part);
        faultList.add(new FaultMetadata(faultName, action(fault).orElse(base + opName + "/Fault/" + faultName),
            part.element(), elementType(global.element(), global.schema(), part.element().getLocalPart())));
      }
      operations.add(new OperationMetadata(opName, pattern, request, reply, faultList,
          documentation(op, Wsdl.NAMESPACE)));
    }
    return new ContractMetadata(contractName, operations, documentation(portType, Wsdl.NAMESPACE));
  }

  private MessageMetadata message(Element direction, String action) {
    Part part = onlyPart(direction);
    Declared global = globalElement(part);
    Element wrapper = global.element();
    List<SchemaElement> elements;
    if (wrapper.hasAttribute("type")) {
      QName type = typeRef(qname(wrapper, wrapper.getAttribute("type")), wrapper);
      if (!(types.get(type) instanceof ComplexType ct)) {
        throw unsupported("a message whose element " + part.element() + " has the simple type " + type
            + " (the document/literal bare style)", "a wrapper element of a complex type (document/literal wrapped)",
            part.where());
      }
      elements = ct.elements();
    } else {
      Element anonymous = firstChild(wrapper, XS, "complexType");
      if (anonymous == null) {
        throw unsupported("a message whose element " + part.element() + " has no complex type (the document/literal "
            + "bare style)", "a wrapper element of a complex type (document/literal wrapped)", part.where());
      }
      elements = ((ComplexType) translateAnonymous(part.element(), anonymous, global.schema())).elements();
    }
    return new MessageMetadata(action, part.element(), elements);
  }

  /** A wrapper's anonymous type, read without listing it among the named types. */
  private SchemaType translateAnonymous(QName wrapper, Element anonymous, Schema schema) {
    QName placeholder = new QName(schema.targetNamespace(), wrapper.getLocalPart());
    boolean existed = types.containsKey(placeholder);
    SchemaType saved = types.get(placeholder);
    SchemaType t = translate(placeholder, anonymous, schema);
    if (existed) {
      types.put(placeholder, saved);
    } else {
      types.remove(placeholder);
    }
    return t;
  }

  private Part onlyPart(Element direction) {
    QName messageName = qname(direction, direction.getAttribute("message"));
    List<Part> parts = messages.get(messageName);
    if (parts == null) {
      throw new IllegalArgumentException("message " + messageName + where(direction) + " is not defined");
    }
    if (parts.size() != 1) {
      throw unsupported("message " + messageName.getLocalPart() + " with " + parts.size() + " parts",
          "exactly one part (document/literal wrapped)", direction);
    }
    return parts.getFirst();
  }

  private Declared globalElement(Part part) {
    Declared global = globalElements.get(part.element());
    if (global == null) {
      throw new IllegalArgumentException("element " + part.element() + where(part.where())
          + " is not declared in the document's schemas");
    }
    return global;
  }

  private static Optional<String> action(Element direction) {
    for (String ns : List.of(Wsdl.WSAM_NAMESPACE, WSAW_NAMESPACE)) {
      String a = direction.getAttributeNS(ns, "Action").strip();
      if (!a.isEmpty()) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  private Optional<String> soapAction(QName portType, String opName, java.util.Collection<Element> bindings) {
    for (Element binding : bindings) {
      if (!qname(binding, binding.getAttribute("type")).equals(portType)) {
        continue;
      }
      for (Element op : children(binding, Wsdl.NAMESPACE, "operation")) {
        if (op.getAttribute("name").equals(opName)) {
          Element soap = firstChild(op, null, "operation");
          if (soap != null && !soap.getAttribute("soapAction").isBlank()) {
            return Optional.of(soap.getAttribute("soapAction").strip());
          }
        }
      }
    }
    return Optional.empty();
  }

  private Optional<EndpointMetadata.Protocol> protocol(Element binding) {
    for (Element child : children(binding, null, "binding")) {
      String ns = child.getNamespaceURI();
      EndpointMetadata.Protocol p = Wsdl.SOAP11_NAMESPACE.equals(ns) ? EndpointMetadata.Protocol.SOAP_11
          : Wsdl.SOAP12_NAMESPACE.equals(ns) ? EndpointMetadata.Protocol.SOAP_12
          : Wsdl.COURIER_NAMESPACE.equals(ns) ? EndpointMetadata.Protocol.COURIER : null;
      if (p == null) {
        continue;
      }
      if (p != EndpointMetadata.Protocol.COURIER) {
        checkDocumentLiteral(binding, child);
      }
      return Optional.of(p);
    }
    return Optional.empty();
  }

  private void checkDocumentLiteral(Element binding, Element soapBinding) {
    if (soapBinding.getAttribute("style").equals("rpc")) {
      throw unsupported("the rpc style", "document/literal", soapBinding);
    }
    for (Element op : children(binding, Wsdl.NAMESPACE, "operation")) {
      Element soapOp = firstChild(op, null, "operation");
      if (soapOp != null && soapOp.getAttribute("style").equals("rpc")) {
        throw unsupported("the rpc style", "document/literal", soapOp);
      }
      for (Element direction : children(op, Wsdl.NAMESPACE, null)) {
        for (Element use : children(direction, null, null)) {
          if (use.getAttribute("use").equals("encoded")) {
            throw unsupported("use=\"encoded\" (SOAP encoding)", "use=\"literal\"", use);
          }
        }
      }
    }
  }

  // ---- DOM

  private static boolean is(Element e, String ns, String local) {
    return (ns == null || ns.equals(e.getNamespaceURI())) && (local == null || local.equals(e.getLocalName()));
  }

  private static List<Element> children(Element parent, String ns, String local) {
    List<Element> list = new ArrayList<>();
    if (parent == null) {
      return list;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && is(e, ns, local)) {
        list.add(e);
      }
    }
    return list;
  }

  private static Element firstChild(Element parent, String ns, String local) {
    List<Element> list = children(parent, ns, local);
    return list.isEmpty() ? null : list.getFirst();
  }

  /** Resolves a prefixed name in the scope of {@code e}. */
  private static QName qname(Element e, String prefixed) {
    String value = prefixed.strip();
    int colon = value.indexOf(':');
    String prefix = colon < 0 ? null : value.substring(0, colon);
    String ns = e.lookupNamespaceURI(prefix);
    if (ns == null && prefix != null) {
      throw new IllegalArgumentException("prefix " + prefix + " of " + value + where(e) + " is not declared");
    }
    return new QName(ns == null ? "" : ns, colon < 0 ? value : value.substring(colon + 1));
  }

  private static IllegalArgumentException unsupported(String construct, String expected, Element where) {
    return new IllegalArgumentException("unsupported: " + construct + where(where) + " (expected: " + expected + ")");
  }

  private static String in(URI location) {
    return location == null ? "" : " in " + location;
  }

  /** Where {@code e} is: a path of local names with names or positions, and the document's location. */
  private static String where(Element e) {
    StringBuilder path = new StringBuilder();
    for (Node n = e; n instanceof Element el; n = n.getParentNode()) {
      String step = el.getLocalName();
      if (el.hasAttribute("name")) {
        step += "[@name='" + el.getAttribute("name") + "']";
      } else if (el.getParentNode() instanceof Element parent) {
        List<Element> same = children(parent, el.getNamespaceURI(), el.getLocalName());
        if (same.size() > 1) {
          step += "[" + (same.indexOf(el) + 1) + "]";
        }
      }
      path.insert(0, "/" + step);
    }
    String uri = e.getOwnerDocument().getDocumentURI();
    return " at " + path + (uri == null ? "" : " in " + uri);
  }
}
