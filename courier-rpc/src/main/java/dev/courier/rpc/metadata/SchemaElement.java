package dev.courier.rpc.metadata;

import java.util.Objects;
import javax.xml.namespace.QName;

/**
 * One element of a sequence: a parameter, a result, a record component or the repeated item of an array.
 *
 * <pre>{@code
 * SchemaElement a = SchemaElement.required(new QName(ns, "a"), SchemaType.XS_INT);  // <xs:element name="a" type="xs:int"/>
 * }</pre>
 *
 * @param name the element's name: in the schema's target namespace when the element is qualified (Courier's
 *     and WCF's form), in no namespace when it is not (JAX-WS's default for wrapper children)
 * @param type the element's type: a built-in XML Schema type ({@link SchemaType#XSD_NAMESPACE}) or a
 *     {@link SchemaType} of the document
 * @param minOccurs 0 when the element may be absent (an {@code Optional}), else 1
 * @param repeated whether the element may repeat ({@code maxOccurs="unbounded"})
 * @param nillable whether the element may be {@code xsi:nil} (a reference type that may be null)
 */
public record SchemaElement(QName name, QName type, int minOccurs, boolean repeated, boolean nillable) {

  /** Checks the values. */
  public SchemaElement {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    if (minOccurs != 0 && minOccurs != 1) {
      throw new IllegalArgumentException("minOccurs: " + minOccurs + " of element " + name.getLocalPart() + " (expected: 0 or 1)");
    }
  }

  /** An element that is present exactly once and never nil: a primitive. */
  public static SchemaElement required(QName name, QName type) {
    return new SchemaElement(name, type, 1, false, false);
  }

  /**
   * One item of this element: the same name, type and nillability, present once and not repeated, as each item of
   * a repeated element ({@code ArrayOfX}'s, or a list sent as its items alone) is read and written.
   */
  public SchemaElement item() {
    return new SchemaElement(name, type, 1, false, nillable);
  }

  /** Whether the element may be absent. */
  public boolean optional() {
    return minOccurs == 0;
  }
}
