package dev.courier.rpc.metadata;

import java.net.URI;
import java.util.Objects;
import javax.xml.namespace.QName;

/**
 * Where a contract is served and how: a {@code wsdl:port} with its binding.
 *
 * <pre>{@code
 * <wsdl:port name="CourierTcpBinding_Calculator" binding="tns:CourierTcpBinding_Calculator">
 *   <courier:address location="courier.tcp://localhost:8808/calc"/>
 * </wsdl:port>
 * }</pre>
 *
 * @param name the port's name (also its binding's name in documents Courier writes)
 * @param contract the port type it serves
 * @param protocol how messages are carried
 * @param address where
 */
public record EndpointMetadata(String name, QName contract, Protocol protocol, URI address) {

  /** How an endpoint carries its messages, as the binding's extension elements tell. */
  public enum Protocol {
    /** SOAP 1.1 over HTTP ({@code http://schemas.xmlsoap.org/wsdl/soap/}). */
    SOAP_11,
    /** SOAP 1.2 over HTTP ({@code http://schemas.xmlsoap.org/wsdl/soap12/}). */
    SOAP_12,
    /** A Courier binding, named by the address's scheme ({@code courier.tcp}, {@code inproc}). */
    COURIER;

    /** Whether the protocol can carry the callbacks of a duplex contract. */
    public boolean carriesDuplex() {
      return this == COURIER;
    }
  }

  /** Checks the values. */
  public EndpointMetadata {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(contract, "contract");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(address, "address");
  }
}
