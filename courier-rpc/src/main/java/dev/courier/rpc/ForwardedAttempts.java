package dev.courier.rpc;

import dev.courier.io.IoRequest;
import dev.courier.io.IoStatus;
import dev.courier.rpc.spi.Invocation;

/**
 * The attempts of a call delivered to the cluster's target (a synchronous call): the presented request goes on
 * to one endpoint after another. What a later attempt's own invocation was answered is copied to the caller's
 * before the call completes.
 *
 * <pre>{@code
 * new ForwardedAttempts(cluster, members, presented, idempotent, deadline, invocation).next(NOT_SENT);
 * }</pre>
 *
 * <p>Threading: as {@link ClusterAttempts}; the caller reads its invocation after the completion.
 */
final class ForwardedAttempts extends ClusterAttempts {
  ForwardedAttempts(ClusterConnection cluster, ClusterMember[] members, IoRequest request, boolean idempotent,
      long deadlineNanos, Invocation caller) {
    super(cluster, members, request, idempotent, deadlineNanos, caller);
  }

  @Override
  void end(IoStatus status, long information) {
    answerFirst();
    request.complete(status, information);
  }
}
