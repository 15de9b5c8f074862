package dev.courier.rpc;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a broadcast of one-way calls to every endpoint of a service did ({@link ClientChannel#broadcast}): the
 * endpoints that accepted every call, and those that did not, each with why.
 *
 * <pre>{@code
 * BroadcastReport report = ClientChannel.broadcast(prices, p -> p.invalidate("EUR")).toCompletableFuture().join();
 * report.refused().forEach((endpoint, why) -> log.warn(endpoint + " missed the invalidation: " + why));
 * }</pre>
 *
 * <p>Accepted means what it means for a one-way call to one endpoint: its host took the call; the operation may
 * still be running, or may fail there.
 *
 * @param accepted the endpoints that accepted every call of the broadcast, in the resolver's order
 * @param refused the endpoints that did not accept one of its calls, each with the first reason
 */
public record BroadcastReport(List<EndpointAddress> accepted, Map<EndpointAddress, String> refused) {
  /** A report; the collections are copied. */
  public BroadcastReport {
    accepted = List.copyOf(Objects.requireNonNull(accepted, "accepted"));
    refused = Map.copyOf(Objects.requireNonNull(refused, "refused"));
  }

  /** Whether every endpoint accepted every call. */
  public boolean allAccepted() {
    return refused.isEmpty();
  }
}
