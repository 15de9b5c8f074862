package dev.courier.rpc;

import dev.courier.io.IoRequest;
import dev.courier.io.IoStatus;
import dev.courier.io.IoTarget;
import dev.courier.io.SendOptions;
import dev.courier.rpc.spi.Invocation;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The attempts of an asynchronous call sent by its channel straight to the endpoints: the caller's own request
 * goes to one endpoint's target after another, with no hop through the cluster's target, and the caller hears the
 * end once. Each attempt after the first has what is left of the call's deadline, and its invocation tells the
 * host so. A cancel by the caller sticks to the request, so an attempt sent after it is refused as cancelled; one
 * that races an attempt's send is sent on to it.
 *
 * <pre>{@code
 * new DirectAttempts(cluster, members, request, idempotent, options, deadline, caller).start(null);
 * }</pre>
 *
 * <p>Threading: the first attempt is sent on the calling thread; each completion runs where the send's options
 * say (the channel's completion executor) and sends the next attempt, or ends the call, there. A call that ends
 * before any attempt was taken (no endpoint, all refused) ends on the completion executor too, when the options
 * name one.
 */
final class DirectAttempts extends ClusterAttempts {
  private final SendOptions first;
  private final ClusterConnection.Caller caller;
  private Thread starting;                       // the calling thread, while it sends the first attempt (plain:
                                                 // only that thread can find itself here)

  DirectAttempts(ClusterConnection cluster, ClusterMember[] members, IoRequest request, boolean idempotent,
      SendOptions first, long deadlineNanos, ClusterConnection.Caller caller) {
    super(cluster, members, request, idempotent, deadlineNanos, request.context(Invocation.KEY));
    this.first = first;
    this.caller = caller;
  }

  /** Sends the first attempt, or, with a {@code refusal}, ends the call with it at once. */
  void start(IoStatus refusal) {
    starting = Thread.currentThread();
    try {
      if (refusal != null) {
        end(refusal, 0);
      } else {
        next(IoStatus.DEVICE_REMOVED_NOT_SENT);
      }
    } finally {
      starting = null;
    }
  }

  @Override
  boolean sendFirst(IoTarget to) {
    return request.send(to, first);
  }

  /** With the caller's options for what is left of the deadline. */
  @Override
  boolean resend(IoTarget to, long leftNanos) {
    if (!request.send(to, caller.options(leftNanos))) {
      return false;
    }
    // A cancel that came while the request was between attempts, and found it in flight nowhere, is sent on
    // here: the caller's flag is written before its cancel looks for the send, and read after this send is seen.
    VarHandle.fullFence();
    if (caller.cancelled()) {
      request.cancelSentRequest();
    }
    return true;
  }

  @Override
  void end(IoStatus status, long information) {
    answerFirst();                              // the caller reads the invocation it sent the call with
    if (starting != Thread.currentThread()) {
      try {
        caller.ended(status);                   // a completion: the channel's close returns after the caller heard
      } finally {
        cluster.directCallEnded();
      }
      return;
    }
    // Ended while the caller sends: counted out first, so that a listener that closes the channel does not
    // wait for itself, and handed to the completion executor, as a completion would be.
    cluster.directCallEnded();
    Executor executor = first.completionExecutor();
    if (executor == null) {
      caller.ended(status);
      return;
    }
    try {
      executor.execute(() -> caller.ended(status));
    } catch (RejectedExecutionException e) {
      caller.ended(status);
    }
  }
}
