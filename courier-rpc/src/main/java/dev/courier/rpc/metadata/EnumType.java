package dev.courier.rpc.metadata;

import java.util.List;
import java.util.Objects;
import javax.xml.namespace.QName;

/**
 * An enumeration: a restriction of {@code xs:string} to a list of values, in declaration order.
 *
 * <pre>{@code
 * <xs:simpleType name="Color"><xs:restriction base="xs:string">
 *   <xs:enumeration value="RED"/><xs:enumeration value="GREEN"/>
 * </xs:restriction></xs:simpleType>
 * }</pre>
 *
 * @param name the type's name
 * @param values the values, in order
 * @param documentation the type's {@code xs:annotation/xs:documentation}, empty when it has none
 */
public record EnumType(QName name, List<String> values, String documentation) implements SchemaType {

  /** Copies the values. */
  public EnumType {
    Objects.requireNonNull(name, "name");
    values = List.copyOf(values);
    Objects.requireNonNull(documentation, "documentation");
  }

  /** The same without documentation. */
  public EnumType(QName name, List<String> values) {
    this(name, values, "");
  }
}
