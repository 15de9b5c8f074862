package dev.courier.rpc.metadata;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.w3c.dom.ls.DOMImplementationLS;
import org.w3c.dom.ls.LSInput;
import org.xml.sax.InputSource;

/**
 * The inline schemas of a WSDL document, compiled with the JDK's schema factory as WSDL processors take them:
 * each standalone, with the namespaces it inherits from {@code wsdl:definitions} declared on it, an
 * {@code xs:import} of a namespace resolving to the sibling schema of that namespace.
 */
public final class WsdlSchemas {
  private final Map<String, String> schemas;
  private final DOMImplementationLS ls;

  private WsdlSchemas(Map<String, String> schemas, DOMImplementationLS ls) {
    this.schemas = schemas;
    this.ls = ls;
  }

  /** The schemas of {@code wsdl}, by target namespace. */
  public static WsdlSchemas of(String wsdl) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newDefaultInstance();
    f.setNamespaceAware(true);
    Document doc = f.newDocumentBuilder().parse(new InputSource(new StringReader(wsdl)));
    Map<String, String> schemas = new LinkedHashMap<>();
    NodeList found = doc.getElementsByTagNameNS(XMLConstants.W3C_XML_SCHEMA_NS_URI, "schema");
    for (int i = 0; i < found.getLength(); i++) {
      Element schema = (Element) found.item(i).cloneNode(true);
      NamedNodeMap inherited = doc.getDocumentElement().getAttributes();
      for (int a = 0; a < inherited.getLength(); a++) {
        Node decl = inherited.item(a);
        if (XMLConstants.XMLNS_ATTRIBUTE_NS_URI.equals(decl.getNamespaceURI()) && !schema.hasAttribute(decl.getNodeName())) {
          schema.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, decl.getNodeName(), decl.getNodeValue());
        }
      }
      StringWriter text = new StringWriter();
      TransformerFactory.newDefaultInstance().newTransformer().transform(new DOMSource(schema), new StreamResult(text));
      schemas.put(schema.getAttribute("targetNamespace"), text.toString());
    }
    return new WsdlSchemas(schemas, (DOMImplementationLS) doc.getImplementation().getFeature("LS", "3.0"));
  }

  /** The target namespaces of the schemas, in document order. */
  public java.util.Set<String> namespaces() {
    return schemas.keySet();
  }

  /** The schema of {@code namespace}, compiled with what it imports. */
  public Schema compile(String namespace) throws Exception {
    SchemaFactory factory = SchemaFactory.newDefaultInstance();
    factory.setResourceResolver((type, ns, publicId, systemId, baseUri) -> {
      if (!schemas.containsKey(ns)) {
        return null;
      }
      LSInput input = ls.createLSInput();
      input.setStringData(schemas.get(ns));
      input.setSystemId("urn:schema:" + ns);
      return input;
    });
    return factory.newSchema(new StreamSource(new StringReader(schemas.get(namespace)), "urn:schema:" + namespace));
  }
}
