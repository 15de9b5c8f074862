package dev.courier.cli.internal;

import dev.courier.rpc.Tls;
import dev.courier.rpc.metadata.EndpointMetadata;
import dev.courier.rpc.soap.SoapBinding;
import dev.courier.rpc.soap.SoapVersion;
import dev.courier.rpc.spi.Binding;
import dev.courier.rpc.tcp.TcpBinding;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bindings one command uses, made when first needed and closed with it: {@code courier.tcp} over
 * {@link TcpBinding}, {@code http} and {@code https} over {@link SoapBinding} in the SOAP version the endpoint
 * speaks.
 *
 * <pre>{@code
 * try (Bindings bindings = new Bindings()) {
 *   Metadata m = Metadata.fetch(bindings.forAddress(address, null), address);
 * }
 * }</pre>
 *
 * <p>Not thread safe: one per command.
 */
public final class Bindings implements AutoCloseable {
  /** The address schemes the command line reaches. */
  public static final String SCHEMES = "courier.tcp://, http:// or https://";

  private final Map<String, Binding> open = new LinkedHashMap<>();

  /** Whether {@code address} names a scheme the command line reaches. */
  public static boolean reaches(String address) {
    String a = address.toLowerCase(java.util.Locale.ROOT);
    return a.startsWith("courier.tcp://") || a.startsWith("http://") || a.startsWith("https://");
  }

  /**
   * The binding for {@code address}; for SOAP, in the version {@code protocol} says ({@code null}: SOAP 1.1).
   *
   * @throws Failure a usage error when the scheme is none the command line reaches
   */
  public Binding forAddress(String address, EndpointMetadata.Protocol protocol) {
    String scheme = address.substring(0, Math.max(0, address.indexOf("://"))).toLowerCase(java.util.Locale.ROOT);
    boolean soap12 = protocol == EndpointMetadata.Protocol.SOAP_12;
    return switch (scheme) {
      case "courier.tcp" -> open.computeIfAbsent(scheme, s -> TcpBinding.create());
      case "http" -> open.computeIfAbsent(scheme + soap12, s -> SoapBinding.builder()
          .version(soap12 ? SoapVersion.SOAP_12 : SoapVersion.SOAP_11).build());
      case "https" -> open.computeIfAbsent(scheme + soap12, s -> SoapBinding.builder().tls(Tls.client())
          .version(soap12 ? SoapVersion.SOAP_12 : SoapVersion.SOAP_11).build());
      default -> throw Failure.usage("address " + address + " (expected: a " + SCHEMES + " address)");
    };
  }

  @Override
  public void close() {
    for (Binding b : open.values()) {
      if (b instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          // closing is best effort: the command's outcome is already decided
        }
      }
    }
    open.clear();
  }
}
