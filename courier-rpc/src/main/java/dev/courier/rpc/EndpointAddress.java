package dev.courier.rpc;

import java.net.URI;
import java.util.Objects;

/**
 * Where an endpoint listens: a URI whose scheme names the binding ({@code inproc://calculator},
 * {@code courier.tcp://host:8808/calculator}, {@code http://host/calculator}).
 *
 * @param uri the address
 */
public record EndpointAddress(URI uri) {

  /** Checks that the URI is absolute. */
  public EndpointAddress {
    Objects.requireNonNull(uri, "uri");
    if (uri.getScheme() == null) {
      throw new IllegalArgumentException("address: " + uri + " (expected: an absolute URI such as inproc://calculator)");
    }
  }

  /** Parses an address. */
  public static EndpointAddress of(String uri) {
    return new EndpointAddress(URI.create(Objects.requireNonNull(uri, "uri")));
  }

  /** The scheme. */
  public String scheme() {
    return uri.getScheme();
  }

  @Override
  public String toString() {
    return uri.toString();
  }
}
