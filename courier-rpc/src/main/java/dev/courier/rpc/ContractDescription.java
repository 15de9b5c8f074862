package dev.courier.rpc;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The description of a service contract, built once from an interface: the only thing proxies,
 * dispatch, metadata and code generation read.
 *
 * <pre>{@code
 * ContractDescription calc = ContractDescription.of(Calculator.class);
 * for (OperationDescription op : calc.operations()) IO.println(op.name() + " " + op.pattern());
 * }</pre>
 *
 * <p>Building validates the contract and throws {@link IllegalArgumentException} naming the method and
 * the rule it breaks: a one-way operation that returns a value, {@code beginX} without {@code endX},
 * shapes of one operation whose parameters or results disagree, two operations with one name, a type
 * that is not a data contract. Descriptions are immutable and cached per interface.
 */
public final class ContractDescription {
  private static final ClassValue<ContractDescription> CACHE = new ClassValue<>() {
    @Override
    protected ContractDescription computeValue(Class<?> type) {
      return ContractReader.read(type);
    }
  };

  private final Class<?> type;
  private final String name;
  private final String namespace;
  private final boolean qualifiedElements;
  private final boolean wrappedLists;
  private final List<OperationDescription> operations;
  private final Map<String, OperationDescription> byName;
  private final Map<String, OperationDescription> byAction;
  private final Class<?> callbackType;
  private final Method cancelAsyncMethod;
  private final Method isBusyMethod;

  ContractDescription(Class<?> type, String name, String namespace, boolean qualifiedElements, boolean wrappedLists,
      List<OperationDescription> operations, Class<?> callbackType, Method cancelAsyncMethod, Method isBusyMethod) {
    this.type = type;
    this.name = name;
    this.namespace = namespace;
    this.qualifiedElements = qualifiedElements;
    this.wrappedLists = wrappedLists;
    this.operations = List.copyOf(operations);
    this.byName = operations.stream().collect(Collectors.toUnmodifiableMap(OperationDescription::name, Function.identity()));
    this.byAction = operations.stream().collect(Collectors.toUnmodifiableMap(OperationDescription::action, Function.identity()));
    this.callbackType = callbackType;
    this.cancelAsyncMethod = cancelAsyncMethod;
    this.isBusyMethod = isBusyMethod;
  }

  /** The description of {@code contract}; throws {@link IllegalArgumentException} when it is not a valid contract. */
  public static ContractDescription of(Class<?> contract) {
    return CACHE.get(java.util.Objects.requireNonNull(contract, "contract"));
  }

  /** The interface this description was built from. */
  public Class<?> type() {
    return type;
  }

  /** The contract's name. */
  public String name() {
    return name;
  }

  /** The contract's namespace. */
  public String namespace() {
    return namespace;
  }

  /**
   * Whether the elements inside its messages and data types are qualified by their namespace (as WCF writes them:
   * the default) or not ({@link ServiceContract#qualifiedElements()}).
   */
  public boolean qualifiedElements() {
    return qualifiedElements;
  }

  /**
   * Whether a list travels in an element of its own (as WCF writes it: the default) or as repeated elements of its
   * name ({@link ServiceContract#wrappedLists()}).
   */
  public boolean wrappedLists() {
    return wrappedLists;
  }

  /** The operations, sorted by name. */
  public List<OperationDescription> operations() {
    return operations;
  }

  /** The operation called {@code name}; throws {@link IllegalArgumentException} naming the contract when there is none. */
  public OperationDescription operation(String name) {
    OperationDescription op = byName.get(name);
    if (op == null) {
      throw new IllegalArgumentException("operation: " + name + " (expected one of " + byName.keySet() + " of contract " + this.name + ")");
    }
    return op;
  }

  /** The operation whose action is {@code action}. */
  public Optional<OperationDescription> operationByAction(String action) {
    return Optional.ofNullable(byAction.get(action));
  }

  /** The callback contract of a duplex contract. */
  public Optional<ContractDescription> callbackContract() {
    return callbackType == null ? Optional.empty() : Optional.of(of(callbackType));
  }

  /** Whether the contract is duplex. */
  public boolean isDuplex() {
    return callbackType != null;
  }

  /** The event-based pattern's {@code cancelAsync(Object)} method, when declared. */
  public Optional<Method> cancelAsyncMethod() {
    return Optional.ofNullable(cancelAsyncMethod);
  }

  /** The event-based pattern's {@code isBusy()} method, when declared. */
  public Optional<Method> isBusyMethod() {
    return Optional.ofNullable(isBusyMethod);
  }

  @Override
  public String toString() {
    return "Contract[" + namespace + name + ", " + operations.size() + " operations"
        + (callbackType != null ? ", callback " + callbackType.getSimpleName() : "") + "]";
  }
}
