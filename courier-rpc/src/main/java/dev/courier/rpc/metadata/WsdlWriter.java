package dev.courier.rpc.metadata;

import java.io.StringWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.xml.namespace.QName;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** Writes {@link ServiceMetadata} as one WSDL 1.1 document with its schemas inline, indented, byte for byte stable. */
final class WsdlWriter {
  private static final String SOAP_HTTP = "http://schemas.xmlsoap.org/soap/http";

  private final ServiceMetadata m;
  private final Map<String, String> prefixes = new LinkedHashMap<>();
  private final Out out;

  private WsdlWriter(ServiceMetadata m, XMLStreamWriter x) {
    this.m = m;
    this.out = new Out(x);
    prefixes.put(Wsdl.NAMESPACE, "wsdl");
    prefixes.put(Wsdl.SOAP11_NAMESPACE, "soap");
    prefixes.put(Wsdl.SOAP12_NAMESPACE, "soap12");
    prefixes.put(SchemaType.XSD_NAMESPACE, "xs");
    prefixes.put(Wsdl.WSAM_NAMESPACE, "wsam");
    prefixes.put(Wsdl.COURIER_NAMESPACE, "courier");
    prefixes.put(m.targetNamespace(), "tns");
    int n = 1;
    for (String ns : schemaNamespaces()) {
      if (!prefixes.containsKey(ns)) {
        prefixes.put(ns, "q" + n++);
      }
    }
  }

  static String write(ServiceMetadata metadata) {
    StringWriter text = new StringWriter();
    try {
      XMLStreamWriter x = XMLOutputFactory.newDefaultFactory().createXMLStreamWriter(text);
      new WsdlWriter(metadata, x).document();
      x.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("writing the WSDL of " + metadata.name() + " failed", e);
    }
    return text.append('\n').toString();
  }

  private void document() throws XMLStreamException {
    out.x.writeStartDocument("UTF-8", "1.0");
    out.open(Wsdl.NAMESPACE, "definitions", "name", m.name(), "targetNamespace", m.targetNamespace());
    for (Map.Entry<String, String> p : prefixes.entrySet()) {
      out.x.writeNamespace(p.getValue(), p.getKey());
    }
    out.open(Wsdl.NAMESPACE, "types");
    for (String ns : schemaNamespaces()) {
      schema(ns);
    }
    out.close();
    for (ContractMetadata c : m.contracts()) {
      messages(c);
    }
    for (ContractMetadata c : m.contracts()) {
      portType(c);
    }
    for (EndpointMetadata e : m.endpoints()) {
      binding(e);
    }
    if (!m.endpoints().isEmpty()) {
      out.open(Wsdl.NAMESPACE, "service", "name", m.name());
      for (EndpointMetadata e : m.endpoints()) {
        out.open(Wsdl.NAMESPACE, "port", "name", e.name(), "binding", ref(new QName(m.targetNamespace(), e.name())));
        out.empty(addressNamespace(e.protocol()), "address", "location", e.address().toString());
        out.close();
      }
      out.close();
    }
    out.close();
    out.x.writeEndDocument();
  }

  /** The namespaces that need a schema: the target namespace first, then those of types and elements. */
  private Set<String> schemaNamespaces() {
    return schemaNamespaces(m);
  }

  /** The namespaces of the schemas of {@code m}, in the order the document gives them: the target namespace first. */
  static Set<String> schemaNamespaces(ServiceMetadata m) {
    Set<String> namespaces = new LinkedHashSet<>();
    namespaces.add(m.targetNamespace());
    for (ContractMetadata c : m.contracts()) {
      for (OperationMetadata op : c.operations()) {
        namespaces.add(op.request().wrapper().getNamespaceURI());
        op.reply().ifPresent(r -> namespaces.add(r.wrapper().getNamespaceURI()));
        op.faults().forEach(f -> namespaces.add(f.detailElement().getNamespaceURI()));
      }
    }
    m.types().forEach(t -> namespaces.add(t.name().getNamespaceURI()));
    return namespaces;
  }

