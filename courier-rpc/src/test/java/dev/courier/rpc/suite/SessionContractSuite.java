package dev.courier.rpc.suite;

import static dev.courier.rpc.OperationShape.SYNC;
import static dev.courier.rpc.OperationShape.TASK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import dev.courier.rpc.CallTimeoutException;
import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.CommunicationException;
import dev.courier.rpc.CommunicationState;
import dev.courier.rpc.ConcurrencyMode;
import dev.courier.rpc.ExceptionDetail;
import dev.courier.rpc.FaultException;
import dev.courier.rpc.OperationContext;
import dev.courier.rpc.OperationShape;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.suite.SuiteContracts.Client;
import dev.courier.rpc.suite.SuiteContracts.DuplexClient;
import dev.courier.rpc.suite.SuiteServices.DuplexService;
import dev.courier.rpc.suite.SuiteServices.Held;
import dev.courier.rpc.suite.SuiteServices.RecordingNotifications;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract suite with what bindings that hold a session with their host add: duplex contracts (the service
 * calls the client back during and after a call) and a channel that becomes FAULTED when its host ends. A
 * binding with sessions (in-process, TCP) runs this one; a sessionless one (SOAP over HTTP) runs
 * {@link ContractSuite}, and its own tests show how it refuses duplex contracts.
 *
 * <pre>{@code
 * class TcpContractSuiteTest extends SessionContractSuite { ... }
 * }</pre>
 */
public abstract class SessionContractSuite extends ContractSuite {
  /** Every (client shape, service shape) pair under MULTIPLE and REENTRANT concurrency: 4 x 3 x 2. */
  static Stream<Arguments> duplexMatrix() {
    return matrix().flatMap(cell -> Stream.of(ConcurrencyMode.MULTIPLE, ConcurrencyMode.REENTRANT)
        .map(mode -> Arguments.of(cell.get()[0], cell.get()[1], mode)));
  }


  // ---- duplex --------------------------------------------------------------------------------------

  @ParameterizedTest(name = "duplex: {0} client -> {1} service ({2}): the service calls the client's callback during the call")
  @MethodSource("duplexMatrix")
  void duplexCallbackDuringTheCall(OperationShape client, OperationShape service, ConcurrencyMode concurrency)
      throws Exception {
    RecordingNotifications callback = new RecordingNotifications();
    CallAdapter calls = duplex(service, concurrency, callback, SuiteServices.duplexService(service));

    Outcome o = await(calls.start(client, "greet", "ada"));

    assertSucceeded(o);
    assertThat(o.value()).isEqualTo(SuiteServices.greeting("ada", service));
    assertThat(callback.decorated).containsExactly("ada");
  }

  @ParameterizedTest(name = "duplex: {0} client -> {1} service ({2}): a client cancel reaches the service and the callback it waits on")
  @MethodSource("duplexMatrix")
  void duplexCancelDuringTheCallback(OperationShape client, OperationShape service, ConcurrencyMode concurrency)
      throws Exception {
    RecordingNotifications callback = new RecordingNotifications();
    DuplexService implementation = SuiteServices.duplexService(service);
    CallAdapter calls = duplex(service, concurrency, callback, implementation, LONG_TIMEOUT, host -> { });
    String name = RecordingNotifications.HOLD + "cancel";

    CallAdapter.Pending p = calls.start(client, "greet", name);
    Held inService = implementation.probe.held(name);
    Held inCallback = callback.probe.held(name);
    inService.context();
    inCallback.context();                                      // the service waits on the client's callback
    boolean accepted = p.cancel();
    Outcome o = await(p);

    assertThat(accepted).as("what %s cancel returned for a pending call", client).isTrue();
    assertThat(o.error()).as("%s", o).isInstanceOf(CancellationException.class);
    inService.cancelSeen.get(5, TimeUnit.SECONDS);
    assertThat(inService.context().isCancelled()).as("the service's OperationContext.isCancelled()").isTrue();
    assertServiceSawCancellation(inCallback);                  // the call it made was cancelled with it
  }

