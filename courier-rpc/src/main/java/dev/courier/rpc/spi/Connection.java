package dev.courier.rpc.spi;

import dev.courier.io.IoTarget;

/** A client's connection to an endpoint. */
public interface Connection {

  /** The target calls are sent to. */
  IoTarget target();

  /**
   * Where the completions of asynchronous calls run, when the thread that completes them is an I/O
   * thread that must not run user code (a network event loop); {@code null} to run them where they
   * complete.
   */
  default java.util.concurrent.Executor completionExecutor() {
    return null;
  }

  /**
   * Completes, with what happened, when the connection is lost without {@link #close()}: the other side
   * closed or went away, or the network failed. Its channel then becomes
   * {@link dev.courier.rpc.CommunicationState#FAULTED}; a connection never comes back. Never completes by
   * default (a binding that cannot tell).
   *
   * <pre>{@code
   * return peer.closeFuture().thenApply(v -> "the server closed the connection");
   * }</pre>
   *
   * <p>It may complete on an I/O thread: what is chained to it must be quick and must not block.
   */
  default java.util.concurrent.CompletionStage<String> lost() {
    return new java.util.concurrent.CompletableFuture<>();
  }

  /**
   * Asks the host at the other end for its health ({@link dev.courier.rpc.ServiceHost#health()}) over this
   * connection, beside the calls on it; the stage fails when no answer comes within {@code timeout}. Returns
   * {@code null} when this connection cannot carry the question, as this default does: the caller then asks the
   * binding ({@link Binding#fetchHealth}), which may open a connection for it.
   *
   * <pre>{@code
   * return peer.requestHealth(path).orTimeout(timeout.toMillis(), MILLISECONDS).thenApply(HealthState::valueOf);
   * }</pre>
   *
   * <p>The stage may complete on an I/O thread: what is chained to it must be quick and must not block.
   */
  default java.util.concurrent.CompletionStage<dev.courier.rpc.HealthState> health(java.time.Duration timeout) {
    return null;
  }

  /** Closes the connection; requests still in flight are cancelled. */
  void close();
}
