package dev.courier.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface as a service contract ({@code [ServiceContract]}).
 *
 * <pre>{@code
 * @ServiceContract(name = "Calculator", callback = CalculatorEvents.class)
 * interface Calculator {
 *   int add(int a, int b);
 *   @Operation(oneWay = true) void reset();
 * }
 * }</pre>
 *
 * <p>Every abstract method of the interface declares an operation, in one of the shapes described in
 * {@link OperationShape}; several methods may declare the same operation in different shapes.
 *
 * <p>Null travels as null, on every binding: a null argument, result, record component, list element or map
 * value of a reference type arrives as null, and a null {@code Optional} as null, not as
 * {@code Optional.empty()}. A service that refuses nulls checks its arguments itself.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ServiceContract {
  /** The default namespace, as in WCF. */
  String DEFAULT_NAMESPACE = "http://tempuri.org/";

  /** The contract's name; the interface's simple name when empty. */
  String name() default "";

  /** The contract's namespace. */
  String namespace() default DEFAULT_NAMESPACE;

  /**
   * Whether the elements inside its messages (parameters, result) and inside its data types are qualified by their
   * namespace, as WCF and Courier write them (the default), or unqualified, as a JAX-WS service written without
   * {@code @WebParam(targetNamespace = ...)} and a JAXB package without {@code elementFormDefault} have them.
   * Bindings that carry no element names (courier.tcp) ignore it.
   */
  boolean qualifiedElements() default true;

  /**
   * Whether a {@code List} parameter, result or record component travels in an element of its own whose items are
   * named after their type, as WCF's {@code ArrayOf} types and Courier have it (the default), or as its items alone,
   * each an element of the list's name ({@code maxOccurs="unbounded"}), as JAX-WS and JAXB write a {@code List}.
   * In that form a null list arrives as an empty one; an {@code Optional<List<T>>} keeps the wrapper, since only
   * an element of its own tells an absent list from an empty one, and so do the lists inside a list or a map. Bindings that carry no element names (courier.tcp) ignore it.
   *
   * <pre>{@code
   * @ServiceContract(namespace = "http://example.com/inventory", qualifiedElements = false, wrappedLists = false)
   * interface Inventory {
   *   List<Item> all();              // <allResponse><return>...</return><return>...</return></allResponse>
   * }
   * }</pre>
   */
  boolean wrappedLists() default true;

  /** The callback contract of a duplex contract; {@code void.class} for none. */
  Class<?> callback() default void.class;
}
