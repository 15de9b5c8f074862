package dev.courier.rpc.spi;

import dev.courier.io.IoRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/** One connection's view of an endpoint: it takes the requests the binding presents. */
public interface Session {

  /**
   * Takes a presented request whose context of {@link Invocation#KEY} is an {@link Invocation}; the session completes it
   * exactly once. Called with no lock held; must not block.
   *
   * <p>The session calls {@link Invocation#serviceFinished()} exactly once for every request it takes: when
   * the service is done with the call, whatever the outcome, or at once when it does not run it (refused, or
   * cancelled before it started). That may be after the request completed: a one-way call's request
   * completes when the session accepts the call, and a caller's cancel or a deadline completes a request
   * while its service may still run. A binding that bounds the calls it runs at once counts on it, and
   * would hold its connection back for good without it. Before it, the session records why a call did not end
   * well ({@link Invocation#serviceFailure(Throwable)}): how a binding that acts on a one-way call's outcome (a
   * queue that commits or rolls back its message) learns it.
   */
  void dispatch(IoRequest request);

  /**
   * Takes a presented request, as {@link #dispatch(IoRequest)} does, on a binding's I/O thread (a network
   * event loop) that must run no service code: the session moves every step of the call that runs user code
   * (its filters, its instance's creation, the operation in any shape) to its host's executor, in one hand-off.
   * A binding calls this rather than handing each request to an executor itself, which would cost a second
   * hand-off for a synchronous operation. By default it is {@link #dispatch(IoRequest)}: right for a session
   * that never runs service code on the thread that delivers.
   *
   * <pre>{@code
   * session.dispatchFromEventLoop(request);    // on the event loop that decoded the call
   * }</pre>
   */
  default void dispatchFromEventLoop(IoRequest request) {
    dispatch(request);
  }

  /**
   * Takes a presented request, as {@link #dispatchFromEventLoop(IoRequest)} does, with the binding's offer of
   * where the call's user code may go when the host has no executor of its own: {@code batched} runs the
   * calls that one pass of the event loop delivered on one thread, in order, and gives the rest of them a
   * thread of their own when one of them blocks. A host given an executor by its owner uses that executor.
   * By default it is {@link #dispatchFromEventLoop(IoRequest)}.
   *
   * <pre>{@code
   * session.dispatchFromEventLoop(request, connection.batches());   // on the event loop that decoded the call
   * }</pre>
   */
  default void dispatchFromEventLoop(IoRequest request, Executor batched) {
    dispatchFromEventLoop(request);
  }

  /** The connection is gone: release the session's state (its instance, its throttle slot). */
  void close();

  /**
   * Completes once the session has ended, whoever ended it: a host that closes or aborts ends its sessions.
   * A binding without a connection of its own to watch (in-process) learns here that its channel has lost
   * the other side. Never completes by default.
   *
   * <pre>{@code
   * session.closed().thenRun(() -> lost.complete("the host ended the session"));
   * }</pre>
   */
  default CompletionStage<Void> closed() {
    return new CompletableFuture<>();
  }
}
