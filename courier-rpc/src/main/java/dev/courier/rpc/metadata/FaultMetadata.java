package dev.courier.rpc.metadata;

import java.util.Objects;
import javax.xml.namespace.QName;

/**
 * A fault an operation declares: a {@code wsdl:fault} whose detail is one element.
 *
 * <pre>{@code
 * <wsdl:fault wsam:Action="http://tempuri.org/Calculator/divideDivideByZeroFault" name="DivideByZeroFault" .../>
 * }</pre>
 *
 * @param name the {@code wsdl:fault}'s name ({@code DivideByZeroFault} for the record {@code DivideByZero})
 * @param action the fault message's action
 * @param detailElement the detail element's name
 * @param detailType the detail element's type
 */
public record FaultMetadata(String name, String action, QName detailElement, QName detailType) {

  /** Checks the values. */
  public FaultMetadata {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(detailElement, "detailElement");
    Objects.requireNonNull(detailType, "detailType");
  }
}
