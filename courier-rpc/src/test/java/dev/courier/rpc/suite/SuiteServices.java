package dev.courier.rpc.suite;

import dev.courier.rpc.AsyncCallback;
import dev.courier.rpc.AsyncResult;
import dev.courier.rpc.FaultException;
import dev.courier.rpc.OperationContext;
import dev.courier.rpc.OperationShape;
import dev.courier.rpc.suite.SuiteContracts.BeginEndService;
import dev.courier.rpc.suite.SuiteContracts.DuplexBeginEndService;
import dev.courier.rpc.suite.SuiteContracts.DuplexSyncService;
import dev.courier.rpc.suite.SuiteContracts.DuplexTaskService;
import dev.courier.rpc.suite.SuiteContracts.Notifications;
import dev.courier.rpc.suite.SuiteContracts.NotificationsChannel;
import dev.courier.rpc.suite.SuiteContracts.SyncService;
import dev.courier.rpc.suite.SuiteContracts.TaskService;
import dev.courier.rpc.suite.SuiteData.DivideByZero;
import dev.courier.rpc.suite.SuiteData.Parcel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The suite's service implementations, one per service shape for each contract, and the probes through
 * which a test sees and steers what the service does.
 */
public final class SuiteServices {
  private SuiteServices() {}

  /** How long a held service waits at most before giving up on its own (every wait is bounded). */
  static final long HOLD_LIMIT_SECONDS = 10;

  // ---- probes --------------------------------------------------------------------------------------

  /** One held call ({@code hold}) or one accepted one-way message ({@code post}), seen from the service. */
  public static final class Held {
    /** Completes with the call's context when the service method starts. */
    public final CompletableFuture<OperationContext> started = new CompletableFuture<>();
    /** Completes when a listener registered with {@link OperationContext#onCancel} runs. */
    public final CompletableFuture<Void> cancelSeen = new CompletableFuture<>();
    /** Completed by the test to let the service finish. */
    public final CompletableFuture<Void> release = new CompletableFuture<>();
    /** Completes when the service method has ended, with how it ended. */
    public final CompletableFuture<String> finished = new CompletableFuture<>();

    /** The context of the started call; waits for the start (bounded). */
    public OperationContext context() throws Exception {
      return started.get(5, TimeUnit.SECONDS);
    }
  }

  /** What the test sees of a {@code Suite} service: its held calls and posted messages, by tag. */
  public static final class Probe {
    private final Map<String, Held> held = new ConcurrentHashMap<>();

    /** The held call or posted message tagged {@code tag} (created on first use, by either side). */
    public Held held(String tag) {
      return held.computeIfAbsent(tag, t -> new Held());
    }

    /** Lets every held service finish. */
    public void releaseAll() {
      held.values().forEach(h -> h.release.complete(null));
    }
  }

  /** The contract interface a {@code Suite} service of {@code shape} implements. */
  public static Class<?> suiteContract(OperationShape shape) {
    return switch (shape) {
      case SYNC -> SyncService.class;
      case TASK -> TaskService.class;
      case BEGIN_END -> BeginEndService.class;
      case EVENT -> throw new IllegalArgumentException("EVENT is a client shape only");
    };
  }

  /** A {@code Suite} service implemented in {@code shape}. */
  public static Object suiteService(OperationShape shape, Probe probe) {
    return switch (shape) {
      case SYNC -> new SyncSuite(probe);
      case TASK -> new TaskSuite(probe);
      case BEGIN_END -> new BeginEndSuite(probe);
      case EVENT -> throw new IllegalArgumentException("EVENT is a client shape only");
    };
  }

  /** What {@code echo} returns for {@code parcel} from a service of {@code shape}: a deep copy, marked; null for null. */
  public static Parcel echoed(Parcel parcel, OperationShape shape) {
    return parcel == null ? null : parcel.copy(parcel.id() + " via " + shape);
  }

  /** What {@code hold} returns when released. */
  public static String released(String tag, OperationShape shape) {
    return "released " + tag + " via " + shape;
  }

  static FaultException divideByZero(int dividend) {
    return new FaultException("cannot divide " + dividend + " by zero", new DivideByZero(dividend));
  }

  static IllegalStateException secretFailure(String secret) {
    return new IllegalStateException("the secret is " + secret);
  }

  /** Starts a held call: registers the cancel listener before reporting the start. */
  private static Held begin(Probe probe, String tag) {
    return begin(probe, tag, () -> { });
  }

  private static Held begin(Probe probe, String tag, Runnable alsoOnCancel) {
    OperationContext ctx = OperationContext.current();
    Held h = probe.held(tag);
    ctx.onCancel(() -> {
      h.cancelSeen.complete(null);
      alsoOnCancel.run();
    });
    h.started.complete(ctx);
    return h;
  }

