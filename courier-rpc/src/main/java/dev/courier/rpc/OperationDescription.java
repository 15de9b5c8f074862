package dev.courier.rpc;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One operation of a contract: its identity (name and action), message exchange pattern, logical
 * parameters and result, declared faults, and the methods that declare it in each shape.
 *
 * <pre>{@code
 * OperationDescription add = ContractDescription.of(Calculator.class).operation("add");
 * add.action();          // "http://tempuri.org/Calculator/add"
 * add.shapes();          // [SYNC, TASK]
 * }</pre>
 *
 * <p>Immutable. The parameter and result types are the logical ones: without the shape's
 * decorations ({@code CompletableFuture}, {@code AsyncCallback}, the user state).
 */
public final class OperationDescription {
  private final String contractName;
  private final String name;
  private final String action;
  private final String resultName;
  private final MessageExchangePattern pattern;
  private final List<Type> parameterTypes;
  private final List<String> parameterNames;
  private final Type resultType;
  private final List<Class<? extends Record>> faults;
  private final Map<OperationShape, Method> methods;
  private final Method endMethod;
  private final Method completedListenerMethod;
  private final Map<Method, dev.courier.rpc.spi.CallShape> customShapes;
  private final int index;
  private final dev.courier.io.IoControlCode controlCode;
  private final MessageParts requestMessage;
  private final MessageParts replyMessage;
  private final boolean idempotent;

  OperationDescription(String contractName, String name, String action, String resultName, MessageExchangePattern pattern, List<Type> parameterTypes,
      List<String> parameterNames, Type resultType, List<Class<? extends Record>> faults,
      Map<OperationShape, Method> methods, Method endMethod, Method completedListenerMethod,
      Map<Method, dev.courier.rpc.spi.CallShape> customShapes, int index, boolean idempotent) {
    this.contractName = contractName;
    this.name = name;
    this.action = action;
    this.resultName = resultName;
    this.pattern = pattern;
    this.parameterTypes = List.copyOf(parameterTypes);
    this.parameterNames = List.copyOf(parameterNames);
    this.resultType = resultType;
    this.faults = List.copyOf(faults);
    this.methods = Collections.unmodifiableMap(new EnumMap<>(methods));
    this.endMethod = endMethod;
    this.completedListenerMethod = completedListenerMethod;
    this.customShapes = Map.copyOf(customShapes);
    this.index = index;
    this.idempotent = idempotent;
    this.requestMessage = parameterTypes.size() == 1 ? MessageParts.of(parameterTypes.getFirst()) : null;
    this.replyMessage = MessageParts.of(resultType);
    this.controlCode = dev.courier.io.IoControlCode.of(
        ClientCall.DEVICE_TYPE, index & 0xFFF, dev.courier.io.IoControlCode.TransferMethod.NEITHER, 0);
  }

  /** The methods that declare this operation in a shape of a {@link dev.courier.rpc.spi.CallShape.Factory}. */
  Map<Method, dev.courier.rpc.spi.CallShape> customShapes() {
    return customShapes;
  }

  /** The device-control code a call of this operation is formatted with (computed once, not per call). */
  dev.courier.io.IoControlCode controlCode() {
    return controlCode;
  }

  /** The name of the contract that declares it ({@link ContractDescription#name()}). */
  public String contractName() {
    return contractName;
  }

  /** The operation's name. */
  public String name() {
    return name;
  }

  /** The action that identifies the operation on the wire. */
  public String action() {
    return action;
  }

  /** The name of its result's element in its reply message: {@code name + "Result"} (WCF's) unless declared. */
  public String resultName() {
    return resultName;
  }

  /** Request/reply or one-way. */
  public MessageExchangePattern pattern() {
    return pattern;
  }

  /** Whether the operation is one-way. */
  public boolean isOneWay() {
    return pattern == MessageExchangePattern.ONE_WAY;
  }

  /**
   * Whether it is declared idempotent ({@link Operation#idempotent()}): a client over several endpoints may send a
   * call again that may have reached a service.
   */
  public boolean isIdempotent() {
    return idempotent;
  }

