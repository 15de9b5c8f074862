package dev.courier.rpc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates made at test time with the JDK's {@code keytool} (the one next to the running java), as
 * PKCS12 stores in a directory: a test CA, a server certificate for 127.0.0.1 and localhost signed by it,
 * a client certificate signed by it, and optionally an impostor CA ("rogue-ca": the same name as the
 * trusted CA, another key) with a client certificate of its own, and a server certificate for a name other
 * than the loopback address. The impostor has the trusted CA's name so that a client's key manager offers
 * its certificate to a server that asks for certificates issued by that name (it would offer none
 * otherwise) and the server has to check the signature. EC P-256 keys, valid two days. Independent
 * keytool runs go in parallel.
 */
public final class TestCertificates {
  public static final char[] PASSWORD = "courier-test".toCharArray();
  private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

  private final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  /** The trusted CA, a server certificate and a client certificate (and, with {@code untrusted}, the rest). */
  public static TestCertificates create(Path dir, boolean untrusted) throws Exception {
    TestCertificates certs = new TestCertificates(dir);
    try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
      List<CompletableFuture<Void>> step = new ArrayList<>();
      step.add(run(pool, () -> certs.ca("ca")));
      if (untrusted) {
        step.add(run(pool, () -> certs.ca("rogue-ca")));
      }
      join(step);
      step.clear();
      step.add(run(pool, () -> certs.signed("server", "ca", "san=ip:127.0.0.1,dns:localhost", "serverAuth")));
      step.add(run(pool, () -> certs.signed("client", "ca", null, "clientAuth")));
      if (untrusted) {
        step.add(run(pool, () -> certs.signed("rogue-client", "rogue-ca", null, "clientAuth")));
        step.add(run(pool, () -> certs.signed("other-name-server", "ca", "san=dns:other.invalid", "serverAuth")));
      }
      join(step);
    }
    certs.trustStore("ca");
    if (untrusted) {
      certs.trustStore("rogue-ca");
    }
    return certs;
  }

  /** The keys of {@code name} ("server", "client", "rogue-client", "other-name-server"). */
  public KeyManagerFactory keys(String name) {
    return Tls.loadKeys(store(name), PASSWORD);
  }

  /** The trust of a store holding the certificate of CA {@code ca} ("ca" or "rogue-ca"). */
  public TrustManagerFactory trust(String ca) {
    return Tls.loadTrust(dir.resolve(ca + "-trust.p12"), PASSWORD);
  }

  private Path store(String name) {
    return dir.resolve(name + ".p12");
  }

  /** A self-signed CA certificate and its key. */
  private void ca(String name) throws IOException, InterruptedException {
    String cn = name.equals("rogue-ca") ? "ca" : name;          // the impostor: the same name, another key
    List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname",
        "secp256r1", "-dname", "CN=courier test " + cn, "-validity", "2", "-ext", "bc:c",
        "-ext", "ku=keyCertSign,cRLSign"));
    args.addAll(storeArgs(name));
    keytool(args);
  }

  /**
   * A key pair whose certificate {@code ca} signs ({@code keytool -genkeypair -signer}, in a copy of the CA's
   * store), left as the only entry of {@code name}'s store with its chain (leaf, CA).
   */
  private void signed(String name, String ca, String san, String eku) throws Exception {
    Files.copy(store(ca), store(name));
    List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", name, "-signer", ca,
        "-signerkeypass", new String(PASSWORD), "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=courier test " + name, "-validity", "2", "-ext", "eku=" + eku, "-ext", "ku=digitalSignature"));
    if (san != null) {
      args.addAll(List.of("-ext", san));
    }
    args.addAll(storeArgs(name));
    keytool(args);
    KeyStore own = load(store(name));
    own.deleteEntry(ca);                          // else a key manager could pick the CA's key
    if (own.getCertificateChain(name).length != 2) {
      throw new IllegalStateException(name + ": chain of " + own.getCertificateChain(name).length + " (expected: 2)");
    }
    save(own, store(name));
  }

  private void trustStore(String ca) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry(ca, load(store(ca)).getCertificate(ca));
    save(trust, dir.resolve(ca + "-trust.p12"));
  }

  private List<String> storeArgs(String name) {
    String password = new String(PASSWORD);
    return List.of("-keystore", store(name).toString(), "-storetype", "PKCS12", "-storepass", password,
        "-keypass", password);
  }

  private static KeyStore load(Path file) throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      ks.load(in, PASSWORD);
    }
    return ks;
  }

  private static void save(KeyStore ks, Path file) throws IOException, GeneralSecurityException {
    try (OutputStream out = Files.newOutputStream(file)) {
      ks.store(out, PASSWORD);
    }
  }

  /** Runs the JDK's keytool; fails with its output if it fails. */
  private static void keytool(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(keytoolBinary().toString());
    command.add("-J-Xshare:auto");
    command.add("-J-XX:TieredStopAtLevel=1");
    command.addAll(args);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.DISCARD.file())
        .start();
    byte[] out;
    try (InputStream o = p.getInputStream()) {
      out = o.readAllBytes();
    }
    if (!p.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("keytool did not finish within " + KEYTOOL_TIMEOUT_SECONDS + " s: " + command);
    }
    if (p.exitValue() != 0) {
      throw new IOException("keytool failed (" + p.exitValue() + "): " + command + "\n"
          + new String(out, StandardCharsets.UTF_8));
    }
  }

  /** The keytool of the JDK running this test: next to its java binary. */
  private static Path keytoolBinary() {
    Path java = ProcessHandle.current().info().command().map(Path::of)
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java"));
    Path keytool = java.resolveSibling("keytool");
    if (!Files.isExecutable(keytool)) {
      keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    }
    return keytool;
  }

  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }

  private static CompletableFuture<Void> run(ExecutorService pool, Step step) {
    return CompletableFuture.runAsync(() -> {
      try {
        step.run();
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }, pool);
  }

  private static void join(List<CompletableFuture<Void>> steps) throws Exception {
    try {
      CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new)).get(2 * KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    }
  }
}
