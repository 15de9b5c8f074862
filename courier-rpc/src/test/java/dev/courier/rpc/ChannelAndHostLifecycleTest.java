package dev.courier.rpc;

import static dev.courier.rpc.RpcTestSupport.INPROC;
import static dev.courier.rpc.RpcTestSupport.LIMIT;
import static dev.courier.rpc.RpcTestSupport.address;
import static dev.courier.rpc.RpcTestSupport.await;
import static dev.courier.io.Eventually.failureOf;
import static dev.courier.io.Eventually.until;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Channel and host states, calls on closed and aborted channels, a channel's close and abort with a call
 * in flight, a host's graceful close, its timeout and abort, opening twice and two hosts on one address.
 */
class ChannelAndHostLifecycleTest {

  @ServiceContract(name = "Worker")
  public interface WorkerService {
    /** Holds the call until the test releases it or the call is cancelled; a negative n returns at once. */
    int work(int n);
  }

  @ServiceContract(name = "Worker")
  public interface Worker {
    int work(int n);

    CompletableFuture<Integer> workAsync(int n);

    AsyncResult beginWork(int n, AsyncCallback callback, Object state);

    int endWork(AsyncResult result);

    void workAsync(int n, Object userState);

    void onWorkCompleted(CompletedListener<Integer> listener);
  }

  /** Records every call's context and holds it until {@link #release} completes or the call is cancelled. */
  static final class HeldWorker implements WorkerService {
    final BlockingQueue<OperationContext> entered = new LinkedBlockingQueue<>();
    final BlockingQueue<OperationContext> cancelled = new LinkedBlockingQueue<>();
    final CompletableFuture<Void> release = new CompletableFuture<>();
    final BlockingQueue<String> endings = new LinkedBlockingQueue<>();   // how each held call ended

    @Override
    public int work(int n) {
      OperationContext ctx = OperationContext.current();
      ctx.onCancel(() -> cancelled.add(ctx));
      entered.add(ctx);
      if (n < 0) {
        return n;
      }
      try {
        CompletableFuture.anyOf(release, ctx.cancellation().toCompletableFuture()).get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        endings.add(ctx.isCancelled() ? "cancelled" : "released");
      } catch (Exception e) {
        throw new IllegalStateException("held call was neither released nor cancelled", e);
      }
      return n * 2;
    }

