package dev.courier.maven.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One WSDL the goal reads, as configured ({@code src/main/wsdl/orders.wsdl}, or a URL such as
 * {@code https://orders.example.com/desk?wsdl}) and resolved: a file under the project's directory, or a URL.
 *
 * @param configured the text of its {@code <source>}, which messages name
 * @param file the file it names, or {@code null} for a URL
 * @param url the URL it names, or {@code null} for a file
 */
public record WsdlSource(String configured, Path file, URI url) {
  /** A scheme of two characters or more: {@code C:\wsdl} on Windows is a file. */
  private static final Pattern URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:.*");
  private static final int TIMEOUT_MILLIS = 30_000;

  /** Checks that exactly one of {@code file} and {@code url} is set. */
  public WsdlSource {
    Objects.requireNonNull(configured, "configured");
    if ((file == null) == (url == null)) {
      throw new IllegalArgumentException("a WSDL source is a file or a URL: " + configured);
    }
  }

  /**
   * The source {@code configured} names: a URL when it starts with a scheme ({@code https:}, {@code file:}),
   * otherwise a file, relative to {@code basedir}, that must exist and be readable.
   *
   * @throws GenerationException naming {@code configured} when it names no readable file or no valid URL
   */
  public static WsdlSource resolve(String configured, Path basedir) throws GenerationException {
    if (configured == null || configured.isBlank()) {
      throw new GenerationException("a <source> is empty (expected: a WSDL file, relative to the project's "
          + "directory, or a URL)");
    }
    String text = configured.strip();
    if (URL.matcher(text).matches()) {
      try {
        URI uri = new URI(text);
        uri.toURL();
        return new WsdlSource(text, null, uri);
      } catch (URISyntaxException | IllegalArgumentException | java.net.MalformedURLException e) {
        throw new GenerationException("WSDL URL " + text + " is no valid URL: " + e.getMessage()
            + " (expected: a WSDL file, relative to the project's directory, or a URL such as "
            + "https://orders.example.com/desk?wsdl)", e);
      }
    }
    Path file = basedir.resolve(text).toAbsolutePath().normalize();
    if (!Files.exists(file)) {
      throw new GenerationException("WSDL file " + text + " does not exist (looked for " + file
          + "; expected: a WSDL file, relative to the project's directory, or a URL)");
    }
    if (!Files.isRegularFile(file)) {
      throw new GenerationException("WSDL file " + text + " is not a file (" + file + " is a directory or "
          + "a device; expected: a WSDL file)");
    }
    if (!Files.isReadable(file)) {
      throw new GenerationException("WSDL file " + text + " cannot be read (" + file
          + " is not readable by this build)");
    }
    return new WsdlSource(text, file, null);
  }

  /** Where the document is: the file's URI or the URL; it resolves the document's relative imports. */
  public URI location() {
    return file != null ? file.toUri() : url;
  }

  /** Opens the document. */
  public InputStream open() throws IOException {
    if (file != null) {
      return Files.newInputStream(file);
    }
    URLConnection connection = url.toURL().openConnection();
    connection.setConnectTimeout(TIMEOUT_MILLIS);
    connection.setReadTimeout(TIMEOUT_MILLIS);
    return connection.getInputStream();
  }

  /** How messages name it: {@code WSDL file src/main/wsdl/orders.wsdl} or {@code WSDL URL https://...}. */
  public String describe() {
    return (file != null ? "WSDL file " : "WSDL URL ") + configured;
  }
}
