package dev.courier.rpc;

import dev.courier.io.CompletionRoutine;
import dev.courier.io.IoCompletionParams;
import dev.courier.io.IoRequest;
import dev.courier.io.IoStatus;
import dev.courier.io.IoTarget;
import dev.courier.rpc.spi.RpcStatus;

/**
 * The attempts of one call over several endpoints: the same request sent to one endpoint after another, as KMDF
 * sends one request to several targets, until one takes it. A call that provably reached no service (refused,
 * not connected, not sent) goes on to the next endpoint it has not tried; one that may have reached a service
 * (the connection was lost before the answer) goes on only when its operation is idempotent; a fault, a cancel
 * and a timeout end it.
 *
 * <p>Threading: the first attempt is sent on the calling thread; each completion decides, on the thread that
 * completes it, whether the request goes on.
 */
abstract class ClusterAttempts implements CompletionRoutine<ClusterMember.Link> {
  final ClusterConnection cluster;
  final ClusterMember[] members;                // the endpoints when the call started
  final IoRequest request;
  private final boolean idempotent;
  private long tried;                           // a bit per member
  private ClusterMember member;                 // the endpoint that has the call now

  ClusterAttempts(ClusterConnection cluster, ClusterMember[] members, IoRequest request, boolean idempotent) {
    this.cluster = cluster;
    this.members = members;
    this.request = request;
    this.idempotent = idempotent;
  }

  /** Takes the next endpoint the policy picks among those not tried, or returns null when none is left. */
  ClusterMember take() {
    return untried();
  }

  /** The next endpoint the policy picks among those these attempts have not tried, now marked tried; or null. */
  final ClusterMember untried() {
    int i = cluster.pick(members, tried);
    if (i < 0) {
      cluster.noEndpointLeft();
      return null;
    }
    tried |= 1L << i;
    return members[i];
  }

  /** The attempts are over: the call ends with {@code status}. */
  void end(IoStatus status, long information) {
    request.complete(status, information);
  }

  /** Sends the request to an endpoint's target; false when the target refused it ({@link IoRequest#status()} says why). */
  boolean sendTo(IoTarget to) {
    return request.send(to);
  }

  /** Why the attempts must end before the next one (its deadline passed), or null when it may go. */
  IoStatus overBeforeNext() {
    return null;
  }

  /** Sends the call to the next endpoint not tried, or ends it with {@code last} when none is left. */
  final void next(IoStatus last) {
    for (;;) {
      IoStatus over = overBeforeNext();
      if (over != null) {
        end(over, 0);
        return;
      }
      ClusterMember m = take();
      if (m == null) {
        end(last, 0);
        return;
      }
      ClusterMember.Link link = m.link();
      if (link == null) {
        continue;                               // ejected since it was picked
      }
      IoTarget to = link.connection.target();
      IoStatus moved = request.changeTarget(to);
      if (!moved.isSuccess()) {
        last = moved;
        continue;
      }
      request.setCompletionRoutine(this, link);
      member = m;
      link.pending.incrementAndGet();
      if (sendTo(to)) {
        return;
      }
      link.callEnded();
      last = request.status();
      if (last.equals(IoStatus.CANCELLED)) {
        end(last, 0);
        return;
      }
      m.eject(link, "refused a call: " + last);
    }
  }

  @Override
  public final void onCompletion(IoRequest r, IoTarget t, IoCompletionParams params, ClusterMember.Link c) {
    ClusterMember m = member;
    c.callEnded();
    IoStatus status = params.status();
    if (notSent(status)) {
      if (!status.equals(RpcStatus.SERVER_TOO_BUSY)) {
        m.eject(c, "a call was not sent: " + status);
      }
      next(status);
      return;
    }
    if (status.equals(RpcStatus.CONNECTION_LOST)) {
      m.eject(c, "the connection was lost during a call");
      if (idempotent) {
        next(status);                           // it may have run there: sent again only as the contract allows
        return;
      }
    }
    end(status, params.information());
  }

  /** Whether a call that ended with {@code status} provably reached no service. */
  static boolean notSent(IoStatus status) {
    return status.equals(IoStatus.DEVICE_REMOVED_NOT_SENT) || status.equals(IoStatus.INVALID_DEVICE_STATE)
        || status.equals(RpcStatus.SERVER_TOO_BUSY);
  }
}
