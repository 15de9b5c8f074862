package dev.courier.io;

import dev.courier.io.internal.CallbackFailureSlot;

/**
 * Where an exception thrown by user code that the framework calls back goes, when no caller is left to
 * receive it (as {@link Thread#setDefaultUncaughtExceptionHandler} does for threads).
 *
 * <pre>{@code
 * CallbackFailureHandler.setDefault((callback, failure) -> metrics.count(callback, failure));
 * }</pre>
 *
 * <p>The callbacks reported here: completion routines, cancel routines, queue handlers, a driver's
 * {@code dispatch} and {@code onClose}, and tasks on the framework's timer (courier-io); and, in
 * courier-rpc, cancellation listeners, completed listeners of event-based calls, Begin/End
 * {@code AsyncCallback}s, one-way operations of services and of duplex callback contracts (nobody is
 * waiting for their outcome), and a service instance's {@code close}. An exception from a request-reply
 * operation is not reported here: it is the caller's fault or error.
 *
 * <p>After the handler returns, the framework goes on as it would have: a request whose routine threw is
 * completed regardless, a request whose handler, driver or cancel routine threw and still owns it is
 * completed with the status that routine's Javadoc names.
 *
 * <p>Threading: the handler runs on the thread the callback threw on (a sending, completing, timer, I/O
 * or executor thread), right after it threw, with no framework lock held. It must not block. What the
 * handler itself throws is logged ({@link System.Logger}, level ERROR) and dropped.
 */
@FunctionalInterface
public interface CallbackFailureHandler {

  /**
   * Handles one exception thrown by a callback.
   *
   * @param callback which callback threw, in words: for example
   *     {@code "completion routine of IoRequest[READ ...]"}
   * @param failure what it threw
   */
  void callbackFailed(String callback, Throwable failure);

  /**
   * The handler that every callback failure goes to: the one last set, or, when none is, one that hands
   * the failure to the current thread's {@link Thread#getUncaughtExceptionHandler() uncaught-exception
   * handler} (which, unless set, prints it to {@code System.err}).
   */
  static CallbackFailureHandler current() {
    return CallbackFailureSlot.current();
  }

  /** Sets the handler for every callback failure of this JVM; {@code null} restores the default. */
  static void setDefault(CallbackFailureHandler handler) {
    CallbackFailureSlot.set(handler);
  }

  /**
   * Reports a failure to the {@link #current()} handler, on this thread; for the framework's layers and for
   * drivers that call user code themselves. Throws nothing but for a null argument.
   *
   * @throws NullPointerException when {@code callback} or {@code failure} is null
   */
  static void report(String callback, Throwable failure) {
    CallbackFailureSlot.report(callback, failure);
  }
}
