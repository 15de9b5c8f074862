package dev.courier.rpc.soap;

import dev.courier.rpc.TestCertificates;
import dev.courier.rpc.Tls;
import dev.courier.rpc.spi.Binding;
import dev.courier.rpc.suite.ContractSuite;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract suite, unchanged, over SOAP on HTTPS with mutual TLS: one binding that listens with the server's
 * certificate and requires clients to present one, and connects with the client's, trusting the test CA.
 */
class SoapTlsContractSuiteTest extends ContractSuite {
  private static final AtomicInteger PATHS = new AtomicInteger();

  @TempDir
  static Path dir;
  private static SoapBinding https;

  @BeforeAll
  static void makeCertificatesAndBinding() throws Exception {
    TestCertificates certs = TestCertificates.create(dir, false);
    https = SoapBinding.builder().tls(Tls.server(certs.keys("server"))
        .trustClients(certs.trust("ca")).requireClientCertificate()
        .trustServers(certs.trust("ca")).clientKeys(certs.keys("client"))).build();
  }

  @AfterAll
  static void closeBinding() {
    https.close();
  }

  @Override
  protected Binding binding() {
    return https;
  }

  @Override
  protected String newAddress(String name) {
    return "https://127.0.0.1:0/" + name + "-" + PATHS.incrementAndGet();
  }

  @Override
  protected boolean keepsNullOptionalsApart() {
    return false;
  }
}
