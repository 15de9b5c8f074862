package dev.courier.rpc.soap;

import dev.courier.rpc.spi.Binding;
import dev.courier.rpc.suite.ContractSuite;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The contract suite over SOAP 1.1 on loopback: every client shape against every service shape. Not its session part
 * ({@code SessionContractSuite}): HTTP carries no duplex contract and holds no session (see SoapBindingTest).
 */
class SoapContractSuiteTest extends ContractSuite {
  private static final SoapBinding SOAP = SoapBinding.create();
  private static final AtomicInteger PATHS = new AtomicInteger();

  @Override
  protected Binding binding() {
    return SOAP;
  }

  @Override
  protected String newAddress(String name) {
    return loopback(name);
  }

  /** A fresh address on loopback, of a path unique in the run, at a port the host binds. */
  static String loopback(String name) {
    return "http://127.0.0.1:0/" + name + "-" + PATHS.incrementAndGet();
  }

  @Override
  protected boolean keepsNullOptionalsApart() {
    return false;
  }
}
