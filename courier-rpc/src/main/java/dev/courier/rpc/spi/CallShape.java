package dev.courier.rpc.spi;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A calling shape for client contracts beyond the four built in (SYNC, TASK, BEGIN_END, EVENT): a
 * {@code Flow.Publisher}, a Reactor {@code Mono}, a Kotlin type. Like every shape it is an adapter over the one
 * call: it says which operation a method declares, and turns the call's future into what the method returns.
 *
 * <pre>{@code
 * public final class PublisherShapes implements CallShape.Factory {       // listed in META-INF/services
 *   public CallShape create(Method m) {
 *     if (m.getReturnType() != Flow.Publisher.class) return null;         // not this shape: the next factory's
 *     Type item = ((ParameterizedType) m.getGenericReturnType()).getActualTypeArguments()[0];
 *     return CallShape.of(m.getName(), List.of(m.getGenericParameterTypes()), item,
 *         (args, call) -> new OneShotPublisher<>(() -> call.start(args)));   // calls once subscribed
 *   }
 * }
 * }</pre>
 *
 * <p>Factories are found with {@link java.util.ServiceLoader} (a {@code META-INF/services/dev.courier.rpc.spi.CallShape$Factory}
 * file), through the contract interface's class loader, when a contract is first read: a method a factory claims
 * is that operation's shape, checked against its other shapes as the built-in ones are (the same parameters and
 * result). Factories are asked before the built-in shapes, in the order the service loader finds them. Such
 * shapes are for clients: a service implements an operation in a built-in shape.
 */
public interface CallShape {

  /** The name of the operation the method declares. */
  String operationName();

  /** The operation's logical parameter types, without the shape's own. */
  List<Type> parameterTypes();

  /** The operation's logical result type ({@code void.class} for none). */
  Type resultType();

  /**
   * Handles one invocation of the method: returns what the method returns, starting the call now or later (at
   * most once) through {@code call}. Runs on the caller's thread.
   */
  Object invoke(Object[] args, Call call);

  /** Starts the operation's call. */
  @FunctionalInterface
  interface Call {
    /**
     * Starts the call with the logical {@code arguments}; the future completes with its result or fails with what
     * a caller gets (a {@code FaultException}, a {@code CallTimeoutException}, ...). Cancelling the future cancels
     * the call, which the service sees. Its dependent stages run where the call completes.
     */
    CompletableFuture<Object> start(Object[] arguments);
  }

  /** How {@link #invoke} adapts a call. */
  @FunctionalInterface
  interface Adapter {
    /** See {@link CallShape#invoke}. */
    Object invoke(Object[] args, Call call);
  }

  /** Makes the shape of a contract method, or returns {@code null} when the method is not of its shape. */
  @FunctionalInterface
  interface Factory {
    /** The shape of {@code method}, or {@code null}. */
    CallShape create(Method method);
  }

  /** A shape declaring operation {@code operationName} with these logical types, adapted by {@code adapter}. */
  static CallShape of(String operationName, List<Type> parameterTypes, Type resultType, Adapter adapter) {
    Objects.requireNonNull(operationName, "operationName");
    List<Type> params = List.copyOf(parameterTypes);
    Objects.requireNonNull(resultType, "resultType");
    Objects.requireNonNull(adapter, "adapter");
    return new CallShape() {
      @Override
      public String operationName() {
        return operationName;
      }

      @Override
      public List<Type> parameterTypes() {
        return params;
      }

      @Override
      public Type resultType() {
        return resultType;
      }

      @Override
      public Object invoke(Object[] args, Call call) {
        return adapter.invoke(args, call);
      }

      @Override
      public String toString() {
        return "CallShape[" + operationName + "]";
      }
    };
  }
}