  private void schema(String ns) throws XMLStreamException {
    List<MessageMetadata> wrappers = new ArrayList<>();
    Map<QName, QName> faultElements = new LinkedHashMap<>();
    for (ContractMetadata c : m.contracts()) {
      for (OperationMetadata op : c.operations()) {
        wrappers.add(op.request());
        op.reply().ifPresent(wrappers::add);
        op.faults().forEach(f -> faultElements.putIfAbsent(f.detailElement(), f.detailType()));
      }
    }
    wrappers.removeIf(w -> !w.wrapper().getNamespaceURI().equals(ns));
    faultElements.keySet().removeIf(e -> !e.getNamespaceURI().equals(ns));
    List<SchemaType> types = m.types().stream().filter(t -> t.name().getNamespaceURI().equals(ns)).toList();
    Set<String> wrapperNames = new LinkedHashSet<>();
    wrappers.removeIf(w -> !wrapperNames.add(w.wrapper().getLocalPart()));

    Set<String> imports = new LinkedHashSet<>();
    List<SchemaElement> all = new ArrayList<>();
    wrappers.forEach(w -> all.addAll(w.elements()));
    types.forEach(t -> {
      if (t instanceof ComplexType ct) {
        all.addAll(ct.elements());
      }
    });
    all.forEach(e -> imports.add(e.type().getNamespaceURI()));
    imports.addAll(faultElements.values().stream().map(QName::getNamespaceURI).toList());
    imports.remove(ns);
    imports.remove(SchemaType.XSD_NAMESPACE);
    if (wrappers.isEmpty() && faultElements.isEmpty() && types.isEmpty() && !ns.equals(m.targetNamespace())) {
      return;
    }
    out.open(SchemaType.XSD_NAMESPACE, "schema", "elementFormDefault", "qualified", "targetNamespace", ns);
    for (String i : imports) {
      out.empty(SchemaType.XSD_NAMESPACE, "import", "namespace", i);
    }
    for (MessageMetadata w : wrappers) {
      out.open(SchemaType.XSD_NAMESPACE, "element", "name", w.wrapper().getLocalPart());
      out.open(SchemaType.XSD_NAMESPACE, "complexType");
      sequence(ns, w.elements());
      out.close();
      out.close();
    }
    for (SchemaType t : types) {
      switch (t) {
        case ComplexType ct -> {
          out.open(SchemaType.XSD_NAMESPACE, "complexType", "name", ct.name().getLocalPart());
          annotation(ct.documentation());
          sequence(ns, ct.elements());
          out.close();
        }
        case EnumType et -> {
          out.open(SchemaType.XSD_NAMESPACE, "simpleType", "name", et.name().getLocalPart());
          annotation(et.documentation());
          out.open(SchemaType.XSD_NAMESPACE, "restriction", "base", ref(SchemaType.XS_STRING));
          for (String v : et.values()) {
            out.empty(SchemaType.XSD_NAMESPACE, "enumeration", "value", v);
          }
          out.close();
          out.close();
        }
      }
    }
    for (Map.Entry<QName, QName> f : faultElements.entrySet()) {
      out.empty(SchemaType.XSD_NAMESPACE, "element", "name", f.getKey().getLocalPart(), "nillable", "true",
          "type", ref(f.getValue()));
    }
    out.close();
  }

  /** A type's documentation, as XML Schema puts it: {@code xs:annotation/xs:documentation}. */
  private void annotation(String documentation) throws XMLStreamException {
    if (!documentation.isEmpty()) {
      out.open(SchemaType.XSD_NAMESPACE, "annotation");
      out.text(SchemaType.XSD_NAMESPACE, "documentation", documentation);
      out.close();
    }
  }

