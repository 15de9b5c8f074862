package dev.courier.rpc.soap;

import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.FaultException;
import dev.courier.rpc.OperationDescription;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.namespace.QName;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.XMLStreamWriter;

/**
 * A contract's messages as SOAP envelopes: requests, replies and faults, written and read by streaming (StAX).
 * The envelope, its headers (the deadline) and the fault's code and reason are SOAP's and this class's; the
 * values in the body are {@link XmlEncoding}'s, document/literal wrapped as the contract's WSDL describes them.
 *
 * <p>Immutable and thread safe: one per contract, built once.
 */
final class SoapCodec {
  /** WCF's namespace for its dispatcher's fault codes ({@code InternalServiceFault}). */
  static final String WCF_DISPATCHER = "http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher";
  /** WCF's namespace for {@code ActionNotSupported} without WS-Addressing. */
  static final String WCF_ADDRESSING_NONE = "http://schemas.microsoft.com/ws/2005/05/addressing/none";
  /** The fault code of a message whose action no operation of the contract has (WCF's). */
  static final String ACTION_NOT_SUPPORTED = "ActionNotSupported";

  private static final XMLInputFactory INPUT = secureInput();
  private static final XMLOutputFactory OUTPUT = XMLOutputFactory.newDefaultFactory();

  private final ContractDescription contract;
  private final XmlEncoding body;
  private final Map<String, OperationDescription> byAction = new HashMap<>();

  private SoapCodec(ContractDescription contract) {
    this.contract = contract;
    this.body = (XmlEncoding) XmlEncoding.FACTORY.create(contract);
    for (OperationDescription op : contract.operations()) {
      byAction.put(op.action(), op);
    }
  }

  /** The codec of {@code contract}, which must not be duplex. */
  static SoapCodec of(ContractDescription contract) {
    if (contract.isDuplex()) {
      throw new IllegalArgumentException("contract " + contract.name() + " is duplex: SOAP over HTTP cannot call the "
          + "client back (expected: a contract without callbacks, or a Courier binding such as courier.tcp)");
    }
    return new SoapCodec(contract);
  }

  ContractDescription contract() {
    return contract;
  }

  // ---- writing ------------------------------------------------------------------------------------------

  /** The header that carries a call's deadline: the time left when it was sent, as an {@code xs:duration}. */
  static final QName TIMEOUT = new QName(dev.courier.rpc.metadata.Wsdl.COURIER_NAMESPACE, "Timeout", "c");

  /** The header block that carries one of a call's headers: {@code <c:Header name="tenant">blue</c:Header>}. */
  static final QName HEADER = new QName(dev.courier.rpc.metadata.Wsdl.COURIER_NAMESPACE, "Header", "c");

  /** Writes the request envelope of a call of {@code op} with {@code arguments}, with no deadline and no headers. */
  void writeRequest(OutputStream out, SoapVersion version, OperationDescription op, Object[] arguments) {
    writeRequest(out, version, op, arguments, dev.courier.rpc.spi.Invocation.NO_DEADLINE, Map.of());
  }

  /**
   * Writes the request envelope of a call of {@code op} with {@code arguments}. A call with a deadline carries the
   * time left in a {@code c:Timeout} header block of Courier's namespace, and each of the call's headers is a
   * {@code c:Header} block named by its {@code name} attribute; other stacks ignore both (neither is
   * {@code mustUnderstand}).
   */
  void writeRequest(OutputStream out, SoapVersion version, OperationDescription op, Object[] arguments,
      long timeoutNanos, Map<String, String> headers) {
    boolean timed = timeoutNanos != dev.courier.rpc.spi.Invocation.NO_DEADLINE;
    Body header = !timed && headers.isEmpty() ? null : x -> {
      if (timed) {
        x.writeStartElement(TIMEOUT.getPrefix(), TIMEOUT.getLocalPart(), TIMEOUT.getNamespaceURI());
        x.writeNamespace(TIMEOUT.getPrefix(), TIMEOUT.getNamespaceURI());
        x.writeCharacters(java.time.Duration.ofNanos(Math.max(0, timeoutNanos)).toString());
        x.writeEndElement();
      }
      for (Map.Entry<String, String> h : headers.entrySet()) {
        x.writeStartElement(HEADER.getPrefix(), HEADER.getLocalPart(), HEADER.getNamespaceURI());
        x.writeNamespace(HEADER.getPrefix(), HEADER.getNamespaceURI());
        x.writeAttribute("name", h.getKey());
        x.writeCharacters(h.getValue());
        x.writeEndElement();
      }
    };
    write(out, version, header, x -> body.writeArguments(x, op, arguments));
  }

