package dev.courier.rpc.suite;

import static dev.courier.rpc.OperationShape.BEGIN_END;
import static dev.courier.rpc.OperationShape.EVENT;
import static dev.courier.rpc.OperationShape.SYNC;
import static dev.courier.rpc.OperationShape.TASK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.courier.io.CallbackFailures;
import dev.courier.io.CapturedLogs;
import dev.courier.rpc.AsyncResult;
import dev.courier.rpc.CallOptions;
import dev.courier.rpc.CallTimeoutException;
import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.FaultException;
import dev.courier.rpc.HealthState;
import dev.courier.rpc.OperationContext;
import dev.courier.rpc.OperationShape;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.spi.Binding;
import dev.courier.rpc.suite.SuiteContracts.Client;
import dev.courier.rpc.suite.SuiteData.DivideByZero;
import dev.courier.rpc.suite.SuiteData.Parcel;
import dev.courier.rpc.suite.SuiteServices.Held;
import dev.courier.rpc.suite.SuiteServices.Probe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract suite: written once, run by every binding. For request/reply and one-way calls, each client
 * shape (SYNC, TASK, BEGIN_END, EVENT) and each service shape (SYNC, TASK, BEGIN_END), results, faults,
 * timeouts and cancellation behave as the service model specifies. {@link SessionContractSuite} adds what
 * bindings with sessions carry: duplex contracts, and channels that fault when their host ends.
 *
 * <p>A binding's test extends one of the two and says how to reach an endpoint:
 *
 * <pre>{@code
 * class InProcessContractSuiteTest extends SessionContractSuite {
 *   private static final AtomicInteger COUNTER = new AtomicInteger();
 *   protected Binding binding() { return InProcessBinding.create(); }
 *   protected String newAddress(String name) { return "inproc://" + name + "-" + COUNTER.incrementAndGet(); }
 * }
 * }</pre>
 *
 * <p>Every service is hosted with {@link ServiceHost} and every client made with {@link ChannelFactory}
 * over {@link #binding()}; each test gets fresh addresses and aborts its channels and hosts. Event-based
 * completions are raised on a single-thread executor named {@value #UI_THREAD}. Waits are bounded
 * ({@link CallAdapter#WAIT}); timeouts are real and short ({@link #SHORT_TIMEOUT}) against a service that
 * holds the call until it is cancelled, so no test sleeps.
 *
 * <p>A test that still hangs (a request the implementation never completes) fails after 30 seconds, and a
 * teardown that cannot abort its channels and hosts after 10, rather than stopping the run.
 *
 * <p>Besides what each test asserts, every outcome is checked for what its shape promises (see
 * {@link #await}): an asynchronous shape never throws from its starting method; an EVENT completion runs
 * on the event executor, carries its user state, says {@code cancelled()} exactly for a
 * {@link CancellationException}, and its {@code result()} throws the same exception as {@code error()};
 * a BEGIN_END callback runs once, with the handle {@code beginOp} returned and its state.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class ContractSuite {
  /** The name of the event executor's thread. */
  public static final String UI_THREAD = "ui-thread";
  /** The operation timeout of the timeout tests. */
  public static final Duration SHORT_TIMEOUT = Duration.ofMillis(250);
  /** The operation timeout of every other channel: longer than any bounded wait of a test. */
  public static final Duration LONG_TIMEOUT = Duration.ofSeconds(20);
  /** The reason of an undeclared exception's fault. */
  public static final String INTERNAL_REASON = "The server was unable to process the request due to an internal error.";

  private static final List<OperationShape> CLIENT_SHAPES = List.of(SYNC, TASK, BEGIN_END, EVENT);
  private static final List<OperationShape> SERVICE_SHAPES = List.of(SYNC, TASK, BEGIN_END);

  final List<ServiceHost> hosts = new CopyOnWriteArrayList<>();
  final List<Object> channels = new CopyOnWriteArrayList<>();
  private final List<CallAdapter> adapters = new CopyOnWriteArrayList<>();
  /** What the test sees of the {@code Suite} service it hosts. */
  protected final Probe probe = new Probe();
  ExecutorService ui;

  /** The binding under test, for hosts and clients alike. */
  protected abstract Binding binding();

  /** A fresh address for an endpoint of the binding, unique in the run; {@code name} says what it serves. */
  protected abstract String newAddress(String name);

  /**
   * Whether a null {@code Optional} arrives as null, apart from {@code Optional.empty()}. An encoding with only
   * "absent" and "present" (XML Schema's {@code minOccurs="0"}) sends both as absent: they arrive empty.
   */
  protected boolean keepsNullOptionalsApart() {
    return true;
  }

  /** Adjusts every host the suite builds (a binding's test may add what its binding needs); nothing by default. */
  protected void configureHost(ServiceHost.Builder host) {}

  /** Adjusts every channel factory the suite builds; nothing by default. */
  protected void configureClient(ChannelFactory.Builder<?> client) {}

  @BeforeEach
  void startEventThread() {
    ui = Executors.newSingleThreadExecutor(r -> new Thread(r, UI_THREAD));
  }

  @AfterEach
  @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void closeEverything() throws InterruptedException {
    probe.releaseAll();
    for (Object c : channels) {
      ClientChannel.of(c).abort();
    }
    for (ServiceHost h : hosts) {
      h.abort();
    }
    ui.shutdownNow();
    assertThat(ui.awaitTermination(5, TimeUnit.SECONDS)).as("event thread stopped").isTrue();
    for (CallAdapter a : adapters) {
      assertThat(a.strayEvents()).as("events that matched no call").isEmpty();
    }
  }

  // ---- the matrix ----------------------------------------------------------------------------------

  /** Every (client shape, service shape) pair: 4 x 3. */
  static Stream<Arguments> matrix() {
    List<Arguments> cells = new ArrayList<>();
    for (OperationShape client : CLIENT_SHAPES) {
      for (OperationShape service : SERVICE_SHAPES) {
        cells.add(Arguments.of(client, service));
      }
    }
    return cells.stream();
  }

  // ---- request/reply -------------------------------------------------------------------------------

  @ParameterizedTest(name = "request/reply: {0} client -> {1} service: result, data contracts round trip")
  @MethodSource("matrix")
  void requestReplyResult(OperationShape client, OperationShape service) throws Exception {
    CallAdapter calls = suite(service, LONG_TIMEOUT);

    for (Parcel parcel : List.of(SuiteData.fullParcel(), SuiteData.emptyParcel())) {
      Outcome echo = await(calls.start(client, "echo", parcel));
      assertSucceeded(echo);
      assertThat(echo.value()).isInstanceOf(Parcel.class)
          .usingRecursiveComparison().withStrictTypeChecking()
          .isEqualTo(SuiteServices.echoed(parcel, service));
    }
    Outcome divide = await(calls.start(client, "divide", 7, 2));
    assertSucceeded(divide);
    assertThat(divide.value()).isEqualTo(3);
  }

  @ParameterizedTest(name = "request/reply: {0} client: null arguments, components and Optionals arrive as null, as a null result returns")
  @EnumSource(value = OperationShape.class, names = {"SYNC", "TASK", "BEGIN_END", "EVENT"})
  void requestReplyNullsTravelAsNull(OperationShape client) throws Exception {
    CallAdapter calls = suite(SYNC, LONG_TIMEOUT);

    Outcome nulls = await(calls.start(client, "echo", SuiteData.nullParcel()));
    Outcome none = await(calls.start(client, "echo", new Object[] {null}));

    assertSucceeded(nulls);
    Parcel echoed = (Parcel) nulls.value();
    if (keepsNullOptionalsApart()) {
      assertThat(echoed.comment()).as("a null Optional component").isNull();
      assertThat(echoed.lines().get(0).size()).as("a null Optional inside a list's record").isNull();
      assertThat(echoed).usingRecursiveComparison().withStrictTypeChecking()
          .isEqualTo(SuiteServices.echoed(SuiteData.nullParcel(), SYNC));
    } else {
      assertThat(echoed.comment()).as("a null Optional component, sent as absent").isEqualTo(java.util.Optional.empty());
      assertThat(echoed.lines().get(0).size()).as("a null Optional inside a list's record, sent as absent")
          .isEqualTo(java.util.Optional.empty());
    }
    assertSucceeded(none);
    assertThat(none.value()).as("the reply to a null argument").isNull();
  }

  @ParameterizedTest(name = "request/reply: {0} client -> {1} service: cancelling a completed call changes nothing")
  @MethodSource("matrix")
  void requestReplyCancelAfterCompletion(OperationShape client, OperationShape service) throws Exception {
    CallAdapter calls = suite(service, LONG_TIMEOUT);
    CallAdapter.Pending p = calls.start(client, "divide", 9, 3);
    Outcome o = await(p);
    assertSucceeded(o);

    boolean cancelled = p.cancel();

    if (client == TASK || client == BEGIN_END) {
      assertThat(cancelled).as("what %s cancel returned for a completed call", client).isFalse();
    }
    if (client == BEGIN_END) {
      assertThat(p.handle().join()).as("join() after the late cancel").isEqualTo(3);
    }
    if (client == EVENT) {
      assertThat(calls.isBusy()).isFalse();
    }
    Outcome next = await(calls.start(client, "divide", 10, 5));    // the channel is unaffected
    assertSucceeded(next);
    assertThat(next.value()).isEqualTo(2);
  }

  @ParameterizedTest(name = "request/reply: {0} client -> {1} service: a declared fault arrives as FaultException with its typed detail")
  @MethodSource("matrix")
  void requestReplyDeclaredFault(OperationShape client, OperationShape service) throws Exception {
    CallAdapter calls = suite(service, LONG_TIMEOUT);

    Outcome o = await(calls.start(client, "divide", 5, 0));

    FaultException fault = assertFault(o);
    assertThat(fault.code()).isEqualTo(FaultException.SENDER);
    assertThat(fault.reason()).isEqualTo("cannot divide 5 by zero");
    assertThat(fault.detail()).isEqualTo(new DivideByZero(5));
    assertThat(fault.detail(DivideByZero.class)).isEqualTo(new DivideByZero(5));
  }

  @ParameterizedTest(name = "request/reply: {0} client -> {1} service: an undeclared exception arrives as an INTERNAL fault without its message")
  @MethodSource("matrix")
  void requestReplyUndeclaredException(OperationShape client, OperationShape service) throws Exception {
    CallAdapter calls = suite(service, LONG_TIMEOUT);
    String secret = "s3cr3t-" + client + "-" + service;

    Outcome o = await(calls.start(client, "explode", secret));

    FaultException fault = assertFault(o);
    assertThat(fault.code()).isEqualTo(FaultException.INTERNAL);
    assertThat(fault.reason()).isEqualTo(INTERNAL_REASON);
    assertThat(fault.detail()).isNull();
    assertThat(fault).hasNoCause();
    assertThat(fault.toString()).doesNotContain(secret).doesNotContain(IllegalStateException.class.getSimpleName());
    assertServiceLogged("operation explode failed", "the secret is " + secret);
  }

  @ParameterizedTest(name = "request/reply: {0} client -> {1} service: a timeout gives CallTimeoutException and the service sees the cancellation")
  @MethodSource("matrix")
  void requestReplyTimeout(OperationShape client, OperationShape service) throws Exception {
    CallAdapter calls = suite(service, SHORT_TIMEOUT);
    long sent = System.nanoTime();

    CallAdapter.Pending p = calls.start(client, "hold", "slow");
    Held held = probe.held("slow");
    OperationContext ctx = held.context();                    // the service is running the call
    assertThat(ctx.timeRemaining()).as("the service's time remaining").isNotNull().isLessThanOrEqualTo(SHORT_TIMEOUT);
    assertThat(ctx.deadline()).as("the service's deadline").isPresent();
    Outcome o = await(p);

    assertThat(o.error()).as("%s", o).isExactlyInstanceOf(CallTimeoutException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - sent)).isGreaterThanOrEqualTo(SHORT_TIMEOUT);
    assertServiceSawCancellation(held);
    if (client == EVENT) {
      assertThat(calls.isBusy()).as("isBusy after the timed-out call").isFalse();
    }
  }

  @ParameterizedTest(name = "request/reply: {0} client -> {1} service: a client cancel gives CancellationException and the service sees it")
  @MethodSource("matrix")
  void requestReplyCancel(OperationShape client, OperationShape service) throws Exception {
    CallAdapter calls = suite(service, LONG_TIMEOUT);

    CallAdapter.Pending p = calls.start(client, "hold", "doomed");
    Held held = probe.held("doomed");
    held.context();
    if (client == EVENT) {
      assertThat(calls.isBusy()).as("isBusy while the call is pending").isTrue();
    }
    assertThat(p.isDone()).as("held call done before the cancel").isFalse();
    boolean accepted = p.cancel();
    Outcome o = await(p);

    assertThat(accepted).as("what %s cancel returned for a pending call", client).isTrue();
    assertThat(o.error()).as("%s", o).isInstanceOf(CancellationException.class);
    assertServiceSawCancellation(held);
    if (client == EVENT) {
      assertThat(calls.isBusy()).as("isBusy after the cancelled call").isFalse();
    }
  }

  // ---- one-way -------------------------------------------------------------------------------------

  @ParameterizedTest(name = "one-way: {0} client -> {1} service: returns once accepted while the service runs; its failure does not travel back")
  @MethodSource("matrix")
  void oneWayReturnsOnceAccepted(OperationShape client, OperationShape service) throws Exception {
    CallAdapter calls = suite(service, LONG_TIMEOUT);

    CallAdapter.Pending post = calls.start(client, "post", "m-1");
    Outcome posted = await(post);

    assertSucceeded(posted);
    assertThat(posted.value()).isNull();
    Held held = probe.held("m-1");
    held.context();                                            // the service got the message...
    post.cancel();                                             // too late: it was accepted
    assertThat(held.finished).as("service still running after the call returned").isNotDone();
    held.release.complete(null);                               // ...and now fails with it
    assertThat(held.finished.get(5, TimeUnit.SECONDS)).isEqualTo("threw");
    Outcome next = await(calls.start(client, "divide", 8, 2));  // nothing came back; the channel works
    assertSucceeded(next);
    assertThat(next.value()).isEqualTo(4);
    assertThat(held.context().isCancelled()).as("one-way call cancelled after it was accepted").isFalse();
    assertThat(held.cancelSeen).isNotDone();
    assertOneWayFailureReported("post", "the secret is post m-1");
  }

  @ParameterizedTest(name = "one-way: {0} client -> {1} service: the operation timeout does not cancel an accepted message")
  @MethodSource("matrix")
  void oneWayOutlivesTheOperationTimeout(OperationShape client, OperationShape service) throws Exception {
    CallAdapter calls = suite(service, SHORT_TIMEOUT);

    assertSucceeded(await(calls.start(client, "post", "m-2")));
    Held held = probe.held("m-2");
    held.context();
    Outcome clock = await(calls.start(client, "hold", "clock"));   // ends after more than the timeout
    assertThat(clock.error()).as("%s", clock).isExactlyInstanceOf(CallTimeoutException.class);

    assertThat(held.context().isCancelled()).as("one-way call cancelled by the caller's timeout").isFalse();
    assertThat(held.cancelSeen).isNotDone();
    assertThat(held.finished).isNotDone();
    held.release.complete(null);
    assertThat(held.finished.get(5, TimeUnit.SECONDS)).isEqualTo("threw");
    assertOneWayFailureReported("post", "the secret is post m-2");
  }

  // ---- event-based specifics -----------------------------------------------------------------------

  @ParameterizedTest(name = "event-based -> {0} service: completions run on the event executor and carry their user state")
  @EnumSource(value = OperationShape.class, names = {"SYNC", "TASK", "BEGIN_END"})
  void eventCompletionsRunOnTheEventExecutor(OperationShape service) throws Exception {
    CallAdapter calls = suite(service, LONG_TIMEOUT);

    CallAdapter.Pending first = calls.start(EVENT, "echo", SuiteData.fullParcel());
    CallAdapter.Pending failing = calls.start(EVENT, "divide", 1, 0);
    CallAdapter.Pending second = calls.start(EVENT, "echo", SuiteData.emptyParcel());

    List<Outcome> outcomes = new java.util.ArrayList<>();
    for (CallAdapter.Pending p : List.of(first, failing, second)) {
      Outcome o = await(p);
      assertThat(o.thread()).isEqualTo(UI_THREAD);
      assertThat(o.userState()).isSameAs(p.userState());
      outcomes.add(o);
    }
    assertThat(first.userState()).isNotEqualTo(second.userState());
    // each user state carries its own call's outcome, not another's
    assertSucceeded(outcomes.get(0));
    assertThat(outcomes.get(0).value()).usingRecursiveComparison().withStrictTypeChecking()
        .isEqualTo(SuiteServices.echoed(SuiteData.fullParcel(), service));
    assertThat(assertFault(outcomes.get(1)).detail()).isEqualTo(new DivideByZero(1));
    assertSucceeded(outcomes.get(2));
    assertThat(outcomes.get(2).value()).usingRecursiveComparison().withStrictTypeChecking()
        .isEqualTo(SuiteServices.echoed(SuiteData.emptyParcel(), service));
  }

  @org.junit.jupiter.api.Test
  void eventCallsHaveOneListenerAnotherIsRefusedUntilNullRemovesItAndACallWithoutOneIsNotSent() throws Exception {
    Client client = suiteClient(SYNC, LONG_TIMEOUT);
    CompletableFuture<dev.courier.rpc.CompletedEvent<Parcel>> first = new CompletableFuture<>();
    CompletableFuture<dev.courier.rpc.CompletedEvent<Parcel>> second = new CompletableFuture<>();
    dev.courier.rpc.CompletedListener<Parcel> listener = first::complete;

    Throwable unheard = catchThrowable(() -> client.echoAsync(SuiteData.emptyParcel(), "unheard"));
    assertThat(unheard).isInstanceOf(IllegalStateException.class).hasMessage("echoAsync: no listener is registered"
        + " with onEchoCompleted, so the call's completion would reach no one; it was not sent"
        + " (expected: onEchoCompleted(listener) before the call)");
    assertThat(client.isBusy()).as("a call that was not sent").isFalse();

    client.onEchoCompleted(listener);
    client.onEchoCompleted(listener);                         // the same listener again: nothing changes
    Throwable another = catchThrowable(() -> client.onEchoCompleted(second::complete));
    assertThat(another).isInstanceOf(IllegalStateException.class).hasMessage("onEchoCompleted: a listener is"
        + " registered already (expected: onEchoCompleted(null) to remove it before registering another)");
    client.echoAsync(SuiteData.emptyParcel(), "heard");
    assertThat(first.get(CallAdapter.WAIT.toMillis(), TimeUnit.MILLISECONDS).userState()).isEqualTo("heard");

    client.onEchoCompleted(null);
    client.onEchoCompleted(second::complete);
    client.echoAsync(SuiteData.emptyParcel(), "heard again");
    assertThat(second.get(CallAdapter.WAIT.toMillis(), TimeUnit.MILLISECONDS).userState()).isEqualTo("heard again");
  }

  @ParameterizedTest(name = "event-based -> {0} service: isBusy is true while a call is pending and false after")
  @EnumSource(value = OperationShape.class, names = {"SYNC", "TASK", "BEGIN_END"})
  void eventIsBusyWhileACallIsPending(OperationShape service) throws Exception {
    CallAdapter calls = suite(service, LONG_TIMEOUT);
    assertThat(calls.isBusy()).as("before any call").isFalse();

    CallAdapter.Pending p = calls.start(EVENT, "hold", "busy");
    Held held = probe.held("busy");
    held.context();
    assertThat(calls.isBusy()).as("while the call is pending").isTrue();
    held.release.complete(null);
    Outcome o = await(p);

    assertSucceeded(o);
    assertThat(o.value()).isEqualTo(SuiteServices.released("busy", service));
    assertThat(calls.isBusy()).as("after the completed event").isFalse();
  }

  @ParameterizedTest(name = "event-based -> {0} service: cancelAsync(userState) cancels only that call")
  @EnumSource(value = OperationShape.class, names = {"SYNC", "TASK", "BEGIN_END"})
  void eventCancelAsyncCancelsOnlyThatCall(OperationShape service) throws Exception {
    CallAdapter calls = suite(service, LONG_TIMEOUT);
    CallAdapter.Pending a = calls.start(EVENT, "hold", "a");
    CallAdapter.Pending b = calls.start(EVENT, "hold", "b");
    Held heldA = probe.held("a");
    Held heldB = probe.held("b");
    heldA.context();
    heldB.context();

    calls.cancelAsync(a.userState());
    Outcome cancelled = await(a);

    assertThat(cancelled.eventCancelled()).isTrue();
    assertServiceSawCancellation(heldA);
    assertThat(b.isDone()).as("the other call").isFalse();
    assertThat(heldB.context().isCancelled()).isFalse();
    assertThat(calls.isBusy()).as("isBusy with the other call pending").isTrue();
    heldB.release.complete(null);
    Outcome other = await(b);
    assertSucceeded(other);
    assertThat(other.value()).isEqualTo(SuiteServices.released("b", service));
    assertThat(heldB.cancelSeen).isNotDone();
    assertThat(calls.isBusy()).isFalse();
  }

  // ---- Begin/End specifics -------------------------------------------------------------------------

  @ParameterizedTest(name = "Begin/End -> {0} service: endOp without a callback waits for the call, then returns or throws its exception")
  @EnumSource(value = OperationShape.class, names = {"SYNC", "TASK", "BEGIN_END"})
  void beginEndWithoutACallback(OperationShape service) throws Exception {
    Client client = suiteClient(service, LONG_TIMEOUT);

    AsyncResult failing = client.beginDivide(5, 0, null, "failing");
    Throwable fault = catchThrowable(() -> onAnotherThread(() -> client.endDivide(failing))
        .get(CallAdapter.WAIT.toSeconds(), TimeUnit.SECONDS));
    assertThat(fault).isExactlyInstanceOf(ExecutionException.class);
    assertThat(fault.getCause()).isExactlyInstanceOf(FaultException.class);
    assertThat(((FaultException) fault.getCause()).detail()).isEqualTo(new DivideByZero(5));

    AsyncResult pending = client.beginHold("later", null, "later-state");
    Held held = probe.held("later");
    held.context();
    CompletableFuture<String> ended = onAnotherThread(() -> client.endHold(pending));
    assertThat(pending.isCompleted()).isFalse();
    assertThat(ended).as("endHold before the service finished").isNotDone();
    held.release.complete(null);
    assertThat(ended.get(CallAdapter.WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(SuiteServices.released("later", service));
    assertThat(pending.isCompleted()).isTrue();
    assertThat(pending.asyncState()).isEqualTo("later-state");
    assertThat(client.endHold(pending)).as("a second endHold").isEqualTo(SuiteServices.released("later", service));
  }

  // ---- filters -------------------------------------------------------------------------------------

  @ParameterizedTest(name = "filters: {0} client -> {1} service: filters see the call in the order added and its outcome in reverse, and the service reads the headers they add")
  @MethodSource("matrix")
  void filtersSeeTheCallInOrder(OperationShape client, OperationShape service) throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    CallAdapter calls = adapter(Client.class, suiteClient(service, LONG_TIMEOUT,
        host -> host.filter(new RecordingFilter("s1", events))
            .filter((call, next) -> next.proceed(call.withHeader("checked", call.headers().get("tenant")))),
        factory -> factory.filter(new RecordingFilter("c1", events))
            .filter((call, next) -> next.proceed(call.withHeader("tenant", "blue")))
            .filter(new RecordingFilter("c2", events))));

    CallAdapter.Pending p = calls.start(client, "hold", "filtered");
    Held held = probe.held("filtered");
    assertThat(held.context().headers()).containsEntry("tenant", "blue").containsEntry("checked", "blue");
    held.release.complete(null);
    Outcome o = await(p);

    assertSucceeded(o);
    assertThat(o.value()).isEqualTo(SuiteServices.released("filtered", service));
    assertThat(events).containsExactly("c1>hold CLIENT", "c2>hold CLIENT", "s1>hold SERVICE",
        "s1<hold ok", "c2<hold ok", "c1<hold ok");
  }

  @ParameterizedTest(name = "filters: {0} client -> {1} service: a host filter refuses a call with a fault, and the service never runs")
  @MethodSource("matrix")
  void hostFilterRefusesWithAFault(OperationShape client, OperationShape service) throws Exception {
    CallAdapter calls = adapter(Client.class, suiteClient(service, LONG_TIMEOUT,
        host -> host.filter((call, next) -> call.headers().containsKey("tenant") ? next.proceed(call)
            : CompletableFuture.failedFuture(new FaultException(FaultException.SENDER,
                "no tenant for " + call.operation().name(), null))),
        factory -> { }));

    Outcome o = await(calls.start(client, "hold", "refused"));

    FaultException fault = assertFault(o);
    assertThat(fault.code()).isEqualTo(FaultException.SENDER);
    assertThat(fault.reason()).isEqualTo("no tenant for hold");
    assertThat(probe.held("refused").started).as("the service's start").isNotDone();
  }

  @ParameterizedTest(name = "filters: {0} client: what a client filter throws is the call's error, and nothing is sent")
  @EnumSource(value = OperationShape.class, names = {"SYNC", "TASK", "BEGIN_END", "EVENT"})
  void clientFilterFailureIsTheCallsError(OperationShape client) throws Exception {
    List<String> hostEvents = new CopyOnWriteArrayList<>();
    CallAdapter calls = adapter(Client.class, suiteClient(SYNC, LONG_TIMEOUT,
        host -> host.filter(new RecordingFilter("s", hostEvents)),
        factory -> factory.filter((call, next) -> {
          throw new IllegalStateException("no credentials for " + call.operation().name());
        })));

    Outcome o = await(calls.start(client, "divide", 8, 2));

    assertThat(o.error()).isExactlyInstanceOf(IllegalStateException.class).hasMessage("no credentials for divide");
    assertThat(hostEvents).as("what the host's filter saw").isEmpty();
  }

  @ParameterizedTest(name = "filters: {0} client: what a host filter throws reaches the caller as an INTERNAL fault, as a service's exception does")
  @EnumSource(value = OperationShape.class, names = {"SYNC", "TASK", "BEGIN_END", "EVENT"})
  void hostFilterFailureIsAnInternalFault(OperationShape client) throws Exception {
    String secret = "filter-" + client;
    CallAdapter calls = adapter(Client.class, suiteClient(SYNC, LONG_TIMEOUT,
        host -> host.filter((call, next) -> {
          throw new IllegalStateException("the secret is " + secret);
        }),
        factory -> { }));

    Outcome o = await(calls.start(client, "divide", 8, 2));

    FaultException fault = assertFault(o);
    assertThat(fault.code()).isEqualTo(FaultException.INTERNAL);
    assertThat(fault.reason()).isEqualTo(INTERNAL_REASON);
    assertServiceLogged("operation divide failed", "the secret is " + secret);
  }

  @ParameterizedTest(name = "filters: {0} client -> {1} service: a one-way call passes the filters on both sides, and the host's see the service's failure")
  @MethodSource("matrix")
  void oneWayCallsPassTheFilters(OperationShape client, OperationShape service) throws Exception {
    List<String> clientEvents = new CopyOnWriteArrayList<>();
    CompletableFuture<Throwable> hostSaw = new CompletableFuture<>();
    CallAdapter calls = adapter(Client.class, suiteClient(service, LONG_TIMEOUT,
        host -> host.filter((call, next) -> next.proceed(call).whenComplete((r, e) -> hostSaw.complete(e))),
        factory -> factory.filter(new RecordingFilter("c", clientEvents))));
    String message = "f-" + client + "-" + service;

    Outcome posted = await(calls.start(client, "post", message));
    assertSucceeded(posted);
    assertThat(clientEvents).containsExactly("c>post CLIENT", "c<post ok");
    Held held = probe.held(message);
    held.context();
    held.release.complete(null);

    assertThat(hostSaw.get(5, TimeUnit.SECONDS)).as("the outcome the host's filter saw")
        .hasMessage("the secret is post " + message);
    assertOneWayFailureReported("post", "the secret is post " + message);
  }

  @ParameterizedTest(name = "filters: {0} client -> {1} service: a timeout reaches the client's filter as CallTimeoutException, and the host's sees the call end")
  @MethodSource("matrix")
  void filtersSeeATimeout(OperationShape client, OperationShape service) throws Exception {
    List<String> clientEvents = new CopyOnWriteArrayList<>();
    CompletableFuture<Object> hostSaw = new CompletableFuture<>();
    CallAdapter calls = adapter(Client.class, suiteClient(service, SHORT_TIMEOUT,
        host -> host.filter((call, next) -> next.proceed(call).whenComplete((r, e) -> hostSaw.complete(e == null ? r : e))),
        factory -> factory.filter(new RecordingFilter("c", clientEvents))));

    Outcome o = await(calls.start(client, "hold", "late"));

    assertThat(o.error()).isInstanceOf(CallTimeoutException.class);
    assertThat(clientEvents).containsExactly("c>hold CLIENT", "c<hold CallTimeoutException");
    assertServiceSawCancellation(probe.held("late"));
    assertThat(hostSaw.get(5, TimeUnit.SECONDS)).as("the host filter's outcome").isNotNull();
  }

  // ---- per-call options ----------------------------------------------------------------------------

  @ParameterizedTest(name = "per-call options: {0} client: a proxy with options calls over the same channel with its own timeout and headers")
  @EnumSource(value = OperationShape.class, names = {"SYNC", "TASK", "BEGIN_END", "EVENT"})
  void proxyWithOptions(OperationShape client) throws Exception {
    Client base = suiteClient(SYNC, LONG_TIMEOUT, host -> { }, factory -> factory.header("app", "suite"));
    Client quick = ClientChannel.withOptions(base, CallOptions.builder()
        .timeout(SHORT_TIMEOUT).header("tenant", "red").build());
    CallAdapter quickCalls = adapter(Client.class, quick);
    CallAdapter baseCalls = adapter(Client.class, base);

    CallAdapter.Pending p = quickCalls.start(client, "hold", "quick");
    assertThat(probe.held("quick").context().headers()).containsEntry("app", "suite").containsEntry("tenant", "red");
    Outcome timedOut = await(p);
    CallAdapter.Pending slow = baseCalls.start(client, "hold", "base");
    assertThat(probe.held("base").context().headers()).containsEntry("app", "suite").doesNotContainKey("tenant");
    assertThat(probe.held("base").context().timeRemaining()).as("the base proxy's time left").isGreaterThan(SHORT_TIMEOUT);
    probe.held("base").release.complete(null);
    Outcome released = await(slow);

    assertThat(timedOut.error()).isInstanceOf(CallTimeoutException.class);
    assertSucceeded(released);
    ClientChannel.of(quick).close();
    assertThat(ClientChannel.of(base).state()).as("the one channel, closed through the derived proxy")
        .isEqualTo(dev.courier.rpc.CommunicationState.CLOSED);
  }

  @ParameterizedTest(name = "per-call options: {0} client: asynchronous completions run on the options' executor")
  @EnumSource(value = OperationShape.class, names = {"TASK", "BEGIN_END"})
  void completionsRunOnTheOptionsExecutor(OperationShape client) throws Exception {
    ExecutorService completions = Executors.newSingleThreadExecutor(r -> new Thread(r, "options-completions"));
    try {
      Client calls = ClientChannel.withOptions(suiteClient(SYNC, LONG_TIMEOUT),
          CallOptions.builder().completionExecutor(completions).build());
      CompletableFuture<String> ranOn = new CompletableFuture<>();
      if (client == TASK) {
        calls.holdAsync("executor").whenComplete((r, e) -> ranOn.complete(Thread.currentThread().getName()));
      } else {
        calls.beginHold("executor", ar -> ranOn.complete(Thread.currentThread().getName()), null);
      }
      probe.held("executor").context();
      probe.held("executor").release.complete(null);

      assertThat(ranOn.get(5, TimeUnit.SECONDS)).isEqualTo("options-completions");
    } finally {
      completions.shutdownNow();
    }
  }

  // ---- health --------------------------------------------------------------------------------------

  @org.junit.jupiter.api.Test
  void healthIsWhatTheHostSaysAndTheBindingAnswersIt() {
    ServiceHost.Builder builder = ServiceHost.builder(SuiteServices.suiteService(SYNC, probe))
        .endpoint(SuiteServices.suiteContract(SYNC), binding(), newAddress("health"));
    configureHost(builder);
    ServiceHost host = builder.build();
    hosts.add(host);
    assertThat(host.health()).as("before it opens").isEqualTo(HealthState.NOT_SERVING);
    host.open();
    String address = host.listenAddresses().get(0);

    HealthState open = HealthState.fetch(binding(), address, CallAdapter.WAIT);
    host.health(HealthState.DRAINING);
    HealthState draining = HealthState.fetch(binding(), address, CallAdapter.WAIT);
    host.health(HealthState.NOT_SERVING);
    HealthState down = HealthState.fetch(binding(), address, CallAdapter.WAIT);
    host.close();

    assertThat(List.of(open, draining, down)).containsExactly(HealthState.SERVING, HealthState.DRAINING,
        HealthState.NOT_SERVING);
    assertThat(host.health()).as("once closed").isEqualTo(HealthState.NOT_SERVING);
    assertThat(catchThrowable(() -> HealthState.fetch(binding(), address, CallAdapter.WAIT)))
        .as("asking a closed host").isInstanceOf(dev.courier.rpc.CommunicationException.class);
  }

  @org.junit.jupiter.api.Test
  void aHostSaysItIsDrainingWhileItsCloseWaitsForTheCallsInFlight() throws Exception {
    Client client = suiteClient(SYNC, LONG_TIMEOUT);
    ServiceHost host = hosts.getLast();
    CompletableFuture<String> held = onAnotherThread(() -> client.hold("draining"));
    probe.held("draining").context();

    CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> host.close(CallAdapter.WAIT));
    dev.courier.io.Eventually.until(() -> host.health() == HealthState.DRAINING, "the host draining");
    probe.held("draining").release.complete(null);
    closed.get(5, TimeUnit.SECONDS);

    assertThat(held.get(5, TimeUnit.SECONDS)).isEqualTo(SuiteServices.released("draining", SYNC));
    assertThat(host.health()).isEqualTo(HealthState.NOT_SERVING);
  }

  // ---- fixtures ------------------------------------------------------------------------------------

  /** Hosts the {@code Suite} service in {@code serviceShape} and connects a {@link Client} with {@code timeout}. */
  protected CallAdapter suite(OperationShape serviceShape, Duration timeout) {
    return adapter(Client.class, suiteClient(serviceShape, timeout));
  }

  /** Hosts the {@code Suite} service in {@code serviceShape}; returns a {@link Client} proxy with {@code timeout}. */
  protected Client suiteClient(OperationShape serviceShape, Duration timeout) {
    return suiteClient(serviceShape, timeout, host -> { }, client -> { });
  }

  /** Like {@link #suiteClient(OperationShape, Duration)}, with what the test adds to the host and the channels. */
  protected Client suiteClient(OperationShape serviceShape, Duration timeout, Consumer<ServiceHost.Builder> host,
      Consumer<ChannelFactory.Builder<Client>> client) {
    String address = newAddress("suite-" + serviceShape.name().toLowerCase(java.util.Locale.ROOT));
    ServiceHost.Builder hostBuilder = ServiceHost.builder(SuiteServices.suiteService(serviceShape, probe))
        .endpoint(SuiteServices.suiteContract(serviceShape), binding(), address);
    host.accept(hostBuilder);
    String listening = host(hostBuilder);
    ChannelFactory.Builder<Client> factory = ChannelFactory.builder(Client.class)
        .binding(binding()).address(listening).eventExecutor(ui).operationTimeout(timeout);
    client.accept(factory);
    return channel(factory);
  }

  /** Builds and opens a host; returns the address it listens at (with the port it bound, for port 0). */
  String host(ServiceHost.Builder builder) {
    configureHost(builder);
    ServiceHost host = builder.build();
    hosts.add(host);
    host.open();
    return host.listenAddresses().get(0);
  }

  <T> T channel(ChannelFactory.Builder<T> factory) {
    configureClient(factory);
    T proxy = factory.build().createChannel();
    channels.add(proxy);
    return proxy;
  }

  CallAdapter adapter(Class<?> type, Object proxy) {
    CallAdapter adapter = new CallAdapter(type, proxy);
    adapters.add(adapter);
    return adapter;
  }

  /** Runs {@code call} on a virtual thread and waits for it up to {@link CallAdapter#WAIT}. */
  protected static <T> CompletableFuture<T> onAnotherThread(Callable<T> call) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread.ofVirtual().name("other-caller").start(() -> {
      try {
        result.complete(call.call());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    return result;
  }

  // ---- assertions ----------------------------------------------------------------------------------

  /**
   * Waits (bounded) for the call's outcome and checks what its shape promises about how it is reported.
   */
  protected static Outcome await(CallAdapter.Pending p) throws Exception {
    Outcome o = p.await();
    assertThat(o.thrownAtStart()).as("%s call threw from its starting method: %s", p.shape(), o).isFalse();
    switch (o.shape()) {
      case EVENT -> {
        assertThat(o.thread()).as("thread of the completed event").isEqualTo(UI_THREAD);
        assertThat(o.userState()).as("user state of the completed event").isSameAs(p.userState());
        assertThat(o.eventCancelled()).as("cancelled() of %s", o).isEqualTo(o.error() instanceof CancellationException);
        if (o.error() != null) {
          assertThat(o.eventResultThrew()).as("what CompletedEvent.result() throws").isSameAs(o.error());
        } else {
          assertThat(o.eventResultThrew()).as("CompletedEvent.result() of a successful call").isNull();
        }
      }
      case BEGIN_END -> {
        assertThat(o.userState()).as("asyncState() of the handle").isSameAs(p.userState());
        assertThat(o.handle()).as("the handle the callback received").isSameAs(p.handle());
        assertThat(p.handle().isCompleted()).as("isCompleted() after the callback").isTrue();
      }
      case SYNC, TASK -> { }
    }
    return o;
  }

  /** The service logged one warning {@code message} with the exception (its message containing {@code thrown}). */
  protected static void assertServiceLogged(String message, String thrown) {
    assertThat(CapturedLogs.take(message)).as("records logged as %s", message).singleElement().satisfies(r -> {
      assertThat(r.getLevel()).isEqualTo(Level.WARNING);
      assertThat(r.getMessage()).isEqualTo(message);
      assertThat(r.getThrown()).hasMessageContaining(thrown);
    });
  }

  /** The one-way operation's failure, on the service, reached the callback failure handler (and nothing else). */
  protected static void assertOneWayFailureReported(String operation, String thrown) {
    assertThat(CallbackFailures.take(1)).singleElement().satisfies(f -> {
      assertThat(f.callback()).isEqualTo("one-way operation " + operation);
      assertThat(f.failure()).hasMessage(thrown);
    });
  }

  /** The call succeeded; fails with its error as the cause otherwise. */
  protected static void assertSucceeded(Outcome o) {
    if (o.error() != null) {
      throw new AssertionError("expected a successful call, got " + o, o.error());
    }
  }

  /** The call failed with exactly a {@link FaultException} (the same type in every shape); returns it. */
  protected static FaultException assertFault(Outcome o) {
    assertThat(o.error()).as("%s", o).isExactlyInstanceOf(FaultException.class);
    return (FaultException) o.error();
  }

  /** The held service's context reports the cancellation, its onCancel listener ran, and the service ended for it. */
  protected static void assertServiceSawCancellation(Held held) throws Exception {
    held.cancelSeen.get(5, TimeUnit.SECONDS);
    assertThat(held.context().isCancelled()).as("OperationContext.isCancelled()").isTrue();
    assertThat(held.context().cancellation().toCompletableFuture().isDone()).as("OperationContext.cancellation()").isTrue();
    assertThat(held.finished.get(5, TimeUnit.SECONDS)).as("how the held service ended").isEqualTo("cancelled");
  }
}
