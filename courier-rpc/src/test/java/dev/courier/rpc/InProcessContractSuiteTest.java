package dev.courier.rpc;

import dev.courier.rpc.inprocess.InProcessBinding;
import dev.courier.rpc.spi.Binding;
import dev.courier.rpc.suite.SessionContractSuite;
import java.util.concurrent.atomic.AtomicInteger;

/** The contract suite over the in-process binding. */
class InProcessContractSuiteTest extends SessionContractSuite {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  @Override
  protected Binding binding() {
    return InProcessBinding.create();
  }

  @Override
  protected String newAddress(String name) {
    return "inproc://" + name + "-" + COUNTER.incrementAndGet();
  }
}
