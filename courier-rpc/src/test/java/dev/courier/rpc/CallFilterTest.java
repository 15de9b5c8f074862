package dev.courier.rpc;

import static dev.courier.rpc.RpcTestSupport.INPROC;
import static dev.courier.rpc.RpcTestSupport.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the contract suite does not cover of filters and per-call options: factories per operation, filters that
 * misbehave, an asynchronous filter, cancelling a call a filter holds, the call a filter sees, and bad options.
 */
class CallFilterTest {
  private final List<ServiceHost> hosts = new ArrayList<>();
  private final List<Object> channels = new ArrayList<>();

  @ServiceContract(name = "Tally")
  public interface Tally {
    int add(int a, int b);

    String tenant();

    @Operation(oneWay = true)
    void note(String text);
  }

  /** {@link Tally} as a client with futures. */
  @ServiceContract(name = "Tally")
  public interface TallyClient {
    CompletableFuture<Integer> addAsync(int a, int b);

    String tenant();

    @Operation(oneWay = true)
    void note(String text);
  }

  static final class TallyService implements Tally {
    final List<String> notes = new CopyOnWriteArrayList<>();

    @Override
    public int add(int a, int b) {
      return a + b;
    }

    @Override
    public String tenant() {
      return OperationContext.current().headers().getOrDefault("tenant", "none");
    }

    @Override
    public void note(String text) {
      notes.add(text);
    }
  }

  @AfterEach
  void tearDown() {
    channels.forEach(c -> ClientChannel.of(c).abort());
    hosts.forEach(ServiceHost::abort);
  }

  private String host(ServiceHost.Builder builder) {
    ServiceHost host = builder.build();
    hosts.add(host);
    host.open();
    return host.listenAddresses().getFirst();
  }

  private <T> T channel(ChannelFactory.Builder<T> factory) {
    T proxy = factory.build().createChannel();
    channels.add(proxy);
    return proxy;
  }

  private Tally tally(ServiceHost.Builder host, java.util.function.Consumer<ChannelFactory.Builder<Tally>> client) {
    String at = host(host);
    ChannelFactory.Builder<Tally> factory = ChannelFactory.builder(Tally.class).binding(INPROC).address(at);
    client.accept(factory);
    return channel(factory);
  }

  private static ServiceHost.Builder service() {
    return ServiceHost.builder(new TallyService()).endpoint(Tally.class, INPROC, address("tally"));
  }

  @Test
  void aFactoryMakesOneFilterPerOperationOnceAndNoneWhereItReturnsNull() {
    List<String> made = new CopyOnWriteArrayList<>();
    List<String> seen = new CopyOnWriteArrayList<>();
    Tally tally = tally(service(), f -> f.filter(op -> {
      made.add(op.contractName() + "/" + op.name());
      return op.name().equals("add") ? (call, next) -> {
        seen.add(call.operation().name() + call.arguments());
        return next.proceed(call);
      } : null;
    }));

    assertThat(tally.add(2, 3)).isEqualTo(5);
    assertThat(tally.add(4, 5)).isEqualTo(9);
    assertThat(tally.tenant()).isEqualTo("none");

    assertThat(made).containsExactlyInAnyOrder("Tally/add", "Tally/tenant", "Tally/note");
    assertThat(seen).containsExactly("add[2, 3]", "add[4, 5]");
  }

  @Test
  void anAsynchronousFilterProceedsFromAnotherThreadWithoutBlockingTheCaller() throws Exception {
    CompletableFuture<Void> token = new CompletableFuture<>();
    TallyClient tally = channel(ChannelFactory.builder(TallyClient.class).binding(INPROC).address(host(service()))
        .filter((call, next) -> token.thenCompose(v -> next.proceed(call.withHeader("token", "t")))));

    CompletableFuture<Integer> sum = tally.addAsync(20, 22);
    assertThat(sum).as("the call while its filter waits").isNotDone();
    Thread.ofVirtual().start(() -> token.complete(null));

    assertThat(sum.get(5, TimeUnit.SECONDS)).isEqualTo(42);
  }

  @Test
  void cancellingACallThatAFilterHoldsEndsItAndNothingIsSent() throws Exception {
    CompletableFuture<Void> gate = new CompletableFuture<>();
    List<String> hostSaw = new CopyOnWriteArrayList<>();
    TallyClient tally = channel(ChannelFactory.builder(TallyClient.class).binding(INPROC)
        .address(host(service().filter((call, next) -> {
          hostSaw.add(call.operation().name());
          return next.proceed(call);
        })))
        .filter((call, next) -> gate.thenCompose(v -> next.proceed(call))));

    CompletableFuture<Integer> sum = tally.addAsync(1, 2);
    assertThat(sum.cancel(true)).isTrue();
    gate.complete(null);

    assertThat(sum).isCancelled();
    assertThat(tally.addAsync(3, 4).get(5, TimeUnit.SECONDS)).as("the next call on the channel").isEqualTo(7);
    assertThat(hostSaw).as("the calls the host took").containsExactly("add");
  }

