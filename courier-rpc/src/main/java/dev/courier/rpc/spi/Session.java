package dev.courier.rpc.spi;

import dev.courier.io.IoRequest;

/** One connection's view of an endpoint: it takes the requests the binding presents. */
public interface Session {

  /**
   * Takes a presented request whose attachment is an {@link Invocation}; the session completes it
   * exactly once. Called with no lock held; must not block.
   */
  void dispatch(IoRequest request);

  /** The connection is gone: release the session's state (its instance, its throttle slot). */
  void close();
}
