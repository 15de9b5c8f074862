package dev.courier.interop;

import jakarta.xml.ws.Endpoint;
import java.net.ServerSocket;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A JAX-WS service published by a peer's stack (Metro's own HTTP server, or CXF's Jetty) with
 * {@code Endpoint.publish}, at a free loopback port; closing it stops the endpoint and restores the JAX-WS
 * provider.
 */
final class PeerEndpoint {
  /** CXF logs each service it publishes at INFO; held here so the level stays set. */
  private static final Logger CXF_LOG = Logger.getLogger("org.apache.cxf");

  static {
    CXF_LOG.setLevel(Level.WARNING);
  }

  private final Endpoint endpoint;
  private final AutoCloseable provider;
  private final String address;

  private PeerEndpoint(Endpoint endpoint, AutoCloseable provider, String address) {
    this.endpoint = endpoint;
    this.provider = provider;
    this.address = address;
  }

  /** Publishes {@code service} with {@code peer}'s stack at {@code path} of a free port. */
  static PeerEndpoint publish(Peer peer, String path, Object service) throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    String address = "http://127.0.0.1:" + port + path;
    AutoCloseable provider = peer.choose();
    try {
      return new PeerEndpoint(Endpoint.publish(address, service), provider, address);
    } catch (RuntimeException e) {
      provider.close();
      throw e;
    }
  }

  /** Where the service listens. */
  String address() {
    return address;
  }

  /** Stops the endpoint and restores the JAX-WS provider. */
  void close() throws Exception {
    try {
      endpoint.stop();
    } finally {
      provider.close();
    }
  }
}
