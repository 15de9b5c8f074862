package dev.courier.rpc.soap;

import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.OperationDescription;
import dev.courier.rpc.metadata.FaultMetadata;
import dev.courier.rpc.metadata.MessageMetadata;
import dev.courier.rpc.metadata.OperationMetadata;
import dev.courier.rpc.metadata.ServiceMetadata;
import dev.courier.rpc.spi.Encoding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.namespace.QName;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.XMLStreamWriter;

/**
 * A contract's values as the XML of a SOAP body, document/literal wrapped exactly as its WSDL describes them
 * ({@code dev.courier.rpc.metadata}): a request's wrapper element and its parameters, a reply's wrapper and its
 * result, a declared fault's detail element. Element names come from the contract's metadata model, so a body
 * is what the document says, by construction. {@link SoapCodec} puts it in an envelope.
 *
 * <p>It writes where the writer stands and reads from a reader that stands on the element it reads (a body's
 * child, a detail's child), ending on that element's end.
 *
 * <p>Immutable and thread safe: one per contract, built once.
 */
final class XmlEncoding implements Encoding<XMLStreamWriter, XmlEncoding.Input> {
  /** Makes the XML encoding of a contract. */
  static final Encoding.Factory<XMLStreamWriter, Input> FACTORY = XmlEncoding::new;

  /** What the encoding reads from: a reader on the element to read, and the limits of its message. */
  record Input(XMLStreamReader reader, XmlForm.Limits limits) {}

  /** One operation's messages. */
  private record Op(QName request, List<XmlForm.Element> parameters, QName response, List<XmlForm.Element> result,
      Map<QName, Fault> faultsByElement, Map<Class<?>, Fault> faultsByType) {}

  /** A declared fault: its detail element and the form of its record. */
  private record Fault(QName element, XmlForm.Element detail) {}

  private final ContractDescription contract;
  private final Map<String, Op> byAction = new HashMap<>();
  private final Map<QName, OperationDescription> byRequest = new HashMap<>();

  private XmlEncoding(ContractDescription contract) {
    this.contract = contract;
    ServiceMetadata metadata = ServiceMetadata.builder(contract.name() + "Service").contract(contract).build();
    XmlForm.Builder forms = new XmlForm.Builder(metadata);
    List<OperationMetadata> described = metadata.contract(contract.name()).operations();
    for (OperationDescription op : contract.operations()) {
      OperationMetadata m = described.stream().filter(o -> o.name().equals(op.name())).findFirst().orElseThrow();
      MessageMetadata request = m.request();
      List<XmlForm.Element> parameters = new ArrayList<>();
      for (int i = 0; i < op.requestPartTypes().size(); i++) {
        parameters.add(forms.element(request.elements().get(i), op.requestPartTypes().get(i)));
      }
      QName response = m.reply().map(MessageMetadata::wrapper).orElse(null);
      List<XmlForm.Element> result = new ArrayList<>();
      for (int i = 0; i < op.replyPartTypes().size(); i++) {
        result.add(forms.element(m.reply().orElseThrow().elements().get(i), op.replyPartTypes().get(i)));
      }
      Map<QName, Fault> faultsByElement = new HashMap<>();
      Map<Class<?>, Fault> faultsByType = new HashMap<>();
      for (int i = 0; i < op.faults().size(); i++) {
        FaultMetadata f = m.faults().get(i);
        Class<? extends Record> type = op.faults().get(i);
        Fault fault = new Fault(f.detailElement(), new XmlForm.Element(f.detailElement(),
            forms.form(type, f.detailType()), false, true));
        faultsByElement.put(f.detailElement(), fault);
        faultsByType.put(type, fault);
      }
      byAction.put(op.action(), new Op(request.wrapper(), parameters, response, result, faultsByElement, faultsByType));
      byRequest.put(request.wrapper(), op);
    }
  }

  @Override
  public void writeArguments(XMLStreamWriter out, OperationDescription operation, Object[] arguments) {
    Op o = op(operation);
    try {
      XmlForm.startElement(out, o.request());
      Object[] parts = operation.requestParts(arguments);
      for (int i = 0; i < o.parameters().size(); i++) {
        o.parameters().get(i).write(out, parts[i]);
      }
      out.writeEndElement();
    } catch (XMLStreamException e) {
      throw writeFailed(e);
    }
  }

  @Override
  public Object[] readArguments(Input in, OperationDescription operation) {
    return operation.arguments(readWrapped(in, op(operation).request(), op(operation).parameters()));
  }

  @Override
  public void writeResult(XMLStreamWriter out, OperationDescription operation, Object result) {
    Op o = op(operation);
    try {
      XmlForm.startElement(out, o.response());
      Object[] parts = operation.replyParts(result);
      for (int i = 0; i < o.result().size(); i++) {
        o.result().get(i).write(out, parts[i]);
      }
      out.writeEndElement();
    } catch (XMLStreamException e) {
      throw writeFailed(e);
    }
  }

  @Override
  public Object readResult(Input in, OperationDescription operation) {
    return operation.result(readWrapped(in, op(operation).response(), op(operation).result()));
  }

  @Override
  public void writeFaultDetail(XMLStreamWriter out, OperationDescription operation, Record detail) {
    Fault f = op(operation).faultsByType().get(detail.getClass());
    if (f == null) {
      throw new IllegalArgumentException("operation " + operation.name() + " declares no fault "
          + detail.getClass().getName() + " (expected: one of " + operation.faults() + ")");
    }
    try {
      f.detail().write(out, detail);
    } catch (XMLStreamException e) {
      throw writeFailed(e);
    }
  }

  @Override
  public Record readFaultDetail(Input in, OperationDescription operation) {
    XMLStreamReader x = in.reader();
    try {
      Fault f = op(operation).faultsByElement().get(x.getName());
      if (f == null) {
        XmlForm.skipElement(x);
        return null;
      }
      return (Record) f.detail().read(x, in.limits());
    } catch (XMLStreamException e) {
      throw new XmlForm.XmlReadException("the fault detail is not well-formed XML: " + e.getMessage());
    }
  }

  /** Whether {@code operation} declares a fault whose detail is {@code detail}'s type. */
  boolean declares(OperationDescription operation, Object detail) {
    return detail != null && op(operation).faultsByType().containsKey(detail.getClass());
  }

  /** The operation whose request element is {@code element}, or {@code null}. */
  OperationDescription requestOf(QName element) {
    return byRequest.get(element);
  }

  /** The request element of {@code operation}. */
  QName request(OperationDescription operation) {
    return op(operation).request();
  }

  /** The reply element of {@code operation}. */
  QName response(OperationDescription operation) {
    return op(operation).response();
  }

  private static Object[] readWrapped(Input in, QName wrapper, List<XmlForm.Element> elements) {
    XMLStreamReader x = in.reader();
    if (!x.getName().equals(wrapper)) {
      throw new XmlForm.XmlReadException("the Body holds " + x.getName() + " (expected: " + wrapper + ")");
    }
    try {
      return XmlForm.readSequence(x, elements, in.limits());
    } catch (XMLStreamException e) {
      throw new XmlForm.XmlReadException("the body is not well-formed XML: " + e.getMessage());
    }
  }

  private Op op(OperationDescription operation) {
    Op o = byAction.get(operation.action());
    if (o == null) {
      throw new IllegalArgumentException("operation " + operation.name() + " is not one of contract "
          + contract.name());
    }
    return o;
  }

  private static IllegalStateException writeFailed(XMLStreamException e) {
    return new IllegalStateException("writing a SOAP body failed: " + e.getMessage(), e);
  }
}
