package dev.courier.io.spi;

import dev.courier.io.IoControlCode;
import dev.courier.io.IoRequest;
import dev.courier.io.IoRequestType;
import dev.courier.io.IoStatus;

/**
 * The driver behind a target: it receives each delivered request as a presented {@link IoRequest} and
 * completes it exactly once, or forwards it. New kinds of target (channels, sockets) implement this and
 * get the whole target state machine from {@link dev.courier.io.IoTargets#create}.
 *
 * <pre>{@code
 * IoDriver echo = request -> request.complete(IoStatus.SUCCESS, request.length());
 * IoTarget target = IoTargets.create("echo", echo, IoClock.system());
 * }</pre>
 *
 * <p>Threading: {@link #dispatch} is called with no framework lock held, on the sending thread (or the
 * thread that starts a stopped target; for a send nested in more than 16 deliveries on one thread, such
 * as a long chain of resends from completion routines, after the outermost delivery has returned). It
 * must not block: hand slow work to another thread and complete the request from there. To let a
 * sender's cancel reach a request it holds, a driver marks it cancelable ({@link IoRequest#markCancelable}).
 */
@FunctionalInterface
public interface IoDriver {

  /** Takes a delivered request; the driver now owns it until it completes or forwards it. */
  void dispatch(IoRequest request);

  /**
   * Whether a request of this kind can be formatted for, or moved to, a target of this driver. Returns
   * {@link IoStatus#SUCCESS}, or the status the format or change of target reports.
   */
  default IoStatus accepts(IoRequestType type, IoControlCode code) {
    return IoStatus.SUCCESS;
  }

  /** Called when a closed target is opened again; a failure status keeps it closed. */
  default IoStatus onOpen() {
    return IoStatus.SUCCESS;
  }

  /** Called once a closing or deleting target has drained. */
  default void onClose() {}
}