  @Test
  void aFilterThatProceedsTwiceOrReturnsNullFailsItsCallSayingSo() {
    Tally twice = tally(service(), f -> f.filter((call, next) -> {
      next.proceed(call);
      return next.proceed(call);
    }));
    Tally none = tally(service(), f -> f.filter((call, next) -> null));

    assertThat(catchThrowable(() -> twice.add(1, 1)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("proceeded twice with a call of add");
    assertThat(catchThrowable(() -> none.add(1, 1)))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("returned null for add")
        .hasMessageContaining("expected: a CompletionStage");
  }

  @Test
  void aFilterFailingWithACheckedExceptionGivesACommunicationExceptionWithItAsTheCause() {
    Exception cause = new java.io.IOException("token service unreachable");
    Tally tally = tally(service(), f -> f.filter((call, next) -> CompletableFuture.failedFuture(cause)));

    assertThat(catchThrowable(() -> tally.add(1, 1))).isInstanceOf(CommunicationException.class)
        .hasMessageContaining("call to add failed in a filter").hasCause(cause);
  }

  @Test
  void filtersSeeTheOperationTheTimeoutTheAddressAndOnTheHostTheServiceContext() throws Exception {
    CompletableFuture<CallFilter.Call> client = new CompletableFuture<>();
    CompletableFuture<CallFilter.Call> host = new CompletableFuture<>();
    Tally tally = tally(service().filter((call, next) -> {
      host.complete(call);
      return next.proceed(call);
    }), f -> f.operationTimeout(Duration.ofSeconds(30)).filter((call, next) -> {
      client.complete(call);
      return next.proceed(call);
    }));

    tally.add(1, 2);

    CallFilter.Call c = client.get(5, TimeUnit.SECONDS);
    assertThat(c.side()).isEqualTo(CallFilter.Side.CLIENT);
    assertThat(c.timeout()).contains(Duration.ofSeconds(30));
    assertThat(c.address()).startsWith("inproc://tally");
    assertThat(c.context()).as("a client call made outside any service call").isEmpty();
    CallFilter.Call h = host.get(5, TimeUnit.SECONDS);
    assertThat(h.side()).isEqualTo(CallFilter.Side.SERVICE);
    assertThat(h.arguments()).containsExactly(1, 2);
    assertThat(h.timeout().orElseThrow()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(30));
    assertThat(h.context().orElseThrow().operation().name()).isEqualTo("add");
  }

  @Test
  void anOuterFilterSeesTheFailureItselfNotWrappedAndAFactoryIsToldItsSide() {
    CompletableFuture<Throwable> outer = new CompletableFuture<>();
    List<String> sides = new CopyOnWriteArrayList<>();
    Tally tally = tally(service().filter(new CallFilter.Factory() {
      @Override
      public CallFilter create(OperationDescription op) {
        throw new AssertionError("the two-argument create is the one asked");
      }

      @Override
      public CallFilter create(OperationDescription op, CallFilter.Side side) {
        sides.add(op.name() + " " + side);
        return null;
      }
    }), f -> f
        .filter((call, next) -> next.proceed(call).whenComplete((r, e) -> outer.complete(e)))
        .filter((call, next) -> next.proceed(call).whenComplete((r, e) -> { }))
        .filter((call, next) -> CompletableFuture.failedFuture(new IllegalStateException("refused"))));

    assertThat(catchThrowable(() -> tally.add(1, 1))).isInstanceOf(IllegalStateException.class).hasMessage("refused");

    assertThat(outer).isCompletedWithValueMatching(e -> e instanceof IllegalStateException, "the failure itself");
    assertThat(sides).containsExactlyInAnyOrder("add SERVICE", "tenant SERVICE", "note SERVICE");
  }

  @Test
  void anEndpointsOwnFiltersSeeOnlyItsCallsAfterTheHostsFilters() {
    List<String> seen = new CopyOnWriteArrayList<>();
    String open = address("tally-open");
    String guarded = address("tally-guarded");
    host(ServiceHost.builder(new TallyService())
        .filter((call, next) -> {
          seen.add("host " + call.operation().name());
          return next.proceed(call);
        })
        .endpoint(Tally.class, INPROC, open)
        .endpoint(Tally.class, INPROC, guarded, (call, next) -> {
          seen.add("guard " + call.operation().name());
          return call.headers().containsKey("token") ? next.proceed(call)
              : CompletableFuture.failedFuture(new FaultException(FaultException.SENDER, "no token", null));
        }));
    Tally viaOpen = channel(ChannelFactory.builder(Tally.class).binding(INPROC).address(open));
    Tally viaGuarded = channel(ChannelFactory.builder(Tally.class).binding(INPROC).address(guarded));

    assertThat(viaOpen.add(1, 2)).isEqualTo(3);
    assertThat(catchThrowable(() -> viaGuarded.add(1, 2))).isInstanceOf(FaultException.class).hasMessageContaining("no token");

    assertThat(seen).containsExactly("host add", "host add", "guard add");
  }

  @Test
  void aHostFilterAddsAHeaderTheServiceReads() {
    Tally tally = tally(service().filter((call, next) -> next.proceed(call.withHeader("tenant", "green"))), f -> { });

    assertThat(tally.tenant()).isEqualTo("green");
  }

  @Test
  void optionsAreCheckedAndOnlyProxiesOfAFactoryTakeThem() {
    assertThatThrownBy(() -> CallOptions.builder().timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: > 0, or noTimeout()");
    assertThatThrownBy(() -> ClientChannel.withOptions(new TallyService(), CallOptions.builder().build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: a proxy made by ChannelFactory");
    Tally tally = tally(service(), f -> f.operationTimeout(Duration.ofMillis(50)));
    Tally patient = ClientChannel.withOptions(tally, CallOptions.builder().noTimeout().header("tenant", "blue").build());

    assertThat(patient.tenant()).isEqualTo("blue");
    assertThat(patient.toString()).contains("Tally");
    assertThat(CallOptions.builder().noTimeout().build().toString()).contains("no timeout");
  }
}
