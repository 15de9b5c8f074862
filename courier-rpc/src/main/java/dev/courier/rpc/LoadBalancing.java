package dev.courier.rpc;

/**
 * How a client over several endpoints picks the endpoint of each call, among those that are not ejected.
 *
 * <pre>{@code
 * ChannelFactory.builder(Calculator.class).binding(tcp)
 *     .endpoints(EndpointResolver.of(a, b, c)).loadBalancing(LoadBalancing.LEAST_PENDING).build();
 * }</pre>
 */
public enum LoadBalancing {
  /** Each endpoint in turn (the default). */
  ROUND_ROBIN,
  /** The endpoint with the fewest calls of this channel waiting for an answer; in turn among equals. */
  LEAST_PENDING
}
