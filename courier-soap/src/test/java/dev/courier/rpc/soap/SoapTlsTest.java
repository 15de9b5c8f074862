package dev.courier.rpc.soap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.CommunicationException;
import dev.courier.rpc.OperationContext;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.TestCertificates;
import dev.courier.rpc.Tls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SOAP over HTTPS with {@link Tls}, the options courier-tcp takes: certificates made by keytool when the class
 * starts (a trusted CA with server and client certificates, an impostor CA). Each refused client is checked to
 * reach no service, and the endpoint to go on serving the others.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SoapTlsTest {
  @TempDir
  static Path dir;
  static TestCertificates certs;

  private final List<AutoCloseable> resources = new CopyOnWriteArrayList<>();

  @ServiceContract(name = "Echo", namespace = "urn:courier:soap-tls-test")
  public interface Echo {
    String echo(String text);

    /** The principal of the call's peer as the service sees it, or "anonymous". */
    String whoAmI();
  }

  /** Counts its invocations. */
  static final class CountingEcho implements Echo {
    final AtomicInteger invocations = new AtomicInteger();

    @Override
    public String echo(String text) {
      invocations.incrementAndGet();
      return "echo: " + text;
    }

    @Override
    public String whoAmI() {
      invocations.incrementAndGet();
      return OperationContext.current().peer().principal().map(Principal::getName).orElse("anonymous");
    }
  }

  @BeforeAll
  static void makeCertificates() throws Exception {
    certs = TestCertificates.create(dir, true);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable r : resources.reversed()) {
      r.close();
    }
  }

  private SoapBinding binding(Tls tls) {
    SoapBinding b = SoapBinding.builder().tls(tls).idleTimeout(Duration.ofSeconds(5)).build();
    resources.add(b);
    return b;
  }

  private String host(Tls tls, CountingEcho service, boolean publish) {
    ServiceHost host = ServiceHost.builder(service).endpoint(Echo.class, binding(tls), "https://127.0.0.1:0/echo")
        .publishMetadata(publish).build().open();
    resources.add(host::close);
    return host.listenAddresses().getFirst();
  }

  private Echo client(Tls tls, String address) {
    Echo echo = ChannelFactory.builder(Echo.class).binding(binding(tls)).address(address)
        .operationTimeout(Duration.ofSeconds(10)).build().createChannel();
    resources.add(((ClientChannel) echo)::abort);
    return echo;
  }

  @Test
  void aClientThatTrustsTheServersCaCallsOverHttpsAndTheServiceSeesNoPrincipal() {
    CountingEcho service = new CountingEcho();
    String address = host(Tls.server(certs.keys("server")), service, false);
    assertThat(address).startsWith("https://127.0.0.1:");
    Echo echo = client(Tls.client(certs.trust("ca")), address);
    assertThat(echo.echo("over tls")).isEqualTo("echo: over tls");
    assertThat(echo.whoAmI()).isEqualTo("anonymous");
  }

  @Test
  void aClientThatDoesNotTrustTheServerFailsWithTheTlsReasonAndReachesNoService() {
    CountingEcho service = new CountingEcho();
    String address = host(Tls.server(certs.keys("server")), service, false);
    Throwable failure = catchThrowable(() -> client(Tls.client(certs.trust("rogue-ca")), address).echo("x"));
    assertThat(failure).isInstanceOf(CommunicationException.class).hasMessageContaining("TLS");
    assertThat(service.invocations).hasValue(0);
    assertThat(client(Tls.client(certs.trust("ca")), address).echo("next")).isEqualTo("echo: next");
  }

  @Test
  void aServerCertificateForAnotherNameIsRefused() {
    CountingEcho service = new CountingEcho();
    String address = host(Tls.server(certs.keys("other-name-server")), service, false);
    Throwable failure = catchThrowable(() -> client(Tls.client(certs.trust("ca")), address).echo("x"));
    assertThat(failure).isInstanceOf(CommunicationException.class).hasMessageContaining("TLS");
    assertThat(service.invocations).hasValue(0);
  }

  @Test
  void withClientCertificatesRequiredTheServiceSeesTheClientsPrincipalAndAClientWithoutOneIsRefused() {
    CountingEcho service = new CountingEcho();
    String address = host(Tls.server(certs.keys("server")).trustClients(certs.trust("ca")).requireClientCertificate(),
        service, false);
    Echo withCertificate = client(Tls.client(certs.trust("ca")).clientKeys(certs.keys("client")), address);
    assertThat(withCertificate.whoAmI()).isEqualTo("CN=courier test client");

    Throwable anonymous = catchThrowable(() -> client(Tls.client(certs.trust("ca")), address).echo("x"));
    assertThat(anonymous).isInstanceOf(CommunicationException.class);
    Throwable impostor = catchThrowable(() -> client(Tls.client(certs.trust("ca"))
        .clientKeys(certs.keys("rogue-client")), address).echo("x"));
    assertThat(impostor).isInstanceOf(CommunicationException.class);
    assertThat(service.invocations).hasValue(1);
    assertThat(withCertificate.echo("still served")).isEqualTo("echo: still served");
  }

  @Test
  void aPlainHttpClientOfAnHttpsEndpointFailsAndTheEndpointServesOthers() {
    CountingEcho service = new CountingEcho();
    String address = host(Tls.server(certs.keys("server")), service, false);
    SoapBinding plain = SoapBinding.create();
    resources.add(plain);
    Echo echo = ChannelFactory.builder(Echo.class).binding(plain).address(address.replace("https:", "http:"))
        .operationTimeout(Duration.ofSeconds(10)).build().createChannel();
    resources.add(((ClientChannel) echo)::abort);
    assertThat(catchThrowable(() -> echo.echo("x"))).isInstanceOf(CommunicationException.class);
    assertThat(service.invocations).hasValue(0);
    assertThat(client(Tls.client(certs.trust("ca")), address).echo("next")).isEqualTo("echo: next");
  }

  @Test
  void theJdksHttpsClientFetchesTheWsdlWhichNamesTheHttpsAddress() throws Exception {
    String address = host(Tls.server(certs.keys("server")), new CountingEcho(), true);
    SSLContext trusting = SSLContext.getInstance("TLS");
    trusting.init(null, certs.trust("ca").getTrustManagers(), null);
    try (HttpClient https = HttpClient.newBuilder().sslContext(trusting).build()) {
      HttpResponse<String> wsdl = https.send(HttpRequest.newBuilder(URI.create(address + "?wsdl")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(wsdl.statusCode()).isEqualTo(200);
      assertThat(wsdl.body()).contains("location=\"" + address + "\"");
    }
  }

  @Test
  void aBindingWhoseTlsOnlyConnectsRefusesToListenAndOneThatOnlyListensRefusesToConnect() {
    assertThatThrownBy(() -> host(Tls.client(certs.trust("ca")), new CountingEcho(), false))
        .hasMessageContaining("does not listen");
    assertThatThrownBy(() -> client(Tls.server(certs.keys("server")), "https://127.0.0.1:1/echo"))
        .hasMessageContaining("does not connect");
  }
}
