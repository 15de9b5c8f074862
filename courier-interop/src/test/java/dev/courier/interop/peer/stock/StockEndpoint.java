package dev.courier.interop.peer.stock;

import jakarta.jws.Oneway;
import jakarta.jws.WebMethod;
import jakarta.jws.WebParam;
import jakarta.jws.WebService;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A JAX-WS service in the plain Java style, not WCF's: its own namespace without a trailing slash, parameters and
 * bean fields unqualified (no {@code @WebParam(targetNamespace)}, no {@code elementFormDefault}), the result element
 * {@code return}. It has a package of its own: JAX-WS names the wrapper beans it generates after the package and
 * the operation ({@code peer.jaxws.Restock}), so two services in one package that share an operation name would share
 * one bean, and the one published second would read the other's parts.
 */
@WebService(name = "Stock", targetNamespace = "http://example.com/stock", serviceName = "StockService",
    portName = "StockPort")
public class StockEndpoint {
  /** The skus restocked, in order. */
  public final ConcurrentLinkedQueue<String> restocked = new ConcurrentLinkedQueue<>();

  /** A request-reply operation with a bean result. */
  @WebMethod
  public Stocked lookup(@WebParam(name = "sku") String sku, @WebParam(name = "count") int count) {
    Stocked s = new Stocked();
    s.sku = sku;
    s.count = count * 2;
    s.price = count == 0 ? null : 9.5;
    return s;
  }

  /** A one-way operation. */
  @WebMethod
  @Oneway
  public void restock(@WebParam(name = "sku") String sku) {
    restocked.add(sku);
  }
}
