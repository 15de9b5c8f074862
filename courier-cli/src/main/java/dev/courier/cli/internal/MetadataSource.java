package dev.courier.cli.internal;

import dev.courier.rpc.CommunicationException;
import dev.courier.rpc.EndpointAddress;
import dev.courier.rpc.metadata.Metadata;
import dev.courier.rpc.metadata.ServiceMetadata;
import dev.courier.rpc.metadata.Wsdl;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Where a command reads a service's metadata: a WSDL file, a SOAP endpoint's {@code ?wsdl} (or any http(s) URL of
 * a WSDL document), or a Courier endpoint's metadata exchange ({@code courier.tcp://}).
 *
 * <pre>{@code
 * ServiceMetadata service = MetadataSource.of("courier.tcp://localhost:8808/orders").read(bindings, timeout);
 * }</pre>
 *
 * @param text the source as the user gave it
 * @param endpoint the endpoint's address for a live source (without {@code ?wsdl}), or {@code null} for a file
 *     or a document's URL
 */
public record MetadataSource(String text, String endpoint) {
  /** What a source may be, for error messages and usage text. */
  public static final String EXPECTED = "a WSDL file, an http(s):// address of a SOAP endpoint or of its ?wsdl, "
      + "or a courier.tcp:// address";

  /**
   * The source {@code text} names.
   *
   * @throws Failure a usage error naming the text when it is no source
   */
  public static MetadataSource of(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.startsWith("courier.tcp://")) {
      return new MetadataSource(text, address(text));
    }
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      URI uri = uri(text);
      String query = uri.getRawQuery();
      boolean document = (query != null && !query.equalsIgnoreCase("wsdl"))
          || (uri.getRawPath() != null && uri.getRawPath().toLowerCase(Locale.ROOT).matches(".*\\.(wsdl|xml)"));
      return new MetadataSource(text, document ? null : address(text));
    }
    if (lower.matches("[a-z][a-z0-9+.-]+://.*")) {
      throw Failure.usage("source " + text + " (expected: " + EXPECTED + ")");
    }
    return new MetadataSource(text, null);
  }

  /** The endpoint address {@code text} names, without {@code ?wsdl}. */
  static String address(String text) {
    String a = text;
    int q = a.indexOf('?');
    if (q >= 0 && a.substring(q + 1).equalsIgnoreCase("wsdl")) {
      a = a.substring(0, q);
    }
    uri(a);
    return a;
  }

  private static URI uri(String text) {
    try {
      URI uri = new URI(text);
      if (uri.getHost() == null) {
        throw Failure.usage("address " + text + " (expected: a host, as in courier.tcp://host:8808/path)");
      }
      return uri;
    } catch (java.net.URISyntaxException e) {
      throw Failure.usage("address " + text + " is no URI: " + e.getReason() + " (expected: " + EXPECTED + ")");
    }
  }

  /** Whether the source is a live endpoint (its metadata fetched from it). */
  public boolean live() {
    return endpoint != null;
  }

  /**
   * Reads the metadata.
   *
   * @throws Failure a usage error for a file that is not there, unreachable for an endpoint that does not answer,
   *     cannot for a document that cannot be read
   */
  public ServiceMetadata read(Bindings bindings, Duration timeout) {
    try {
      if (endpoint != null && !endpoint.toLowerCase(Locale.ROOT).startsWith("http")) {
        return Metadata.fetch(bindings.forAddress(endpoint, null), EndpointAddress.of(endpoint), timeout).service();
      }
      if (endpoint != null) {
        // ?wsdl read as a document at its URL, so that imports by location (WCF's ?xsd=xsd0) resolve; the
        // endpoints then carry the host this client reached, as Metadata.fetch gives them
        URI at = URI.create(endpoint);
        return download(URI.create(endpoint + "?wsdl"), timeout).reachedAt(at, at.getPort());
      }
      if (text.toLowerCase(Locale.ROOT).startsWith("http")) {
        return download(URI.create(text), timeout);
      }
      Path file = file();
      try (InputStream in = Files.newInputStream(file)) {
        return Wsdl.read(in, file.toAbsolutePath().toUri());
      }
    } catch (CommunicationException e) {
      throw Failure.unreachable("cannot reach " + endpoint + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw Failure.cannot("the metadata of " + text + " cannot be read: " + e.getMessage(), e);
    } catch (IOException e) {
      throw Failure.cannot("reading " + text + " failed: " + e, e);
    }
  }

  private Path file() {
    Path file;
    try {
      file = Path.of(text.startsWith("file:") ? URI.create(text).getPath() : text);
    } catch (IllegalArgumentException e) {           // InvalidPathException too
      throw Failure.usage("source " + text + " (expected: " + EXPECTED + ")");
    }
    if (!Files.isRegularFile(file)) {
      throw Failure.usage("source " + text + ": no such file (expected: " + EXPECTED + ")");
    }
    return file;
  }

  private static ServiceMetadata download(URI uri, Duration timeout) throws IOException {
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NORMAL).build()) {
      HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        if (response.statusCode() != 200) {
          throw Failure.unreachable("cannot read " + uri + ": HTTP " + response.statusCode() + " (expected: 200 "
              + "and a WSDL document; does the host publish its metadata?)", null);
        }
        return Wsdl.read(in, uri);
      }
    } catch (java.net.ConnectException | java.net.http.HttpTimeoutException e) {
      throw Failure.unreachable("cannot reach " + uri + ": " + reason(e, uri), e);
    } catch (IOException e) {
      throw Failure.unreachable("cannot read " + uri + ": " + reason(e, uri), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Failure.unreachable("interrupted while reading " + uri, e);
    }
  }

  /** What went wrong: the JDK's HTTP client wraps the socket's exception, often without a message. */
  private static String reason(Throwable e, URI uri) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    int port = uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    if (root instanceof java.nio.channels.UnresolvedAddressException) {
      return "unknown host " + uri.getHost();
    }
    if (e instanceof java.net.ConnectException) {
      return "cannot connect to " + uri.getHost() + ":" + port + " (refused, or nothing listens there)";
    }
    return root.getMessage() != null ? root.getMessage() : e.toString();
  }
}
