package dev.courier.rpc.metadata;

import java.util.List;
import java.util.Objects;
import javax.xml.namespace.QName;

/**
 * One message of an operation in the document/literal wrapped style: its action and the wrapper element whose
 * children are the parameters (of a request) or the result and out values (of a reply).
 *
 * <pre>{@code
 * <xs:element name="add"><xs:complexType><xs:sequence>
 *   <xs:element name="a" type="xs:int"/><xs:element name="b" type="xs:int"/>
 * </xs:sequence></xs:complexType></xs:element>
 * }</pre>
 *
 * @param action the message's action ({@code SOAPAction} of a request, {@code wsam:Action})
 * @param wrapper the wrapper element's name
 * @param elements the wrapper's children, in order
 */
public record MessageMetadata(String action, QName wrapper, List<SchemaElement> elements) {

  /** Copies the elements. */
  public MessageMetadata {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(wrapper, "wrapper");
    elements = List.copyOf(elements);
  }
}
