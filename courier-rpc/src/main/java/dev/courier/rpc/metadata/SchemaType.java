package dev.courier.rpc.metadata;

import javax.xml.XMLConstants;
import javax.xml.namespace.QName;

/**
 * A named type of a contract's schema: a {@link ComplexType} (a sequence of elements) or an {@link EnumType}.
 * Arrays and maps are complex types too, in WCF's form: {@code ArrayOfX} holds one repeated element, and a
 * map is an {@code ArrayOfKeyValueOfKV} of {@code KeyValueOfKV} entries with a {@code Key} and a
 * {@code Value}.
 *
 * <pre>{@code
 * switch (type) {
 *   case ComplexType c -> c.elements();
 *   case EnumType e -> e.values();
 * }
 * }</pre>
 */
public sealed interface SchemaType permits ComplexType, EnumType {
  /** The XML Schema namespace, which the built-in types live in. */
  String XSD_NAMESPACE = XMLConstants.W3C_XML_SCHEMA_NS_URI;
  /** {@code xs:boolean}. */
  QName XS_BOOLEAN = xs("boolean");
  /** {@code xs:byte}. */
  QName XS_BYTE = xs("byte");
  /** {@code xs:short}. */
  QName XS_SHORT = xs("short");
  /** {@code xs:int}. */
  QName XS_INT = xs("int");
  /** {@code xs:long}. */
  QName XS_LONG = xs("long");
  /** {@code xs:float}. */
  QName XS_FLOAT = xs("float");
  /** {@code xs:double}. */
  QName XS_DOUBLE = xs("double");
  /** {@code xs:unsignedShort}: a Java {@code char}. */
  QName XS_UNSIGNED_SHORT = xs("unsignedShort");
  /** {@code xs:string}. */
  QName XS_STRING = xs("string");
  /** {@code xs:base64Binary}: a {@code byte[]}. */
  QName XS_BASE64_BINARY = xs("base64Binary");

  /** The type's qualified name. */
  QName name();

  /** The built-in XML Schema type called {@code localName}. */
  static QName xs(String localName) {
    return new QName(XSD_NAMESPACE, localName);
  }
}
