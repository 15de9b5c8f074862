package dev.courier.interop.peer.stock;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlType;

/** What the stock service knows of a sku: a JAXB bean whose fields are unqualified elements. */
@XmlAccessorType(XmlAccessType.FIELD)
@XmlType(name = "stocked", propOrder = {"sku", "count", "price"})
public class Stocked {
  /** The stock-keeping unit. */
  public String sku;
  /** How many are in stock. */
  public int count;
  /** The price, if known. */
  public Double price;
}
