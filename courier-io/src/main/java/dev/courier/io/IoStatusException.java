package dev.courier.io;

import java.util.Objects;

/**
 * An unchecked exception that carries a failure {@link IoStatus}.
 *
 * <pre>{@code
 * IoResult result = future.join();
 * result.status().orThrow();   // throws IoStatusException for a failure status
 * }</pre>
 */
public final class IoStatusException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient IoStatus status;

  /** Creates an exception for a status. */
  public IoStatusException(IoStatus status) {
    this(status, null);
  }

  /** Creates an exception for a status with a detail message that says what failed. */
  public IoStatusException(IoStatus status, String detail) {
    super(detail == null ? Objects.requireNonNull(status, "status").toString()
        : Objects.requireNonNull(status, "status") + ": " + detail);
    this.status = status;
  }

  /** The status this exception reports. */
  public IoStatus status() {
    return status;
  }
}
