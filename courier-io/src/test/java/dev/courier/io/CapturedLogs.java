package dev.courier.io;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Captures the framework's log records (System.Logger, which goes to java.util.logging) during each test
 * of every module, so that a test asserts the records it expects instead of printing them: registered
 * like {@link CallbackFailures}.
 *
 * <p>While a test runs, every record reaching the root logger is kept, not printed. A test takes the
 * records it expects with {@link #take()} and asserts them. Records the test did not take are printed at
 * its end on the console's handlers, under the test's name, so an unexpected warning stays visible;
 * records outside any test are printed as they come.
 */
public final class CapturedLogs implements BeforeEachCallback, AfterEachCallback {
  private static final Logger ROOT = Logger.getLogger("");
  private static final List<LogRecord> RECORDS = new ArrayList<>();
  private static final Capture CAPTURE = new Capture();
  private static Handler[] console;
  private static boolean capturing;

  /** Removes the console's handlers from the root logger and puts the capture in their place, once. */
  private static synchronized void install() {
    if (console == null) {
      console = ROOT.getHandlers();
      for (Handler h : console) {
        ROOT.removeHandler(h);
      }
      ROOT.addHandler(CAPTURE);
    }
  }

  /** The records logged so far in this test, removed, oldest first. */
  public static List<LogRecord> take() {
    synchronized (RECORDS) {
      List<LogRecord> taken = List.copyOf(RECORDS);
      RECORDS.clear();
      return taken;
    }
  }

  /** The records logged so far in this test whose message starts with {@code prefix}, removed; the others stay. */
  public static List<LogRecord> take(String prefix) {
    synchronized (RECORDS) {
      List<LogRecord> taken = new ArrayList<>();
      RECORDS.removeIf(r -> r.getMessage() != null && r.getMessage().startsWith(prefix) && taken.add(r));
      return List.copyOf(taken);
    }
  }

  /**
   * Waits (at most {@link Eventually#LIMIT}) until {@code count} records whose message starts with
   * {@code prefix} were logged in this test, for records logged on another thread; then takes those.
   */
  public static List<LogRecord> take(String prefix, int count) {
    Eventually.until(() -> {
      synchronized (RECORDS) {
        return RECORDS.stream().filter(r -> r.getMessage() != null && r.getMessage().startsWith(prefix)).count() >= count;
      }
    }, count + " log record(s) starting with \"" + prefix + "\"");
    return take(prefix);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    install();
    synchronized (RECORDS) {
      RECORDS.clear();
      capturing = true;
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    List<LogRecord> left;
    synchronized (RECORDS) {
      capturing = false;
      left = List.copyOf(RECORDS);
      RECORDS.clear();
    }
    if (!left.isEmpty()) {
      LogRecord header = new LogRecord(Level.WARNING, left.size() + " log record(s) not asserted by "
          + context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName()
          + " " + context.getDisplayName() + ":");
      header.setLoggerName(CapturedLogs.class.getName());
      print(header);
      left.forEach(CapturedLogs::print);
    }
  }

  private static void print(LogRecord r) {
    for (Handler h : console) {
      h.publish(r);
      h.flush();
    }
  }

  private static final class Capture extends Handler {
    @Override
    public void publish(LogRecord r) {
      synchronized (RECORDS) {
        if (capturing) {
          RECORDS.add(r);
          return;
        }
      }
      print(r);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