    OperationContext awaitEntered() throws InterruptedException {
      OperationContext ctx = entered.poll(LIMIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(ctx).as("a call entered the service").isNotNull();
      return ctx;
    }

    OperationContext awaitCancelled() throws InterruptedException {
      OperationContext ctx = cancelled.poll(LIMIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(ctx).as("the service saw a cancellation").isNotNull();
      return ctx;
    }
  }

  private final HeldWorker service = new HeldWorker();
  private final List<ServiceHost> hosts = new ArrayList<>();
  private final List<Worker> channels = new ArrayList<>();
  /** Runs blocking calls (sync calls, close) off the test thread. */
  private static final Executor BACKGROUND = r -> Thread.ofVirtual().name("lifecycle-test").start(r);

  @AfterEach
  void tearDown() {
    service.release.complete(null);
    channels.forEach(c -> ClientChannel.of(c).abort());
    hosts.forEach(ServiceHost::abort);
  }

  private ServiceHost host(String address) {
    ServiceHost host = ServiceHost.builder(service).endpoint(WorkerService.class, INPROC, address).build();
    hosts.add(host);
    return host;
  }

  private Worker channel(String address) {
    Worker worker = ChannelFactory.builder(Worker.class).binding(INPROC).address(address).build().createChannel();
    channels.add(worker);
    return worker;
  }

  private static CommunicationException communicationFailure(Throwable t) {
    assertThat(t).isInstanceOf(CommunicationException.class);
    return (CommunicationException) t;
  }

  /** The exception a call in each of the four shapes gets, in the order sync, task, begin/end, event. */
  private static List<Throwable> failuresInEveryShape(Worker worker) throws Exception {
    List<Throwable> failures = new ArrayList<>();
    failures.add(catchThrowable(() -> worker.work(-1)));
    failures.add(failureOf(worker.workAsync(-1)));
    AsyncResult ar = worker.beginWork(-1, null, null);
    failures.add(catchThrowable(() -> worker.endWork(ar)));
    CompletableFuture<CompletedEvent<Integer>> event = new CompletableFuture<>();
    worker.onWorkCompleted(event::complete);
    worker.workAsync(-1, "state");
    failures.add(await(event).error());
    return failures;
  }

  // ---- host ---------------------------------------------------------------------------------------

  @Test
  void aHostIsCreatedWhenBuiltOpenedWhenOpenAndClosedAfterClose() {
    String address = address("host-states");
    ServiceHost host = host(address);
    assertThat(host.state()).isEqualTo(CommunicationState.CREATED);
    assertThat(host.open()).isSameAs(host);
    assertThat(host.state()).isEqualTo(CommunicationState.OPENED);
    assertThat(channel(address).work(-1)).isEqualTo(-1);
    host.close(LIMIT);
    assertThat(host.state()).isEqualTo(CommunicationState.CLOSED);
    host.close(LIMIT);
    host.abort();
    assertThat(host.state()).isEqualTo(CommunicationState.CLOSED);
  }

  @Test
  void openingAHostTwiceFails() {
    ServiceHost host = host(address("open-twice")).open();
    assertThatThrownBy(host::open)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("open: host is OPENED (expected: CREATED)");
    assertThat(host.state()).isEqualTo(CommunicationState.OPENED);
    host.close(LIMIT);
    assertThatThrownBy(host::open)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("open: host is CLOSED (expected: CREATED)");
  }

  @Test
  void aSecondHostOnTheSameAddressFailsToOpenAndTheFirstGoesOnServing() {
    String address = address("two-hosts");
    ServiceHost first = host(address).open();
    ServiceHost second = host(address);
    assertThatThrownBy(second::open)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("address " + address + " is in use by another endpoint");
    assertThat(second.state()).isEqualTo(CommunicationState.FAULTED);
    assertThat(first.state()).isEqualTo(CommunicationState.OPENED);
    assertThat(channel(address).work(-7)).isEqualTo(-7);

    second.abort();
    assertThat(second.state()).isEqualTo(CommunicationState.CLOSED);
    assertThat(channel(address).work(-8)).as("the failed host took nothing from the first").isEqualTo(-8);
    first.close(LIMIT);
    ServiceHost third = host(address).open();
    assertThat(third.state()).as("a closed host frees its address").isEqualTo(CommunicationState.OPENED);
  }

  @Test
  void connectingToAnAddressNobodyListensAtFailsWithoutReachingAService() {
    String address = address("nobody");
    ChannelFactory<Worker> factory = ChannelFactory.builder(Worker.class).binding(INPROC).address(address).build();
    CommunicationException e = communicationFailure(catchThrowable(factory::createChannel));
    assertThat(e).hasMessageContaining("no endpoint listens at " + address);
    assertThat(e.mayHaveReachedService()).isFalse();

    ServiceHost host = host(address).open();
    Worker worker = factory.createChannel();
    channels.add(worker);
    assertThat(worker.work(-1)).isEqualTo(-1);
    host.close(LIMIT);
    assertThat(communicationFailure(catchThrowable(factory::createChannel))).hasMessageContaining("no endpoint listens at");
  }

  @Test
  void aClosingHostWaitsForTheCallInFlightAndRefusesNewCallsAndChannels() throws Exception {
    String address = address("graceful");
    ServiceHost host = host(address).open();
    Worker worker = channel(address);
    CompletableFuture<Integer> inFlight = worker.workAsync(21);
    OperationContext held = service.awaitEntered();

    CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> host.close(LIMIT), BACKGROUND);
    until(() -> host.state() == CommunicationState.CLOSING, "the host is closing");
    // a new channel is refused...
    CommunicationException refusedChannel = communicationFailure(catchThrowable(() -> channel(address)));
    assertThat(refusedChannel.mayHaveReachedService()).isFalse();
    // ...and so is a new call on a channel that was open before (once the host has stopped taking them)
    until(() -> catchThrowable(() -> worker.work(-1)) != null, "a new call is refused");
    CommunicationException refusedCall = communicationFailure(catchThrowable(() -> worker.work(-2)));
    assertThat(refusedCall).hasMessageContaining("was not delivered");
    assertThat(refusedCall.mayHaveReachedService()).isFalse();

    assertThat(closed).as("close waits for the call in flight").isNotDone();
    assertThat(inFlight).isNotDone();
    assertThat(host.callsInFlight()).isEqualTo(1);
    assertThat(host.state()).isEqualTo(CommunicationState.CLOSING);
    assertThat(ClientChannel.of(worker).state()).as("the channel while its host still holds its session")
        .isEqualTo(CommunicationState.OPENED);

    service.release.complete(null);
    assertThat(await(inFlight)).isEqualTo(42);
    await(closed);
    assertThat(host.state()).isEqualTo(CommunicationState.CLOSED);
    assertThat(held.isCancelled()).isFalse();
    assertThat(host.callsInFlight()).isZero();
    assertThat(ClientChannel.of(worker).state()).as("the channel once its host has ended its session")
        .isEqualTo(CommunicationState.FAULTED);
  }

