package dev.courier.interop.peer;

import jakarta.xml.ws.WebFault;
import java.io.Serial;

/** The inventory's declared fault, in JAX-WS's form: an exception carrying its detail bean. */
@WebFault(name = "OutOfStockDetail", targetNamespace = "http://example.com/inventory")
public class OutOfStock extends Exception {
  @Serial
  private static final long serialVersionUID = 1L;
  private final transient OutOfStockDetail detail;

  /** A fault with its detail. */
  public OutOfStock(String message, OutOfStockDetail detail) {
    super(message);
    this.detail = detail;
  }

  /** The detail, as JAX-WS names its accessor. */
  public OutOfStockDetail getFaultInfo() {
    return detail;
  }
}
