package dev.courier.bench.jaxws;

import jakarta.jws.WebMethod;
import jakarta.jws.WebParam;
import jakarta.jws.WebResult;
import jakarta.jws.WebService;
import jakarta.xml.ws.RequestWrapper;
import jakarta.xml.ws.ResponseWrapper;

/** The service's endpoint interface: the two operations, synchronous, as the service implements them. */
@WebService(name = "Echo", targetNamespace = EchoPort.NAMESPACE)
public interface EchoPort {
  /** The namespace of the service, its elements and its types. */
  String NAMESPACE = "urn:courier-bench/";

  /** Returns {@code text}. */
  @WebMethod(operationName = "echo", action = NAMESPACE + "Echo/echo")
  @WebResult(name = "echoResult", targetNamespace = NAMESPACE)
  @RequestWrapper(localName = "echo", targetNamespace = NAMESPACE, className = "dev.courier.bench.jaxws.EchoRequest")
  @ResponseWrapper(localName = "echoResponse", targetNamespace = NAMESPACE,
      className = "dev.courier.bench.jaxws.EchoResponse")
  String echo(@WebParam(name = "text", targetNamespace = NAMESPACE) String text);

  /** Returns {@code parcel}. */
  @WebMethod(operationName = "echoParcel", action = NAMESPACE + "Echo/echoParcel")
  @WebResult(name = "echoParcelResult", targetNamespace = NAMESPACE)
  @RequestWrapper(localName = "echoParcel", targetNamespace = NAMESPACE,
      className = "dev.courier.bench.jaxws.EchoParcelRequest")
  @ResponseWrapper(localName = "echoParcelResponse", targetNamespace = NAMESPACE,
      className = "dev.courier.bench.jaxws.EchoParcelResponse")
  ParcelBean echoParcel(@WebParam(name = "parcel", targetNamespace = NAMESPACE) ParcelBean parcel);
}