  private void sequence(String ns, List<SchemaElement> elements) throws XMLStreamException {
    if (elements.isEmpty()) {
      out.empty(SchemaType.XSD_NAMESPACE, "sequence");
      return;
    }
    out.open(SchemaType.XSD_NAMESPACE, "sequence");
    for (SchemaElement e : elements) {
      String elementNs = e.name().getNamespaceURI();
      if (!elementNs.isEmpty() && !elementNs.equals(ns)) {
        throw new IllegalArgumentException("element " + e.name() + " in a type of namespace " + ns
            + " (expected: a local element in that namespace, or in none)");
      }
      out.empty(SchemaType.XSD_NAMESPACE, "element", "minOccurs", e.optional() ? "0" : null,
          "maxOccurs", e.repeated() ? "unbounded" : null, "name", e.name().getLocalPart(),
          "nillable", e.nillable() ? "true" : null, "type", ref(e.type()),
          "form", elementNs.isEmpty() ? "unqualified" : null);
    }
    out.close();
  }

  private void messages(ContractMetadata c) throws XMLStreamException {
    for (OperationMetadata op : c.operations()) {
      boolean callback = op.pattern().isCallback();
      message(messageName(c, op, callback ? "OutputCallbackMessage" : "InputMessage"), "parameters",
          op.request().wrapper());
      if (op.reply().isPresent()) {
        message(messageName(c, op, callback ? "InputCallbackMessage" : "OutputMessage"), "parameters",
            op.reply().get().wrapper());
      }
      for (FaultMetadata f : op.faults()) {
        message(messageName(c, op, f.name() + "_FaultMessage"), "detail", f.detailElement());
      }
    }
  }

  private void message(String name, String part, QName element) throws XMLStreamException {
    out.open(Wsdl.NAMESPACE, "message", "name", name);
    out.empty(Wsdl.NAMESPACE, "part", "name", part, "element", ref(element));
    out.close();
  }

  private static String messageName(ContractMetadata c, OperationMetadata op, String suffix) {
    return c.name().getLocalPart() + "_" + op.name() + "_" + suffix;
  }

  private void portType(ContractMetadata c) throws XMLStreamException {
    out.open(Wsdl.NAMESPACE, "portType", "name", c.name().getLocalPart());
    out.text(Wsdl.NAMESPACE, "documentation", c.documentation());
    for (OperationMetadata op : c.operations()) {
      out.open(Wsdl.NAMESPACE, "operation", "name", op.name());
      out.text(Wsdl.NAMESPACE, "documentation", op.documentation());
      boolean callback = op.pattern().isCallback();
      String first = callback ? "output" : "input";
      String second = callback ? "input" : "output";
      out.empty(Wsdl.NAMESPACE, first, "wsam:Action", op.request().action(),
          "message", ref(new QName(m.targetNamespace(), messageName(c, op, callback ? "OutputCallbackMessage" : "InputMessage"))));
      Optional<MessageMetadata> reply = op.reply();
      if (reply.isPresent()) {
        out.empty(Wsdl.NAMESPACE, second, "wsam:Action", reply.get().action(),
            "message", ref(new QName(m.targetNamespace(), messageName(c, op, callback ? "InputCallbackMessage" : "OutputMessage"))));
      }
      for (FaultMetadata f : op.faults()) {
        out.empty(Wsdl.NAMESPACE, "fault", "wsam:Action", f.action(), "name", f.name(),
            "message", ref(new QName(m.targetNamespace(), messageName(c, op, f.name() + "_FaultMessage"))));
      }
      out.close();
    }
    out.close();
  }

