package dev.courier.rpc.tcp;

import dev.courier.rpc.spi.Binding;
import dev.courier.rpc.suite.ArrayContractSuite;

/** Arrays and lists call each other over courier-tcp, whose two ends compare their contracts' signatures first. */
class TcpArrayContractTest extends ArrayContractSuite {
  private static final TcpBinding TCP = TcpBinding.create();

  @Override
  protected Binding binding() {
    return TCP;
  }

  @Override
  protected String newAddress(String name) {
    return TcpTestSupport.newAddress(name);
  }
}