  @ParameterizedTest(name = "duplex: {0} client -> {1} service: a timeout reaches the service, and its callback inherits the deadline")
  @MethodSource("matrix")
  void duplexTimeoutDuringTheCallback(OperationShape client, OperationShape service) throws Exception {
    RecordingNotifications callback = new RecordingNotifications();
    DuplexService implementation = SuiteServices.duplexService(service);
    CallAdapter calls = duplex(service, ConcurrencyMode.REENTRANT, callback, implementation, SHORT_TIMEOUT, host -> { });
    String name = RecordingNotifications.HOLD + "timeout";

    CallAdapter.Pending p = calls.start(client, "greet", name);
    Held inService = implementation.probe.held(name);
    Held inCallback = callback.probe.held(name);
    inService.context();
    OperationContext callbackContext = inCallback.context();
    assertThat(callbackContext.timeRemaining()).as("the callback's time remaining")
        .isNotNull().isLessThanOrEqualTo(SHORT_TIMEOUT);
    Outcome o = await(p);

    assertThat(o.error()).as("%s", o).isExactlyInstanceOf(CallTimeoutException.class);
    inService.cancelSeen.get(5, TimeUnit.SECONDS);
    assertThat(inService.context().isCancelled()).as("the service's OperationContext.isCancelled()").isTrue();
    assertServiceSawCancellation(inCallback);
  }

