package dev.courier.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The attribute names of the RPC semantic conventions v1.44.0, spelled out here from the conventions themselves, not
 * taken from the implementation, so that the tests check the names too.
 */
final class Conventions {
  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("rpc.system.name");
  static final AttributeKey<String> METHOD = AttributeKey.stringKey("rpc.method");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> PEER_ADDRESS = AttributeKey.stringKey("network.peer.address");
  static final AttributeKey<Long> PEER_PORT = AttributeKey.longKey("network.peer.port");

  private Conventions() {}
}
