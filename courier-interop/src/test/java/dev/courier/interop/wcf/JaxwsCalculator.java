package dev.courier.interop.wcf;

import jakarta.jws.Oneway;
import jakarta.jws.WebMethod;
import jakarta.jws.WebParam;
import jakarta.jws.WebResult;
import jakarta.jws.WebService;
import jakarta.xml.ws.RequestWrapper;
import jakarta.xml.ws.ResponseWrapper;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A calculator written as a JAX-WS user writes one to look like a WCF service: {@code http://tempuri.org/},
 * port type {@code ICalculator}, actions {@code ICalculator/Op}, qualified parameters.
 */
@WebService(name = "ICalculator", targetNamespace = JaxwsCalculator.NS, serviceName = "CalculatorService",
    portName = "BasicHttpBinding_ICalculator")
public class JaxwsCalculator {
  static final String NS = "http://tempuri.org/";

  /** How many one-way resets arrived. */
  public final AtomicInteger resets = new AtomicInteger();

  /** Adds. */
  @WebMethod(operationName = "Add", action = NS + "ICalculator/Add")
  @WebResult(name = "AddResult", targetNamespace = NS)
  @RequestWrapper(localName = "Add", targetNamespace = NS)
  @ResponseWrapper(localName = "AddResponse", targetNamespace = NS)
  public int add(@WebParam(name = "a", targetNamespace = NS) int a, @WebParam(name = "b", targetNamespace = NS) int b) {
    return a + b;
  }

  /** Divides, with a declared fault for a zero divisor. */
  @WebMethod(operationName = "Divide", action = NS + "ICalculator/Divide")
  @WebResult(name = "DivideResult", targetNamespace = NS)
  @RequestWrapper(localName = "Divide", targetNamespace = NS)
  @ResponseWrapper(localName = "DivideResponse", targetNamespace = NS)
  public double divide(@WebParam(name = "dividend", targetNamespace = NS) double dividend,
      @WebParam(name = "divisor", targetNamespace = NS) double divisor) throws DivideFault {
    if (divisor == 0) {
      DivideByZeroDetail detail = new DivideByZeroDetail();
      detail.dividend = dividend;
      detail.reason = "divisor is zero";
      throw new DivideFault("cannot divide by zero", detail);
    }
    return dividend / divisor;
  }

  /** One-way. */
  @WebMethod(operationName = "Reset", action = NS + "ICalculator/Reset")
  @Oneway
  @RequestWrapper(localName = "Reset", targetNamespace = NS)
  public void reset() {
    resets.incrementAndGet();
  }
}