  /** A held call as a stage: the release completes it, a cancellation fails it. */
  private static CompletableFuture<String> heldStage(Probe probe, String tag, OperationShape shape) {
    CompletableFuture<String> result = new CompletableFuture<>();
    Held h = begin(probe, tag, () -> result.completeExceptionally(new CancellationException("cancelled")));
    h.release.thenRun(() -> result.complete(released(tag, shape)));
    result.whenComplete((v, e) -> h.finished.complete(e == null ? "returned" : "cancelled"));
    return result;
  }

  /** A posted one-way message as a stage: the release fails it (the failure must not reach the caller). */
  private static CompletableFuture<Void> postStage(Probe probe, String message) {
    Held h = begin(probe, message);
    return h.release.thenApply(v -> {
      h.finished.complete("threw");
      throw secretFailure("post " + message);
    });
  }

  private static void await(CompletableFuture<?> release, OperationContext ctx) {
    try {
      CompletableFuture.anyOf(release, ctx.cancellation().toCompletableFuture()).get(HOLD_LIMIT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("held call was neither released nor cancelled", e);
    }
  }

  /** {@code Suite}, synchronous. */
  public static final class SyncSuite implements SyncService {
    private final Probe probe;

    SyncSuite(Probe probe) {
      this.probe = probe;
    }

    @Override
    public Parcel echo(Parcel parcel) {
      return echoed(parcel, OperationShape.SYNC);
    }

    @Override
    public int divide(int dividend, int divisor) {
      if (divisor == 0) {
        throw divideByZero(dividend);
      }
      return dividend / divisor;
    }

    @Override
    public String explode(String secret) {
      throw secretFailure(secret);
    }

    @Override
    public String hold(String tag) {
      Held h = begin(probe, tag);
      OperationContext ctx = OperationContext.current();
      await(h.release, ctx);
      h.finished.complete(ctx.isCancelled() ? "cancelled" : "returned");
      return released(tag, OperationShape.SYNC);
    }

    @Override
    public void post(String message) {
      Held h = begin(probe, message);
      await(h.release, OperationContext.current());
      h.finished.complete("threw");
      throw secretFailure("post " + message);
    }
  }

  /** {@code Suite}, with {@code CompletionStage}s. */
  public static final class TaskSuite implements TaskService {
    private final Probe probe;

    TaskSuite(Probe probe) {
      this.probe = probe;
    }

    @Override
    public CompletionStage<Parcel> echoAsync(Parcel parcel) {
      return CompletableFuture.completedFuture(echoed(parcel, OperationShape.TASK));
    }

    @Override
    public CompletionStage<Integer> divideAsync(int dividend, int divisor) {
      return divisor == 0 ? CompletableFuture.failedFuture(divideByZero(dividend))
          : CompletableFuture.completedFuture(dividend / divisor);
    }

    @Override
    public CompletionStage<String> explodeAsync(String secret) {
      return CompletableFuture.failedFuture(secretFailure(secret));
    }

    @Override
    public CompletionStage<String> holdAsync(String tag) {
      return heldStage(probe, tag, OperationShape.TASK);
    }

    @Override
    public CompletionStage<Void> postAsync(String message) {
      return postStage(probe, message);
    }
  }

  /** {@code Suite}, as Begin/End pairs built with {@link AsyncResult#of}. */
  public static final class BeginEndSuite implements BeginEndService {
    private final Probe probe;

    BeginEndSuite(Probe probe) {
      this.probe = probe;
    }

    @Override
    public AsyncResult beginEcho(Parcel parcel, AsyncCallback callback, Object state) {
      return AsyncResult.of(CompletableFuture.completedFuture(echoed(parcel, OperationShape.BEGIN_END)), callback, state);
    }

    @Override
    public Parcel endEcho(AsyncResult result) {
      return (Parcel) result.join();
    }

    @Override
    public AsyncResult beginDivide(int dividend, int divisor, AsyncCallback callback, Object state) {
      CompletableFuture<Integer> f = divisor == 0 ? CompletableFuture.failedFuture(divideByZero(dividend))
          : CompletableFuture.completedFuture(dividend / divisor);
      return AsyncResult.of(f, callback, state);
    }

    @Override
    public int endDivide(AsyncResult result) {
      return (Integer) result.join();
    }

    @Override
    public AsyncResult beginExplode(String secret, AsyncCallback callback, Object state) {
      return AsyncResult.of(CompletableFuture.failedFuture(secretFailure(secret)), callback, state);
    }

    @Override
    public String endExplode(AsyncResult result) {
      return (String) result.join();     // throws the undeclared exception
    }

    @Override
    public AsyncResult beginHold(String tag, AsyncCallback callback, Object state) {
      return AsyncResult.of(heldStage(probe, tag, OperationShape.BEGIN_END), callback, state);
    }

    @Override
    public String endHold(AsyncResult result) {
      return (String) result.join();
    }

    @Override
    public AsyncResult beginPost(String message, AsyncCallback callback, Object state) {
      return AsyncResult.of(postStage(probe, message), callback, state);
    }

    @Override
    public void endPost(AsyncResult result) {
      result.join();
    }
  }

  // ---- Duplex --------------------------------------------------------------------------------------

  /** The contract interface a {@code Duplex} service of {@code shape} implements. */
  public static Class<?> duplexContract(OperationShape shape) {
    return switch (shape) {
      case SYNC -> DuplexSyncService.class;
      case TASK -> DuplexTaskService.class;
      case BEGIN_END -> DuplexBeginEndService.class;
      case EVENT -> throw new IllegalArgumentException("EVENT is a client shape only");
    };
  }

  /** A {@code Duplex} service implemented in {@code shape}. */
  public static DuplexService duplexService(OperationShape shape) {
    return switch (shape) {
      case SYNC -> new DuplexSync();
      case TASK -> new DuplexTask();
      case BEGIN_END -> new DuplexBeginEnd();
      case EVENT -> throw new IllegalArgumentException("EVENT is a client shape only");
    };
  }

  /** What {@code greet} returns for {@code name} when the client decorates it as {@link RecordingNotifications} does. */
  public static String greeting(String name, OperationShape shape) {
    return "hello " + RecordingNotifications.decorated(name) + " via " + shape;
  }

  /**
   * A {@code Duplex} service: {@code greet} calls the caller's {@code decorate} during the call (in the
   * service's own shape) and keeps the callback proxy, through which {@link #announce} notifies later.
   */
  public abstract static class DuplexService {
    private final List<NotificationsChannel> callers = new CopyOnWriteArrayList<>();
    /** Each {@code greet} call, by the name it greets: its context and whether it saw a cancellation. */
    public final Probe probe = new Probe();

    /** Records the call, then returns the callback proxy of the current call, kept for later notifications. */
    NotificationsChannel keepCallback(String name) {
      begin(probe, name);
      NotificationsChannel callback = OperationContext.current().callback(NotificationsChannel.class);
      callers.add(callback);
      return callback;
    }

    /** Sends {@code news} one-way to every caller seen so far, from outside any call. */
    public void announce(String news) {
      if (callers.isEmpty()) {
        throw new IllegalStateException("no caller has greeted the service yet");
      }
      for (NotificationsChannel c : callers) {
        c.announce(news);
      }
    }
  }

  static final class DuplexSync extends DuplexService implements DuplexSyncService {
    @Override
    public String greet(String name) {
      return "hello " + keepCallback(name).decorate(name) + " via " + OperationShape.SYNC;
    }
  }

  static final class DuplexTask extends DuplexService implements DuplexTaskService {
    @Override
    public CompletionStage<String> greetAsync(String name) {
      return keepCallback(name).decorateAsync(name).thenApply(d -> "hello " + d + " via " + OperationShape.TASK);
    }
  }

  static final class DuplexBeginEnd extends DuplexService implements DuplexBeginEndService {
    @Override
    public AsyncResult beginGreet(String name, AsyncCallback callback, Object state) {
      NotificationsChannel cb = keepCallback(name);
      CompletableFuture<String> greeting = new CompletableFuture<>();
      cb.beginDecorate(name, r -> {
        try {
          greeting.complete("hello " + cb.endDecorate(r) + " via " + OperationShape.BEGIN_END);
        } catch (RuntimeException e) {
          greeting.completeExceptionally(e);
        }
      }, null);
      return AsyncResult.of(greeting, callback, state);
    }

    @Override
    public String endGreet(AsyncResult result) {
      return (String) result.join();
    }
  }

  /**
   * The client's callback object: decorates synchronously and queues the announcements it receives. A
   * text starting with {@value #HOLD} is held: {@code decorate} waits until the test releases it or the
   * callback call is cancelled, and reports both through {@link #probe}.
   */
  public static final class RecordingNotifications implements Notifications {
    /** The prefix of a text whose decoration the callback object holds. */
    public static final String HOLD = "hold:";
    /** The texts {@code decorate} was called with. */
    public final List<String> decorated = new CopyOnWriteArrayList<>();
    /** The announcements received, in order. */
    public final BlockingQueue<String> announcements = new LinkedBlockingQueue<>();
    /** Held decorations, by text. */
    public final Probe probe = new Probe();

    static String decorated(String text) {
      return "[" + text + "]";
    }

    @Override
    public String decorate(String text) {
      decorated.add(text);
      if (text.startsWith(HOLD)) {
        Held h = begin(probe, text);
        OperationContext ctx = OperationContext.current();
        await(h.release, ctx);
        h.finished.complete(ctx.isCancelled() ? "cancelled" : "returned");
      }
      return decorated(text);
    }

    @Override
    public void announce(String news) {
      announcements.add(news);
    }
  }
}
