package dev.courier.rpc.soap;

import dev.courier.rpc.spi.Encoding;
import dev.courier.rpc.suite.EncodingSuite;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.stream.XMLStreamWriter;

/** courier-soap's XML encoding, inside a SOAP body as SoapCodec writes and reads one. */
class XmlEncodingTest extends EncodingSuite<XMLStreamWriter, XmlEncoding.Input> {
  private static final String BODY_NS = SoapVersion.SOAP_11.envelopeNamespace();
  private ByteArrayOutputStream bytes;

  @Override
  protected Encoding.Factory<XMLStreamWriter, XmlEncoding.Input> factory() {
    return XmlEncoding.FACTORY;
  }

  @Override
  protected XMLStreamWriter output() {
    bytes = new ByteArrayOutputStream();
    try {
      XMLStreamWriter x = XMLOutputFactory.newDefaultFactory().createXMLStreamWriter(bytes, "UTF-8");
      x.writeStartElement("s", "Body", BODY_NS);          // the envelope declares the prefixes the body uses
      x.writeNamespace("s", BODY_NS);
      x.writeNamespace("xsi", XmlForm.XSI);
      return x;
    } catch (XMLStreamException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  protected XmlEncoding.Input input(XMLStreamWriter written) {
    try {
      written.writeEndElement();
      written.close();
      XMLStreamReader x = XMLInputFactory.newDefaultFactory().createXMLStreamReader(
          new ByteArrayInputStream(bytes.toByteArray()));
      x.nextTag();                                        // the Body
      if (XmlForm.nextTag(x) != XMLStreamConstants.START_ELEMENT) {
        throw new AssertionError("nothing was written in the Body");
      }
      return new XmlEncoding.Input(x, XmlForm.Limits.of(1 << 20, 1 << 20));
    } catch (XMLStreamException e) {
      throw new AssertionError(e);
    }
  }
}
