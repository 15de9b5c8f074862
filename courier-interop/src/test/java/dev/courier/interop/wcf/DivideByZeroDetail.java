package dev.courier.interop.wcf;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlElement;
import jakarta.xml.bind.annotation.XmlType;

/** The detail of a division by zero, as a JAX-WS user writes WCF's data contract: qualified elements. */
@XmlAccessorType(XmlAccessType.FIELD)
@XmlType(name = "DivideByZero", namespace = "http://tempuri.org/", propOrder = {"dividend", "reason"})
public class DivideByZeroDetail {
  /** The dividend. */
  @XmlElement(namespace = "http://tempuri.org/")
  public double dividend;
  /** Why. */
  @XmlElement(namespace = "http://tempuri.org/", nillable = true, required = true)
  public String reason;
}
