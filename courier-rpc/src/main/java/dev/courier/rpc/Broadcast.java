package dev.courier.rpc;

import dev.courier.io.IoContextKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The calls of one {@link ClientChannel#broadcast}: what each endpoint did with them, and the report once the
 * caller's code has returned and every call it made has ended. It rides each call's request as the context of
 * {@link #KEY}, which tells a channel over several endpoints to send the call to each of them.
 *
 * <p>Threading: the calls record what happened from the threads that complete them; the report completes on the
 * thread that ends the last call, or on the caller's when none is left by then.
 */
final class Broadcast {
  static final IoContextKey<Broadcast> KEY = IoContextKey.of("courier broadcast", Broadcast.class);

  final CompletableFuture<BroadcastReport> report = new CompletableFuture<>();
  private final Map<EndpointAddress, String> outcomes = new LinkedHashMap<>();   // null: accepted; guarded by this
  private int calls;                              // calls sent and not ended; guarded by this
  private boolean sealed;                         // the caller's code has returned; guarded by this

  /** A call of the broadcast has been sent to the endpoints. */
  synchronized void callStarted() {
    calls++;
  }

  /** {@code endpoint} accepted a call ({@code refusal} null), or did not, and why. */
  synchronized void record(EndpointAddress endpoint, String refusal) {
    outcomes.putIfAbsent(endpoint, refusal);   // a refusal replaces an acceptance (a null), never an earlier refusal
  }

  /** A call has ended at every endpoint. */
  void callEnded() {
    synchronized (this) {
      calls--;
      if (calls > 0 || !sealed) {
        return;
      }
    }
    finish();
  }

  /** The caller's code has returned: the report completes when its calls have ended. */
  void seal() {
    synchronized (this) {
      sealed = true;
      if (calls > 0) {
        return;
      }
    }
    finish();
  }

  private void finish() {
    java.util.List<EndpointAddress> accepted = new java.util.ArrayList<>();
    Map<EndpointAddress, String> refused = new LinkedHashMap<>();
    synchronized (this) {
      outcomes.forEach((endpoint, refusal) -> {
        if (refusal == null) {
          accepted.add(endpoint);
        } else {
          refused.put(endpoint, refusal);
        }
      });
    }
    report.complete(new BroadcastReport(accepted, refused));
  }
}