  @Test
  void aHostClosedWithATooShortTimeoutAbortsTheRemainingCalls() throws Exception {
    String address = address("close-timeout");
    ServiceHost host = host(address).open();
    Worker worker = channel(address);
    CompletableFuture<Integer> task = worker.workAsync(1);
    AsyncResult beginEnd = worker.beginWork(2, null, null);
    service.awaitEntered();
    service.awaitEntered();

    long start = System.nanoTime();
    host.close(Duration.ofMillis(50));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("close waited for its timeout").isGreaterThanOrEqualTo(Duration.ofMillis(50));
    assertThat(host.state()).isEqualTo(CommunicationState.CLOSED);
    assertThat(dev.courier.io.CapturedLogs.take()).singleElement().satisfies(r -> {
      assertThat(r.getLevel()).isEqualTo(java.util.logging.Level.WARNING);
      assertThat(r.getMessage()).isEqualTo("2 calls still running after PT0.05S; aborting them");
    });

    CommunicationException taskFailure = communicationFailure(failureOf(task));
    CommunicationException endFailure = communicationFailure(catchThrowable(() -> worker.endWork(beginEnd)));
    assertThat(taskFailure.mayHaveReachedService()).isTrue();
    assertThat(endFailure.mayHaveReachedService()).isTrue();
    service.awaitCancelled();
    service.awaitCancelled();
    assertThat(host.callsInFlight()).isZero();
  }

  @Test
  void abortingAHostCancelsItsCallsAndClosesItAtOnce() throws Exception {
    String address = address("host-abort");
    ServiceHost host = host(address).open();
    Worker worker = channel(address);
    CompletableFuture<Integer> task = worker.workAsync(1);
    CompletableFuture<Integer> sync = CompletableFuture.supplyAsync(() -> worker.work(2), BACKGROUND);
    service.awaitEntered();
    service.awaitEntered();

    host.abort();
    assertThat(host.state()).isEqualTo(CommunicationState.CLOSED);
    assertThat(communicationFailure(failureOf(task)).mayHaveReachedService()).isTrue();
    assertThat(communicationFailure(failureOf(sync)).mayHaveReachedService()).isTrue();
    service.awaitCancelled();
    service.awaitCancelled();

    assertThat(ClientChannel.of(worker).state()).isEqualTo(CommunicationState.FAULTED);
    CommunicationException later = communicationFailure(catchThrowable(() -> worker.work(-1)));
    assertThat(later.mayHaveReachedService()).as("a call to an aborted host is not delivered").isFalse();
    assertThat(later).hasMessageContaining("channel to " + address + " is FAULTED: its connection was lost (its host closed)");
    assertThat(service.entered).isEmpty();
    assertThat(communicationFailure(catchThrowable(() -> channel(address)))).hasMessageContaining("no endpoint listens at");
    assertThat(host.sessionCount()).isZero();
  }

  @Test
  void abortingAHostThatIsClosingEndsTheWaitAndTheCallsAtOnce() throws Exception {
    String address = address("abort-while-closing");
    ServiceHost host = host(address).open();
    Worker worker = channel(address);
    CompletableFuture<Integer> inFlight = worker.workAsync(3);
    service.awaitEntered();
    CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> host.close(Duration.ofMinutes(1)), BACKGROUND);
    until(() -> host.state() == CommunicationState.CLOSING, "the host is closing");

    host.abort();
    assertThat(host.state()).isEqualTo(CommunicationState.CLOSED);
    assertThat(communicationFailure(failureOf(inFlight)).mayHaveReachedService()).isTrue();
    service.awaitCancelled();
    await(closed);
    assertThat(host.state()).isEqualTo(CommunicationState.CLOSED);
  }

  // ---- channel ------------------------------------------------------------------------------------

