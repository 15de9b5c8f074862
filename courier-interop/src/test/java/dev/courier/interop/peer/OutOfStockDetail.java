package dev.courier.interop.peer;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlType;

/** The detail of the inventory's declared fault. */
@XmlAccessorType(XmlAccessType.FIELD)
@XmlType(name = "outOfStockDetail", propOrder = {"sku"})
public class OutOfStockDetail {
  /** The item that is out of stock. */
  public String sku;
}
