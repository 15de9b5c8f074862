package dev.courier.interop.peer;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlType;
import java.util.ArrayList;
import java.util.List;

/** A data type in JAXB's bean form, as a JAX-WS service declares one. */
@XmlAccessorType(XmlAccessType.FIELD)
@XmlType(name = "item", propOrder = {"sku", "count", "price", "tags"})
public class Item {
  /** The stock-keeping unit. */
  public String sku;
  /** How many are in stock. */
  public int count;
  /** The price, if known. */
  public Double price;
  /** Free-form tags. */
  public List<String> tags = new ArrayList<>();
}
