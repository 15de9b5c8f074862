package dev.courier.rpc;

import dev.courier.io.CompletionRoutine;
import dev.courier.io.IoClock;
import dev.courier.io.IoCompletionParams;
import dev.courier.io.IoRequest;
import dev.courier.io.IoStatus;
import dev.courier.io.IoTarget;
import dev.courier.rpc.spi.Invocation;
import dev.courier.rpc.spi.RpcStatus;

/**
 * The attempts of one call over several endpoints: the same request sent to one endpoint after another, as KMDF
 * sends one request to several targets, until one takes it. A call that provably reached no service (refused,
 * not connected, not sent) goes on to the next endpoint it has not tried; one that may have reached a service
 * (the connection was lost before the answer) goes on only when its operation is idempotent; a fault, a cancel
 * and a timeout end it. An attempt after the first goes only while the call's deadline has not passed, and
 * carries an invocation of its own that tells the host what is left of it.
 *
 * <p>Threading: the first attempt is sent on the calling thread; each completion decides, on the thread that
 * completes it, whether the request goes on.
 */
abstract class ClusterAttempts implements CompletionRoutine<ClusterMember.Link> {
  final ClusterConnection cluster;
  final ClusterMember[] members;                // the endpoints when the call started
  final IoRequest request;
  final long deadlineNanos;                     // on the cluster's clock, or Invocation.NO_DEADLINE
  Invocation invocation;                        // the one the latest attempt carries; null when the call has none
  private final Invocation first;               // the one the call was sent with, whose answer its caller reads
  private final boolean idempotent;
  private long tried;                           // a bit per member
  private ClusterMember member;                 // the endpoint that has the call now
  private boolean sent;                         // an attempt went out: a later one has what is left of the deadline

  ClusterAttempts(ClusterConnection cluster, ClusterMember[] members, IoRequest request, boolean idempotent,
      long deadlineNanos, Invocation invocation) {
    this.cluster = cluster;
    this.members = members;
    this.request = request;
    this.idempotent = idempotent;
    this.deadlineNanos = deadlineNanos;
    this.invocation = invocation;
    this.first = invocation;
  }

  /** The deadline, on {@code clock}, of a call with {@code timeoutNanos} left now, or {@link Invocation#NO_DEADLINE}. */
  static long deadline(IoClock clock, long timeoutNanos) {
    return timeoutNanos == Invocation.NO_DEADLINE ? Invocation.NO_DEADLINE : clock.nanoTime() + timeoutNanos;
  }

  /** A copy of {@code invocation}, without its answer, for an attempt with {@code timeoutNanos} left. */
  static Invocation withTimeLeft(Invocation invocation, long timeoutNanos) {
    return invocation.operation() != null
        ? new Invocation(invocation.operation(), invocation.arguments(), invocation.headers(), timeoutNanos)
        : new Invocation(invocation.action(), invocation.arguments(), invocation.headers(), timeoutNanos);
  }

  /** Gives {@code to} the answer an attempt's invocation {@code from} got: its reply, fault and why it failed. */
  static void copyAnswer(Invocation from, Invocation to) {
    to.reply(from.reply());
    if (from.fault() != null) {
      to.fault(from.fault());
    }
    if (from.failureReason() != null) {
      to.failureReason(from.failureReason());
    }
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

  /** Sends the first attempt; false when the target refused it ({@link IoRequest#status()} says why). */
  boolean sendFirst(IoTarget to) {
    return request.send(to);
  }

  /**
   * Sends an attempt after the first, {@code leftNanos} before the deadline (or {@link Invocation#NO_DEADLINE}),
   * with an invocation of its own that says so.
   */
  private boolean sendLater(IoTarget to, long leftNanos) {
    if (invocation != null && leftNanos != Invocation.NO_DEADLINE) {
      invocation = withTimeLeft(invocation, leftNanos);
      request.context(Invocation.KEY, invocation);
    }
    return resend(to, leftNanos);
  }

  /** Sends the request, its invocation readied, to {@code to} again, {@code leftNanos} before the deadline. */
  boolean resend(IoTarget to, long leftNanos) {
    return request.send(to);
  }

  /** Gives the invocation the call was sent with the answer of the latest attempt's, when that is another. */
  final void answerFirst() {
    if (invocation != first) {
      copyAnswer(invocation, first);
    }
  }

  private boolean sendTo(IoTarget to) {
    if (!sent) {
      sent = true;
      return sendFirst(to);
    }
    return sendLater(to, deadlineNanos == Invocation.NO_DEADLINE ? Invocation.NO_DEADLINE
        : Math.max(1, deadlineNanos - cluster.clock().nanoTime()));
  }

  /** Whether an attempt went out and the deadline has passed since: no other attempt may go. */
  private boolean deadlinePassed() {
    return sent && deadlineNanos != Invocation.NO_DEADLINE && deadlineNanos - cluster.clock().nanoTime() <= 0;
  }

  /** Sends the call to the next endpoint not tried, or ends it with {@code last} when none is left. */
  final void next(IoStatus last) {
    for (;;) {
      if (deadlinePassed()) {
        end(IoStatus.IO_TIMEOUT, 0);
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
    if (status.isSuccess()) {
      end(status, params.information());       // answered: nothing to decide
      return;
    }
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
