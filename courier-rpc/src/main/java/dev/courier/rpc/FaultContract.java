package dev.courier.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a fault an operation may return: a record type carried as the detail of a
 * {@link FaultException} ({@code [FaultContract]}).
 *
 * <pre>{@code
 * record DivideByZero(int dividend) {}
 * @FaultContract(DivideByZero.class) int divide(int a, int b);
 * }</pre>
 *
 * <p>A fault is known by its record's simple name, so the faults of one operation have distinct simple
 * names, and a client may declare them in any order. A client that does not declare a fault the service
 * returns (or declares a record of that name with other components) still gets the {@link FaultException}
 * with its code and reason, without the typed detail, as WCF does.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Repeatable(FaultContract.List.class)
public @interface FaultContract {
  /** The detail type: a record. */
  Class<? extends Record> value();

  /** Holds repeated {@link FaultContract} annotations. */
  @Documented
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @interface List {
    /** The declared faults. */
    FaultContract[] value();
  }
}
