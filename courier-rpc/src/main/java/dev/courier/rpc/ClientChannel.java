package dev.courier.rpc;

/**
 * The channel behind a client proxy: its state, close and abort. Every proxy made by
 * {@link ChannelFactory#createChannel()} also implements this interface.
 *
 * <pre>{@code
 * Calculator calc = factory.createChannel();
 * try { calc.add(1, 2); } finally { ClientChannel.of(calc).close(); }
 * }</pre>
 *
 * <p>{@link #close()} waits for the calls in flight and then closes; {@link #abort()} closes at once and
 * the calls in flight end with a {@link java.util.concurrent.CancellationException} (the service sees
 * the cancellation). Calls made on a closed channel fail with a {@link CommunicationException} that
 * says the call was not sent. Thread safe.
 *
 * <p>A channel whose connection is lost (its host closed or aborted, the server went away, the network
 * failed) becomes {@link CommunicationState#FAULTED}: its later calls fail at once, unsent, with a
 * {@link CommunicationException} that says the connection was lost. It never reconnects, because its
 * session (and a PER_SESSION service instance) went with the connection: close it and create a new one.
 *
 * <pre>{@code
 * if (ClientChannel.of(calc).state() == CommunicationState.FAULTED) {
 *   ClientChannel.of(calc).abort();
 *   calc = factory.createChannel();
 * }
 * }</pre>
 */
public interface ClientChannel extends AutoCloseable {

  /** The channel of a proxy made by a {@link ChannelFactory}. */
  static ClientChannel of(Object proxy) {
    if (proxy instanceof ClientChannel channel) {
      return channel;
    }
    throw new IllegalArgumentException("proxy: " + proxy + " (expected: a proxy made by ChannelFactory.createChannel())");
  }

  /**
   * A proxy like {@code proxy}, over the same channel, whose calls have {@code options}: a timeout, headers, where
   * asynchronous completions run. Closing or aborting either closes the one channel; the derived proxy's
   * event-based calls, their listeners and {@code isBusy()} are its own.
   *
   * <pre>{@code
   * Calculator quick = ClientChannel.withOptions(calc, CallOptions.builder().timeout(Duration.ofMillis(200)).build());
   * }</pre>
   *
   * @throws IllegalArgumentException when {@code proxy} was not made by a {@link ChannelFactory}
   */
  static <T> T withOptions(T proxy, CallOptions options) {
    return RealChannel.withOptions(proxy, options);
  }

  /**
   * Sends the one-way calls {@code calls} makes on the proxy it is given to every endpoint of {@code proxy}'s
   * channel, a channel to several endpoints; the report says which endpoints accepted them, once every call has
   * ended. Each endpoint gets each call once: a call an endpoint refuses is not sent on elsewhere, and an
   * endpoint without a connection now (ejected after a failure) is reported as refusing. The calls are those
   * {@code calls} makes on its own thread, in any shape; a request/reply call fails with
   * {@link IllegalArgumentException}.
   *
   * <pre>{@code
   * BroadcastReport report = ClientChannel.broadcast(prices, p -> p.invalidate("EUR")).toCompletableFuture().join();
   * }</pre>
   *
   * <p>The report completes on the thread that ends the last call, or on this one.
   *
   * @throws IllegalArgumentException when {@code proxy} was not made by a {@link ChannelFactory} given several
   *     endpoints
   */
  static <T> java.util.concurrent.CompletionStage<BroadcastReport> broadcast(T proxy,
      java.util.function.Consumer<? super T> calls) {
    return RealChannel.broadcast(proxy, calls);
  }

  /** The channel's state. */
  CommunicationState state();

  /** The address the channel is connected to. */
  String address();

  /** Waits for the calls in flight, then closes. Must not be called from a completion routine or event listener. */
  @Override
  void close();

  /** Closes at once, cancelling the calls in flight. */
  void abort();
}
