package dev.courier.cli.internal;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.lang.model.SourceVersion;

/**
 * The Java package svcutil-style tools derive from a contract's namespace: an http(s) namespace's host, reversed
 * and without {@code www}, then its path's segments ({@code http://example.com/orders} is {@code com.example.orders});
 * a URN's parts after {@code urn} ({@code urn:acme:orders} is {@code acme.orders}). Each part is lower-cased, and
 * made a Java identifier ({@code 2026} is {@code _2026}, {@code my-shop} is {@code my_shop}).
 *
 * <pre>{@code
 * PackageName.of("http://schemas.example.com/orders/2026/");   // com.example.schemas.orders._2026
 * }</pre>
 */
public final class PackageName {
  private PackageName() {
  }

  /** The package derived from {@code namespace}, or empty when it gives none. */
  public static Optional<String> of(String namespace) {
    List<String> parts = new ArrayList<>();
    URI uri;
    try {
      uri = new URI(namespace.strip());
    } catch (java.net.URISyntaxException e) {
      return Optional.empty();
    }
    if (uri.getHost() != null) {
      List<String> host = new ArrayList<>(List.of(uri.getHost().split("\\.")));
      if (!host.isEmpty() && host.getFirst().equalsIgnoreCase("www")) {
        host.removeFirst();
      }
      parts.addAll(host.reversed());
      if (uri.getPath() != null) {
        parts.addAll(List.of(uri.getPath().split("/")));
      }
    } else if (uri.getScheme() != null && uri.getSchemeSpecificPart() != null) {
      parts.addAll(List.of(uri.getSchemeSpecificPart().split("[:/]")));
      if (!uri.getScheme().equalsIgnoreCase("urn")) {
        parts.addFirst(uri.getScheme());
      }
    } else {
      parts.addAll(List.of(namespace.split("[:/.]")));
    }
    List<String> names = new ArrayList<>();
    for (String part : parts) {
      String p = part.toLowerCase(Locale.ROOT).replaceAll("\\.[a-z0-9]+$", "").replaceAll("[^a-z0-9_]", "_");
      if (p.isEmpty() || p.chars().allMatch(c -> c == '_')) {
        continue;
      }
      if (!Character.isJavaIdentifierStart(p.charAt(0)) || SourceVersion.isKeyword(p)) {
        p = "_" + p;
      }
      names.add(p);
    }
    String name = String.join(".", names);
    return names.isEmpty() || !SourceVersion.isName(name) ? Optional.empty() : Optional.of(name);
  }
}
