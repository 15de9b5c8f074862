package dev.courier.bench.jaxws;

import jakarta.jws.WebMethod;
import jakarta.jws.WebParam;
import jakarta.jws.WebResult;
import jakarta.jws.WebService;
import jakarta.xml.ws.AsyncHandler;
import jakarta.xml.ws.RequestWrapper;
import jakarta.xml.ws.Response;
import jakarta.xml.ws.ResponseWrapper;
import java.util.concurrent.Future;

/**
 * The client's endpoint interface: the service's operations with JAX-WS's asynchronous mappings beside the
 * synchronous ones, as wsimport and wsdl2java write them with {@code enableAsyncMapping}: for each operation the
 * polling form ({@code Response<W> opAsync(args)}) and the callback form ({@code Future<?> opAsync(args,
 * AsyncHandler<W>)}), completing with the response's wrapper bean. CXF binds the callback form only where the
 * polling form is declared too.
 */
@WebService(name = "Echo", targetNamespace = EchoPort.NAMESPACE)
public interface EchoClientPort {
  /** Returns {@code text}. */
  @WebMethod(operationName = "echo", action = EchoPort.NAMESPACE + "Echo/echo")
  @WebResult(name = "echoResult", targetNamespace = EchoPort.NAMESPACE)
  @RequestWrapper(localName = "echo", targetNamespace = EchoPort.NAMESPACE,
      className = "dev.courier.bench.jaxws.EchoRequest")
  @ResponseWrapper(localName = "echoResponse", targetNamespace = EchoPort.NAMESPACE,
      className = "dev.courier.bench.jaxws.EchoResponse")
  String echo(@WebParam(name = "text", targetNamespace = EchoPort.NAMESPACE) String text);

  /** Sends {@code text}; {@code handler} gets the response. */
  @WebMethod(operationName = "echo", action = EchoPort.NAMESPACE + "Echo/echo")
  @RequestWrapper(localName = "echo", targetNamespace = EchoPort.NAMESPACE,
      className = "dev.courier.bench.jaxws.EchoRequest")
  @ResponseWrapper(localName = "echoResponse", targetNamespace = EchoPort.NAMESPACE,
      className = "dev.courier.bench.jaxws.EchoResponse")
  Future<?> echoAsync(@WebParam(name = "text", targetNamespace = EchoPort.NAMESPACE) String text,
      @WebParam(name = "asyncHandler", targetNamespace = "") AsyncHandler<EchoResponse> handler);

  /** Returns {@code parcel}. */
  @WebMethod(operationName = "echoParcel", action = EchoPort.NAMESPACE + "Echo/echoParcel")
  @WebResult(name = "echoParcelResult", targetNamespace = EchoPort.NAMESPACE)
  @RequestWrapper(localName = "echoParcel", targetNamespace = EchoPort.NAMESPACE,
      className = "dev.courier.bench.jaxws.EchoParcelRequest")
  @ResponseWrapper(localName = "echoParcelResponse", targetNamespace = EchoPort.NAMESPACE,
      className = "dev.courier.bench.jaxws.EchoParcelResponse")
  ParcelBean echoParcel(@WebParam(name = "parcel", targetNamespace = EchoPort.NAMESPACE) ParcelBean parcel);

  /** Sends {@code parcel}; {@code handler} gets the response. */
  @WebMethod(operationName = "echoParcel", action = EchoPort.NAMESPACE + "Echo/echoParcel")
  @RequestWrapper(localName = "echoParcel", targetNamespace = EchoPort.NAMESPACE,
      className = "dev.courier.bench.jaxws.EchoParcelRequest")
  @ResponseWrapper(localName = "echoParcelResponse", targetNamespace = EchoPort.NAMESPACE,
      className = "dev.courier.bench.jaxws.EchoParcelResponse")
  Future<?> echoParcelAsync(@WebParam(name = "parcel", targetNamespace = EchoPort.NAMESPACE) ParcelBean parcel,
      @WebParam(name = "asyncHandler", targetNamespace = "") AsyncHandler<EchoParcelResponse> handler);

  /** Sends {@code text}; the response is polled or waited for. */
  @WebMethod(operationName = "echo", action = EchoPort.NAMESPACE + "Echo/echo")
  @RequestWrapper(localName = "echo", targetNamespace = EchoPort.NAMESPACE,
      className = "dev.courier.bench.jaxws.EchoRequest")
  @ResponseWrapper(localName = "echoResponse", targetNamespace = EchoPort.NAMESPACE,
      className = "dev.courier.bench.jaxws.EchoResponse")
  Response<EchoResponse> echoAsync(@WebParam(name = "text", targetNamespace = EchoPort.NAMESPACE) String text);

  /** Sends {@code parcel}; the response is polled or waited for. */
  @WebMethod(operationName = "echoParcel", action = EchoPort.NAMESPACE + "Echo/echoParcel")
  @RequestWrapper(localName = "echoParcel", targetNamespace = EchoPort.NAMESPACE,
      className = "dev.courier.bench.jaxws.EchoParcelRequest")
  @ResponseWrapper(localName = "echoParcelResponse", targetNamespace = EchoPort.NAMESPACE,
      className = "dev.courier.bench.jaxws.EchoParcelResponse")
  Response<EchoParcelResponse> echoParcelAsync(
      @WebParam(name = "parcel", targetNamespace = EchoPort.NAMESPACE) ParcelBean parcel);
}
