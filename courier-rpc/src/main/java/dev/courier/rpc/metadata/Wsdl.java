package dev.courier.rpc.metadata;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * WSDL 1.1 documents: writes {@link ServiceMetadata} in the shape WCF gives basicHttpBinding (document/literal
 * wrapped, one schema inline per namespace, {@code wsam:Action} on every message), and reads such documents
 * back, whoever wrote them.
 *
 * <pre>{@code
 * String wsdl = Wsdl.write(ServiceMetadata.builder("CalculatorService")
 *     .endpoint(ContractDescription.of(Calculator.class), EndpointAddress.of("http://localhost:8080/calc"))
 *     .build());
 * ServiceMetadata back = Wsdl.read(wsdl);   // equal to what was written
 * }</pre>
 *
 * <p>Writing is deterministic: the same metadata gives the same bytes. Reading takes what WCF, CXF and Metro
 * write: several schemas, {@code xs:import} and {@code xs:include} between them or of documents at
 * {@code schemaLocation}s (resolved against the document's location), {@code wsdl:import}, element
 * references, {@code nillable} and {@code minOccurs="0"}, anonymous types, named simple types (read as their
 * base type), SOAP 1.1, SOAP 1.2 and Courier bindings; ports of other bindings are left out. What the model
 * cannot hold (rpc style, encoded use, type inheritance, attributes, {@code xs:choice}, {@code xs:any}) fails
 * with an {@link IllegalArgumentException} that names the construct and where it is.
 */
public final class Wsdl {
  /** WSDL 1.1's namespace. */
  public static final String NAMESPACE = "http://schemas.xmlsoap.org/wsdl/";
  /** The namespace of WSDL 1.1's SOAP 1.1 binding. */
  public static final String SOAP11_NAMESPACE = "http://schemas.xmlsoap.org/wsdl/soap/";
  /** The namespace of WSDL 1.1's SOAP 1.2 binding. */
  public static final String SOAP12_NAMESPACE = "http://schemas.xmlsoap.org/wsdl/soap12/";
  /** The namespace of WS-Addressing's metadata, whose {@code Action} attribute names each message's action. */
  public static final String WSAM_NAMESPACE = "http://www.w3.org/2007/05/addressing/metadata";
  /** The namespace of Courier's binding elements ({@code courier:binding}, {@code courier:address}). */
  public static final String COURIER_NAMESPACE = "https://courier.dev/2026/wsdl";

  private Wsdl() {}

  /** The WSDL document of {@code metadata}, as UTF-8 text. */
  public static String write(ServiceMetadata metadata) {
    return WsdlWriter.write(Objects.requireNonNull(metadata, "metadata"));
  }

  /**
   * Reads the WSDL document in {@code document}; relative imports cannot be followed.
   *
   * @throws IllegalArgumentException when the document is not WSDL 1.1 or uses a construct the model cannot hold
   */
  public static ServiceMetadata read(String document) {
    Objects.requireNonNull(document, "document");
    return read(new ByteArrayInputStream(document.getBytes(StandardCharsets.UTF_8)), null);
  }

  /**
   * Reads the WSDL document in {@code in}, found at {@code location} (which resolves relative imports and is
   * named in errors; {@code null} when unknown). Does not close {@code in}.
   *
   * @throws IllegalArgumentException when the document is not WSDL 1.1 or uses a construct the model cannot hold
   * @throws java.io.UncheckedIOException when the document or one it imports cannot be read
   */
  public static ServiceMetadata read(InputStream in, URI location) {
    return new WsdlReader().read(Objects.requireNonNull(in, "in"), location);
  }
}
