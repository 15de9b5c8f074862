package dev.courier.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The name and namespace of a record or enum in a contract's metadata ({@code [DataContract(Name, Namespace)]}).
 * Without it a type is named by its simple name in its contract's namespace, which is what most contracts need.
 *
 * <pre>{@code
 * @DataContract(namespace = "http://schemas.example.com/orders/2026")
 * record Order(String id, List<Line> lines) {}
 * }</pre>
 *
 * <p>Give one when types are shared by contracts of several namespaces and must keep one name, when a WCF or
 * other peer expects its own schema names, or when two types of one document have the same simple name. The
 * type's components are elements of its namespace, and so are the lists and maps of it. Only the metadata
 * follows it: the TCP binding's encoding carries no type names.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface DataContract {
  /** The type's name in the schema; empty for its simple name. */
  String name() default "";

  /** The namespace of the type's schema; empty for the namespace of the contract that uses it. */
  String namespace() default "";
}
