package dev.courier.testpage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.soap.SoapBinding;

/** The page of a host with a SOAP endpoint: the request and the response are the HTTP messages with their envelopes. */
class SoapPageInBrowserTest extends PageInBrowserTest {
  private final SoapBinding soap = SoapBinding.create();

  @Override
  ServiceHost host(Shop.Service shop, TestPage page) {
    return ServiceHost.builder(shop).endpoint(Shop.class, soap, "http://0.0.0.0:0/shop").extension(page).build().open();
  }

  @Override
  void assertWire(String request, String response) {
    assertThat(request).startsWith("POST /shop HTTP/1.1").contains("Envelope", ">Ada<", ">AAEC/w==<");
    assertThat(response).startsWith("HTTP/1.1 200").contains("Envelope", "Ada to Paris");
  }

  @Override
  void closeBinding() {
    soap.close();
  }
}
