package dev.courier.rpc.soap;

import dev.courier.rpc.spi.Binding;
import dev.courier.rpc.suite.ContractSuite;
import java.util.concurrent.atomic.AtomicInteger;

/** The contract suite, unchanged, over SOAP 1.1 on loopback (duplex contracts aside: HTTP cannot carry them). */
class SoapContractSuiteTest extends ContractSuite {
  private static final SoapBinding SOAP = SoapBinding.create();
  private static final AtomicInteger PATHS = new AtomicInteger();

  @Override
  protected Binding binding() {
    return SOAP;
  }

  @Override
  protected String newAddress(String name) {
    return "http://127.0.0.1:0/" + name + "-" + PATHS.incrementAndGet();
  }

  @Override
  protected boolean carriesDuplex() {
    return false;
  }

  @Override
  protected boolean keepsNullOptionalsApart() {
    return false;
  }

  @Override
  protected boolean sessionful() {
    return false;
  }
}
