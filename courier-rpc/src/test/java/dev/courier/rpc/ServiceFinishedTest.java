package dev.courier.rpc;

import static dev.courier.io.Eventually.until;
import static dev.courier.rpc.RpcTestSupport.LIMIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.io.IoClock;
import dev.courier.io.IoControlCode;
import dev.courier.io.IoDevice;
import dev.courier.io.IoQueue;
import dev.courier.io.IoRequest;
import dev.courier.io.IoResult;
import dev.courier.io.IoStatus;
import dev.courier.io.IoTarget;
import dev.courier.io.SendOptions;
import dev.courier.rpc.spi.Binding;
import dev.courier.rpc.spi.Connection;
import dev.courier.rpc.spi.Endpoint;
import dev.courier.rpc.spi.Invocation;
import dev.courier.rpc.spi.Listener;
import dev.courier.rpc.spi.RpcStatus;
import dev.courier.rpc.spi.Session;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link Session} SPI's promise to a binding that counts the calls it runs at once: for every call a
 * session takes, {@link Invocation#serviceFinished()} is said exactly once, when the service has returned,
 * or at once when the call is not run. A binding's presenting queue here runs its handlers when the test
 * says, so a cancel can come before the session takes the call.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServiceFinishedTest {
  private static final IoControlCode CALL = IoControlCode.of(0x8C11, 1, IoControlCode.TransferMethod.NEITHER, 0);

  /** A contract whose one operation blocks until the test opens its gate. */
  @ServiceContract(name = "Gated")
  public interface Gated {
    String hold(String tag);

    /** A one-way message whose service throws {@code reason}. */
    @Operation(oneWay = true)
    void reject(String reason);
  }

  /** Counts the calls that entered and holds them until {@link #open}. */
  static final class GatedService implements Gated {
    final AtomicInteger ran = new AtomicInteger();
    final Semaphore entered = new Semaphore(0);
    private final CompletableFuture<Void> gate = new CompletableFuture<>();

    @Override
    public String hold(String tag) {
      ran.incrementAndGet();
      entered.release();
      gate.join();
      return tag;
    }

    @Override
    public void reject(String reason) {
      ran.incrementAndGet();
      throw new IllegalArgumentException(reason);
    }

    void open() {
      gate.complete(null);
    }
  }

  /** A binding that only keeps the endpoint a host listens with. */
  private static final class CapturingBinding implements Binding {
    volatile Endpoint endpoint;

    @Override
    public String scheme() {
      return "capture";
    }

    @Override
    public Connection connect(EndpointAddress address, Endpoint callbacks, IoClock clock) {
      throw new UnsupportedOperationException("listens only");
    }

    @Override
    public Listener listen(EndpointAddress address, Endpoint endpoint) {
      this.endpoint = endpoint;
      return () -> { };
    }
  }

  private final GatedService service = new GatedService();
  private final Queue<Runnable> handlers = new ConcurrentLinkedQueue<>();
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private Session session;
  private IoTarget presenter;

  @BeforeEach
  void openAHostAndASession() {
    CapturingBinding binding = new CapturingBinding();
    ServiceHost host = ServiceHost.builder(service).endpoint(Gated.class, binding, "capture://here/gated").build().open();
    resources.push(host::abort);
    session = binding.endpoint.openSession(null, Peer.UNKNOWN);
    IoQueue queue = IoQueue.parallel().executor(handlers::add).onDefault((q, r) -> session.dispatch(r)).build();
    presenter = IoDevice.builder("presenter").defaultQueue(queue).build().openTarget();
    resources.push(presenter::close);
  }

  @AfterEach
  void closeEverything() throws Exception {
    service.open();
    while (!resources.isEmpty()) {
      resources.pop().close();
    }
  }

  /** A call as a binding sends it, counting the times its service is said to have finished. */
  private record Call(IoRequest request, CompletableFuture<IoResult> result, AtomicInteger finished) {}

  private Call send(Invocation inv) {
    AtomicInteger finished = new AtomicInteger();
    inv.onServiceFinished(finished::incrementAndGet);
    IoRequest r = IoRequest.create();
    r.formatDeviceControl(presenter, CALL, null, null);
    r.context(Invocation.KEY, inv);
    return new Call(r, r.sendAsync(presenter, SendOptions.defaults()), finished);
  }

  private static Invocation reject(String reason) {
    return new Invocation(ContractDescription.of(Gated.class).operation("reject"), new Object[] {reason}, Map.of(),
        Invocation.NO_DEADLINE);
  }

  private static Invocation hold(String tag) {
    return new Invocation(ContractDescription.of(Gated.class).operation("hold"), new Object[] {tag}, Map.of(),
        Invocation.NO_DEADLINE);
  }

  /** Runs the presenting queue's handler: the session takes the call now. */
  private void presentTheNextCall() {
    Runnable handler = handlers.poll();
    assertThat(handler).as("a call waiting to be presented").isNotNull();
    handler.run();
  }

  private static IoStatus statusOf(Call call) throws Exception {
    return call.result().get(LIMIT.toMillis(), TimeUnit.MILLISECONDS).status();
  }

  @Test
  void aCallCancelledBeforeItsSessionTakesItIsSaidFinishedOnceAndNeverRuns() throws Exception {
    Call call = send(hold("early"));
    call.request().cancelSentRequest();

    presentTheNextCall();

    assertThat(statusOf(call)).isEqualTo(IoStatus.CANCELLED);
    assertThat(call.finished()).as("times the service was said to have finished").hasValue(1);
    assertThat(service.ran).hasValue(0);
  }

  @Test
  void aCallOfAnActionTheContractLacksIsSaidFinishedOnce() throws Exception {
    Call call = send(new Invocation("urn:nothing/here", new Object[0], Map.of(), Invocation.NO_DEADLINE));

    presentTheNextCall();

    assertThat(statusOf(call)).isEqualTo(RpcStatus.FAULT);
    assertThat(call.finished()).as("times the service was said to have finished").hasValue(1);
  }

  @Test
  void aCallToAClosedSessionIsSaidFinishedOnce() throws Exception {
    session.close();
    Call call = send(hold("late"));

    presentTheNextCall();

    assertThat(statusOf(call)).isEqualTo(IoStatus.INVALID_DEVICE_STATE);
    assertThat(call.finished()).as("times the service was said to have finished").hasValue(1);
    assertThat(service.ran).hasValue(0);
  }

  @Test
  void aCallCancelledWhileItsServiceRunsIsSaidFinishedOnlyOnceTheServiceReturns() throws Exception {
    Call call = send(hold("running"));
    presentTheNextCall();
    assertThat(service.entered.tryAcquire(LIMIT.toMillis(), TimeUnit.MILLISECONDS)).as("the call entered").isTrue();

    call.request().cancelSentRequest();

    assertThat(statusOf(call)).as("the caller's cancel completes the call at once").isEqualTo(IoStatus.CANCELLED);
    assertThat(call.finished()).as("said finished while the service still runs").hasValue(0);
    service.open();
    until(() -> call.finished().get() == 1, "the service said finished once it returned");
    assertThat(call.finished()).hasValue(1);
  }

  @Test
  void aOneWayServiceThatThrowsLeavesItsFailureInTheInvocationBeforeItIsSaidFinished() throws Exception {
    Invocation inv = reject("bad order");
    inv.handleServiceFailure();
    CompletableFuture<Throwable> seen = new CompletableFuture<>();
    inv.onServiceFinished(() -> seen.complete(inv.serviceFailure()));
    IoRequest r = IoRequest.create();
    r.formatDeviceControl(presenter, CALL, null, null);
    r.context(Invocation.KEY, inv);
    CompletableFuture<IoResult> result = r.sendAsync(presenter, SendOptions.defaults());

    presentTheNextCall();

    assertThat(result.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS).status()).as("accepted").isEqualTo(IoStatus.SUCCESS);
    assertThat(seen.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("bad order");
    assertThat(dev.courier.io.CallbackFailures.take()).as("a failure the binding handles is not reported").isEmpty();
  }

  @Test
  void aOneWayServiceFailureNoBindingHandlesIsReportedToTheCallbackFailureHandler() throws Exception {
    Call call = send(reject("nobody listens"));

    presentTheNextCall();

    assertThat(statusOf(call)).isEqualTo(IoStatus.SUCCESS);
    assertThat(dev.courier.io.CallbackFailures.take(1)).singleElement().satisfies(f -> {
      assertThat(f.callback()).isEqualTo("one-way operation reject");
      assertThat(f.failure()).hasMessage("nobody listens");
    });
  }

  @Test
  void aCallNotRunBecauseItsSessionClosedSaysWhyInTheInvocation() throws Exception {
    session.close();
    Invocation inv = hold("late");
    Call call = send(inv);

    presentTheNextCall();

    assertThat(statusOf(call)).isEqualTo(IoStatus.INVALID_DEVICE_STATE);
    assertThat(inv.serviceFailure()).isInstanceOf(CommunicationException.class).hasMessageContaining("closing");
  }
}
