package dev.courier.rpc.soap;

import dev.courier.rpc.spi.Binding;
import dev.courier.rpc.suite.ArrayContractSuite;

/** Arrays and lists call each other over SOAP 1.1 on loopback, each side by the schema of its own contract. */
class SoapArrayContractTest extends ArrayContractSuite {
  private static final SoapBinding SOAP = SoapBinding.create();

  @Override
  protected Binding binding() {
    return SOAP;
  }

  @Override
  protected String newAddress(String name) {
    return SoapContractSuiteTest.loopback(name);
  }
}
