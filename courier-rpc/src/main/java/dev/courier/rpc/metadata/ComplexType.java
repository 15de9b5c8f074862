package dev.courier.rpc.metadata;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.xml.namespace.QName;

/**
 * A complex type: a sequence of elements. A record is one, in component order; so are WCF's array
 * ({@code ArrayOfX}: one repeated element) and map ({@code ArrayOfKeyValueOfKV}) types.
 *
 * <pre>{@code
 * <xs:complexType name="Point"><xs:sequence>
 *   <xs:element name="x" type="xs:int"/><xs:element name="y" type="xs:int"/>
 * </xs:sequence></xs:complexType>
 * }</pre>
 *
 * @param name the type's name
 * @param elements the elements, in order
 * @param documentation the type's {@code xs:annotation/xs:documentation}, empty when it has none
 */
public record ComplexType(QName name, List<SchemaElement> elements, String documentation) implements SchemaType {

  /** Copies the elements. */
  public ComplexType {
    Objects.requireNonNull(name, "name");
    elements = List.copyOf(elements);
    Objects.requireNonNull(documentation, "documentation");
  }

  /** The same without documentation. */
  public ComplexType(QName name, List<SchemaElement> elements) {
    this(name, elements, "");
  }

  /** The repeated item when this is an array type (exactly one element, repeated). */
  public Optional<SchemaElement> arrayItem() {
    return elements.size() == 1 && elements.getFirst().repeated() ? Optional.of(elements.getFirst()) : Optional.empty();
  }

  /**
   * The repeated item when this is WCF's {@code ArrayOfX}: its item qualified and named after its type. A JAXB bean of
   * one list field has an unqualified item, or one of its own name, and is a record of one list.
   */
  public Optional<SchemaElement> wcfArrayItem() {
    return arrayItem().filter(e -> !e.name().getNamespaceURI().isEmpty()
        && e.name().getLocalPart().equals(e.type().getLocalPart()));
  }
}
