package dev.courier.interop.wcf;

import jakarta.xml.ws.WebFault;
import java.io.Serial;

/** The declared fault, in JAX-WS's form. */
@WebFault(name = "DivideByZero", targetNamespace = "http://tempuri.org/")
public class DivideFault extends Exception {
  @Serial
  private static final long serialVersionUID = 1L;
  private final transient DivideByZeroDetail detail;

  /** A fault with its detail. */
  public DivideFault(String message, DivideByZeroDetail detail) {
    super(message);
    this.detail = detail;
  }

  /** The detail, as JAX-WS names its accessor. */
  public DivideByZeroDetail getFaultInfo() {
    return detail;
  }
}
