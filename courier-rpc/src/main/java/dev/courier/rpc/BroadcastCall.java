package dev.courier.rpc;

import dev.courier.io.CancelRoutine;
import dev.courier.io.CompletionRoutine;
import dev.courier.io.IoCompletionParams;
import dev.courier.io.IoRequest;
import dev.courier.io.IoStatus;
import dev.courier.io.IoTarget;
import dev.courier.rpc.spi.Invocation;
import java.util.ArrayList;
import java.util.List;

/**
 * A one-way call sent to every endpoint of a cluster at once ({@link ClientChannel#broadcast}): a copy of the call
 * (a request and an invocation of its own) goes to each endpoint that has a connection, and each endpoint's
 * acceptance or refusal is recorded in the {@link Broadcast}. The call itself completes once every copy has: with
 * success when one endpoint accepted it, else with the last refusal. A copy is not sent on to another endpoint:
 * each endpoint gets the call once, or is reported as having refused it. The caller's cancel or timeout cancels
 * the copies still out.
 *
 * <p>Threading: the copies are sent on the calling thread; each completes on its binding's thread, and the call
 * completes on the thread that completes its last copy.
 */
final class BroadcastCall implements CompletionRoutine<BroadcastCall.Sent>, CancelRoutine {
  /** Where a copy went. */
  record Sent(ClusterMember member, ClusterMember.Link link) {}

  private final IoRequest call;
  private final Broadcast broadcast;
  private final List<IoRequest> copies = new ArrayList<>();
  private int out;                              // copies not completed; guarded by this
  private boolean accepted;                     // guarded by this
  private IoStatus last = IoStatus.DEVICE_REMOVED_NOT_SENT;   // guarded by this

  BroadcastCall(IoRequest call, Broadcast broadcast) {
    this.call = call;
    this.broadcast = broadcast;
  }

  /** Sends a copy to every endpoint of {@code members} that has a connection. */
  void start(ClusterConnection cluster, ClusterMember[] members) {
    broadcast.callStarted();
    Invocation invocation = call.context(Invocation.KEY);
    out = 1;                                    // the sending itself: the call ends after it, at the earliest
    if (call.markCancelable(this).equals(IoStatus.CANCELLED)) {
      call.complete(IoStatus.CANCELLED);
      broadcast.callEnded();
      return;
    }
    for (ClusterMember m : members) {
      ClusterMember.Link link = m.link();
      if (link == null) {
        broadcast.record(m.address, "no connection (the endpoint is ejected after a failure, or not connected yet)");
        continue;
      }
      IoRequest copy = cluster.copyOf(call, invocation, invocation.timeoutNanos());
      IoTarget to = link.connection.target();
      if (copy == null || !copy.changeTarget(to).isSuccess()) {
        broadcast.record(m.address, "the connection is closing");
        continue;
      }
      copy.setCompletionRoutine(this, new Sent(m, link));
      synchronized (this) {
        copies.add(copy);
        out++;
      }
      link.pending.incrementAndGet();
      if (!copy.send(to)) {
        link.callEnded();
        record(m, copy.status(), copy.context(Invocation.KEY));
        ended(copy.status());
      }
    }
    ended(null);                                // the sending is over
  }

  @Override
  public void onCompletion(IoRequest copy, IoTarget target, IoCompletionParams params, Sent sent) {
    sent.link.callEnded();
    record(sent.member, params.status(), copy.context(Invocation.KEY));
    ended(params.status());
  }

  private void record(ClusterMember m, IoStatus status, Invocation copy) {
    String why = copy.failureReason();
    broadcast.record(m.address, status.isSuccess() ? null : status + (why != null ? ": " + why : ""));
  }

  /** A copy has ended with {@code status} (null: the sending); the last one ends the call. */
  private void ended(IoStatus status) {
    IoStatus outcome;
    synchronized (this) {
      if (status != null) {
        if (status.isSuccess()) {
          accepted = true;
        } else {
          last = status;
        }
      }
      if (--out > 0) {
        return;
      }
      outcome = accepted ? IoStatus.SUCCESS : last;
    }
    if (!call.unmarkCancelable().equals(IoStatus.CANCELLED)) {
      call.complete(outcome);
    }
    broadcast.callEnded();
  }

  /** The caller cancelled the call, or its timeout did: the copies still out are cancelled. */
  @Override
  public void onCancel(IoRequest request) {
    List<IoRequest> out;
    synchronized (this) {
      out = List.copyOf(copies);
    }
    for (IoRequest copy : out) {
      copy.cancelSentRequest();
    }
    request.complete(IoStatus.CANCELLED);
  }
}
