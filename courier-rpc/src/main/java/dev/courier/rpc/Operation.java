package dev.courier.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names an operation and fixes its message exchange pattern ({@code [OperationContract]}). Optional: a
 * method without it declares an operation named after the method.
 *
 * <pre>{@code
 * @Operation(name = "Add", action = "urn:calc/Add") int add(int a, int b);
 * @Operation(oneWay = true) void log(String line);
 * @Operation(idempotent = true) Balance balance(String account);
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Operation {
  /** The operation's name; derived from the method name (without Async, begin or end) when empty. */
  String name() default "";

  /**
   * The action that identifies the operation on the wire; when empty, WCF's rule: {@code namespace + contract + "/" +
   * name}, with a {@code /} after a namespace that lacks one.
   */
  String action() default "";

  /**
   * The name of the result's element in the reply message: {@code name + "Result"} (WCF's) when empty; a JAX-WS
   * service's is {@code "return"} unless it declares {@code @WebResult(name = ...)}.
   */
  String resultName() default "";

  /**
   * Whether the operation is one-way: no reply, and the caller returns once the message is accepted. What a
   * one-way operation throws reaches nobody's call: it goes to {@link dev.courier.io.CallbackFailureHandler}.
   */
  boolean oneWay() default false;

  /**
   * Whether running the operation twice does no more than running it once, so that a client over several
   * endpoints may send a call again that may already have reached a service (its connection was lost before the
   * answer). A call that provably reached no service is sent to the next endpoint whatever this says; a fault is
   * never retried.
   */
  boolean idempotent() default false;
}
