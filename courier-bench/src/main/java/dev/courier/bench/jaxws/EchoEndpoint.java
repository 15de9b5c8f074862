package dev.courier.bench.jaxws;

import jakarta.jws.WebService;

/** The service: returns what it is given, on the thread that delivers the request. */
@WebService(endpointInterface = "dev.courier.bench.jaxws.EchoPort", targetNamespace = EchoPort.NAMESPACE,
    serviceName = "EchoService", portName = "EchoPort")
public class EchoEndpoint implements EchoPort {
  /** A service. */
  public EchoEndpoint() {}

  @Override
  public String echo(String text) {
    return text;
  }

  @Override
  public ParcelBean echoParcel(ParcelBean parcel) {
    return parcel;
  }
}