  /** Writes the reply envelope of {@code op} carrying {@code value}. */
  void writeReply(OutputStream out, SoapVersion version, OperationDescription op, Object value) {
    write(out, version, null, x -> body.writeResult(x, op, value));
  }

  /**
   * Writes {@code fault} as a SOAP fault: its code as SOAP's (and WCF's), its reason, and for a fault
   * {@code op} declares, its detail record as the declared detail element. {@code op} may be {@code null} (the
   * message named no operation).
   */
  void writeFault(OutputStream out, SoapVersion version, OperationDescription op, FaultException fault) {
    Record detail = op != null && body.declares(op, fault.detail()) ? (Record) fault.detail() : null;
    String s = version.envelopeNamespace();
    QName code = faultCode(fault.code(), version);
    write(out, version, null, x -> {
      x.writeStartElement("s", "Fault", s);
      if (version == SoapVersion.SOAP_11) {
        x.writeStartElement("faultcode");
        writeQName(x, code);
        x.writeEndElement();
        x.writeStartElement("faultstring");
        x.writeAttribute("xml", XMLConstants.XML_NS_URI, "lang", "en-US");
        x.writeCharacters(fault.reason());
        x.writeEndElement();
        if (detail != null) {
          x.writeStartElement("detail");
          body.writeFaultDetail(x, op, detail);
          x.writeEndElement();
        }
      } else {
        x.writeStartElement("s", "Code", s);
        x.writeStartElement("s", "Value", s);
        writeQName(x, code.getNamespaceURI().equals(s) ? code
            : new QName(s, fault.code().equals(FaultException.INTERNAL) ? "Receiver" : "Sender", "s"));
        x.writeEndElement();
        if (!code.getNamespaceURI().equals(s)) {
          x.writeStartElement("s", "Subcode", s);
          x.writeStartElement("s", "Value", s);
          writeQName(x, code);
          x.writeEndElement();
          x.writeEndElement();
        }
        x.writeEndElement();
        x.writeStartElement("s", "Reason", s);
        x.writeStartElement("s", "Text", s);
        x.writeAttribute("xml", XMLConstants.XML_NS_URI, "lang", "en-US");
        x.writeCharacters(fault.reason());
        x.writeEndElement();
        x.writeEndElement();
        if (detail != null) {
          x.writeStartElement("s", "Detail", s);
          body.writeFaultDetail(x, op, detail);
          x.writeEndElement();
        }
      }
      x.writeEndElement();
    });
  }

  /** SOAP's (and WCF's) name for a Courier fault code. */
  static QName faultCode(String code, SoapVersion version) {
    String s = version.envelopeNamespace();
    return switch (code) {
      case FaultException.SENDER -> new QName(s, version == SoapVersion.SOAP_11 ? "Client" : "Sender", "s");
      case FaultException.INTERNAL -> new QName(WCF_DISPATCHER, code, "a");
      case ACTION_NOT_SUPPORTED -> new QName(WCF_ADDRESSING_NONE, code, "a");
      default -> new QName(dev.courier.rpc.metadata.Wsdl.COURIER_NAMESPACE, code, "c");
    };
  }

  private interface Body {
    void write(XMLStreamWriter x) throws XMLStreamException;
  }

  private static void write(OutputStream out, SoapVersion version, Body header, Body body) {
    try {
      XMLStreamWriter x = OUTPUT.createXMLStreamWriter(out, "UTF-8");
      x.setPrefix("s", version.envelopeNamespace());
      x.writeStartDocument("UTF-8", "1.0");
      x.writeStartElement("s", "Envelope", version.envelopeNamespace());
      x.writeNamespace("s", version.envelopeNamespace());
      x.writeNamespace("xsi", XmlForm.XSI);
      if (header != null) {
        x.writeStartElement("s", "Header", version.envelopeNamespace());
        header.write(x);
        x.writeEndElement();
      }
      x.writeStartElement("s", "Body", version.envelopeNamespace());
      body.write(x);
      x.writeEndElement();
      x.writeEndElement();
      x.writeEndDocument();
      x.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("writing a SOAP message failed: " + e.getMessage(), e);
    }
  }

  private static void writeQName(XMLStreamWriter x, QName name) throws XMLStreamException {
    String prefix = x.getNamespaceContext().getPrefix(name.getNamespaceURI());
    if (prefix == null) {
      prefix = name.getPrefix().isEmpty() ? "q" : name.getPrefix();
      x.writeNamespace(prefix, name.getNamespaceURI());
    }
    x.writeCharacters(prefix + ":" + name.getLocalPart());
  }

  // ---- reading ------------------------------------------------------------------------------------------

