package dev.courier.rpc.suite;

import dev.courier.rpc.AsyncCallback;
import dev.courier.rpc.AsyncResult;
import dev.courier.rpc.CompletedListener;
import dev.courier.rpc.FaultContract;
import dev.courier.rpc.Operation;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.suite.SuiteData.DivideByZero;
import dev.courier.rpc.suite.SuiteData.Parcel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The contracts of the suite. Two contracts, each declared several times with one name: once per service
 * shape (what a host implements) and once for clients, declaring every client shape of every operation.
 *
 * <ul>
 *   <li>{@code Suite} (request/reply and one-way): {@code echo} (data contracts), {@code divide} (a declared
 *       fault), {@code explode} (an undeclared exception), {@code hold} (held by the service until the test
 *       releases it or the caller cancels), {@code post} (one-way).
 *   <li>{@code Duplex} with the callback contract {@code Notifications}: {@code greet} calls back during
 *       the call ({@code decorate}, request/reply) and keeps the callback proxy for later
 *       ({@code announce}, one-way).
 * </ul>
 */
public final class SuiteContracts {
  private SuiteContracts() {}

  /** The namespace of every suite contract. */
  public static final String NS = "urn:courier:suite";

  // ---- Suite: services, one per shape -------------------------------------------------------------

  /** {@code Suite} implemented synchronously. */
  @ServiceContract(name = "Suite", namespace = NS)
  public interface SyncService {
    Parcel echo(Parcel parcel);

    @FaultContract(DivideByZero.class)
    int divide(int dividend, int divisor);

    String explode(String secret);

    String hold(String tag);

    @Operation(oneWay = true)
    void post(String message);
  }

  /** {@code Suite} implemented with {@code CompletionStage}s. */
  @ServiceContract(name = "Suite", namespace = NS)
  public interface TaskService {
    CompletionStage<Parcel> echoAsync(Parcel parcel);

    @FaultContract(DivideByZero.class)
    CompletionStage<Integer> divideAsync(int dividend, int divisor);

    CompletionStage<String> explodeAsync(String secret);

    CompletionStage<String> holdAsync(String tag);

    @Operation(oneWay = true)
    CompletionStage<Void> postAsync(String message);
  }

  /** {@code Suite} implemented as Begin/End pairs. */
  @ServiceContract(name = "Suite", namespace = NS)
  public interface BeginEndService {
    AsyncResult beginEcho(Parcel parcel, AsyncCallback callback, Object state);

    Parcel endEcho(AsyncResult result);

    @FaultContract(DivideByZero.class)
    AsyncResult beginDivide(int dividend, int divisor, AsyncCallback callback, Object state);

    int endDivide(AsyncResult result);

    AsyncResult beginExplode(String secret, AsyncCallback callback, Object state);

    String endExplode(AsyncResult result);

    AsyncResult beginHold(String tag, AsyncCallback callback, Object state);

    String endHold(AsyncResult result);

    @Operation(oneWay = true)
    AsyncResult beginPost(String message, AsyncCallback callback, Object state);

    void endPost(AsyncResult result);
  }

  // ---- Suite: the client, every shape of every operation -------------------------------------------

  /** {@code Suite} as a client sees it: SYNC, TASK, BEGIN_END and EVENT for every operation. */
  @ServiceContract(name = "Suite", namespace = NS)
  public interface Client {
    Parcel echo(Parcel parcel);

    CompletableFuture<Parcel> echoAsync(Parcel parcel);

    AsyncResult beginEcho(Parcel parcel, AsyncCallback callback, Object state);

    Parcel endEcho(AsyncResult result);

    void echoAsync(Parcel parcel, Object userState);

    void onEchoCompleted(CompletedListener<Parcel> listener);

    @FaultContract(DivideByZero.class)
    int divide(int dividend, int divisor);

    CompletableFuture<Integer> divideAsync(int dividend, int divisor);

    AsyncResult beginDivide(int dividend, int divisor, AsyncCallback callback, Object state);

    int endDivide(AsyncResult result);

    void divideAsync(int dividend, int divisor, Object userState);

    void onDivideCompleted(CompletedListener<Integer> listener);

    String explode(String secret);

    CompletableFuture<String> explodeAsync(String secret);

    AsyncResult beginExplode(String secret, AsyncCallback callback, Object state);

    String endExplode(AsyncResult result);

    void explodeAsync(String secret, Object userState);

    void onExplodeCompleted(CompletedListener<String> listener);

    String hold(String tag);

    CompletableFuture<String> holdAsync(String tag);

    AsyncResult beginHold(String tag, AsyncCallback callback, Object state);

    String endHold(AsyncResult result);

    void holdAsync(String tag, Object userState);

    void onHoldCompleted(CompletedListener<String> listener);

    @Operation(oneWay = true)
    void post(String message);

    @Operation(oneWay = true)
    CompletableFuture<Void> postAsync(String message);

    @Operation(oneWay = true)
    AsyncResult beginPost(String message, AsyncCallback callback, Object state);

    void endPost(AsyncResult result);

    @Operation(oneWay = true)
    void postAsync(String message, Object userState);

    void onPostCompleted(CompletedListener<Void> listener);

    void cancelAsync(Object userState);

    boolean isBusy();
  }

  // ---- Duplex ---------------------------------------------------------------------------------------

  /** The callback contract of {@code Duplex}: what the client's callback object implements. */
  @ServiceContract(name = "Notifications", namespace = NS)
  public interface Notifications {
    /** Request/reply, called by the service during {@code greet}. */
    String decorate(String text);

    /** One-way, sent by the service after {@code greet} from the callback proxy it kept. */
    @Operation(oneWay = true)
    void announce(String news);
  }

  /** The service's view of the callback contract: the same contract, with asynchronous shapes to call it in. */
  @ServiceContract(name = "Notifications", namespace = NS)
  public interface NotificationsChannel extends Notifications {
    CompletableFuture<String> decorateAsync(String text);

    AsyncResult beginDecorate(String text, AsyncCallback callback, Object state);

    String endDecorate(AsyncResult result);
  }

  /** {@code Duplex} implemented synchronously. */
  @ServiceContract(name = "Duplex", namespace = NS, callback = Notifications.class)
  public interface DuplexSyncService {
    String greet(String name);
  }

  /** {@code Duplex} implemented with a {@code CompletionStage}. */
  @ServiceContract(name = "Duplex", namespace = NS, callback = Notifications.class)
  public interface DuplexTaskService {
    CompletionStage<String> greetAsync(String name);
  }

  /** {@code Duplex} implemented as a Begin/End pair. */
  @ServiceContract(name = "Duplex", namespace = NS, callback = Notifications.class)
  public interface DuplexBeginEndService {
    AsyncResult beginGreet(String name, AsyncCallback callback, Object state);

    String endGreet(AsyncResult result);
  }

  /** {@code Duplex} as a client sees it: every shape of {@code greet}. */
  @ServiceContract(name = "Duplex", namespace = NS, callback = Notifications.class)
  public interface DuplexClient {
    String greet(String name);

    CompletableFuture<String> greetAsync(String name);

    AsyncResult beginGreet(String name, AsyncCallback callback, Object state);

    String endGreet(AsyncResult result);

    void greetAsync(String name, Object userState);

    void onGreetCompleted(CompletedListener<String> listener);

    void cancelAsync(Object userState);

    boolean isBusy();
  }
}
