package dev.courier.rpc.tcp;

import dev.courier.rpc.spi.Binding;
import dev.courier.rpc.suite.SessionContractSuite;
import java.util.concurrent.atomic.AtomicInteger;

/** The contract suite, unchanged, over the TCP binding on loopback. */
class TcpContractSuiteTest extends SessionContractSuite {
  private static final TcpBinding TCP = TcpBinding.create();
  private static final AtomicInteger PORTS = new AtomicInteger();

  @Override
  protected Binding binding() {
    return TCP;
  }

  @Override
  protected String newAddress(String name) {
    return "courier.tcp://127.0.0.1:0/" + name + "-" + PORTS.incrementAndGet();
  }
}
