package dev.courier.testpage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.tcp.TcpBinding;

/** The page of a TCP-only host, on a port of its own: the request and the response are the frames, in hex. */
class TcpPageInBrowserTest extends PageInBrowserTest {
  private final TcpBinding tcp = TcpBinding.create();

  @Override
  ServiceHost host(Shop.Service shop, TestPage page) {
    return ServiceHost.builder(shop).endpoint(Shop.class, tcp, "courier.tcp://127.0.0.1:0/shop").extension(page)
        .build().open();
  }

  @Override
  void assertWire(String request, String response) {
    assertThat(request).startsWith("00000000 ");
    assertThat(ascii(request)).contains("Ada", "1 Rue de Rivoli", "cherry");
    assertThat(response).startsWith("00000000 ");
    assertThat(ascii(response)).contains("Ada to Paris");
  }

  /** The printable column of a hex dump, its lines joined. */
  static String ascii(String dump) {
    return String.join("", dump.lines().map(l -> l.substring(l.indexOf('|') + 1, l.lastIndexOf('|'))).toList());
  }

  @Override
  void closeBinding() {
    tcp.close();
  }
}
