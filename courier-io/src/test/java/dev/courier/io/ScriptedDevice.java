package dev.courier.io;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The scriptable backend of the KMDF cases: an in-process device whose handler completes at once, or
 * holds requests for the test to complete later, honouring a cancel or ignoring it.
 */
final class ScriptedDevice {

  /** What the handler does with a presented request. */
  enum Mode {
    /** Complete at once with {@link #completeStatus} and {@link #completeInformation}. */
    COMPLETE,
    /** Hold it, marked cancelable: a cancel completes it with {@link #cancelStatus} and {@link #cancelInformation}. */
    HOLD_HONOUR_CANCEL,
    /** Hold it and ignore cancels. */
    HOLD_IGNORE_CANCEL
  }

  /** A copy of what the handler saw. */
  record Seen(IoRequestType type, long length, long deviceOffset, IoControlCode code,
      long inputLength, long outputLength) {}

  volatile Mode mode = Mode.COMPLETE;
  volatile IoStatus completeStatus = IoStatus.SUCCESS;
  volatile long completeInformation;
  volatile IoStatus cancelStatus = IoStatus.CANCELLED;
  volatile long cancelInformation;
  /** Runs on each presented request before the mode acts on it (to read or fill its buffers); null for none. */
  volatile Consumer<IoRequest> onPresented;
  final List<Seen> seen = new ArrayList<>();
  final BlockingQueue<IoRequest> held = new LinkedBlockingQueue<>();
  final IoDevice device;

  ScriptedDevice(String name) {
    this(name, IoQueue.Dispatch.PARALLEL);
  }

  ScriptedDevice(String name, IoQueue.Dispatch dispatch) {
    IoQueue.Builder b = switch (dispatch) {
      case PARALLEL -> IoQueue.parallel();
      case SEQUENTIAL -> IoQueue.sequential();
      case MANUAL -> IoQueue.manual();
    };
    device = IoDevice.builder(name).defaultQueue(b.onDefault(this::handle).build()).build();
  }

  IoTarget openTarget(IoClock clock) {
    return device.openTarget(clock);
  }

  /**
   * A target of a device of its own whose one queue, parallel, takes every request to {@code handler}: a
   * filter, or a device a test scripts inline.
   */
  static IoTarget handlerTarget(String name, IoClock clock, IoQueue.Handler handler) {
    return IoDevice.builder(name).defaultQueue(IoQueue.parallel().onDefault(handler).build()).build().openTarget(clock);
  }

  /**
   * Forwards a presented request to {@code lower} as it is (a passthrough format) with {@code routine};
   * completes it with the refusal's status when {@code lower} does not accept it.
   */
  static void forwardAsIs(IoRequest presented, IoTarget lower, CompletionRoutine<Object> routine) {
    presented.formatUsingCurrentType();
    presented.setCompletionRoutine(routine, null);
    if (!presented.send(lower)) {
      presented.complete(presented.status());
    }
  }

  private void handle(IoQueue queue, IoRequest request) {
    synchronized (seen) {
      seen.add(new Seen(request.type(), request.length(), request.deviceOffset(), request.ioControlCode(),
          request.inputLength(), request.outputLength()));
    }
    Consumer<IoRequest> hook = onPresented;
    if (hook != null) {
      hook.accept(request);
    }
    switch (mode) {
      case COMPLETE -> request.complete(completeStatus, completeInformation);
      case HOLD_HONOUR_CANCEL -> {
        if (request.markCancelable(r -> r.complete(cancelStatus, cancelInformation)).equals(IoStatus.CANCELLED)) {
          request.complete(cancelStatus, cancelInformation);
        } else {
          held.add(request);
        }
      }
      case HOLD_IGNORE_CANCEL -> held.add(request);
    }
  }

  List<Seen> seen() {
    synchronized (seen) {
      return List.copyOf(seen);
    }
  }

  /** The next held request, waiting up to 5 s for it. */
  IoRequest nextHeld() throws InterruptedException {
    IoRequest r = held.poll(5, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("no request reached the device within 5 s");
    }
    return r;
  }

  /**
   * Completes a held request, unless a cancel has claimed it (then the cancel routine completes it).
   * Returns whether this call completed it.
   */
  static boolean completeHeld(IoRequest request, IoStatus status, long information) {
    try {
      if (request.unmarkCancelable().equals(IoStatus.CANCELLED)) {
        return false;
      }
    } catch (IllegalStateException notMarkedOrGone) {
      // held without a cancel routine (HOLD_IGNORE_CANCEL); a racing cancel gives CANCELLED, never a throw
    }
    try {
      request.complete(status, information);
      return true;
    } catch (IllegalStateException completedByCancel) {
      return false;   // a racing cancel routine completed it first (complete's state change is atomic)
    }
  }
}
