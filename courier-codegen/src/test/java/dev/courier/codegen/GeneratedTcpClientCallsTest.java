package dev.courier.codegen;

import dev.courier.rpc.spi.Binding;
import dev.courier.rpc.tcp.TcpBinding;

/** The generated client's calls over courier-tcp, whose two ends compare their contracts' signatures first. */
class GeneratedTcpClientCallsTest extends GeneratedClientCallsTest {
  @Override
  Binding binding() {
    return TcpBinding.create();
  }

  @Override
  String listenAt() {
    return "courier.tcp://127.0.0.1:0/orders";
  }
}
