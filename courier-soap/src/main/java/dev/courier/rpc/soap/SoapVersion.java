package dev.courier.rpc.soap;

/**
 * The SOAP version of an endpoint: 1.1 (WCF's basicHttpBinding) or 1.2, each with its envelope namespace and
 * HTTP content type.
 *
 * <pre>{@code
 * SoapVersion.SOAP_11.contentType(action);   // text/xml; charset=utf-8 (the action goes in SOAPAction)
 * }</pre>
 */
public enum SoapVersion {
  /** SOAP 1.1: {@code text/xml}, the action in the {@code SOAPAction} header. */
  SOAP_11("http://schemas.xmlsoap.org/soap/envelope/", "text/xml"),
  /** SOAP 1.2: {@code application/soap+xml}, the action a parameter of the content type. */
  SOAP_12("http://www.w3.org/2003/05/soap-envelope", "application/soap+xml");

  private final String envelopeNamespace;
  private final String mediaType;

  SoapVersion(String envelopeNamespace, String mediaType) {
    this.envelopeNamespace = envelopeNamespace;
    this.mediaType = mediaType;
  }

  /** The namespace of the {@code Envelope}, {@code Header}, {@code Body} and {@code Fault} elements. */
  public String envelopeNamespace() {
    return envelopeNamespace;
  }

  /** The media type of a message, without parameters. */
  public String mediaType() {
    return mediaType;
  }

  /** The {@code Content-Type} of a message carrying {@code action} (SOAP 1.2 names it there, 1.1 does not). */
  public String contentType(String action) {
    return this == SOAP_11 ? "text/xml; charset=utf-8"
        : "application/soap+xml; charset=utf-8; action=\"" + action + "\"";
  }

  /** The version whose envelope namespace is {@code namespace}, or {@code null}. */
  static SoapVersion ofEnvelope(String namespace) {
    for (SoapVersion v : values()) {
      if (v.envelopeNamespace.equals(namespace)) {
        return v;
      }
    }
    return null;
  }
}
