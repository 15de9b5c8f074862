package dev.courier.rpc.tcp;

import dev.courier.rpc.TestCertificates;
import dev.courier.rpc.Tls;
import static dev.courier.rpc.tcp.TcpTestSupport.frame;
import static dev.courier.rpc.tcp.TcpTestSupport.portOf;
import static dev.courier.rpc.tcp.TcpTestSupport.requestPayload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.CommunicationException;
import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.OperationContext;
import dev.courier.rpc.Peer;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.tcp.TcpTestSupport.Frame;
import dev.courier.rpc.tcp.TcpTestSupport.RawPeer;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the TCP binding, with certificates made by keytool when the class starts (see
 * {@link TestCertificates}): a trusted CA with server and client certificates, an impostor CA with a
 * client certificate, and a server certificate for another name. Each failure is checked to reach no
 * service: the call's service counts its invocations and the host its sessions.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TcpTlsTest {
  private static final Duration HANDSHAKE = Duration.ofSeconds(5);

  @TempDir
  static Path dir;
  static TestCertificates certs;

  private final List<ServiceHost> hosts = new CopyOnWriteArrayList<>();
  private final List<Object> channels = new CopyOnWriteArrayList<>();

  @ServiceContract(name = "Echo", namespace = "urn:courier:tls-test")
  public interface Echo {
    String echo(String text);
  }

  /** Counts its invocations. */
  static final class CountingEcho implements Echo {
    final AtomicInteger invocations = new AtomicInteger();

    @Override
    public String echo(String text) {
      invocations.incrementAndGet();
      return "echo: " + text;
    }
  }

  /** What a service saw of {@link OperationContext#peer()}. */
  public record PeerSeen(String address, Optional<String> principal, List<String> chain) {
    static PeerSeen of(Peer peer) {
      return new PeerSeen(peer.address(), peer.principal().map(Principal::getName),
          peer.certificates().stream().map(c -> c.getSubjectX500Principal().getName()).toList());
    }
  }

  @ServiceContract(name = "WhoAmI", namespace = "urn:courier:tls-test")
  public interface WhoAmI {
    /** The peer of the call, as the side that runs it sees it. */
    PeerSeen whoAmI();
  }

  /** Answers with the peer of each call. */
  static final class PeerReporter implements WhoAmI {
    @Override
    public PeerSeen whoAmI() {
      return PeerSeen.of(OperationContext.current().peer());
    }
  }

  @ServiceContract(name = "Mirror", namespace = "urn:courier:tls-test", callback = WhoAmI.class)
  public interface Mirror {
    /** Calls the client's callback {@code whoAmI} and returns what the client saw. */
    PeerSeen askBack();
  }

  @BeforeAll
  static void makeCertificates() throws Exception {
    certs = TestCertificates.create(dir, true);
  }

  @AfterEach
  void closeEverything() {
    channels.forEach(c -> ClientChannel.of(c).abort());
    hosts.forEach(ServiceHost::abort);
  }

  private static TcpBinding tls(Tls tls) {
    return TcpBinding.builder().tls(tls).handshakeTimeout(HANDSHAKE).build();
  }

  private static Tls serverTls() {
    return Tls.server(certs.keys("server"));
  }

  private static Tls mutualTls() {
    return serverTls().trustClients(certs.trust("ca")).requireClientCertificate();
  }

  /** Hosts {@code service} over {@code binding} on a free loopback port; returns the address bound. */
  private String host(TcpBinding binding, Echo service) {
    ServiceHost host = ServiceHost.builder(service)
        .endpoint(Echo.class, binding, "courier.tcp://127.0.0.1:0/echo").build().open();
    hosts.add(host);
    return host.listenAddresses().getFirst();
  }

  private Echo client(TcpBinding binding, String address) {
    Echo echo = ChannelFactory.builder(Echo.class).binding(binding).address(address)
        .operationTimeout(Duration.ofSeconds(10)).build().createChannel();
    channels.add(echo);
    return echo;
  }

  /** Hosts {@code service} for {@code contract} over {@code binding} on a free loopback port; returns the address. */
  private String host(TcpBinding binding, Class<?> contract, Object service) {
    ServiceHost host = ServiceHost.builder(service)
        .endpoint(contract, binding, "courier.tcp://127.0.0.1:0/" + contract.getSimpleName()).build().open();
    hosts.add(host);
    return host.listenAddresses().getFirst();
  }

  private <T> T client(Class<T> contract, TcpBinding binding, String address) {
    T proxy = ChannelFactory.builder(contract).binding(binding).address(address)
        .operationTimeout(Duration.ofSeconds(10)).build().createChannel();
    channels.add(proxy);
    return proxy;
  }

  /** Connects and calls once; returns what was thrown, or null. */
  private Throwable failureOfACall(TcpBinding binding, String address) {
    return catchThrowable(() -> client(binding, address).echo("hello"));
  }

  private static void assertRefusedBeforeTheService(Throwable failure, CountingEcho service, ServiceHost host) {
    assertThat(failure).isInstanceOf(CommunicationException.class);
    assertThat(((CommunicationException) failure).mayHaveReachedService()).isFalse();
    assertThat(service.invocations).hasValue(0);
    assertThat(host.sessionCount()).isZero();
  }

  @Test
  void aCallOverTlsSucceeds() {
    CountingEcho service = new CountingEcho();
    String address = host(tls(serverTls()), service);

    Echo echo = client(tls(Tls.client(certs.trust("ca"))), address);

    assertThat(echo.echo("over TLS")).isEqualTo("echo: over TLS");
    assertThat(echo.echo("again")).isEqualTo("echo: again");
    assertThat(service.invocations).hasValue(2);
  }

  @Test
  void aClientThatDoesNotTrustTheServersCaFailsAndTheServiceIsNeverInvoked() {
    CountingEcho service = new CountingEcho();
    String address = host(tls(serverTls()), service);

    Throwable failure = failureOfACall(tls(Tls.client(certs.trust("rogue-ca"))), address);

    assertRefusedBeforeTheService(failure, service, hosts.getFirst());
    assertThat(failure).hasMessageContaining("TLS");
  }

  @Test
  void aClientWithTheJdksDefaultTrustRefusesAServerSignedByTheTestCa() {
    CountingEcho service = new CountingEcho();
    String address = host(tls(serverTls()), service);

    Throwable failure = failureOfACall(tls(Tls.client()), address);

    assertRefusedBeforeTheService(failure, service, hosts.getFirst());
    assertThat(failure).hasMessageContaining("TLS");
  }

  @Test
  void aClientRefusesAServerWhoseCertificateNamesAnotherHost() {
    CountingEcho service = new CountingEcho();
    String address = host(tls(Tls.server(certs.keys("other-name-server"))), service);

    Throwable failure = failureOfACall(tls(Tls.client(certs.trust("ca"))), address);

    assertRefusedBeforeTheService(failure, service, hosts.getFirst());
    assertThat(failure).hasMessageContaining("TLS");
  }

  @Test
  void aPlainTcpClientCannotTalkToATlsServer() {
    CountingEcho service = new CountingEcho();
    String address = host(tls(serverTls()), service);

    Throwable failure = failureOfACall(TcpBinding.builder().handshakeTimeout(HANDSHAKE).build(), address);

    assertRefusedBeforeTheService(failure, service, hosts.getFirst());
  }

  @Test
  void aTlsClientCannotTalkToAPlainTcpServer() {
    CountingEcho service = new CountingEcho();
    String address = host(TcpBinding.builder().handshakeTimeout(HANDSHAKE).build(), service);

    Throwable failure = failureOfACall(tls(Tls.client(certs.trust("ca"))), address);

    assertRefusedBeforeTheService(failure, service, hosts.getFirst());
  }

  @Test
  void withClientCertificatesRequiredAClientWithoutOneFailsAndTheServiceIsNeverInvoked() {
    CountingEcho service = new CountingEcho();
    String address = host(tls(mutualTls()), service);

    Throwable failure = failureOfACall(tls(Tls.client(certs.trust("ca"))), address);

    assertRefusedBeforeTheService(failure, service, hosts.getFirst());
  }

  @Test
  void withClientCertificatesRequiredAClientWithAnUntrustedOneFailsAndTheServiceIsNeverInvoked() {
    CountingEcho service = new CountingEcho();
    String address = host(tls(mutualTls()), service);

    Throwable failure = failureOfACall(
        tls(Tls.client(certs.trust("ca")).clientKeys(certs.keys("rogue-client"))), address);

    assertRefusedBeforeTheService(failure, service, hosts.getFirst());
    assertThat(failure).hasMessageNotContaining("certificate_required");   // it was offered, and refused
  }

  @Test
  void withClientCertificatesRequiredAClientWithATrustedOneSucceedsAfterRefusedOnes() {
    CountingEcho service = new CountingEcho();
    String address = host(tls(mutualTls()), service);
    assertThat(failureOfACall(tls(Tls.client(certs.trust("ca"))), address))
        .isInstanceOf(CommunicationException.class);

    Echo echo = client(tls(Tls.client(certs.trust("ca")).clientKeys(certs.keys("client"))), address);

    assertThat(echo.echo("with a certificate")).isEqualTo("echo: with a certificate");
    assertThat(service.invocations).hasValue(1);
    assertThat(hosts.getFirst().sessionCount()).isEqualTo(1);
  }

  @Test
  void withClientCertificatesOptionalAClientWithoutOneGetsIn() {
    CountingEcho service = new CountingEcho();
    String address = host(tls(serverTls().trustClients(certs.trust("ca"))), service);

    Echo echo = client(tls(Tls.client(certs.trust("ca"))), address);

    assertThat(echo.echo("no certificate")).isEqualTo("echo: no certificate");
    assertThat(service.invocations).hasValue(1);
  }

  @Test
  void oneBindingListensAndConnectsOverTls() throws Exception {
    TcpBinding both = tls(mutualTls().trustServers(certs.trust("ca")).clientKeys(certs.keys("client")));
    CountingEcho service = new CountingEcho();
    String address = host(both, service);

    Echo echo = client(both, address);

    CompletableFuture<String> async = CompletableFuture.supplyAsync(() -> echo.echo("both ways"));
    assertThat(async.get(10, TimeUnit.SECONDS)).isEqualTo("echo: both ways");
    assertThat(service.invocations).hasValue(1);
  }

  @Test
  void aTlsConfigurationIsCheckedWhenItIsMadeAndUsed() {
    assertThatThrownBy(() -> Tls.client(certs.trust("ca")).requireClientCertificate())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not listen");
    assertThatThrownBy(() -> serverTls().requireClientCertificate())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("trustClients");
    assertThatThrownBy(() -> serverTls().clientKeys(certs.keys("client")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not connect");
    assertThatThrownBy(() -> Tls.loadKeys(dir.resolve("missing.p12"), TestCertificates.PASSWORD))
        .hasMessageContaining("missing.p12");
    assertThat(mutualTls().requiresClientCertificate()).isTrue();
    assertThat(serverTls().connects()).isFalse();

    TcpBinding clientOnly = tls(Tls.client(certs.trust("ca")));
    assertThatThrownBy(() -> ServiceHost.builder(new CountingEcho())
        .endpoint(Echo.class, clientOnly, "courier.tcp://127.0.0.1:0/echo").build().open())
        .hasStackTraceContaining("does not listen");
    CountingEcho service = new CountingEcho();
    String address = host(tls(serverTls()), service);
    TcpBinding serverOnly = tls(serverTls());
    assertThatThrownBy(() -> client(serverOnly, address)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("does not connect");
  }

  // ---- who called ---------------------------------------------------------------------------------

  @Test
  void aServiceSeesTheSubjectAndChainOfTheClientsCertificate() {
    String address = host(tls(mutualTls()), WhoAmI.class, new PeerReporter());
    WhoAmI who = client(WhoAmI.class, tls(Tls.client(certs.trust("ca")).clientKeys(certs.keys("client"))), address);

    PeerSeen seen = who.whoAmI();

    assertThat(seen.principal()).contains("CN=courier test client");
    assertThat(seen.chain()).as("the client's chain, its own certificate first")
        .containsExactly("CN=courier test client", "CN=courier test ca");
    assertThat(seen.address()).matches("courier\\.tcp://127\\.0\\.0\\.1:\\d+")
        .as("the client's port, not the server's").isNotEqualTo("courier.tcp://127.0.0.1:" + portOf(address));
  }

  @Test
  void withClientCertificatesOptionalAClientWithoutOneIsSeenWithoutAPrincipal() {
    String address = host(tls(serverTls().trustClients(certs.trust("ca"))), WhoAmI.class, new PeerReporter());

    WhoAmI anonymous = client(WhoAmI.class, tls(Tls.client(certs.trust("ca"))), address);
    WhoAmI identified = client(WhoAmI.class,
        tls(Tls.client(certs.trust("ca")).clientKeys(certs.keys("client"))), address);

    PeerSeen seen = anonymous.whoAmI();
    assertThat(seen.principal()).isEmpty();
    assertThat(seen.chain()).isEmpty();
    assertThat(seen.address()).startsWith("courier.tcp://127.0.0.1:");
    assertThat(identified.whoAmI().principal()).as("the same host, a client with a certificate")
        .contains("CN=courier test client");
  }

  @Test
  void withoutClientCertificatesTheServiceSeesNoPrincipalOverTls() {
    String address = host(tls(serverTls()), WhoAmI.class, new PeerReporter());
    WhoAmI who = client(WhoAmI.class, tls(Tls.client(certs.trust("ca")).clientKeys(certs.keys("client"))), address);

    assertThat(who.whoAmI().principal()).as("a certificate the server never asked for").isEmpty();
  }

  @Test
  void aClientsCallbackSeesTheServerAndItsCertificate() {
    TcpBinding both = tls(mutualTls().trustServers(certs.trust("ca")).clientKeys(certs.keys("client")));
    Mirror service = () -> OperationContext.current().callback(WhoAmI.class).whoAmI();
    String address = host(both, Mirror.class, service);
    Mirror mirror = ChannelFactory.builder(Mirror.class).binding(both).address(address)
        .callback(new PeerReporter()).operationTimeout(Duration.ofSeconds(10)).build().createChannel();
    channels.add(mirror);

    PeerSeen seenByTheCallback = mirror.askBack();

    assertThat(seenByTheCallback.address()).isEqualTo("courier.tcp://127.0.0.1:" + portOf(address));
    assertThat(seenByTheCallback.principal()).contains("CN=courier test server");
    assertThat(seenByTheCallback.chain()).first().isEqualTo("CN=courier test server");
  }

  @Test
  void overPlainTcpAServiceSeesTheClientsAddressWithItsPortAndNoPrincipal() throws Exception {
    String address = host(TcpBinding.builder().handshakeTimeout(HANDSHAKE).build(), WhoAmI.class, new PeerReporter());
    String action = ContractDescription.of(WhoAmI.class).operation("whoAmI").action();

    try (RawPeer raw = RawPeer.withSession(portOf(address))) {
      raw.send(frame(Frames.REQUEST, 1, 1, requestPayload(action, new byte[0])));
      Frame reply = raw.read();
      assertThat(reply.type()).as("the answer to whoAmI: %s", reply).isEqualTo(Frames.REPLY);
      Object seen = WireCodec.read(Unpooled.wrappedBuffer(reply.payload()), PeerSeen.class);

      assertThat(seen).isEqualTo(new PeerSeen("courier.tcp://127.0.0.1:" + raw.socket.getLocalPort(),
          Optional.empty(), List.of()));
    }
  }
}
