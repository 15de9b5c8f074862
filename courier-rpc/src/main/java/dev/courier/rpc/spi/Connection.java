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

  /** Closes the connection; requests still in flight are cancelled. */
  void close();
}