  /** A request as read: its operation and arguments, and the SOAP version it came in. */
  record Call(OperationDescription operation, Object[] arguments, SoapVersion version, long timeoutNanos,
      Map<String, String> headers) {}

  /** A reply as read: the value, or the fault it carried. */
  record Reply(Object value, FaultException fault) {}

  /**
   * Reads a request envelope. The operation is the one {@code action} names (the {@code SOAPAction}
   * header, or SOAP 1.2's action parameter); with no action, the one whose request element the body holds.
   *
   * @throws FaultException {@code ActionNotSupported} for an action the contract lacks; {@code Sender} for a body
   *     that is not the operation's request
   */
  Call readRequest(InputStream in, String action, XmlForm.Limits limits) {
    try {
      XMLStreamReader x = INPUT.createXMLStreamReader(in);
      try {
        long[] timeout = {dev.courier.rpc.spi.Invocation.NO_DEADLINE};
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        SoapVersion version = enterBody(x, h -> {
          if (h.getName().equals(TIMEOUT)) {
            try {
              timeout[0] = java.time.Duration.parse(h.getElementText().strip()).toNanos();
            } catch (RuntimeException e) {
              throw new XmlForm.XmlReadException("the Timeout header is no xs:duration: " + e.getMessage());
            }
          } else if (h.getName().equals(HEADER)) {
            String name = h.getAttributeValue(null, "name");
            if (name == null) {
              throw new XmlForm.XmlReadException("a c:Header block has no name attribute (expected: <c:Header name=\"...\">)");
            }
            headers.put(name, h.getElementText());
          } else {
            XmlForm.skipElement(h);
          }
        });
        OperationDescription named = action == null || action.isEmpty() ? null : byAction.get(action);
        if (named == null && action != null && !action.isEmpty()) {
          throw new FaultException(ACTION_NOT_SUPPORTED, "The message with Action '" + action + "' cannot be "
              + "processed: contract " + contract.name() + " has no operation with that action", null);
        }
        if (XmlForm.nextTag(x) != XMLStreamConstants.START_ELEMENT) {
          throw new XmlForm.XmlReadException("the Body is empty (expected: a request element)");
        }
        OperationDescription op = named != null ? named : body.requestOf(x.getName());
        if (op == null) {
          throw new XmlForm.XmlReadException("the Body holds " + x.getName() + " (expected: the request element of an "
              + "operation of " + contract.name() + ")");
        }
        Object[] args = body.readArguments(new XmlEncoding.Input(x, limits), op);
        return new Call(op, args, version, timeout[0], java.util.Collections.unmodifiableMap(headers));
      } finally {
        x.close();
      }
    } catch (XMLStreamException | XmlForm.XmlReadException e) {
      throw new FaultException(FaultException.SENDER, "the request cannot be read: " + e.getMessage(), null);
    }
  }

  /**
   * Reads the answer to a call of {@code op}: a reply envelope, or a fault (declared details typed by the
   * operation's faults, others without detail).
   *
   * @throws XmlForm.XmlReadException when the body is neither
   */
  Reply readReply(InputStream in, OperationDescription op, XmlForm.Limits limits) {
    QName response = body.response(op);
    try {
      XMLStreamReader x = INPUT.createXMLStreamReader(in);
      try {
        SoapVersion version = enterBody(x, XmlForm::skipElement);
        if (XmlForm.nextTag(x) != XMLStreamConstants.START_ELEMENT) {
          throw new XmlForm.XmlReadException("the Body is empty (expected: " + response + " or a Fault)");
        }
        XmlEncoding.Input input = new XmlEncoding.Input(x, limits);
        if (x.getName().equals(new QName(version.envelopeNamespace(), "Fault"))) {
          return new Reply(null, readFault(input, version, op));
        }
        return new Reply(body.readResult(input, op), null);
      } finally {
        x.close();
      }
    } catch (XMLStreamException e) {
      throw new XmlForm.XmlReadException("the reply is not well-formed XML: " + e.getMessage());
    }
  }

