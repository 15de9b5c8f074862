package dev.courier.rpc;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * Options for the calls of one proxy, without a channel factory of their own: a timeout, headers, and where
 * asynchronous completions run. {@link ClientChannel#withOptions} derives a proxy that calls with them over the
 * same channel.
 *
 * <pre>{@code
 * Calculator calc = factory.createChannel();
 * Calculator quick = ClientChannel.withOptions(calc, CallOptions.builder()
 *     .timeout(Duration.ofMillis(200)).header("tenant", "blue").build());
 * quick.add(1, 2);                                   // SYNC, TASK, BEGIN_END and EVENT calls alike
 * }</pre>
 *
 * <p>Immutable. What an option leaves unset comes from the proxy it is applied to; headers add to that proxy's
 * (a header of the same name replaces its value).
 */
public final class CallOptions {
  private final Duration timeout;
  private final boolean noTimeout;
  private final Map<String, String> headers;
  private final Executor completionExecutor;

  private CallOptions(Builder b) {
    this.timeout = b.timeout;
    this.noTimeout = b.noTimeout;
    this.headers = Map.copyOf(b.headers);
    this.completionExecutor = b.completionExecutor;
  }

  /** A builder of options that change nothing yet. */
  public static Builder builder() {
    return new Builder();
  }

  /** The timeout of each call, if one is set; empty for the proxy's own, or for none ({@link #noTimeout()}). */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /** Whether calls have no time limit, whatever the proxy's. */
  public boolean noTimeout() {
    return noTimeout;
  }

  /** The headers added to each call. */
  public Map<String, String> headers() {
    return headers;
  }

  /** Where asynchronous completions run (futures' stages, AsyncCallbacks, completed events), if set. */
  public Optional<Executor> completionExecutor() {
    return Optional.ofNullable(completionExecutor);
  }

  @Override
  public String toString() {
    return "CallOptions[" + (timeout != null ? "timeout=" + timeout + ", " : noTimeout ? "no timeout, " : "") + "headers=" + headers.keySet()
        + (completionExecutor != null ? ", completionExecutor" : "") + "]";
  }

  /** Builds {@link CallOptions}. */
  public static final class Builder {
    private Duration timeout;
    private boolean noTimeout;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Executor completionExecutor;

    private Builder() {}

    /** How long each call may take. */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout (expected: a duration > 0, or noTimeout())");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0, or noTimeout() for none)");
      }
      this.timeout = timeout;
      this.noTimeout = false;
      return this;
    }

    /** Calls have no time limit (they still end with the deadline of a service call they are made from). */
    public Builder noTimeout() {
      this.timeout = null;
      this.noTimeout = true;
      return this;
    }

    /** A header sent with each call. */
    public Builder header(String name, String value) {
      headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Where asynchronous completions run: a future's dependent stages, a Begin/End {@link AsyncCallback} and an
     * event-based call's completed event. It must not run them on the thread that completes the call when that
     * thread is the binding's event loop (an executor that runs tasks inline is the caller's choice, as
     * {@code TcpBinding.Builder.directCompletions()} is).
     */
    public Builder completionExecutor(Executor executor) {
      this.completionExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** The options. */
    public CallOptions build() {
      return new CallOptions(this);
    }
  }
}
