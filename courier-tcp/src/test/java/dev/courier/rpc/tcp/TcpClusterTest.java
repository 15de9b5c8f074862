package dev.courier.rpc.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.io.ChildJvm;
import dev.courier.io.Eventually;
import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.CommunicationException;
import dev.courier.rpc.LoadBalancing;
import dev.courier.rpc.Operation;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.ServiceHost;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client over several TCP endpoints of one service: calls spread over them, go on to the next endpoint when
 * they provably reached none, are sent again after a lost connection only when the operation is idempotent,
 * and reach an endpoint again once it is back.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpClusterTest {
  @ServiceContract(name = "Where")
  public interface Where {
    /** The name of the host that ran it. */
    String where(String tag);

    /** The name of the host that ran it; a crashing host loses its connections in the middle of it. */
    String crash(String tag);

    /** The same, declared idempotent. */
    @Operation(idempotent = true)
    String crashAgain(String tag);

    /** Never answered on a crashing host; idempotent, so that only the deadline keeps it from going on. */
    @Operation(idempotent = true)
    String stall(String tag);

    /** Recorded where it runs. */
    @Operation(oneWay = true)
    void mark(String tag);
  }

  @ServiceContract(name = "Where")
  public interface AsyncHeld {
    CompletableFuture<String> crashAsync(String tag);

    @Operation(idempotent = true)
    CompletableFuture<String> crashAgainAsync(String tag);
  }

  @ServiceContract(name = "Where")
  public interface AsyncStall {
    @Operation(idempotent = true)
    CompletableFuture<String> stallAsync(String tag);
  }

  @ServiceContract(name = "Where")
  public interface AsyncWhere {
    CompletableFuture<String> whereAsync(String tag);
  }

  /** The service side: {@code crash} on a crashing host aborts the host while the call runs. */
  @ServiceContract(name = "Where")
  public interface WhereService {
    CompletionStage<String> whereAsync(String tag);

    CompletionStage<String> crashAsync(String tag);

    @Operation(idempotent = true)
    CompletionStage<String> crashAgainAsync(String tag);

    @Operation(idempotent = true)
    CompletionStage<String> stallAsync(String tag);

    @Operation(oneWay = true)
    void mark(String tag);
  }

  /** One host's service: its name, and how many times each tag ran here. */
  static final class Named implements WhereService {
    final String name;
    final boolean crashes;
    final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    final java.util.Set<String> cancelled = ConcurrentHashMap.newKeySet();
    final CompletableFuture<String> stalled = new CompletableFuture<>();   // the answer of every stall here
    final Map<String, Duration> timeLeft = new ConcurrentHashMap<>();      // of each stall's deadline, on entry
    volatile ServiceHost host;

    Named(String name, boolean crashes) {
      this.name = name;
      this.crashes = crashes;
    }

    int runs(String tag) {
      AtomicInteger n = runs.get(tag);
      return n == null ? 0 : n.get();
    }

    private void ran(String tag) {
      runs.computeIfAbsent(tag, t -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public CompletionStage<String> whereAsync(String tag) {
      ran(tag);
      return CompletableFuture.completedFuture(name);
    }

    @Override
    public CompletionStage<String> crashAsync(String tag) {
      ran(tag);
      if (!crashes) {
        return CompletableFuture.completedFuture(name);
      }
      Thread.ofVirtual().start(host::abort);      // its connections go while the call is in flight
      return new CompletableFuture<>();
    }

    @Override
    public CompletionStage<String> crashAgainAsync(String tag) {
      return crashAsync(tag);
    }

    @Override
    public CompletionStage<String> stallAsync(String tag) {
      dev.courier.rpc.OperationContext context = dev.courier.rpc.OperationContext.current();
      if (context.deadline().isPresent()) {
        timeLeft.put(tag, context.timeRemaining());     // before the run is counted, which tests wait for
      }
      ran(tag);
      context.onCancel(() -> cancelled.add(tag));
      return crashes ? stalled : CompletableFuture.completedFuture(name);
    }

    @Override
    public void mark(String tag) {
      ran(tag);
    }
  }

  private final TcpBinding server = TcpBinding.create();
  private final TcpBinding client = TcpBinding.create();
  private final List<ServiceHost> hosts = new ArrayList<>();
  private final List<Named> services = new ArrayList<>();

  @AfterEach
  void closeAll() {
    hosts.forEach(ServiceHost::abort);
    client.close();
    server.close();
  }

  private String host(String name, boolean crashes, int port) {
    Named service = new Named(name, crashes);
    ServiceHost host = ServiceHost.builder(service)
        .endpoint(WhereService.class, server, "courier.tcp://127.0.0.1:" + port + "/where").build().open();
    service.host = host;
    hosts.add(host);
    services.add(service);
    return host.listenAddresses().get(0).toString();
  }

  private <T> T channel(Class<T> contract, LoadBalancing balancing, String... addresses) {
    return ChannelFactory.builder(contract).binding(client).addresses(addresses).loadBalancing(balancing)
        .operationTimeout(Duration.ofSeconds(20)).build().createChannel();
  }

  @Test
  void anEndpointWhoseHostSaysItIsDrainingGetsNoNewCallsUntilItServesAgain() {
    Where where = ChannelFactory.builder(Where.class).binding(client).healthInterval(Duration.ofMillis(50))
        .addresses(host("a", false, 0), host("b", false, 0), host("c", false, 0)).build().createChannel();
    hosts.get(0).health(dev.courier.rpc.HealthState.DRAINING);

    Eventually.until(() -> !answers(where, 6).contains("a"), "no call reached the draining host");
    hosts.forEach(h -> h.health(dev.courier.rpc.HealthState.DRAINING));
    assertThat(answers(where, 3)).as("with every host draining, calls still go").hasSize(3);
    hosts.forEach(h -> h.health(dev.courier.rpc.HealthState.SERVING));
    Eventually.until(() -> answers(where, 6).contains("a"), "a call reached the host serving again");
    ClientChannel.of(where).close();
  }

  @Test
  void aHostAlreadyDrainingWhenTheChannelIsCreatedIsLeftOutWithoutWaitingAnInterval() {
    String a = host("a", false, 0);
    hosts.get(0).health(dev.courier.rpc.HealthState.DRAINING);
    Where where = ChannelFactory.builder(Where.class).binding(client).healthInterval(Duration.ofHours(1))
        .addresses(a, host("b", false, 0)).build().createChannel();

    Eventually.until(() -> !answers(where, 4).contains("a"), "the first health answer, long before the interval, "
        + "left the draining host out");
    ClientChannel.of(where).close();
  }

  @Test
  void healthChecksAskOverTheChannelsOwnConnectionsAndOpenNoneOfTheirOwn() {
    Where where = ChannelFactory.builder(Where.class).binding(client).healthInterval(Duration.ofMillis(20))
        .addresses(host("a", false, 0), host("b", false, 0)).build().createChannel();
    int connected = server.connectionsAccepted();
    hosts.get(0).health(dev.courier.rpc.HealthState.DRAINING);

    Eventually.until(() -> !answers(where, 4).contains("a"), "a health check's answer left the draining host out");
    hosts.get(0).health(dev.courier.rpc.HealthState.SERVING);
    Eventually.until(() -> answers(where, 4).contains("a"), "a later check's answer let it back in");
    assertThat(server.connectionsAccepted()).as("connections the hosts accepted after the channel's own two")
        .isEqualTo(connected).isEqualTo(2);
    ClientChannel.of(where).close();
  }

  private static List<String> answers(Where where, int calls) {
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      answers.add(where.where("health " + i));
    }
    return answers;
  }

  @Test
  void callsOneAtATimeGoToEachEndpointInTurn() {
    Where where = channel(Where.class, LoadBalancing.ROUND_ROBIN, host("a", false, 0), host("b", false, 0),
        host("c", false, 0));
    Map<String, Integer> answered = new ConcurrentHashMap<>();
    for (int i = 0; i < 300; i++) {
      answered.merge(where.where("call " + i), 1, Integer::sum);
    }

    assertThat(answered).containsOnly(Map.entry("a", 100), Map.entry("b", 100), Map.entry("c", 100));
    ClientChannel.of(where).close();
  }

  @Test
  void manyCallsInFlightSpreadOverTheEndpointsWithTheFewestPending() throws Exception {
    AsyncWhere where = channel(AsyncWhere.class, LoadBalancing.LEAST_PENDING, host("a", false, 0),
        host("b", false, 0), host("c", false, 0));
    List<CompletableFuture<String>> calls = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      calls.add(where.whereAsync("call " + i));
    }
    Map<String, Integer> answered = new ConcurrentHashMap<>();
    for (CompletableFuture<String> call : calls) {
      answered.merge(call.get(20, TimeUnit.SECONDS), 1, Integer::sum);
    }

    // Each endpoint takes its share, within a third of it either way.
    assertThat(answered).containsOnlyKeys("a", "b", "c");
    assertThat(answered.values()).allSatisfy(n -> assertThat(n).isBetween(667, 1_333));
    ClientChannel.of(where).close();
  }

  @Test
  void anEndpointThatClosesGetsNoMoreCallsAndNoCallIsLostMeanwhile() throws Exception {
    AsyncWhere where = channel(AsyncWhere.class, LoadBalancing.ROUND_ROBIN, host("a", false, 0),
        host("b", false, 0), host("c", false, 0));
    List<CompletableFuture<String>> calls = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      calls.add(where.whereAsync("before " + i));
      if (i == 500) {
        Thread.ofVirtual().start(() -> hosts.get(1).close(Duration.ofSeconds(10)));   // b drains and goes
      }
    }
    for (CompletableFuture<String> call : calls) {
      assertThat(call.get(20, TimeUnit.SECONDS)).isIn("a", "b", "c");
    }
    Eventually.until(() -> hosts.get(1).state() == dev.courier.rpc.CommunicationState.CLOSED, "b closed");
    List<String> after = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      after.add(where.whereAsync("after " + i).get(20, TimeUnit.SECONDS));
    }

    assertThat(after).containsOnly("a", "c");
    ClientChannel.of(where).close();
  }

  @Test
  void underManyCallsWhileOneHostClosesAndAnotherAbortsEveryCallCompletesOnceAndNoneRunsTwice() throws Exception {
    AsyncWhere where = channel(AsyncWhere.class, LoadBalancing.LEAST_PENDING, host("a", false, 0),
        host("b", false, 0), host("c", false, 0));
    int calls = 4_000;
    AtomicInteger[] completions = new AtomicInteger[calls];
    List<CompletableFuture<String>> futures = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      AtomicInteger n = new AtomicInteger();
      completions[i] = n;
      futures.add(where.whereAsync("stress " + i).whenComplete((r, e) -> n.incrementAndGet()));
      if (i == 1_000) {
        Thread.ofVirtual().start(() -> hosts.get(1).close(Duration.ofSeconds(10)));
      }
      if (i == 2_000) {
        Thread.ofVirtual().start(() -> hosts.get(2).abort());
      }
    }
    int answered = 0;
    for (int i = 0; i < calls; i++) {
      String tag = "stress " + i;
      Throwable failure = null;
      try {
        assertThat(futures.get(i).get(20, TimeUnit.SECONDS)).isIn("a", "b", "c");
        answered++;
      } catch (java.util.concurrent.ExecutionException e) {
        failure = e;
      }
      int runs = services.get(0).runs(tag) + services.get(1).runs(tag) + services.get(2).runs(tag);
      if (failure == null) {
        assertThat(runs).as("runs of answered call %d", i).isEqualTo(1);
      } else {
        Throwable e = failure;
        // A call fails only as one that may have run on the aborted host, or as one that ran nowhere (the hosts
        // left refused it, too busy with the rest of the burst), and says which.
        assertThat(e.getCause()).isInstanceOf(CommunicationException.class);
        if (!((CommunicationException) e.getCause()).mayHaveReachedService()) {
          assertThat(runs).as("runs of call %d, not delivered: %s", i, e.getCause().getMessage()).isZero();
        }
      }
      assertThat(completions[i].get()).as("completions of call %d", i).isEqualTo(1);
      assertThat(runs).as("runs of call %d", i).isLessThanOrEqualTo(1);
    }
    assertThat(answered).as("calls answered (the others refused as too busy by the hosts left, or lost on the one that "
        + "aborted)").isPositive();
    ClientChannel.of(where).close();
  }

  @Test
  void aCallWhoseConnectionIsLostIsNotSentAgainUnlessItsOperationIsIdempotent() {
    Where where = channel(Where.class, LoadBalancing.ROUND_ROBIN, host("a", true, 0), host("b", false, 0),
        host("c", false, 0));
    List<Throwable> failures = new ArrayList<>();
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      try {
        answers.add(where.crash("once"));
      } catch (CommunicationException e) {
        failures.add(e);
      }
    }

    assertThat(failures).singleElement().satisfies(e ->
        assertThat(((CommunicationException) e).mayHaveReachedService()).isTrue());
    assertThat(answers).containsExactlyInAnyOrder("b", "c");
    assertThat(services.get(0).runs("once")).as("runs on the host that crashed").isEqualTo(1);
    ClientChannel.of(where).close();
  }

  @Test
  void anIdempotentCallWhoseConnectionIsLostGoesOnToTheNextEndpoint() {
    Where where = channel(Where.class, LoadBalancing.ROUND_ROBIN, host("a", true, 0), host("b", false, 0),
        host("c", false, 0));
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      answers.add(where.crashAgain("again " + i));
    }

    assertThat(answers).as("each answered by a host that did not crash").hasSize(3)
        .allSatisfy(answer -> assertThat(answer).isIn("b", "c"));
    assertThat(services.get(0).runs("again 0") + services.get(1).runs("again 0") + services.get(2).runs("again 0"))
        .as("the first call ran on the crashing host, then on the next").isEqualTo(2);
    ClientChannel.of(where).close();
  }

  @Test
  void aCallThatTimesOutOnOneEndpointEndsThereAndGoesToNoOther() {
    Where where = channel(Where.class, LoadBalancing.ROUND_ROBIN, host("a", true, 0), host("b", false, 0),
        host("c", false, 0));
    Where quick = ClientChannel.withOptions(where,
        dev.courier.rpc.CallOptions.builder().timeout(Duration.ofMillis(300)).build());

    assertThatThrownBy(() -> quick.stall("late")).isInstanceOf(dev.courier.rpc.CallTimeoutException.class);
    assertThat(services.get(0).runs("late")).isEqualTo(1);
    assertThat(services.get(1).runs("late") + services.get(2).runs("late")).as("runs elsewhere").isZero();
    assertThat(where.stall("next")).as("the channel goes on").isIn("b", "c");
    ClientChannel.of(where).close();
  }

  @Test
  void whenNoEndpointIsUpACallFailsAsNotDelivered() {
    Where where = channel(Where.class, LoadBalancing.ROUND_ROBIN, host("a", false, 0), host("b", false, 0));
    hosts.forEach(h -> h.close(Duration.ofSeconds(5)));

    assertThatThrownBy(() -> where.where("nobody")).isInstanceOf(CommunicationException.class)
        .satisfies(e -> assertThat(((CommunicationException) e).mayHaveReachedService()).isFalse());
    ClientChannel.of(where).close();
  }

  @Test
  void anEndpointThatComesBackGetsCallsAgain() {
    String a = host("a", false, 0);
    Where where = channel(Where.class, LoadBalancing.ROUND_ROBIN, a, host("b", false, 0));
    int port = java.net.URI.create(a).getPort();
    hosts.get(0).close(Duration.ofSeconds(5));
    for (int i = 0; i < 10; i++) {
      assertThat(where.where("while a is away")).isEqualTo("b");
    }
    host("a again", false, port);

    Eventually.until(() -> where.where("looking for a").equals("a again"), "a call reached the endpoint back");
    ClientChannel.of(where).close();
  }

  @Test
  void aChannelOverEndpointsOfWhichNoneCanBeReachedIsRefusedAtOnce() {
    String a = host("a", false, 0);
    hosts.get(0).close(Duration.ofSeconds(5));

    assertThatThrownBy(() -> channel(Where.class, LoadBalancing.ROUND_ROBIN, a))
        .isInstanceOf(CommunicationException.class).hasMessageContaining("no endpoint of [" + a + "] could be reached");
  }

  @Test
  void whenAHostIsKilledMidBurstTheIdempotentCallsItHeldAreAnsweredElsewhereAndTheOthersFailAsMaybeRunNeverRunTwice()
      throws Exception {
    try (ChildJvm child = ChildJvm.start(TcpClusterChildHost.class, List.of())) {
      String childAddress = child.awaitLine("LISTENING ", Duration.ofSeconds(30)).substring("LISTENING ".length());
      AsyncHeld held = channel(AsyncHeld.class, LoadBalancing.ROUND_ROBIN, host("a", false, 0), host("b", false, 0),
          childAddress);
      int calls = 300;
      List<CompletableFuture<String>> futures = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        futures.add(i % 2 == 0 ? held.crashAgainAsync("idempotent " + i) : held.crashAsync("once " + i));
      }
      child.awaitLine("ENTERED idempotent", TcpTestSupport.LIMIT);
      child.awaitLine("ENTERED once", TcpTestSupport.LIMIT);
      child.kill();

      int lost = 0;
      for (int i = 0; i < calls; i++) {
        String tag = (i % 2 == 0 ? "idempotent " : "once ") + i;
        if (i % 2 == 0) {
          assertThat(futures.get(i).get(20, TimeUnit.SECONDS)).as("call %d", i).isIn("a", "b");
          assertThat(services.get(0).runs(tag) + services.get(1).runs(tag)).as("runs of %s on the hosts left", tag)
              .isEqualTo(1);
          continue;
        }
        try {
          assertThat(futures.get(i).get(20, TimeUnit.SECONDS)).as("call %d", i).isIn("a", "b");
          assertThat(services.get(0).runs(tag) + services.get(1).runs(tag)).as("runs of %s", tag).isEqualTo(1);
        } catch (java.util.concurrent.ExecutionException e) {
          int runs = services.get(0).runs(tag) + services.get(1).runs(tag);
          lost++;
          assertThat(e.getCause()).isInstanceOf(CommunicationException.class);
          assertThat(((CommunicationException) e.getCause()).mayHaveReachedService()).as("%s may have run", tag).isTrue();
          assertThat(runs).as("runs of %s elsewhere", tag).isZero();
        }
      }
      assertThat(lost).as("calls that were held by the killed host and are not idempotent").isPositive();
      ClientChannel.of(held).close();
    }
  }

  @Test
  void aHedgedCallIsAnsweredByTheSecondEndpointAndTheFirstEndpointsServiceSeesItsCopyCancelled() throws Exception {
    String slow = host("slow", true, 0);
    String fast = host("fast", false, 0);
    Where where = ChannelFactory.builder(Where.class).binding(client).addresses(slow, fast)
        .operationTimeout(Duration.ofSeconds(20)).hedging(Duration.ofMillis(20), 2).build().createChannel();

    assertThat(where.stall("hedged")).isEqualTo("fast");

    Eventually.until(() -> services.get(0).cancelled.contains("hedged"), "the slow host's service sees the cancel");
    assertThat(services.get(0).runs("hedged")).isEqualTo(1);
    assertThat(services.get(1).runs("hedged")).isEqualTo(1);
    ClientChannel.of(where).close();
  }

  @Test
  void aBroadcastOfAOneWayCallReachesEveryHostOnceAndReportsEachAsAccepted() throws Exception {
    Where where = channel(Where.class, LoadBalancing.ROUND_ROBIN, host("a", false, 0), host("b", false, 0),
        host("c", false, 0));

    dev.courier.rpc.BroadcastReport report = ClientChannel.broadcast(where, w -> w.mark("everyone"))
        .toCompletableFuture().get(20, TimeUnit.SECONDS);

    assertThat(report.allAccepted()).isTrue();
    assertThat(report.accepted()).hasSize(3);
    Eventually.until(() -> services.stream().allMatch(s -> s.runs("everyone") == 1), "every host ran the call once");
    ClientChannel.of(where).close();
  }

  @Test
  void anEndpointTheResolverNoLongerNamesGetsNoCallsAndClosingTheChannelClosesItsConnectionToo() {
    String a = host("a", false, 0);
    String b = host("b", false, 0);
    java.util.concurrent.atomic.AtomicReference<List<dev.courier.rpc.EndpointAddress>> names =
        new java.util.concurrent.atomic.AtomicReference<>(
            List.of(dev.courier.rpc.EndpointAddress.of(a), dev.courier.rpc.EndpointAddress.of(b)));
    dev.courier.io.ManualClock clock = new dev.courier.io.ManualClock();
    Where where = ChannelFactory.builder(Where.class).binding(client).endpoints(names::get).clock(clock)
        .healthInterval(null).resolveInterval(Duration.ofSeconds(10)).build().createChannel();
    assertThat(answers(where, 4)).containsOnly("a", "b");
    assertThat(client.openConnections()).isEqualTo(2);

    names.set(List.of(dev.courier.rpc.EndpointAddress.of(a)));
    clock.advance(Duration.ofSeconds(10));
    Eventually.until(() -> answers(where, 4).equals(List.of("a", "a", "a", "a")), "calls go to a alone");
    ClientChannel.of(where).close();

    Eventually.until(() -> client.openConnections() == 0, "both connections closed, b's though it was retired");
  }

  @Test
  void aCallInFlightWhenItsHostAbortsFailsAsMaybeRunNeverAsCancelled() throws Exception {
    for (int i = 0; i < 10; i++) {
      AsyncHeld held = ChannelFactory.builder(AsyncHeld.class).binding(client).address(host("crashing " + i, true, 0))
          .operationTimeout(Duration.ofSeconds(20)).build().createChannel();

      Throwable failure = Eventually.failureOf(held.crashAsync("aborted " + i));

      assertThat(failure).as("call %d", i).isInstanceOf(CommunicationException.class);
      assertThat(((CommunicationException) failure).mayHaveReachedService()).isTrue();
      ClientChannel.of(held).abort();
    }
  }

  @Test
  void anAsynchronousCallThatGoesOnToAnotherEndpointHasOnlyWhatIsLeftOfItsDeadlineThere() throws Exception {
    dev.courier.io.ManualClock clock = new dev.courier.io.ManualClock();
    AsyncStall stall = twoStallingHosts(AsyncStall.class, clock);

    secondAttemptHasWhatIsLeftOfTheDeadline(clock, stall.stallAsync("deadline"));
    ClientChannel.of(stall).abort();
  }

  @Test
  void aSynchronousCallThatGoesOnToAnotherEndpointHasOnlyWhatIsLeftOfItsDeadlineThere() throws Exception {
    dev.courier.io.ManualClock clock = new dev.courier.io.ManualClock();
    Where where = twoStallingHosts(Where.class, clock);
    secondAttemptHasWhatIsLeftOfTheDeadline(clock, onAVirtualThread(() -> where.stall("deadline")));
    ClientChannel.of(where).abort();
  }

  @Test
  void aHedgedCopyThatGoesOnToAThirdEndpointTellsItWhatIsLeftOfTheCallsDeadline() throws Exception {
    dev.courier.io.ManualClock clock = new dev.courier.io.ManualClock();
    Where where = ChannelFactory.builder(Where.class).binding(client)
        .addresses(host("a", true, 0), host("b", true, 0), host("c", true, 0)).clock(clock)
        .operationTimeout(Duration.ofSeconds(10)).hedging(Duration.ofSeconds(1), 2).build().createChannel();
    CompletableFuture<String> call = onAVirtualThread(() -> where.stall("hedge"));
    Eventually.until(() -> hostsThatRan("hedge").size() == 1, "the first copy reached a host");
    int first = hostsThatRan("hedge").getFirst();

    clock.advance(Duration.ofSeconds(6));     // the second copy goes out at 1 s, to another host
    Eventually.until(() -> hostsThatRan("hedge").size() == 2, "the second copy reached another host");
    List<Integer> copies = hostsThatRan("hedge");
    hosts.get(first).abort();                 // the first copy's connection is lost: on to the host left
    Eventually.until(() -> hostsThatRan("hedge").size() == 3, "the first copy reached the third host");
    int second = copies.get(0) == first ? copies.get(1) : copies.get(0);
    int third = 3 - first - second;

    assertThat(services.get(second).timeLeft.get("hedge")).as("the second copy's host")
        .isLessThanOrEqualTo(Duration.ofSeconds(9)).isGreaterThan(Duration.ofSeconds(8));
    assertThat(services.get(third).timeLeft.get("hedge")).as("the first copy's next host is told what is left")
        .isLessThanOrEqualTo(Duration.ofSeconds(4));
    clock.advance(Duration.ofSeconds(4));
    assertThat(Eventually.failureOf(call)).isInstanceOf(dev.courier.rpc.CallTimeoutException.class);
    ClientChannel.of(where).abort();
  }

  /** The places, in {@link #services}, of the hosts that ran {@code tag}. */
  private List<Integer> hostsThatRan(String tag) {
    List<Integer> ran = new ArrayList<>();
    for (int i = 0; i < services.size(); i++) {
      if (services.get(i).runs(tag) > 0) {
        ran.add(i);
      }
    }
    return ran;
  }

  /** A synchronous call made on a virtual thread of its own. */
  private static CompletableFuture<String> onAVirtualThread(java.util.function.Supplier<String> call) {
    return CompletableFuture.supplyAsync(call, task -> Thread.ofVirtual().start(task));
  }

  /** A channel on {@code clock}, with a 10 s timeout, over two hosts whose stalls never answer. */
  private <T> T twoStallingHosts(Class<T> contract, dev.courier.io.ManualClock clock) {
    return ChannelFactory.builder(contract).binding(client).addresses(host("a", true, 0), host("b", true, 0))
        .clock(clock).operationTimeout(Duration.ofSeconds(10)).build().createChannel();
  }

  /** The call's first attempt is held by one host, which dies 6 s into its 10 s; the other host gets 4 s. */
  private void secondAttemptHasWhatIsLeftOfTheDeadline(dev.courier.io.ManualClock clock,
      CompletableFuture<String> call) throws Exception {
    Eventually.until(() -> services.get(0).runs("deadline") + services.get(1).runs("deadline") == 1,
        "the first attempt reached a host");
    int first = services.get(0).runs("deadline") == 1 ? 0 : 1;
    clock.advance(Duration.ofSeconds(6));
    hosts.get(first).abort();                 // its connection is lost: the idempotent call goes on
    Eventually.until(() -> services.get(1 - first).runs("deadline") == 1, "the second attempt reached the other host");
    assertThat(call).isNotDone();
    assertThat(services.get(first).timeLeft.get("deadline")).as("the first host's deadline")
        .isGreaterThan(Duration.ofSeconds(9));
    assertThat(services.get(1 - first).timeLeft.get("deadline")).as("the second host is told what is left")
        .isLessThanOrEqualTo(Duration.ofSeconds(4));

    clock.advance(Duration.ofSeconds(4));     // 10 s in all: the second attempt has had what was left

    assertThat(Eventually.failureOf(call)).isInstanceOf(dev.courier.rpc.CallTimeoutException.class);
  }

  @Test
  void closingAChannelOverSeveralEndpointsWaitsForItsAsynchronousCallsInFlightToBeAnswered() throws Exception {
    AsyncStall stall = channel(AsyncStall.class, LoadBalancing.ROUND_ROBIN, host("a", true, 0), host("b", true, 0));
    CompletableFuture<String> call = stall.stallAsync("held");
    Eventually.until(() -> services.get(0).runs("held") + services.get(1).runs("held") == 1, "the call is held");

    Thread closing = Thread.ofPlatform().start(() -> ClientChannel.of(stall).close());
    Eventually.until(() -> closing.getState() == Thread.State.WAITING, "the close waits for the call in flight");
    services.forEach(s -> s.stalled.complete(s.name));

    closing.join(TcpTestSupport.LIMIT);
    assertThat(closing.isAlive()).as("the close returned once the call ended").isFalse();
    assertThat(call).as("answered by the time the close returned").isDone();
    assertThat(call.join()).as("the call is answered, not cancelled").isIn("a", "b");
    assertThat(ClientChannel.of(stall).state()).isEqualTo(dev.courier.rpc.CommunicationState.CLOSED);
  }
}