  @ParameterizedTest(name = "duplex: {0} client -> {1} service: notifications sent later through a kept callback proxy reach the client")
  @MethodSource("matrix")
  void duplexNotificationAfterTheCall(OperationShape client, OperationShape service) throws Exception {
    RecordingNotifications callback = new RecordingNotifications();
    DuplexService implementation = SuiteServices.duplexService(service);
    CallAdapter calls = duplex(service, ConcurrencyMode.MULTIPLE, callback, implementation);
    assertSucceeded(await(calls.start(client, "greet", "grace")));
    assertThat(callback.announcements).isEmpty();

    implementation.announce("news-1");                        // from outside any call, after it ended
    implementation.announce("news-2");

    List<String> received = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      String news = callback.announcements.poll(5, TimeUnit.SECONDS);
      assertThat(news).as("announcement %d", i + 1).isNotNull();
      received.add(news);
    }
    assertThat(received).containsExactlyInAnyOrder("news-1", "news-2");
  }

  @ParameterizedTest(name = "duplex: {0} client -> {1} service (SINGLE): a request/reply callback is refused, not deadlocked")
  @MethodSource("matrix")
  void duplexSingleConcurrencyRefusesACallbackDuringTheCall(OperationShape client, OperationShape service)
      throws Exception {
    RecordingNotifications callback = new RecordingNotifications();
    CallAdapter calls = duplex(service, ConcurrencyMode.SINGLE, callback, SuiteServices.duplexService(service),
        LONG_TIMEOUT, host -> host.includeExceptionDetailInFaults(true));

    Outcome o = await(calls.start(client, "greet", "alan"));

    FaultException fault = assertFault(o);
    assertThat(fault.code()).isEqualTo(FaultException.INTERNAL);
    ExceptionDetail detail = fault.detail(ExceptionDetail.class);
    assertThat(detail).as("exception detail of %s", fault).isNotNull();
    assertThat(detail.type()).isEqualTo(IllegalStateException.class.getName());
    assertThat(detail.message()).contains("would deadlock");
    assertThat(callback.decorated).isEmpty();
    assertServiceLogged("operation greet failed", "callback decorate would deadlock");
  }


  // ---- a lost connection ---------------------------------------------------------------------------

  @ParameterizedTest(name = "a channel whose host {0} becomes FAULTED, later calls fail at once unsent, and a new channel reaches the next host")
  @ValueSource(strings = {"closes", "aborts"})
  void aChannelWhoseHostEndsBecomesFaultedAndANewChannelReachesTheNextHost(String how) throws Exception {
    String listening = host(ServiceHost.builder(SuiteServices.suiteService(SYNC, probe))
        .endpoint(SuiteServices.suiteContract(SYNC), binding(), newAddress("faulted")));
    ChannelFactory.Builder<Client> builder = ChannelFactory.builder(Client.class).binding(binding()).address(listening)
        .operationTimeout(LONG_TIMEOUT);
    configureClient(builder);
    ChannelFactory<Client> factory = builder.build();
    Client old = factory.createChannel();
    channels.add(old);
    assertThat(old.divide(7, 2)).isEqualTo(3);

    ServiceHost first = hosts.getLast();
    if (how.equals("closes")) {
      first.close(CallAdapter.WAIT);
    } else {
      first.abort();
    }
    ClientChannel channel = ClientChannel.of(old);
    dev.courier.io.Eventually.until(() -> channel.state() == CommunicationState.FAULTED, "the channel to a host that " + how + " is FAULTED");

    Throwable sync = catchThrowable(() -> old.divide(7, 2));
    CompletableFuture<Integer> task = old.divideAsync(7, 2);
    assertThat(task).as("a TASK call on a FAULTED channel has failed when it returns").isCompletedExceptionally();
    for (Throwable failure : List.of(sync, catchThrowable(task::join).getCause())) {
      assertThat(failure).isExactlyInstanceOf(CommunicationException.class)
          .hasMessageContaining(listening).hasMessageContaining("connection was lost")
          .hasMessageContaining("was not sent").hasMessageContaining("new channel");
      assertThat(((CommunicationException) failure).mayHaveReachedService()).as("mayHaveReachedService").isFalse();
    }

    host(ServiceHost.builder(SuiteServices.suiteService(SYNC, probe))
        .endpoint(SuiteServices.suiteContract(SYNC), binding(), listening));
    Client fresh = factory.createChannel();
    channels.add(fresh);
    assertThat(fresh.divide(9, 3)).as("a new channel from the same factory").isEqualTo(3);
    assertThat(channel.state()).as("the old channel does not come back").isEqualTo(CommunicationState.FAULTED);
    channel.close();
    assertThat(channel.state()).isEqualTo(CommunicationState.CLOSED);
  }


  // ---- fixtures ------------------------------------------------------------------------------------

  /** Hosts {@code implementation} of {@code Duplex} and connects a {@link DuplexClient} with {@code callback}. */
  // ---- filters on callbacks ------------------------------------------------------------------------

  @ParameterizedTest(name = "filters: {0} client -> {1} service: the host's filters see the callbacks its service makes, the channel's see them arrive")
  @MethodSource("matrix")
  void filtersSeeCallbacks(OperationShape client, OperationShape service) throws Exception {
    List<String> hostEvents = new CopyOnWriteArrayList<>();
    List<String> channelEvents = new CopyOnWriteArrayList<>();
    RecordingNotifications callback = new RecordingNotifications();
    String address = newAddress("filtered-duplex-" + service.name().toLowerCase(java.util.Locale.ROOT));
    String listening = host(ServiceHost.builder(SuiteServices.duplexService(service))
        .endpoint(SuiteServices.duplexContract(service), binding(), address)
        .filter(new RecordingFilter("s", hostEvents)));
    CallAdapter calls = adapter(DuplexClient.class, channel(ChannelFactory.builder(DuplexClient.class)
        .binding(binding()).address(listening).callback(callback).eventExecutor(ui).operationTimeout(LONG_TIMEOUT)
        .filter(new RecordingFilter("c", channelEvents))));

    Outcome o = await(calls.start(client, "greet", "ada"));

    assertSucceeded(o);
    assertThat(callback.decorated).containsExactly("ada");
    assertThat(hostEvents).containsExactly("s>greet SERVICE", "s>decorate CLIENT", "s<decorate ok", "s<greet ok");
    assertThat(channelEvents).containsExactly("c>greet CLIENT", "c>decorate SERVICE", "c<decorate ok", "c<greet ok");
  }

  protected CallAdapter duplex(OperationShape serviceShape, ConcurrencyMode concurrency, Object callback,
      DuplexService implementation) {
    return duplex(serviceShape, concurrency, callback, implementation, LONG_TIMEOUT, host -> { });
  }

  private CallAdapter duplex(OperationShape serviceShape, ConcurrencyMode concurrency, Object callback,
      DuplexService implementation, Duration timeout, Consumer<ServiceHost.Builder> more) {
    String address = newAddress("duplex-" + serviceShape.name().toLowerCase(java.util.Locale.ROOT));
    ServiceHost.Builder host = ServiceHost.builder(implementation)
        .endpoint(SuiteServices.duplexContract(serviceShape), binding(), address)
        .concurrency(concurrency);
    more.accept(host);
    String listening = host(host);
    return adapter(DuplexClient.class, channel(ChannelFactory.builder(DuplexClient.class)
        .binding(binding()).address(listening).callback(callback).eventExecutor(ui).operationTimeout(timeout)));
  }

}
