package dev.courier.rpc.metadata;

import java.util.List;
import java.util.Objects;
import javax.xml.namespace.QName;

/**
 * A contract as metadata shows it: a {@code wsdl:portType} and its operations. The callback operations of a
 * duplex contract are operations of the same port type whose pattern is a callback, as in WCF.
 *
 * <pre>{@code
 * ContractMetadata calc = ServiceMetadata.builder("Calc").contract(ContractDescription.of(Calculator.class))
 *     .build().contracts().getFirst();
 * }</pre>
 *
 * @param name the port type's name
 * @param operations the operations, in document order (Courier writes them sorted by name, callbacks last)
 * @param documentation the port type's {@code wsdl:documentation}, empty when it has none
 */
public record ContractMetadata(QName name, List<OperationMetadata> operations, String documentation) {

  /** Copies the operations. */
  public ContractMetadata {
    Objects.requireNonNull(name, "name");
    operations = List.copyOf(operations);
    Objects.requireNonNull(documentation, "documentation");
  }

  /** The same without documentation. */
  public ContractMetadata(QName name, List<OperationMetadata> operations) {
    this(name, operations, "");
  }

  /** The operation called {@code name}; throws {@link IllegalArgumentException} listing them when there is none. */
  public OperationMetadata operation(String name) {
    return operations.stream().filter(o -> o.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("operation: " + name + " (expected one of "
            + operations.stream().map(OperationMetadata::name).toList() + " of contract " + this.name.getLocalPart() + ")"));
  }
}
