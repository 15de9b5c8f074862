package dev.courier.rpc;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Code on the path of every call, the way a KMDF filter device sits above a lower target: it sees each call,
 * forwards it to the next step, refuses it, or observes its outcome.
 *
 * <pre>{@code
 * CallFilter timing = (call, next) -> {
 *   long start = System.nanoTime();
 *   return next.proceed(call.withHeader("tenant", "blue"))
 *       .whenComplete((result, error) -> record(call.operation().name(), System.nanoTime() - start, error));
 * };
 * ChannelFactory.builder(Calculator.class).binding(tcp).address(url).filter(timing).build();
 * ServiceHost.builder(new CalculatorService()).endpoint(Calculator.class, tcp, url).filter(timing).build();
 * }</pre>
 *
 * <p>On a {@link ChannelFactory} a filter sits between the proxy and the binding: it sees the channel's calls
 * ({@link Side#CLIENT}) and the service's callbacks to the channel's callback object ({@link Side#SERVICE}). On a
 * {@link ServiceHost} it sits between the binding and the service: it sees the calls the host takes
 * ({@link Side#SERVICE}) and the callbacks its services make ({@link Side#CLIENT}). One-way calls pass through
 * filters too: their outcome is the transport's acceptance on the client and the service's return on the host.
 *
 * <p>Order: filters run in the order they were added; the first added sees the call first and its outcome
 * last. The stage {@link Next#proceed} returns completes with the call's result ({@code null} for {@code void}
 * and one-way operations) or fails, never wrapped in a {@code CompletionException}, with what the caller gets: on the client a {@link FaultException},
 * {@link CallTimeoutException}, {@link CommunicationException} or {@link java.util.concurrent.CancellationException};
 * on the host what the service threw, which becomes the caller's fault as an exception thrown by the service
 * would. A filter that throws, or returns a failed stage, fails the call with that exception and nothing below
 * it runs; a call refused with a {@link FaultException} reaches the caller as that fault.
 *
 * <p>Threading: a filter must not block; one that waits for something proceeds from the stage it waits on. On a
 * host, filters run where the service's code runs: on the host's executor when the binding delivers on its event
 * loop, else on the delivering thread. On a client they run on the calling thread, and what they chain to the
 * outcome runs where the call completes (the binding's completion executor for asynchronous calls). A filter
 * proceeds at most once per call. No filter installed costs a call nothing.
 */
@FunctionalInterface
public interface CallFilter {

  /** Handles one call: returns its outcome, usually by proceeding to {@code next} and observing what comes back. */
  CompletionStage<Object> filter(Call call, Next next);

  /** The rest of the path below a filter: the next filter, then the binding (client) or the service (host). */
  @FunctionalInterface
  interface Next {
    /** Forwards {@code call} (the one the filter was given, or one derived from it); at most once per call. */
    CompletionStage<Object> proceed(Call call);
  }

  /**
   * Makes the filter of one operation, once, when a channel factory or a host is built, or returns {@code null}
   * to leave the operation unfiltered (then it costs nothing). What a filter needs per operation (a name, a
   * metric's attributes) is computed here, not per call.
   *
   * <pre>{@code
   * CallFilter.Factory audited = op -> op.isOneWay() ? null : new AuditFilter(op.contractName() + "/" + op.name());
   * }</pre>
   */
  @FunctionalInterface
  interface Factory {
    /** The filter for {@code operation}, or {@code null} for none. */
    CallFilter create(OperationDescription operation);

    /**
     * The filter for {@code operation} at {@code side}, or {@code null} for none: a factory on a channel factory
     * is asked for its calls ({@link Side#CLIENT}) and for the callbacks it receives ({@link Side#SERVICE}), one on
     * a host the other way round. By default {@link #create(OperationDescription)}, whatever the side.
     */
    default CallFilter create(OperationDescription operation, Side side) {
      return create(operation);
    }
  }

  /** Which end of a call a filter is at. */
  enum Side {
    /** The calling end: a channel's call, or a service's callback to its caller. */
    CLIENT,
    /** The receiving end: a host's call, or a callback reaching a channel's callback object. */
    SERVICE
  }

  /**
   * One call as a filter sees it: immutable; {@link #withHeader} derives the call to forward.
   *
   * <p>{@link #context()} is the service's {@link OperationContext} on the {@link Side#SERVICE} side (its
   * {@link OperationContext#extension typed extensions} carry per-call state to the service and to the calls it
   * makes), and on the client side the context of the service call this call is made from, if any.
   */
  final class Call {
    private final OperationDescription operation;
    private final Side side;
    private final Object[] arguments;
    private final Map<String, String> headers;
    private final Duration timeout;
    private final String address;
    private final OperationContext context;

    Call(OperationDescription operation, Side side, Object[] arguments, Map<String, String> headers, Duration timeout,
        String address, OperationContext context) {
      this.operation = operation;
      this.side = side;
      this.arguments = arguments;
      this.headers = headers;
      this.timeout = timeout;
      this.address = address;
      this.context = context;
    }

    /** The operation called. */
    public OperationDescription operation() {
      return operation;
    }

    /** Which end of the call this is. */
    public Side side() {
      return side;
    }

    /** The call's arguments, in order (unmodifiable; elements may be null). */
    public List<Object> arguments() {
      return Collections.unmodifiableList(Arrays.asList(arguments));
    }

    /**
     * The call's headers: on the client those it will be sent with, on the host those it arrived with (and any a
     * filter above added). Unmodifiable.
     */
    public Map<String, String> headers() {
      return headers;
    }

    /**
     * This call with the header {@code name} set to {@code value}: forward it with {@link Next#proceed}. On the
     * client the header is sent with the call; on the host the service reads it in
     * {@link OperationContext#headers()}.
     */
    public Call withHeader(String name, String value) {
      Map<String, String> more = new LinkedHashMap<>(headers);
      more.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return new Call(operation, side, arguments, Collections.unmodifiableMap(more), timeout, address, context);
    }

    /**
     * How long the call may take, from when it started (the channel's or the call's timeout, shortened by the
     * deadline of the service call it is made from; on the host, what the caller had left), or empty for no limit.
     * On the host, {@link OperationContext#timeRemaining()} says what is left now.
     */
    public Optional<Duration> timeout() {
      return Optional.ofNullable(timeout);
    }

    /** The other end: on the client the address called, on the host the caller's address ({@link Peer#address()}). */
    public String address() {
      return address;
    }

    /** The service's context on the host; on the client, the context of the service call this call is made from. */
    public Optional<OperationContext> context() {
      return Optional.ofNullable(context);
    }

    Object[] argumentArray() {
      return arguments;
    }

    @Override
    public String toString() {
      return "Call[" + side + " " + operation.name() + ", " + headers.size() + " headers]";
    }
  }
}
