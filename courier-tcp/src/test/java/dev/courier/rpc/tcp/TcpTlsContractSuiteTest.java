package dev.courier.rpc.tcp;

import dev.courier.rpc.TestCertificates;
import dev.courier.rpc.Tls;
import dev.courier.rpc.spi.Binding;
import dev.courier.rpc.suite.SessionContractSuite;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract suite, unchanged, over the TCP binding with TLS on loopback: mutual TLS, one binding that
 * listens with the server's certificate and requires clients to present one, and connects with the
 * client's certificate, trusting the test CA (certificates made by keytool when the class starts).
 */
class TcpTlsContractSuiteTest extends SessionContractSuite {
  private static final AtomicInteger PORTS = new AtomicInteger();

  @TempDir
  static Path dir;
  private static TcpBinding tls;

  @BeforeAll
  static void makeCertificatesAndBinding() throws Exception {
    TestCertificates certs = TestCertificates.create(dir, false);
    tls = TcpBinding.builder().tls(Tls.server(certs.keys("server"))
        .trustClients(certs.trust("ca")).requireClientCertificate()
        .trustServers(certs.trust("ca")).clientKeys(certs.keys("client"))).build();
  }

  @Override
  protected Binding binding() {
    return tls;
  }

  @Override
  protected String newAddress(String name) {
    return "courier.tcp://127.0.0.1:0/" + name + "-" + PORTS.incrementAndGet();
  }
}
