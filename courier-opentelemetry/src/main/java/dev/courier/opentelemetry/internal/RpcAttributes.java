package dev.courier.opentelemetry.internal;

import dev.courier.rpc.FaultException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The attributes of the RPC semantic conventions (v1.44.0) this module sets, and how a call's address and failure
 * become them. Stateless.
 */
final class RpcAttributes {
  static final AttributeKey<String> RPC_SYSTEM_NAME = AttributeKey.stringKey("rpc.system.name");
  static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> NETWORK_PEER_ADDRESS = AttributeKey.stringKey("network.peer.address");
  static final AttributeKey<Long> NETWORK_PEER_PORT = AttributeKey.longKey("network.peer.port");

  /** The value of {@code rpc.system.name}. */
  static final String SYSTEM = "courier";

  private RpcAttributes() {}

  /**
   * {@code server.address} and {@code server.port} of the address a client calls ({@code courier.tcp://host:port/path},
   * {@code http://host/path}, {@code inproc://name}): the host (an IPv6 one without brackets) and the port, the
   * scheme's own for {@code http} and {@code https} when the address names none. None for an address without a host.
   */
  static Attributes server(String address) {
    return hostAndPort(address, SERVER_ADDRESS, SERVER_PORT, true);
  }

  /**
   * {@code network.peer.address} and {@code network.peer.port} of a caller's address as its binding reports it
   * ({@code courier.tcp://127.0.0.1:54321}, {@code http://127.0.0.1:54321}); none for one that names no network
   * address ({@code inproc:client-7}, {@code unknown}).
   */
  static Attributes peer(String address) {
    return hostAndPort(address, NETWORK_PEER_ADDRESS, NETWORK_PEER_PORT, false);
  }

  private static Attributes hostAndPort(String address, AttributeKey<String> hostKey, AttributeKey<Long> portKey,
      boolean defaultPort) {
    URI uri;
    try {
      uri = new URI(address);
    } catch (URISyntaxException | NullPointerException e) {
      return Attributes.empty();
    }
    String host = uri.getHost();
    int port = uri.getPort();
    if (host == null && uri.getRawAuthority() != null) {
      host = registryName(uri.getRawAuthority());      // a registry-based authority: inproc://my_service
      port = -1;
    }
    if (host == null || host.isEmpty()) {
      return Attributes.empty();
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (port < 0 && defaultPort && uri.getScheme() != null) {
      port = switch (uri.getScheme().toLowerCase(Locale.ROOT)) {
        case "http" -> 80;
        case "https" -> 443;
        default -> -1;
      };
    }
    AttributesBuilder b = Attributes.builder().put(hostKey, host);
    if (port >= 0) {
      b.put(portKey, (long) port);
    }
    return b.build();
  }

  /** An authority that is not host[:port] (a name with an underscore, say): the whole of it, as the name. */
  private static String registryName(String authority) {
    return authority.indexOf('@') >= 0 || authority.indexOf(':') >= 0 ? null : authority;
  }

  /**
   * The {@code error.type} of a failed call: a declared fault's detail type, another fault's code
   * ({@code Sender}, {@code InternalServiceFault}, ...), or else the exception's class name
   * ({@code dev.courier.rpc.CallTimeoutException}, ...).
   */
  static String errorType(Throwable failure) {
    if (failure instanceof FaultException fault) {
      Object detail = fault.detail();
      return detail != null ? detail.getClass().getName() : fault.code();
    }
    return failure.getClass().getName();
  }

  /** {@code failure} out of the wrappers a dependent stage adds. */
  static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
