package dev.courier.bench.jaxws;

import dev.courier.bench.SoapEchoTarget;
import jakarta.xml.bind.annotation.XmlAccessType;
import jakarta.xml.bind.annotation.XmlAccessorType;
import jakarta.xml.bind.annotation.XmlElement;
import jakarta.xml.bind.annotation.XmlElementWrapper;
import jakarta.xml.bind.annotation.XmlType;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link SoapEchoTarget.Parcel} as a JAXB bean, in the XML form Courier gives the record: its fields as elements
 * in declaration order, the tags as an {@code ArrayOfstring} of {@code string} items.
 */
@XmlAccessorType(XmlAccessType.FIELD)
@XmlType(name = "Parcel", propOrder = {"id", "name", "tags", "body"})
public class ParcelBean {
  /** A number beyond an int. */
  public long id;
  /** A short string. */
  @XmlElement(nillable = true)
  public String name;
  /** A few short strings. */
  @XmlElementWrapper(name = "tags", nillable = true)
  @XmlElement(name = "string", namespace = SoapEchoTarget.ARRAYS)
  public List<String> tags = new ArrayList<>();
  /** Most of the parcel's size. */
  @XmlElement(nillable = true)
  public String body;

  /** An empty bean, for JAXB. */
  public ParcelBean() {}

  /** The bean of {@code parcel}. */
  public static ParcelBean of(SoapEchoTarget.Parcel parcel) {
    ParcelBean b = new ParcelBean();
    b.id = parcel.id();
    b.name = parcel.name();
    b.tags = parcel.tags();
    b.body = parcel.body();
    return b;
  }

  /** The record of this bean. */
  public SoapEchoTarget.Parcel toParcel() {
    return new SoapEchoTarget.Parcel(id, name, tags, body);
  }
}
