package dev.courier.io.internal;

import dev.courier.io.CallbackFailureHandler;
import java.util.Objects;

/** Holds the JVM's {@link CallbackFailureHandler} and reports to it. */
public final class CallbackFailureSlot {
  private static final System.Logger LOG = System.getLogger(CallbackFailureHandler.class.getName());

  /** Hands the failure to the uncaught-exception handler of the thread the callback threw on. */
  private static final CallbackFailureHandler UNCAUGHT = (callback, failure) -> {
    Thread thread = Thread.currentThread();
    thread.getUncaughtExceptionHandler().uncaughtException(thread, failure);
  };

  private static volatile CallbackFailureHandler handler = UNCAUGHT;

  private CallbackFailureSlot() {}

  /** The handler in force. */
  public static CallbackFailureHandler current() {
    return handler;
  }

  /** Sets the handler; {@code null} restores the default. */
  public static void set(CallbackFailureHandler next) {
    handler = next == null ? UNCAUGHT : next;
  }

  /** Reports one failure to the handler in force; what the handler throws is logged and dropped. */
  public static void report(String callback, Throwable failure) {
    Objects.requireNonNull(callback, "callback");
    Objects.requireNonNull(failure, "failure");
    try {
      handler.callbackFailed(callback, failure);
    } catch (RuntimeException | Error e) {
      if (e != failure) {                     // a handler may rethrow what it was given
        e.addSuppressed(failure);
      }
      LOG.log(System.Logger.Level.ERROR, "callback failure handler threw while handling a failure of " + callback, e);
    }
  }
}
