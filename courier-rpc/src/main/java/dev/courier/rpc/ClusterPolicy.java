package dev.courier.rpc;

import java.time.Duration;

/**
 * How a channel over several endpoints spreads and repeats its calls, as its {@link ChannelFactory} was built.
 *
 * @param balancing how each call's endpoint is picked
 * @param healthInterval how often each endpoint's host is asked for its health; null: never
 * @param resolveInterval how often the resolver is asked for the endpoints anew; null: never
 * @param hedging the hedging of idempotent calls; null: none
 */
record ClusterPolicy(LoadBalancing balancing, Duration healthInterval, Duration resolveInterval, Hedging hedging) {
  /**
   * Hedging: after {@code delay} without an answer, an idempotent call also goes to another endpoint, and so on
   * until {@code copies} endpoints have it.
   */
  record Hedging(Duration delay, int copies) {}
}