  private FaultException readFault(XmlEncoding.Input in, SoapVersion version, OperationDescription op)
      throws XMLStreamException {
    XMLStreamReader x = in.reader();
    XmlForm.Limits limits = in.limits();
    String s = version.envelopeNamespace();
    QName code = null;
    QName subcode = null;
    String reason = "";
    Object detail = null;
    while (XmlForm.nextTag(x) == XMLStreamConstants.START_ELEMENT) {
      String local = x.getLocalName();
      if (version == SoapVersion.SOAP_11 && local.equals("faultcode")) {
        code = qname(x, x.getElementText());
      } else if (version == SoapVersion.SOAP_11 && local.equals("faultstring")) {
        reason = x.getElementText();
        limits.text(reason);
      } else if (version == SoapVersion.SOAP_12 && local.equals("Code")) {
        while (XmlForm.nextTag(x) == XMLStreamConstants.START_ELEMENT) {
          if (x.getLocalName().equals("Value")) {
            code = qname(x, x.getElementText());
          } else if (x.getLocalName().equals("Subcode")) {
            while (XmlForm.nextTag(x) == XMLStreamConstants.START_ELEMENT) {
              if (x.getLocalName().equals("Value") && subcode == null) {
                subcode = qname(x, x.getElementText());
              } else {
                XmlForm.skipElement(x);
              }
            }
          } else {
            XmlForm.skipElement(x);
          }
        }
      } else if (version == SoapVersion.SOAP_12 && local.equals("Reason")) {
        while (XmlForm.nextTag(x) == XMLStreamConstants.START_ELEMENT) {
          String text = x.getElementText();
          limits.text(text);
          if (reason.isEmpty()) {
            reason = text;
          }
        }
      } else if (local.equals("detail") || local.equals("Detail") && s.equals(x.getNamespaceURI())) {
        while (XmlForm.nextTag(x) == XMLStreamConstants.START_ELEMENT) {
          if (detail == null) {
            detail = body.readFaultDetail(in, op);
          } else {
            XmlForm.skipElement(x);
          }
        }
      } else {
        XmlForm.skipElement(x);
      }
    }
    return new FaultException(courierCode(code, subcode, version, detail != null), reason, detail);
  }

  /** Courier's fault code for a SOAP fault's code and subcode. */
  static String courierCode(QName code, QName subcode, SoapVersion version, boolean declared) {
    QName c = subcode != null ? subcode : code;
    if (declared || c == null) {
      return FaultException.SENDER;
    }
    String s = version.envelopeNamespace();
    if (c.getNamespaceURI().equals(s)) {
      return switch (c.getLocalPart()) {
        case "Client", "Sender" -> FaultException.SENDER;
        default -> FaultException.INTERNAL;           // Server, Receiver: the service failed
      };
    }
    return c.getLocalPart();
  }

  private static QName qname(XMLStreamReader x, String text) {
    String t = text.strip();
    int colon = t.indexOf(':');
    String prefix = colon < 0 ? "" : t.substring(0, colon);
    String ns = x.getNamespaceContext().getNamespaceURI(prefix);
    return new QName(ns == null ? "" : ns, t.substring(colon + 1));
  }

  /** Reads one header block: the reader stands at its start and must end at its end. */
  private interface HeaderReader {
    void read(XMLStreamReader header) throws XMLStreamException;
  }

  /** Reads up to the first child of the Body, each header block to {@code headers}; returns the version. */
  private static SoapVersion enterBody(XMLStreamReader x, HeaderReader headers) throws XMLStreamException {
    int event = x.next();
    while (event != XMLStreamConstants.START_ELEMENT) {
      if (event == XMLStreamConstants.DTD) {
        throw new XmlForm.XmlReadException("a DOCTYPE is not allowed in a SOAP message");
      }
      if (event == XMLStreamConstants.END_DOCUMENT) {
        throw new XmlForm.XmlReadException("the message is empty (expected: an Envelope)");
      }
      event = x.next();
    }
    SoapVersion version = SoapVersion.ofEnvelope(x.getNamespaceURI());
    if (version == null || !x.getLocalName().equals("Envelope")) {
      throw new XmlForm.XmlReadException("the document is " + x.getName() + " (expected: a SOAP 1.1 or 1.2 Envelope)");
    }
    while (XmlForm.nextTag(x) == XMLStreamConstants.START_ELEMENT) {
      if (version.envelopeNamespace().equals(x.getNamespaceURI()) && x.getLocalName().equals("Body")) {
        return version;
      }
      if (version.envelopeNamespace().equals(x.getNamespaceURI()) && x.getLocalName().equals("Header")) {
        while (XmlForm.nextTag(x) == XMLStreamConstants.START_ELEMENT) {
          headers.read(x);
        }
      } else {
        XmlForm.skipElement(x);
      }
    }
    throw new XmlForm.XmlReadException("the Envelope has no Body");
  }

  private static XMLInputFactory secureInput() {
    XMLInputFactory f = XMLInputFactory.newDefaultFactory();
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    f.setProperty(XMLInputFactory.IS_COALESCING, true);
    // The JDK parser's own limits, below its defaults: no element of a SOAP message needs more (WCF's quotas are alike)
    f.setProperty("jdk.xml.elementAttributeLimit", 64);
    f.setProperty("jdk.xml.maxElementDepth", 128);
    f.setProperty("jdk.xml.maxXMLNameLimit", 1024);
    return f;
  }
}
