package dev.courier.interop.peer.basket;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlType;
import java.util.List;

/** A line of a basket: a JAXB bean whose list field is repeated elements of its name. */
@XmlAccessorType(XmlAccessType.FIELD)
@XmlType(name = "line", propOrder = {"sku", "count", "tags"})
public class Line {
  /** The stock-keeping unit. */
  public String sku;
  /** How many. */
  public int count;
  /** Its tags. */
  public List<String> tags;
}
