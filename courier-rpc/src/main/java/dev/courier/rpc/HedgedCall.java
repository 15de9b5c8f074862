package dev.courier.rpc;

import dev.courier.io.CancelRoutine;
import dev.courier.io.IoClock;
import dev.courier.io.IoRequest;
import dev.courier.io.IoStatus;
import dev.courier.rpc.spi.Invocation;
import dev.courier.rpc.spi.RpcStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * A hedged call of an idempotent operation over several endpoints: it goes to one endpoint, and each time the
 * hedging delay passes without an answer, a copy of it goes to another endpoint, up to the most copies allowed.
 * The first answer (a reply or a fault) is the call's; the other copies are cancelled with
 * {@link IoRequest#cancelSentRequest()}, so that their services see the cancellation. A request is in one target
 * at a time, so each copy is a request of its own, with an invocation of its own; the call's own request waits
 * here, cancelable, and its caller's cancel or timeout cancels every copy. Each copy fails over as a call that is
 * not hedged does, to an endpoint no other copy has tried.
 *
 * <p>Threading: copies start on the calling thread and on the clock's timer; an answer is taken on the thread
 * that completes its copy, and the call completes there.
 */
final class HedgedCall implements CancelRoutine {
  private final ClusterConnection cluster;
  private final ClusterMember[] members;
  private final IoRequest call;
  private final Invocation invocation;
  private final long deadlineNanos;             // on the cluster's clock, or Invocation.NO_DEADLINE
  private final int copies;
  private final long delayNanos;
  private final List<Copy> started = new ArrayList<>(2);   // guarded by this
  private int running;                          // guarded by this
  private boolean done;                         // guarded by this
  private IoClock.Scheduled nextCopy;           // guarded by this

  /**
   * One copy of the call: a request of its own, sent to one endpoint after another; its latest attempt's
   * invocation holds the copy's answer.
   */
  private final class Copy extends ClusterAttempts {
    Copy(IoRequest request) {
      super(HedgedCall.this.cluster, HedgedCall.this.members, request, true, HedgedCall.this.deadlineNanos,
          request.context(Invocation.KEY));
    }

    @Override
    ClusterMember take() {
      synchronized (HedgedCall.this) {
        return done ? null : started.getFirst().untried();   // the first copy's tried set is every copy's
      }
    }

    @Override
    void end(IoStatus status, long information) {
      ended(this, status, information);
    }
  }

  HedgedCall(ClusterConnection cluster, ClusterMember[] members, IoRequest call, Invocation invocation,
      ClusterPolicy.Hedging hedging) {
    this.cluster = cluster;
    this.members = members;
    this.call = call;
    this.invocation = invocation;
    this.copies = Math.min(hedging.copies(), members.length);
    this.delayNanos = hedging.delay().toNanos();
    this.deadlineNanos = ClusterAttempts.deadline(cluster.clock(), invocation.timeoutNanos());
  }

  /** Sends the first copy; the call is cancelable from here on. */
  void start() {
    if (call.markCancelable(this).equals(IoStatus.CANCELLED)) {
      call.complete(IoStatus.CANCELLED);
      return;
    }
    startCopy();
  }

  /** Sends one more copy, to an endpoint no copy has tried, unless the call is over or has all its copies. */
  private void startCopy() {
    Copy copy;
    synchronized (this) {
      if (done || started.size() == copies) {
        return;
      }
      long left = deadlineNanos == Invocation.NO_DEADLINE ? Invocation.NO_DEADLINE
          : deadlineNanos - cluster.clock().nanoTime();
      if (left <= 0) {
        return;                                 // the call's own timeout ends it
      }
      IoRequest request = cluster.copyOf(call, invocation, left);
      if (request == null) {
        return;                                 // the cluster's target has closed: the call is cancelled with it
      }
      copy = new Copy(request);
      started.add(copy);
      running++;
      if (started.size() < copies) {
        nextCopy = cluster.clock().schedule(this::startCopy, delayNanos);
      }
    }
    copy.next(IoStatus.DEVICE_REMOVED_NOT_SENT);
  }

  /** A copy has ended: an answer is the call's, and ends the others; the call fails when every copy has. */
  private void ended(Copy copy, IoStatus status, long information) {
    boolean answer = status.isSuccess() || status.equals(RpcStatus.FAULT);
    List<Copy> others;
    synchronized (this) {
      running--;
      if (done || (!answer && running > 0)) {
        return;                                 // a copy still running may yet answer
      }
      done = true;
      if (nextCopy != null) {
        nextCopy.cancel();
      }
      others = List.copyOf(started);
    }
    for (Copy other : others) {
      if (other != copy) {
        other.request.cancelSentRequest();
      }
    }
    ClusterAttempts.copyAnswer(copy.invocation, invocation);
    if (!call.unmarkCancelable().equals(IoStatus.CANCELLED)) {
      call.complete(status, information);
    }
  }

  /** The caller cancelled the call, or its timeout did: every copy is cancelled, and the call ends now. */
  @Override
  public void onCancel(IoRequest request) {
    List<Copy> copies;
    synchronized (this) {
      done = true;
      if (nextCopy != null) {
        nextCopy.cancel();
      }
      copies = List.copyOf(started);
    }
    for (Copy copy : copies) {
      copy.request.cancelSentRequest();
    }
    request.complete(IoStatus.CANCELLED);
  }
}
