package dev.courier.bench.jaxws;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlElement;
import jakarta.xml.bind.annotation.XmlRootElement;
import jakarta.xml.bind.annotation.XmlType;

/** The wrapper element {@code echoParcel}: its one child is {@code parcel}. */
@XmlRootElement(name = "echoParcel")
@XmlAccessorType(XmlAccessType.FIELD)
@XmlType(name = "", propOrder = {"parcel"})
public class EchoParcelRequest {
  /** The parcel sent. */
  @XmlElement(nillable = true)
  public ParcelBean parcel;

  /** An empty wrapper, for JAXB. */
  public EchoParcelRequest() {}
}
