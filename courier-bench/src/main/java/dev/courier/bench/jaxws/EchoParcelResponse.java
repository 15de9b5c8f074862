package dev.courier.bench.jaxws;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlElement;
import jakarta.xml.bind.annotation.XmlRootElement;
import jakarta.xml.bind.annotation.XmlType;

/** The wrapper element {@code echoParcelResponse}: its one child is {@code echoParcelResult}. */
@XmlRootElement(name = "echoParcelResponse")
@XmlAccessorType(XmlAccessType.FIELD)
@XmlType(name = "", propOrder = {"echoParcelResult"})
public class EchoParcelResponse {
  /** The parcel returned. */
  @XmlElement(nillable = true)
  public ParcelBean echoParcelResult;

  /** An empty wrapper, for JAXB. */
  public EchoParcelResponse() {}
}
