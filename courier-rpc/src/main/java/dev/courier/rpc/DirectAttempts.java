package dev.courier.rpc;

import dev.courier.io.IoRequest;
import dev.courier.io.IoStatus;
import dev.courier.io.IoTarget;
import dev.courier.io.SendOptions;
import dev.courier.rpc.spi.Invocation;

/**
 * The attempts of an asynchronous call sent by its channel straight to the endpoints: the caller's own request
 * goes to one endpoint's target after another, with no hop through the cluster's target, and the caller hears the
 * end once. Each attempt after the first is sent with what is left of the call's deadline; a cancel by the
 * caller sticks to the request, so an attempt sent after it is refused as cancelled and the call ends there.
 *
 * <pre>{@code
 * new DirectAttempts(cluster, members, request, idempotent, options, deadline, caller).next(NOT_SENT);
 * }</pre>
 *
 * <p>Threading: the first attempt is sent on the calling thread; each completion runs where the send's options
 * say (the channel's completion executor) and sends the next attempt, or ends the call, there.
 */
final class DirectAttempts extends ClusterAttempts {
  private final SendOptions first;
  private final long deadlineNanos;             // on the cluster's clock, or Invocation.NO_DEADLINE
  private final ClusterConnection.Caller caller;
  private boolean sent;                          // an attempt went out: the next one has less time

  DirectAttempts(ClusterConnection cluster, ClusterMember[] members, IoRequest request, boolean idempotent,
      SendOptions first, long deadlineNanos, ClusterConnection.Caller caller) {
    super(cluster, members, request, idempotent);
    this.first = first;
    this.deadlineNanos = deadlineNanos;
    this.caller = caller;
  }

  @Override
  IoStatus overBeforeNext() {
    if (!sent || deadlineNanos == Invocation.NO_DEADLINE) {
      return null;
    }
    return deadlineNanos - cluster.clock().nanoTime() > 0 ? null : IoStatus.IO_TIMEOUT;
  }

  @Override
  boolean sendTo(IoTarget to) {
    SendOptions options = first;
    if (sent && deadlineNanos != Invocation.NO_DEADLINE) {
      options = caller.options(Math.max(1, deadlineNanos - cluster.clock().nanoTime()));
    }
    sent = true;
    return request.send(to, options);
  }

  @Override
  void end(IoStatus status, long information) {
    cluster.directCallEnded();
    caller.ended(status);
  }
}
