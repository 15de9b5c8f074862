package dev.courier.rpc;

import dev.courier.io.IoRequest;
import dev.courier.io.IoStatus;
import dev.courier.io.IoTarget;
import dev.courier.rpc.spi.Invocation;

/**
 * The attempts of a call delivered to the cluster's target (a synchronous call): the presented request goes on
 * to one endpoint after another. An attempt after the first carries an invocation of its own that tells the host
 * what is left of the call's deadline; what that attempt's endpoint answered is copied to the caller's invocation
 * before the call completes.
 *
 * <pre>{@code
 * new ForwardedAttempts(cluster, members, presented, idempotent, invocation).next(NOT_SENT);
 * }</pre>
 *
 * <p>Threading: as {@link ClusterAttempts}; the caller reads its invocation after the completion.
 */
final class ForwardedAttempts extends ClusterAttempts {
  private final Invocation caller;               // null: the call names no operation
  private final long startNanos;                 // when the call reached the cluster, if it has a deadline
  private Invocation current;                    // the later attempt's own invocation, or null
  private boolean sent;

  ForwardedAttempts(ClusterConnection cluster, ClusterMember[] members, IoRequest request, boolean idempotent,
      Invocation caller) {
    super(cluster, members, request, idempotent);
    this.caller = caller != null && caller.operation() != null ? caller : null;
    this.startNanos = this.caller != null && this.caller.timeoutNanos() != Invocation.NO_DEADLINE
        ? cluster.clock().nanoTime() : 0;
  }

  @Override
  boolean sendTo(IoTarget to) {
    if (sent && caller != null && caller.timeoutNanos() != Invocation.NO_DEADLINE) {
      long left = Math.max(1, caller.timeoutNanos() - (cluster.clock().nanoTime() - startNanos));
      current = new Invocation(caller.operation(), caller.arguments(), caller.headers(), left);
      request.context(Invocation.KEY, current);
    }
    sent = true;
    return request.send(to);
  }

  @Override
  void end(IoStatus status, long information) {
    Invocation answered = current;
    if (answered != null) {
      caller.reply(answered.reply());
      if (answered.fault() != null) {
        caller.fault(answered.fault());
      }
      if (answered.failureReason() != null) {
        caller.failureReason(answered.failureReason());
      }
    }
    request.complete(status, information);
  }
}
