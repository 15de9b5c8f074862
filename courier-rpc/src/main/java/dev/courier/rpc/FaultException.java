package dev.courier.rpc;

import java.util.Objects;

/**
 * A fault returned by a service: a reason and, for a fault the operation declares with
 * {@link FaultContract}, a typed detail record.
 *
 * <pre>{@code
 * throw new FaultException("cannot divide by zero", new DivideByZero(a));     // in the service
 * ...
 * catch (FaultException f) { if (f.detail() instanceof DivideByZero d) ... }  // in the client
 * }</pre>
 *
 * <p>The caller sees it the same way in every shape: thrown by a synchronous call and by
 * {@code endOp}, as the cause of a failed future, as the error of a completed event. An exception a
 * service throws that is not a declared fault reaches the caller as a fault with code
 * {@link #INTERNAL} and no detail, without the service's message or stack trace, unless the host
 * includes exception detail in faults.
 */
public class FaultException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The code of a fault that carries a declared detail, or that the service raised itself. */
  public static final String SENDER = "Sender";
  /** The code of an undeclared service exception. */
  public static final String INTERNAL = "InternalServiceFault";
  /**
   * The code of a call whose arguments the receiving side could not read (its contract declares other
   * types): the service did not run it.
   */
  public static final String DESERIALIZATION_FAILED = "DeserializationFailed";

  /**
   * The code of a call refused because the two ends' contracts disagree on its operation (its parameters,
   * result or pattern), found when the channel opened: the reason names the operation and the difference.
   */
  public static final String CONTRACT_MISMATCH = "ContractMismatch";

  private final String code;
  private final transient Object detail;

  /** A fault with a reason and no detail. */
  public FaultException(String reason) {
    this(SENDER, reason, null);
  }

  /** A fault with a reason and a detail record declared on the operation. */
  public FaultException(String reason, Record detail) {
    this(SENDER, reason, detail);
  }

  /** A fault with a code, a reason and a detail (or none). */
  public FaultException(String code, String reason, Object detail) {
    super(Objects.requireNonNull(reason, "reason"), null, false, false);
    this.code = Objects.requireNonNull(code, "code");
    this.detail = detail;
  }

  /** The fault code: {@link #SENDER}, {@link #INTERNAL} or a service's own. */
  public String code() {
    return code;
  }

  /** The reason text. */
  public String reason() {
    return getMessage();
  }

  /** The detail record, or {@code null}. */
  public Object detail() {
    return detail;
  }

  /** The detail as {@code type}, or {@code null} when it is absent or of another type. */
  public <D> D detail(Class<D> type) {
    return type.isInstance(detail) ? type.cast(detail) : null;
  }
}