  /** The logical parameter types, in order. */
  public List<Type> parameterTypes() {
    return parameterTypes;
  }

  /** The parameter names (from the first declaring method, compiled with {@code -parameters}, else arg0...). */
  public List<String> parameterNames() {
    return parameterNames;
  }

  /** The logical result type; {@code void.class} for none. */
  public Type resultType() {
    return resultType;
  }

  /** Whether the operation returns a value. */
  public boolean hasResult() {
    return resultType != void.class && resultType != Void.class;
  }

  /** The {@link MessageContract} record the operation takes as its whole request, when it takes one. */
  public Optional<Class<?>> requestMessage() {
    return Optional.ofNullable(requestMessage).map(MessageParts::type);
  }

  /** The {@link MessageContract} record the operation returns as its whole reply, when it returns one. */
  public Optional<Class<?>> replyMessage() {
    return Optional.ofNullable(replyMessage).map(MessageParts::type);
  }

  /**
   * The names of the request's parts, in order: the parameters' names, or the components of the
   * {@link MessageContract} record the operation takes.
   */
  public List<String> requestPartNames() {
    return requestMessage != null ? requestMessage.names() : parameterNames;
  }

  /** The types of the request's parts, in order (see {@link #requestPartNames()}). */
  public List<Type> requestPartTypes() {
    return requestMessage != null ? requestMessage.types() : parameterTypes;
  }

  /**
   * The names of the reply's parts, in order: {@link #resultName()} alone, none for a void result, or the
   * components of the {@link MessageContract} record the operation returns.
   */
  public List<String> replyPartNames() {
    return replyMessage != null ? replyMessage.names() : hasResult() ? List.of(resultName) : List.of();
  }

  /** The types of the reply's parts, in order (see {@link #replyPartNames()}). */
  public List<Type> replyPartTypes() {
    return replyMessage != null ? replyMessage.types() : hasResult() ? List.of(resultType) : List.of();
  }

  /**
   * The request's parts of a call's arguments: the arguments themselves, or the components of the message
   * record the operation takes. For encodings, which write parts.
   */
  public Object[] requestParts(Object[] arguments) {
    return requestMessage != null ? requestMessage.parts(arguments[0]) : arguments;
  }

  /** The arguments of a call whose request's parts are {@code parts}; the inverse of {@link #requestParts}. */
  public Object[] arguments(Object[] parts) {
    return requestMessage != null ? new Object[] {requestMessage.message(parts)} : parts;
  }

  /** The reply's parts of a result: none for void, the result alone, or the components of its message record. */
  public Object[] replyParts(Object result) {
    return replyMessage != null ? replyMessage.parts(result) : hasResult() ? new Object[] {result} : new Object[0];
  }

  /** The result whose reply's parts are {@code parts}; the inverse of {@link #replyParts}. */
  public Object result(Object[] parts) {
    return replyMessage != null ? replyMessage.message(parts) : parts.length == 0 ? null : parts[0];
  }

  /** The declared fault detail types. */
  public List<Class<? extends Record>> faults() {
    return faults;
  }

  /** The shapes this interface declares the operation in. */
  public Set<OperationShape> shapes() {
    return methods.keySet();
  }

  /** The method that declares the operation in {@code shape} (for BEGIN_END, the begin method). */
  public Optional<Method> method(OperationShape shape) {
    return Optional.ofNullable(methods.get(shape));
  }

  /** The {@code endOp} method of the BEGIN_END shape. */
  public Optional<Method> endMethod() {
    return Optional.ofNullable(endMethod);
  }

  /** The {@code onOpCompleted} method of the EVENT shape, when declared. */
  public Optional<Method> completedListenerMethod() {
    return Optional.ofNullable(completedListenerMethod);
  }

  /** The operation's position in its contract (operations sorted by name). */
  public int index() {
    return index;
  }

  @Override
  public String toString() {
    return "Operation[" + name + ", " + pattern + ", " + action + ", shapes=" + shapes() + "]";
  }
}
