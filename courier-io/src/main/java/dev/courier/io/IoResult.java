package dev.courier.io;

import java.util.Objects;

/**
 * The final status of a request and the information it carries, usually the number of bytes transferred.
 *
 * <pre>{@code
 * IoResult result = request.sendAsync(file, SendOptions.defaults()).join();
 * long bytesRead = result.orThrow().information();
 * }</pre>
 *
 * @param status the completion status
 * @param information bytes transferred for reads, writes and device-control output; otherwise what the
 *     target reported
 */
public record IoResult(IoStatus status, long information) {

  /** Checks that the status is present. */
  public IoResult {
    Objects.requireNonNull(status, "status");
  }

  /** Whether the status is a success. */
  public boolean isSuccess() {
    return status.isSuccess();
  }

  /** Returns this result, or throws {@link IoStatusException} when the status is a failure. */
  public IoResult orThrow() {
    status.orThrow();
    return this;
  }
}
