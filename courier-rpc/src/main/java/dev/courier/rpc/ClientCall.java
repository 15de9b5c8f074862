package dev.courier.rpc;

import dev.courier.io.CompletionRoutine;
import dev.courier.io.IoCompletionParams;
import dev.courier.io.IoControlCode;
import dev.courier.io.IoRequest;
import dev.courier.io.IoStatus;
import dev.courier.io.IoTarget;
import dev.courier.io.SendOptions;
import dev.courier.rpc.spi.Invocation;
import dev.courier.rpc.spi.RpcStatus;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * One client call: a device-control request whose context ({@link Invocation#KEY}) is the {@link Invocation}, sent to the
 * channel's target and completed exactly once. Every calling shape is an adapter over this.
 *
 * <p>The outcome is mapped to what every shape reports alike: the reply, a {@link FaultException}, a
 * {@link CancellationException}, a {@link CallTimeoutException} or a {@link CommunicationException}. A reply
 * that does not decode by the caller's contract is a {@link CommunicationException} that says so and that the
 * service ran the call ({@link CommunicationException#mayHaveReachedService()}).
 */
class ClientCall implements CompletionRoutine<Object>, ClusterConnection.Caller {
  /** The device type of RPC control codes; the function is the operation's index. */
  static final int DEVICE_TYPE = 0x8C10;

  /** Receives the outcome once. */
  interface Listener {
    void completed(Object result, RuntimeException error);
  }

  private final RealChannel channel;
  private final OperationDescription op;
  private final IoRequest request = IoRequest.create();
  private Invocation invocation;
  private volatile boolean cancelRequested;     // the caller cancelled the call (perhaps before it was sent)
  private Listener listener;
  private long timeoutNanos;
  private InstanceGate releasedGate;
  private OperationContext parent;
  private Runnable forgetParent = () -> { };
  private boolean synchronous;
  private Object result;
  private RuntimeException error;

  private ClientCall(RealChannel channel, OperationDescription op) {
    this.channel = channel;
    this.op = op;
  }

  /** A call of {@code op} on {@code channel}: through the operation's filters when it has any. */
  static ClientCall create(RealChannel channel, OperationDescription op) {
    FilterChain filters = channel.filters(op);
    return filters == null ? new ClientCall(channel, op) : new Filtered(channel, op, filters);
  }

  OperationDescription operation() {
    return op;
  }

  RealChannel channel() {
    return channel;
  }

  /** A filtered call starts: made within {@code parent}; returns its timeout (0: the caller's deadline passed). */
  long begin(OperationContext parent) {
    this.parent = parent;
    this.synchronous = false;
    this.timeoutNanos = timeout(parent);
    return timeoutNanos;
  }

  /** Sends with {@code headers} within {@code timeoutNanos}; {@code settle} hears the outcome. Why not sent, or null. */
  RuntimeException sendWith(Object[] args, java.util.Map<String, String> headers, long timeoutNanos, Listener settle) {
    this.listener = settle;
    return send(args, headers, timeoutNanos);
  }

  /** Starts the call; the listener runs once, possibly before this returns. Never throws. */
  void start(Object[] args, Listener listener) {
    this.listener = listener;
    this.synchronous = false;
    RuntimeException refused = send(args);
    if (refused != null) {
      listener.completed(null, refused);
    }
  }

  /** Runs the call on this thread and returns its result, or throws its exception. */
  Object call(Object[] args) {
    this.listener = (r, e) -> { };
    this.synchronous = true;
    RuntimeException refused = send(args);
    if (refused != null) {
      throw refused;
    }
    if (releasedGate != null) {
      CompletableFuture<Void> back = new CompletableFuture<>();
      InstanceGate gate = releasedGate;
      gate.reenter(() -> back.complete(null));
      back.join();
      if (!parent.resume(gate)) {
        gate.exit();
      }
    }
    if (error != null) {
      throw error;
    }
    return result;
  }

  /** Cancels the call; returns whether the cancel reached something cancellable. */
  boolean cancel() {
    cancelRequested = true;                     // before the cancel looks for the send (DirectAttempts)
    return request.cancelSentRequest();
  }

  private RuntimeException send(Object[] args) {
    RuntimeException closed = channel.checkOpen(op);
    if (closed != null) {
      return closed;
    }
    OperationContext parent = OperationContext.find().orElse(null);
    this.parent = parent;
    timeoutNanos = timeout(parent);
    if (timeoutNanos <= 0) {
      return callerDeadlinePassed();
    }
    return send(args, channel.headers(), timeoutNanos);
  }

  /** The channel's timeout, shortened to what is left of the caller's deadline (0 when it has passed). */
  private long timeout(OperationContext parent) {
    long timeout = channel.timeoutNanos();
    if (parent != null && parent.deadlineNanos() != Long.MAX_VALUE) {
      timeout = Math.min(timeout, Math.max(0, parent.deadlineNanos() - parent.clock().nanoTime()));
    }
    return timeout;
  }

  RuntimeException callerDeadlinePassed() {
    return new CallTimeoutException("operation " + op.name() + " was called after its caller's deadline passed");
  }

  /** Sends the call with {@code headers}, to complete within {@code timeoutNanos}; returns why it was not sent, or null. */
  private RuntimeException send(Object[] args, java.util.Map<String, String> headers, long timeoutNanos) {
    OperationContext parent = this.parent;
    if (parent != null && channel.isCallbackChannel() && !op.isOneWay()
        && parent.concurrency() == ConcurrencyMode.SINGLE && parent.gate() != null) {
      return new IllegalStateException("callback " + op.name() + " would deadlock: its reply cannot be processed until "
          + parent.operation().name() + " completes (expected: ConcurrencyMode.REENTRANT or MULTIPLE, or a one-way callback)");
    }
    IoTarget target = channel.target();
    invocation = new Invocation(op, args, headers, timeoutNanos);
    IoStatus formatted = request.formatDeviceControl(target, controlCode(op), null, null);
    if (!formatted.isSuccess()) {
      return outcome(formatted);
    }
    request.context(Invocation.KEY, invocation);
    Broadcast broadcast = channel.broadcast();
    if (broadcast != null) {
      if (!op.isOneWay()) {
        return new IllegalArgumentException("operation " + op.name() + " is request/reply (expected: only one-way"
            + " operations in a broadcast, since every endpoint would answer)");
      }
      request.context(Broadcast.KEY, broadcast);
    }
    request.setCompletionRoutine(this, null);
    SendOptions options = channel.sendOptions(timeoutNanos, synchronous);
    if (parent != null && !op.isOneWay()) {
      if (parent.concurrency() == ConcurrencyMode.REENTRANT) {
        releasedGate = parent.releaseGate();
        if (releasedGate != null) {
          releasedGate.exit();               // let other calls into the instance while this one waits
        }
      }
      forgetParent = parent.addCancelListener(this::cancel);   // a cancelled caller cancels the calls it made
    }
    ClusterConnection cluster = channel.cluster();
    if (cluster != null && !synchronous && broadcast == null && cluster.sendsDirectly(op)) {
      cluster.sendDirectly(request, op, options, timeoutNanos, this);   // no hop through the cluster's target
      return null;
    }
    if (!request.send(target, options)) {
      forgetParent.run();
      RuntimeException refused = outcome(request.status());
      if (releasedGate != null) {
        InstanceGate gate = releasedGate;
        releasedGate = null;
        CompletableFuture<Void> back = new CompletableFuture<>();
        gate.reenter(() -> {
          if (!parent.resume(gate)) {
            gate.exit();
          }
          back.complete(null);
        });
        if (synchronous) {
          back.join();                       // a blocking caller resumes holding the gate
        }
      }
      return refused;
    }
    return null;
  }

  /**
   * A call of an operation with filters: it runs through them, and what the last one forwards is sent. Its own
   * class, so that a call without filters carries none of this.
   */
  private static final class Filtered extends ClientCall {
    private final FilterChain filters;
    private long startedNanos;                       // when the call started, on the channel's clock

    Filtered(RealChannel channel, OperationDescription op, FilterChain filters) {
      super(channel, op);
      this.filters = filters;
    }

    @Override
    void start(Object[] args, Listener listener) {
      startFiltered(args, listener);
    }

    @Override
    Object call(Object[] args) {
      CompletableFuture<Object[]> done = new CompletableFuture<>();
      startFiltered(args, (r, e) -> done.complete(new Object[] {r, e}));
      Object[] outcome = done.join();
      if (outcome[1] != null) {
        throw (RuntimeException) outcome[1];
      }
      return outcome[0];
    }

    /** Runs the call through its filters, then sends what the last one forwards; {@code caller} hears the outcome. */
    private void startFiltered(Object[] args, Listener caller) {
      RealChannel channel = channel();
      OperationDescription op = operation();
      RuntimeException closed = channel.checkOpen(op);
      if (closed != null) {
        caller.completed(null, closed);         // not a call the filters can act on: nothing was started
        return;
      }
      OperationContext parent = OperationContext.find().orElse(null);
      long timeout = begin(parent);
      startedNanos = channel.clock().nanoTime();
      CallFilter.Call call = new CallFilter.Call(op, CallFilter.Side.CLIENT, args, channel.headers(),
          timeout == Invocation.NO_DEADLINE ? null : Duration.ofNanos(timeout), channel.address(), parent);
      filters.run(call, c -> sendFiltered(c, timeout)).whenComplete(
          (r, e) -> caller.completed(e == null ? r : null, e == null ? null : FilterChain.callerError(e, op)));
    }

    /** The step below the filters: sends the call they forward, with the time the call has left. */
    private CompletableFuture<Object> sendFiltered(CallFilter.Call call, long timeout) {
      CompletableFuture<Object> outcome = new CompletableFuture<>();
      Listener settle = (r, e) -> {
        if (e != null) {
          outcome.completeExceptionally(e);
        } else {
          outcome.complete(r);
        }
      };
      long left = timeout == Invocation.NO_DEADLINE ? timeout : timeout - (channel().clock().nanoTime() - startedNanos);
      RuntimeException refused;
      if (cancelled()) {                         // before the filters forwarded it
        refused = new CancellationException("call to " + operation().name() + " was cancelled");
      } else if (left <= 0) {
        refused = timeout == 0 ? callerDeadlinePassed()
            : new CallTimeoutException(operation().name(), Duration.ofNanos(timeout));
      } else {
        RuntimeException closed = channel().checkOpen(operation());
        refused = closed != null ? closed : sendWith(call.argumentArray(), call.headers(), left, settle);
      }
      if (refused != null) {
        settle.completed(null, refused);
      } else if (cancelled()) {
        cancel();                                  // cancelled while it was being sent
      }
      return outcome;
    }
  }

  static IoControlCode controlCode(OperationDescription op) {
    return op.controlCode();
  }

  @Override
  public void onCompletion(IoRequest req, IoTarget target, IoCompletionParams params, Object context) {
    ended(params.status());
  }

  @Override
  public SendOptions options(long timeoutNanos) {
    return channel.sendOptions(timeoutNanos, false);
  }

  @Override
  public boolean cancelled() {
    return cancelRequested;
  }

  @Override
  public void ended(IoStatus status) {
    forgetParent.run();
    if (status.equals(IoStatus.SUCCESS)) {
      result = invocation.reply();
    } else {
      error = outcome(status);
    }
    if (releasedGate != null && !synchronous) {
      InstanceGate gate = releasedGate;
      gate.reenter(() -> {                                    // resume inside the instance's gate
        if (!parent.resume(gate)) {
          gate.exit();
        }
        listener.completed(result, error);
      });
      return;
    }
    listener.completed(result, error);
  }

  private RuntimeException outcome(IoStatus status) {
    if (status.equals(RpcStatus.FAULT)) {
      FaultException fault = invocation == null ? null : invocation.fault();
      return fault != null ? fault : new FaultException(FaultException.INTERNAL, Dispatcher.INTERNAL_REASON, null);
    }
    if (status.equals(IoStatus.CANCELLED)) {
      return new CancellationException("call to " + op.name() + " was cancelled");
    }
    if (status.equals(IoStatus.IO_TIMEOUT)) {
      return new CallTimeoutException(op.name(), Duration.ofNanos(timeoutNanos));
    }
    if (status.equals(IoStatus.INVALID_DEVICE_STATE) || status.equals(IoStatus.DEVICE_REMOVED_NOT_SENT)) {
      if (channel.state() == CommunicationState.FAULTED) {
        return channel.checkOpen(op);          // not sent because the connection was lost: say so
      }
      String why = invocation == null ? null : invocation.failureReason();
      return new CommunicationException("call to " + op.name() + " at " + channel.address()
          + " was not delivered: " + (why != null ? why : "the channel or the endpoint is closed"), false);
    }
    if (status.equals(RpcStatus.SERVER_TOO_BUSY)) {
      return new CommunicationException("call to " + op.name() + " at " + channel.address()
          + " was refused: the server is too busy", false);
    }
    if (status.equals(RpcStatus.REPLY_UNREADABLE)) {
      // A transport failure, as WCF reports a reply it cannot deserialize: the service answered, but not in
      // the caller's terms. It ran the call, so a retry is not safe.
      return new CommunicationException("call to " + op.name() + " at " + channel.address()
          + " failed: its reply could not be read (" + invocation.failureReason() + "); the service ran it", true);
    }
    if (status.equals(RpcStatus.CONNECTION_LOST)) {
      String why = invocation == null ? null : invocation.failureReason();
      return new CommunicationException("call to " + op.name() + " at " + channel.address()
          + " lost its connection" + (why != null ? " (" + why + ")" : "") + "; the service may have run it", true);
    }
    return new CommunicationException("call to " + op.name() + " at " + channel.address() + " failed with " + status, true);
  }
}
