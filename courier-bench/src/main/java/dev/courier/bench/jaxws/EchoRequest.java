package dev.courier.bench.jaxws;

import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlElement;
import jakarta.xml.bind.annotation.XmlRootElement;
import jakarta.xml.bind.annotation.XmlType;

/** The wrapper element {@code echo}: its one child is {@code text}. */
@XmlRootElement(name = "echo")
@XmlAccessorType(XmlAccessType.FIELD)
@XmlType(name = "", propOrder = {"text"})
public class EchoRequest {
  /** The string sent. */
  @XmlElement(nillable = true)
  public String text;

  /** An empty wrapper, for JAXB. */
  public EchoRequest() {}
}
