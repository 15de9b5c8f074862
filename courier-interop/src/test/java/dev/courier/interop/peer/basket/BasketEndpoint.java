package dev.courier.interop.peer.basket;

import jakarta.jws.WebMethod;
import jakarta.jws.WebParam;
import jakarta.jws.WebService;
import java.util.ArrayList;
import java.util.List;

/**
 * A JAX-WS service with lists as Java users write them: a {@code List} parameter, a {@code List} result and a bean
 * with a {@code List} field, which JAX-WS and JAXB send as repeated elements of the list's name, with no element
 * around them. (A package of its own: JAX-WS names its wrapper beans after the package and the operation.)
 */
@WebService(name = "Basket", targetNamespace = "http://example.com/basket", serviceName = "BasketService",
    portName = "BasketPort")
public class BasketEndpoint {
  /** A line per sku, each of {@code each}, tagged with its position. */
  @WebMethod
  public List<Line> fill(@WebParam(name = "skus") List<String> skus, @WebParam(name = "each") int each) {
    List<Line> lines = new ArrayList<>();
    if (skus == null) {
      return lines;                       // CXF hands an empty list, sent as no element, over as null
    }
    for (int i = 0; i < skus.size(); i++) {
      Line line = new Line();
      line.sku = skus.get(i);
      line.count = each;
      line.tags = new ArrayList<>(List.of("n" + i));
      lines.add(line);
    }
    return lines;
  }

  /** How many items the lines hold, and how many tags: {@code count * 100 + tags}. */
  @WebMethod
  public int total(@WebParam(name = "lines") List<Line> lines) {
    int count = 0;
    int tags = 0;
    for (Line line : lines == null ? List.<Line>of() : lines) {
      count += line.count;
      tags += line.tags == null ? 0 : line.tags.size();
    }
    return count * 100 + tags;
  }
}