  @Test
  void aChannelIsOpenedWhenCreatedAndClosedAfterClose() {
    String address = address("channel-states");
    host(address).open();
    Worker worker = channel(address);
    ClientChannel channel = ClientChannel.of(worker);
    assertThat(channel.state()).isEqualTo(CommunicationState.OPENED);
    assertThat(channel.address()).isEqualTo(address);
    channel.close();
    assertThat(channel.state()).isEqualTo(CommunicationState.CLOSED);
    channel.close();
    channel.abort();
    assertThat(channel.state()).isEqualTo(CommunicationState.CLOSED);
    assertThatThrownBy(() -> ClientChannel.of(new Object())).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"closed", "aborted"})
  void callsOnAClosedOrAbortedChannelFailInEveryShapeWithoutBeingSent(String how) throws Exception {
    String address = address("closed-channel");
    ServiceHost host = host(address).open();
    Worker worker = channel(address);
    Consumer<ClientChannel> end = how.equals("closed") ? ClientChannel::close : ClientChannel::abort;
    end.accept(ClientChannel.of(worker));
    assertThat(ClientChannel.of(worker).state()).isEqualTo(CommunicationState.CLOSED);

    List<Throwable> failures = failuresInEveryShape(worker);
    assertThat(failures).hasSize(4).allSatisfy(t -> {
      CommunicationException e = communicationFailure(t);
      assertThat(e).hasMessageContaining("was not sent");
      assertThat(e.mayHaveReachedService()).isFalse();
    });
    assertThat(service.entered).as("nothing reached the service").isEmpty();
    assertThat(host.sessionCount()).as("the channel's session ended").isZero();
  }

  @Test
  void closingAChannelWaitsForTheCallInFlight() throws Exception {
    String address = address("channel-close");
    ServiceHost host = host(address).open();
    Worker worker = channel(address);
    ClientChannel channel = ClientChannel.of(worker);
    CompletableFuture<Integer> inFlight = worker.workAsync(5);
    OperationContext held = service.awaitEntered();

    CompletableFuture<Void> closed = CompletableFuture.runAsync(channel::close, BACKGROUND);
    until(() -> channel.state() == CommunicationState.CLOSING, "the channel is closing");
    CommunicationException refused = communicationFailure(catchThrowable(() -> worker.work(-1)));
    assertThat(refused).hasMessageContaining("is CLOSING").hasMessageContaining("was not sent");
    assertThat(refused.mayHaveReachedService()).isFalse();
    assertThat(closed).isNotDone();
    assertThat(inFlight).isNotDone();

    service.release.complete(null);
    assertThat(await(inFlight)).isEqualTo(10);
    await(closed);
    assertThat(channel.state()).isEqualTo(CommunicationState.CLOSED);
    assertThat(held.isCancelled()).isFalse();
    until(() -> host.sessionCount() == 0, "the host saw the channel go");
  }

  @Test
  void abortingAChannelCancelsTheCallsInFlightAndTheServiceSeesIt() throws Exception {
    String address = address("channel-abort");
    ServiceHost host = host(address).open();
    Worker worker = channel(address);
    CompletableFuture<Integer> task = worker.workAsync(1);
    CompletableFuture<Integer> sync = CompletableFuture.supplyAsync(() -> worker.work(2), BACKGROUND);
    service.awaitEntered();
    service.awaitEntered();

    ClientChannel.of(worker).abort();
    assertThat(ClientChannel.of(worker).state()).isEqualTo(CommunicationState.CLOSED);
    assertThat(failureOf(task)).isInstanceOf(CancellationException.class);
    assertThat(failureOf(sync)).isInstanceOf(CancellationException.class);
    assertThat(service.awaitCancelled().isCancelled()).isTrue();
    service.awaitCancelled();
    assertThat(service.release).as("the service ended because it was cancelled, not released").isNotDone();
    assertThat(List.of(service.endings.poll(LIMIT.toSeconds(), TimeUnit.SECONDS),
        service.endings.poll(LIMIT.toSeconds(), TimeUnit.SECONDS)))
        .as("how the two held calls ended").containsExactly("cancelled", "cancelled");
    until(() -> host.callsInFlight() == 0 && host.sessionCount() == 0, "the host let go of the channel and its calls");
    assertThat(host.state()).isEqualTo(CommunicationState.OPENED);
  }

  @Test
  void closingOneChannelLeavesTheHostsOtherChannelsOpen() {
    String address = address("two-channels");
    ServiceHost host = host(address).open();
    Worker first = channel(address);
    Worker second = channel(address);
    assertThat(host.sessionCount()).isEqualTo(2);
    ClientChannel.of(first).close();
    assertThat(host.sessionCount()).isEqualTo(1);
    assertThat(second.work(-3)).isEqualTo(-3);
    assertThat(ClientChannel.of(second).state()).isEqualTo(CommunicationState.OPENED);
  }
}
