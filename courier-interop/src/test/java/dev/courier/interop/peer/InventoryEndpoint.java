package dev.courier.interop.peer;

import jakarta.jws.Oneway;
import jakarta.jws.WebMethod;
import jakarta.jws.WebParam;
import jakarta.jws.WebService;
import java.util.List;

/** A JAX-WS service written the way Java users write one, whose WSDL Metro and CXF write for the reader's tests. */
@WebService(name = "Inventory", targetNamespace = "http://example.com/inventory", serviceName = "InventoryService",
    portName = "InventoryPort")
public class InventoryEndpoint {
  /** A request-reply operation with a declared fault. */
  @WebMethod
  public Item find(@WebParam(name = "sku") String sku) throws OutOfStock {
    throw new OutOfStock("no " + sku, new OutOfStockDetail());
  }

  /** A request-reply operation returning a list. */
  @WebMethod
  public List<Item> all() {
    return List.of();
  }

  /** A one-way operation. */
  @WebMethod
  @Oneway
  public void restock(@WebParam(name = "sku") String sku, @WebParam(name = "count") int count) {}
}