  private void binding(EndpointMetadata e) throws XMLStreamException {
    ContractMetadata c = m.contracts().stream().filter(x -> x.name().equals(e.contract())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("endpoint " + e.name() + " serves " + e.contract()
            + " (expected one of the document's contracts " + m.contracts().stream().map(ContractMetadata::name).toList() + ")"));
    out.open(Wsdl.NAMESPACE, "binding", "name", e.name(), "type", ref(c.name()));
    String soap = switch (e.protocol()) {
      case SOAP_11 -> Wsdl.SOAP11_NAMESPACE;
      case SOAP_12 -> Wsdl.SOAP12_NAMESPACE;
      case COURIER -> null;
    };
    if (soap != null) {
      out.empty(soap, "binding", "transport", SOAP_HTTP);
    } else {
      out.empty(Wsdl.COURIER_NAMESPACE, "binding");
    }
    for (OperationMetadata op : c.operations()) {
      if (soap != null && op.pattern().isCallback()) {
        continue; // not carried over SOAP; the builder refuses such an endpoint
      }
      out.open(Wsdl.NAMESPACE, "operation", "name", op.name());
      if (soap != null) {
        out.empty(soap, "operation", "soapAction", op.request().action(), "style", "document");
      }
      boolean callback = op.pattern().isCallback();
      body(soap, callback ? "output" : "input");
      if (op.reply().isPresent()) {
        body(soap, callback ? "input" : "output");
      }
      for (FaultMetadata f : op.faults()) {
        if (soap != null) {
          out.open(Wsdl.NAMESPACE, "fault", "name", f.name());
          out.empty(soap, "fault", "name", f.name(), "use", "literal");
          out.close();
        } else {
          out.empty(Wsdl.NAMESPACE, "fault", "name", f.name());
        }
      }
      out.close();
    }
    out.close();
  }

  private void body(String soap, String direction) throws XMLStreamException {
    if (soap == null) {
      out.empty(Wsdl.NAMESPACE, direction);
      return;
    }
    out.open(Wsdl.NAMESPACE, direction);
    out.empty(soap, "body", "use", "literal");
    out.close();
  }

  private static String addressNamespace(EndpointMetadata.Protocol protocol) {
    return switch (protocol) {
      case SOAP_11 -> Wsdl.SOAP11_NAMESPACE;
      case SOAP_12 -> Wsdl.SOAP12_NAMESPACE;
      case COURIER -> Wsdl.COURIER_NAMESPACE;
    };
  }

  private String ref(QName name) {
    String prefix = prefixes.get(name.getNamespaceURI());
    if (prefix == null) {
      throw new IllegalArgumentException("name " + name + " (expected: a name in one of " + prefixes.keySet() + ")");
    }
    return prefix + ":" + name.getLocalPart();
  }

  /** An indenting writer: two spaces a level, children on their own lines. */
  private final class Out {
    final XMLStreamWriter x;
    private final Deque<Boolean> hasChildren = new ArrayDeque<>();

    Out(XMLStreamWriter x) {
      this.x = x;
    }

    void open(String ns, String local, String... attributes) throws XMLStreamException {
      indent();
      x.writeStartElement(prefixes.get(ns), local, ns);
      attributes(attributes);
      hasChildren.push(false);
    }

    /** An element holding {@code text} alone, when the text is not empty. */
    void text(String ns, String local, String text) throws XMLStreamException {
      if (text.isEmpty()) {
        return;
      }
      indent();
      x.writeStartElement(prefixes.get(ns), local, ns);
      x.writeCharacters(text);
      x.writeEndElement();
    }

    void empty(String ns, String local, String... attributes) throws XMLStreamException {
      indent();
      x.writeEmptyElement(prefixes.get(ns), local, ns);
      attributes(attributes);
    }

    void close() throws XMLStreamException {
      boolean children = hasChildren.pop();
      if (children) {
        x.writeCharacters("\n" + "  ".repeat(hasChildren.size()));
      }
      x.writeEndElement();
    }

    private void indent() throws XMLStreamException {
      if (!hasChildren.isEmpty()) {
        hasChildren.pop();
        hasChildren.push(true);
      }
      x.writeCharacters("\n" + "  ".repeat(hasChildren.size()));
    }

    private void attributes(String... pairs) throws XMLStreamException {
      for (int i = 0; i < pairs.length; i += 2) {
        if (pairs[i + 1] == null) {
          continue;
        }
        int colon = pairs[i].indexOf(':');
        if (colon > 0) {
          String prefix = pairs[i].substring(0, colon);
          String ns = prefixes.entrySet().stream().filter(p -> p.getValue().equals(prefix)).findFirst().orElseThrow().getKey();
          x.writeAttribute(prefix, ns, pairs[i].substring(colon + 1), pairs[i + 1]);
        } else {
          x.writeAttribute(pairs[i], pairs[i + 1]);
        }
      }
    }
  }
}
