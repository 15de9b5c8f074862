package dev.courier.io;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;

/**
 * How a request is sent: synchronously or not, with a timeout, ignoring the target's state, or sent and
 * forgotten ({@code WDF_REQUEST_SEND_OPTIONS}).
 *
 * <pre>{@code
 * SendOptions options = SendOptions.builder().timeout(Duration.ofMillis(50)).build();
 * SendOptions blocking = SendOptions.builder().synchronous().timeout(Duration.ofSeconds(1)).build();
 * }</pre>
 *
 * <ul>
 *   <li>A timeout is a relative {@link Duration} or an absolute {@link Instant}; zero means none. It
 *       counts from the send, so time spent queued in a stopped target counts. When it expires the
 *       request is cancelled, and a request that then completes with {@link IoStatus#CANCELLED} reports
 *       {@link IoStatus#IO_TIMEOUT}; any other status stands.
 *   <li>A synchronous send returns after the request has completed and its completion routine has run.
 *       Its timeout only starts a cancel: if the target ignores the cancel, the send waits on.
 *   <li>Send-and-forget passes a presented request down with no completion routine and no tracking; it
 *       cannot be combined with anything else.
 *   <li>A completion executor moves the completion routine off the completing thread.
 * </ul>
 *
 * @param synchronous whether {@code send} waits for completion
 * @param timeout a relative timeout; {@link Duration#ZERO} for none
 * @param deadline an absolute deadline, or {@code null} for none
 * @param ignoreTargetState whether the send bypasses the target's state (tracked separately by the target)
 * @param sendAndForget whether the request is passed down and forgotten
 * @param completionExecutor where the completion routine runs, or {@code null} for the completing thread
 */
public record SendOptions(
    boolean synchronous,
    Duration timeout,
    Instant deadline,
    boolean ignoreTargetState,
    boolean sendAndForget,
    Executor completionExecutor) {

  private static final SendOptions DEFAULTS = new SendOptions(false, Duration.ZERO, null, false, false, null);
  private static final SendOptions SYNCHRONOUS = new SendOptions(true, Duration.ZERO, null, false, false, null);
  private static final SendOptions SEND_AND_FORGET = new SendOptions(false, Duration.ZERO, null, false, true, null);

  /** Checks the combination: no negative timeout, not both a timeout and a deadline, forget alone. */
  public SendOptions {
    if (timeout == null) {
      timeout = Duration.ZERO;
    }
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 0; ZERO for none)");
    }
    if (deadline != null && !timeout.isZero()) {
      throw new IllegalArgumentException(
          "timeout " + timeout + " and deadline " + deadline + " both set (expected: one of them)");
    }
    if (sendAndForget) {
      String other = synchronous ? "synchronous"
          : !timeout.isZero() ? "timeout " + timeout
          : deadline != null ? "deadline " + deadline
          : ignoreTargetState ? "ignoreTargetState"
          : completionExecutor != null ? "completionExecutor" : null;
      if (other != null) {
        throw new IllegalArgumentException(
            "sendAndForget combined with " + other + " (expected: sendAndForget alone)");
      }
    }
  }

  private static boolean hasTimeout(Duration timeout, Instant deadline) {
    return deadline != null || !timeout.isZero();
  }

  /** An asynchronous send with no timeout. */
  public static SendOptions defaults() {
    return DEFAULTS;
  }

  /** A synchronous send with no timeout. */
  public static SendOptions synchronously() {
    return SYNCHRONOUS;
  }

  /** Send-and-forget. */
  public static SendOptions sendAndForgetting() {
    return SEND_AND_FORGET;
  }

  /** An asynchronous send that times out after {@code timeout}. */
  public static SendOptions withTimeout(Duration timeout) {
    return builder().timeout(timeout).build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether a timeout or a deadline is set. */
  public boolean hasTimeout() {
    return hasTimeout(timeout, deadline);
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.synchronous = synchronous;
    b.timeout = timeout;
    b.deadline = deadline;
    b.ignoreTargetState = ignoreTargetState;
    b.sendAndForget = sendAndForget;
    b.completionExecutor = completionExecutor;
    return b;
  }

  /** Builds {@link SendOptions}; {@link #build()} checks the combination. */
  public static final class Builder {
    private boolean synchronous;
    private Duration timeout = Duration.ZERO;
    private Instant deadline;
    private boolean ignoreTargetState;
    private boolean sendAndForget;
    private Executor completionExecutor;

    private Builder() {}

    /** Makes {@code send} wait for completion. */
    public Builder synchronous() {
      this.synchronous = true;
      return this;
    }

    /** A relative timeout; {@link Duration#ZERO} for none. */
    public Builder timeout(Duration timeout) {
      this.timeout = java.util.Objects.requireNonNull(timeout, "timeout");
      this.deadline = null;
      return this;
    }

    /** An absolute deadline on the target clock's wall time. */
    public Builder deadline(Instant deadline) {
      this.deadline = java.util.Objects.requireNonNull(deadline, "deadline");
      this.timeout = Duration.ZERO;
      return this;
    }

    /** Sends even when the target is stopped or purged; the target tracks such requests separately. */
    public Builder ignoreTargetState() {
      this.ignoreTargetState = true;
      return this;
    }

    /** Passes a presented request down with no completion routine and no tracking. */
    public Builder sendAndForget() {
      this.sendAndForget = true;
      return this;
    }

    /** Runs the completion routine on {@code executor} instead of the completing thread. */
    public Builder completionExecutor(Executor executor) {
      this.completionExecutor = java.util.Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** The options; throws {@link IllegalArgumentException} for a combination that is not allowed. */
    public SendOptions build() {
      return new SendOptions(synchronous, timeout, deadline, ignoreTargetState, sendAndForget, completionExecutor);
    }
  }
}
