package dev.courier.io;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when a callback threw during it: installed for every test of every module (registered
 * through {@code META-INF/services} and {@code junit-platform.properties} in courier-io's test-jar), it
 * sets a {@link CallbackFailureHandler} that records each failure, and fails the test at its end with
 * the first one. An assertion inside a completion routine, a handler or a listener thus fails its test.
 *
 * <p>A test that makes a callback throw on purpose takes the failures with {@link #take()} and asserts them.
 * Failures after a test's end go to the default handler (the thread's uncaught-exception handler: printed).
 */
public final class CallbackFailures implements BeforeEachCallback, AfterEachCallback {
  /** One recorded failure: which callback threw, and what. */
  public record Failure(String callback, Throwable failure) {}

  private static final List<Failure> RECORDED = new ArrayList<>();
  private static final CallbackFailureHandler RECORDER = (callback, failure) -> {
    synchronized (RECORDED) {
      RECORDED.add(new Failure(callback, failure));
    }
  };

  /** The failures recorded so far in this test, removed: a test asserts the failures it caused. */
  public static List<Failure> take() {
    synchronized (RECORDED) {
      List<Failure> taken = List.copyOf(RECORDED);
      RECORDED.clear();
      return taken;
    }
  }

  /** Waits (at most {@link Eventually#LIMIT}) until {@code count} failures are recorded, then takes them all. */
  public static List<Failure> take(int count) {
    Eventually.until(() -> {
      synchronized (RECORDED) {
        return RECORDED.size() >= count;
      }
    }, count + " callback failure(s)");
    return take();
  }

  /** The handler this extension installs for each test (for a test that replaces it and puts it back). */
  public static CallbackFailureHandler recorder() {
    return RECORDER;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    take();
    CallbackFailureHandler.setDefault(RECORDER);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    CallbackFailureHandler.setDefault(null);
    List<Failure> left = new ArrayList<>(take());
    if (left.isEmpty()) {
      return;
    }
    Failure first = left.getFirst();
    AssertionError error = new AssertionError(left.size() + " callback(s) threw during the test; the first, "
        + first.callback() + ", threw " + first.failure(), first.failure());
    for (Failure f : left.subList(1, left.size())) {
      error.addSuppressed(f.failure());
    }
    throw error;
  }
}
