package dev.courier.bench.jaxws;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlElement;
import jakarta.xml.bind.annotation.XmlRootElement;
import jakarta.xml.bind.annotation.XmlType;

/** The wrapper element {@code echoResponse}: its one child is {@code echoResult}. */
@XmlRootElement(name = "echoResponse")
@XmlAccessorType(XmlAccessType.FIELD)
@XmlType(name = "", propOrder = {"echoResult"})
public class EchoResponse {
  /** The string returned. */
  @XmlElement(nillable = true)
  public String echoResult;

  /** An empty wrapper, for JAXB. */
  public EchoResponse() {}
}
