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
