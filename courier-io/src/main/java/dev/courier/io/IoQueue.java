package dev.courier.io;

import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * A device queue that presents requests to handlers, one kind of request to one handler
 * ({@code WDFQUEUE} with {@code EvtIoRead}, {@code EvtIoWrite}, {@code EvtIoDeviceControl}, ...).
 *
 * <pre>{@code
 * IoQueue queue = IoQueue.sequential()
 *     .onDeviceControl((q, request) -> request.complete(IoStatus.SUCCESS, fill(request.outputBuffer())))
 *     .build();
 * }</pre>
 *
 * <ul>
 *   <li>{@link Dispatch#SEQUENTIAL}: one request at a time; the next is presented when the handler has
 *       completed (or forwarded and forgotten) the current one.
 *   <li>{@link Dispatch#PARALLEL}: every request is presented as it arrives.
 *   <li>{@link Dispatch#MANUAL}: requests wait until the driver calls {@link #retrieveNextRequest()}.
 * </ul>
 *
 * <p>Threading: handlers run on the thread that delivers the request (usually the sender's thread,
 * inside {@code send}) or, for a sequential queue, on the thread that completed the previous request,
 * unless an executor is set. They must not block. A request waiting in the queue can be cancelled by
 * its sender; it then completes with {@link IoStatus#CANCELLED} and is never presented. A handler that
 * throws has its request completed with {@link IoStatus#UNSUCCESSFUL}, unless it completed or forwarded
 * it already.
 */
public final class IoQueue {

  /** How a queue presents requests ({@code WDF_IO_QUEUE_DISPATCH_TYPE}). */
  public enum Dispatch {
    /** One request at a time. */
    SEQUENTIAL,
    /** As many at a time as arrive. */
    PARALLEL,
    /** Only when the driver asks. */
    MANUAL
  }

  /** Handles a presented request: completes it, forwards it, or keeps it (marked cancelable) for later. */
  @FunctionalInterface
  public interface Handler {
    /** Handles {@code request}, presented by {@code queue}. */
    void onRequest(IoQueue queue, IoRequest request);
  }

  private final Dispatch dispatch;
  private final Map<IoRequestType, Handler> handlers;
  private final Handler defaultHandler;
  private final Executor executor;
  private final Object lock = new Object();
  private final ArrayDeque<RealIoRequest> waiting = new ArrayDeque<>();
  private final CancelRoutine waitingCancel = this::cancelWaiting;
  private final PresentationOwner owner = this::finished;
  // guarded by lock
  private RealIoRequest busy;
  private boolean draining;

  private IoQueue(Builder b) {
    this.dispatch = b.dispatch;
    this.handlers = new EnumMap<>(b.handlers);
    this.defaultHandler = b.defaultHandler;
    this.executor = b.executor;
  }

  /** A builder for a sequential queue. */
  public static Builder sequential() {
    return new Builder(Dispatch.SEQUENTIAL);
  }

  /** A builder for a parallel queue. */
  public static Builder parallel() {
    return new Builder(Dispatch.PARALLEL);
  }

  /** A builder for a manual queue. */
  public static Builder manual() {
    return new Builder(Dispatch.MANUAL);
  }

  /** How this queue presents requests. */
  public Dispatch dispatch() {
    return dispatch;
  }

  /** Whether this queue has a handler for requests of {@code type}. */
  public boolean handles(IoRequestType type) {
    return dispatch == Dispatch.MANUAL || handlers.containsKey(type) || defaultHandler != null;
  }

  /** How many requests wait to be presented or retrieved. */
  public int size() {
    synchronized (lock) {
      return waiting.size();
    }
  }

  /**
   * Takes the next waiting request from a manual queue, or returns {@code null} when none waits. The
   * caller owns it and completes it.
   */
  public IoRequest retrieveNextRequest() {
    if (dispatch != Dispatch.MANUAL) {
      throw new IllegalStateException("retrieveNextRequest: queue is " + dispatch + " (expected: MANUAL)");
    }
    for (;;) {
      synchronized (lock) {   // claimed under the lock: see drain()
        RealIoRequest next = waiting.poll();
        if (next == null) {
          return null;
        }
        if (next.removeCancelRoutine(waitingCancel)) {
          return next;
        }
      }
      // being cancelled: its cancel routine completes it
    }
  }

  void present(RealIoRequest request) {
    request.setOwner(owner);
    if (dispatch == Dispatch.PARALLEL) {
      if (executor == null) {
        invoke(request);
      } else {
        executor.execute(() -> invoke(request));
      }
      return;
    }
    boolean queued;
    synchronized (lock) {
      queued = request.installCancelRoutine(waitingCancel);
      if (queued) {
        waiting.add(request);
      }
    }
    if (!queued) {
      request.complete(IoStatus.CANCELLED);
      return;
    }
    if (dispatch == Dispatch.SEQUENTIAL) {
      drain();
    }
  }

  private void drain() {
    for (;;) {
      RealIoRequest next;
      synchronized (lock) {
        if (draining || busy != null || waiting.isEmpty()) {
          return;
        }
        // The cancel routine is claimed under the lock that installs it: a cancel taking it first must remove the
        // request here before completing it, so no resend of the same sender (a new presentation, installing the
        // same waitingCancel) can be waiting yet, and the claim never takes the resend's routine.
        next = waiting.poll();
        if (!next.removeCancelRoutine(waitingCancel)) {
          continue;   // being cancelled: its cancel routine completes it
        }
        busy = next;
        draining = true;
      }
      try {
        if (executor == null) {
          invoke(next);
        } else {
          executor.execute(() -> invoke(next));
        }
      } finally {
        synchronized (lock) {
          draining = false;
        }
      }
    }
  }

  private void finished(RealIoRequest request) {
    if (dispatch != Dispatch.SEQUENTIAL) {
      return;
    }
    synchronized (lock) {
      if (busy != request) {
        return;
      }
      busy = null;
    }
    drain();
  }

  private void cancelWaiting(IoRequest request) {
    synchronized (lock) {
      waiting.remove(request);
    }
    request.complete(IoStatus.CANCELLED);
  }

  /**
   * Presents {@code request} to its handler. Until this returns, the object is not presented again for its
   * sender's next send: a handler that completes it and then throws has it completed by {@link #handle}
   * only if it is still this send's.
   */
  private void invoke(RealIoRequest request) {
    request.enterFrame();
    try {
      handle(request);
    } finally {
      request.exitFrame();
    }
  }

  private void handle(RealIoRequest request) {
    Handler handler = handlers.getOrDefault(request.type(), defaultHandler);
    if (handler == null) {
      request.complete(IoStatus.INVALID_DEVICE_REQUEST);
      return;
    }
    try {
      handler.onRequest(this, request);
    } catch (RuntimeException | Error e) {
      CallbackFailureHandler.report("queue handler for " + request + " (the request is completed with STATUS_UNSUCCESSFUL)", e);
      request.completeIfOwned(IoStatus.UNSUCCESSFUL);
    }
  }

  @Override
  public String toString() {
    return "IoQueue[" + dispatch + ", handlers=" + handlers.keySet() + "]";
  }

  /** Builds an {@link IoQueue}. */
  public static final class Builder {
    private final Dispatch dispatch;
    private final Map<IoRequestType, Handler> handlers = new EnumMap<>(IoRequestType.class);
    private Handler defaultHandler;
    private Executor executor;

    private Builder(Dispatch dispatch) {
      this.dispatch = dispatch;
    }

    /** Handles reads ({@code EvtIoRead}). */
    public Builder onRead(Handler handler) {
      return on(IoRequestType.READ, handler);
    }

    /** Handles writes ({@code EvtIoWrite}). */
    public Builder onWrite(Handler handler) {
      return on(IoRequestType.WRITE, handler);
    }

    /** Handles device-control requests ({@code EvtIoDeviceControl}). */
    public Builder onDeviceControl(Handler handler) {
      return on(IoRequestType.DEVICE_CONTROL, handler);
    }

    /** Handles internal device-control requests, with or without opaque arguments ({@code EvtIoInternalDeviceControl}). */
    public Builder onInternalDeviceControl(Handler handler) {
      on(IoRequestType.DEVICE_CONTROL_INTERNAL, handler);
      return on(IoRequestType.OTHER, handler);
    }

    /** Handles every kind of request that has no handler of its own ({@code EvtIoDefault}). */
    public Builder onDefault(Handler handler) {
      this.defaultHandler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /** Runs handlers on {@code executor} instead of the delivering thread. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    private Builder on(IoRequestType type, Handler handler) {
      handlers.put(type, Objects.requireNonNull(handler, "handler"));
      return this;
    }

    /** The queue. */
    public IoQueue build() {
      if (dispatch != Dispatch.MANUAL && handlers.isEmpty() && defaultHandler == null) {
        throw new IllegalStateException(dispatch + " queue has no handler (expected: at least one on... handler)");
      }
      return new IoQueue(this);
    }
  }
}
