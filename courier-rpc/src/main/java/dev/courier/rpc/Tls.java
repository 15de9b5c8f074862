package dev.courier.rpc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for a binding that carries it (courier-tcp's {@code TcpBinding}, courier-soap's {@code SoapBinding}: the
 * JDK's TLS, 1.3 or 1.2): the listening side's keys and, optionally, the
 * client certificates it trusts and whether it requires one; the connecting side's trust and, optionally,
 * the certificate it presents. Clients check the server's name against its certificate (as HTTPS does),
 * so connect to the host or IP address the certificate names.
 *
 * <pre>{@code
 * Tls serverTls = Tls.server(Tls.loadKeys(Path.of("server.p12"), password))
 *     .trustClients(Tls.loadTrust(Path.of("ca.p12"), password)).requireClientCertificate();
 * Tls clientTls = Tls.client(Tls.loadTrust(Path.of("ca.p12"), password))
 *     .clientKeys(Tls.loadKeys(Path.of("client.p12"), password));
 * TcpBinding tcp = TcpBinding.builder().tls(serverTls).build();
 * SoapBinding https = SoapBinding.builder().tls(serverTls).build();      // https:// addresses
 * }</pre>
 *
 * <p>A binding both listens and connects (the contract suite, a middle tier): give it both sides with
 * {@link #server} then {@link #trustServers}, or {@link #client} then {@link #serverKeys}. Immutable; each
 * method returns a new value.
 */
public final class Tls {
  private final KeyManagerFactory serverKeys;      // null: cannot listen
  private final TrustManagerFactory clientTrust;   // null: client certificates not asked for
  private final boolean requireClientCertificate;
  private final boolean connects;                  // false: cannot connect
  private final TrustManagerFactory serverTrust;   // null with connects: the JDK's default trust
  private final KeyManagerFactory clientKeys;      // null: no client certificate
  private final SSLContext serverContext;    // null: cannot listen
  private final SSLContext clientContext;    // null: cannot connect
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private Tls(KeyManagerFactory serverKeys, TrustManagerFactory clientTrust, boolean requireClientCertificate,
      boolean connects, TrustManagerFactory serverTrust, KeyManagerFactory clientKeys) {
    this.serverKeys = serverKeys;
    this.clientTrust = clientTrust;
    this.requireClientCertificate = requireClientCertificate;
    this.connects = connects;
    this.serverTrust = serverTrust;
    this.clientKeys = clientKeys;
    this.serverContext = serverKeys == null ? null : context(serverKeys, clientTrust);
    this.clientContext = connects ? context(clientKeys, serverTrust) : null;
  }

  /** TLS for listening with {@code keys} (the server's certificate and private key); no client certificates. */
  public static Tls server(KeyManagerFactory keys) {
    return new Tls(Objects.requireNonNull(keys, "keys"), null, false, false, null, null);
  }

  /** TLS for connecting to servers whose certificates {@code trust} accepts. */
  public static Tls client(TrustManagerFactory trust) {
    return new Tls(null, null, false, true, Objects.requireNonNull(trust, "trust"), null);
  }

  /** TLS for connecting to servers the JDK's default trust store accepts. */
  public static Tls client() {
    return new Tls(null, null, false, true, null, null);
  }

  /** The server's keys from a PKCS12 key store with one private key entry; {@code password} opens store and key. */
  public static KeyManagerFactory loadKeys(Path pkcs12, char[] password) {
    try {
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(load(pkcs12, password), password);
      return kmf;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("keys in " + pkcs12 + ": " + e.getMessage(), e);
    }
  }

  /** The certificates trusted, from a PKCS12 store of trusted certificate entries. */
  public static TrustManagerFactory loadTrust(Path pkcs12, char[] password) {
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(load(pkcs12, password));
      return tmf;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("trust in " + pkcs12 + ": " + e.getMessage(), e);
    }
  }

  private static KeyStore load(Path pkcs12, char[] password) throws GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(pkcs12)) {
      ks.load(in, password);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + pkcs12 + ": " + e.getMessage(), e);
    }
    return ks;
  }

  /** The same, also listening with {@code keys}. */
  public Tls serverKeys(KeyManagerFactory keys) {
    return new Tls(Objects.requireNonNull(keys, "keys"), clientTrust, requireClientCertificate, connects,
        serverTrust, clientKeys);
  }

  /**
   * The same, asking clients for a certificate and accepting those {@code trust} accepts; a client without
   * one still gets in unless {@link #requireClientCertificate()}.
   */
  public Tls trustClients(TrustManagerFactory trust) {
    requireServer("trustClients");
    return new Tls(serverKeys, Objects.requireNonNull(trust, "trust"), requireClientCertificate, connects,
        serverTrust, clientKeys);
  }

  /** The same, refusing any client without a certificate that {@link #trustClients} accepts. */
  public Tls requireClientCertificate() {
    requireServer("requireClientCertificate");
    if (clientTrust == null) {
      throw new IllegalStateException("requireClientCertificate: no trust for client certificates "
          + "(expected: trustClients(...) first)");
    }
    return new Tls(serverKeys, clientTrust, true, connects, serverTrust, clientKeys);
  }

  /** The same, also connecting to servers whose certificates {@code trust} accepts. */
  public Tls trustServers(TrustManagerFactory trust) {
    return new Tls(serverKeys, clientTrust, requireClientCertificate, true, Objects.requireNonNull(trust, "trust"),
        clientKeys);
  }

  /** The same, presenting the certificate of {@code keys} when connecting. */
  public Tls clientKeys(KeyManagerFactory keys) {
    if (!connects) {
      throw new IllegalStateException("clientKeys: this TLS configuration does not connect "
          + "(expected: client(...) or trustServers(...) first)");
    }
    return new Tls(serverKeys, clientTrust, requireClientCertificate, true, serverTrust,
        Objects.requireNonNull(keys, "keys"));
  }

  private void requireServer(String what) {
    if (serverKeys == null) {
      throw new IllegalStateException(what + ": this TLS configuration does not listen "
          + "(expected: server(...) or serverKeys(...) first)");
    }
  }

  /**
   * A new server-side engine for one accepted connection: this configuration's keys, TLS 1.3 or 1.2, and its
   * policy for client certificates. Bindings wrap it in their transport (Netty's {@code SslHandler}).
   */
  public SSLEngine serverEngine() {
    requireServer("serverEngine");
    SSLEngine engine = serverContext.createSSLEngine();
    engine.setUseClientMode(false);
    SSLParameters p = engine.getSSLParameters();
    p.setProtocols(PROTOCOLS.clone());
    if (requireClientCertificate) {
      p.setNeedClientAuth(true);
    } else if (clientTrust != null) {
      p.setWantClientAuth(true);
    }
    engine.setSSLParameters(p);
    return engine;
  }

  /**
   * A new client-side engine for one connection to {@code host:port}: this configuration's trust (and
   * certificate), TLS 1.3 or 1.2, the server's name checked against its certificate as HTTPS does.
   */
  public SSLEngine clientEngine(String host, int port) {
    if (!connects) {
      throw new IllegalStateException("clientEngine: this TLS configuration does not connect "
          + "(expected: client(...) or trustServers(...) first)");
    }
    SSLEngine engine = clientContext.createSSLEngine(host, port);
    engine.setUseClientMode(true);
    SSLParameters p = engine.getSSLParameters();
    p.setProtocols(PROTOCOLS.clone());
    p.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(p);
    return engine;
  }

  private static SSLContext context(KeyManagerFactory keys, TrustManagerFactory trust) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("tls: " + e.getMessage(), e);
    }
  }

  /** Whether a binding with this configuration can listen. */
  public boolean listens() {
    return serverKeys != null;
  }

  /** Whether a binding with this configuration can connect. */
  public boolean connects() {
    return connects;
  }

  /** Whether the listening side refuses clients without a trusted certificate. */
  public boolean requiresClientCertificate() {
    return requireClientCertificate;
  }

  @Override
  public String toString() {
    return "Tls[listens=" + listens() + ", clientCertificates="
        + (clientTrust == null ? "none" : requireClientCertificate ? "required" : "optional")
        + ", connects=" + connects + ", trust=" + (!connects ? "-" : serverTrust == null ? "default" : "given")
        + ", clientCertificate=" + (clientKeys != null) + "]";
  }
}
