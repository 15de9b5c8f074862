package dev.courier.rpc;

import dev.courier.io.ManualClock;

import static dev.courier.rpc.RpcTestSupport.INPROC;
import static dev.courier.rpc.RpcTestSupport.LIMIT;
import static dev.courier.rpc.RpcTestSupport.address;
import static dev.courier.rpc.RpcTestSupport.await;
import static dev.courier.io.Eventually.failureOf;
import static dev.courier.io.Eventually.until;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.security.Principal;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operation context: incoming headers, the deadline, typed extensions, where {@link
 * OperationContext#current()} is available, and middle-tier chaining (inherited deadline and
 * cancellation, and asynchronous services that call on without holding a thread).
 */
class OperationContextTest {
  private final List<ServiceHost> hosts = new ArrayList<>();
  private final List<Object> channels = new ArrayList<>();
  private final ManualClock clock = new ManualClock();

  @AfterEach
  void tearDown() {
    channels.forEach(c -> ClientChannel.of(c).abort());
    hosts.forEach(ServiceHost::abort);
  }

  private ServiceHost open(ServiceHost.Builder builder) {
    ServiceHost host = builder.clock(clock).build();
    hosts.add(host);
    return host.open();
  }

  private <T> T channel(ChannelFactory.Builder<T> builder) {
    T proxy = builder.binding(INPROC).clock(clock).build().createChannel();
    channels.add(proxy);
    return proxy;
  }

  private <T> T channel(Class<T> contract, String address) {
    return channel(ChannelFactory.builder(contract).address(address));
  }

  // ---- headers, deadline, extensions --------------------------------------------------------------

  @ServiceContract(name = "Headers")
  public interface Headers {
    Map<String, String> headers();
  }

  @Test
  void theServiceSeesTheHeadersTheChannelFactorySends() {
    String address = address("headers");
    Headers service = () -> OperationContext.current().headers();
    open(ServiceHost.builder(service).endpoint(Headers.class, INPROC, address));
    Headers withHeaders = channel(ChannelFactory.builder(Headers.class).address(address)
        .header("tenant", "acme").header("trace-id", "t-17"));
    Headers without = channel(Headers.class, address);

    assertThat(withHeaders.headers()).containsExactlyInAnyOrderEntriesOf(Map.of("tenant", "acme", "trace-id", "t-17"));
    assertThat(without.headers()).isEmpty();
  }

  /** What a service saw of its deadline: before and after the clock moved 10 s. */
  public record DeadlineSeen(long remainingBeforeMillis, long remainingAfterMillis, String deadlineBefore,
      String deadlineAfter) {}

  @ServiceContract(name = "Deadlines")
  public interface Deadlines {
    DeadlineSeen observe();
  }

  private Deadlines deadlineService() {
    return () -> {
      OperationContext ctx = OperationContext.current();
      long before = ctx.timeRemaining().toMillis();
      String deadlineBefore = ctx.deadline().orElseThrow().toString();
      clock.advance(Duration.ofSeconds(10));
      return new DeadlineSeen(before, ctx.timeRemaining().toMillis(), deadlineBefore,
          ctx.deadline().orElseThrow().toString());
    };
  }

  @Test
  void theDeadlineComesFromTheClientsOperationTimeoutAndTheTimeRemainingShrinks() {
    String address = address("deadline");
    open(ServiceHost.builder(deadlineService()).endpoint(Deadlines.class, INPROC, address));
    Deadlines deadlines = channel(ChannelFactory.builder(Deadlines.class).address(address)
        .operationTimeout(Duration.ofSeconds(30)));
    Instant sent = clock.instant();

    DeadlineSeen seen = deadlines.observe();
    assertThat(seen.remainingBeforeMillis()).isEqualTo(30_000);
    assertThat(seen.remainingAfterMillis()).isEqualTo(20_000);
    assertThat(seen.deadlineBefore()).isEqualTo(sent.plusSeconds(30).toString());
    assertThat(seen.deadlineAfter()).as("the deadline itself does not move").isEqualTo(seen.deadlineBefore());
  }

  /** A per-call extension. */
  public record Tenant(String id) {}

  /** Another extension type, never set. */
  public record Audit(String who) {}

  @ServiceContract(name = "Extensions")
  public interface ExtensionsTaskService {
    CompletionStage<String> tagAsync(String tenant);
  }

  @ServiceContract(name = "Extensions")
  public interface ExtensionsBeginEndService {
    AsyncResult beginTag(String tenant, AsyncCallback callback, Object state);

    String endTag(AsyncResult result);
  }

  @ServiceContract(name = "Extensions")
  public interface Extensions {
    String tag(String tenant);

    CompletableFuture<String> tagAsync(String tenant);
  }

  @Test
  void typedExtensionsLiveForOneCallAndFollowItAcrossItsStages() throws Exception {
    String address = address("extensions-task");
    BlockingQueue<CompletableFuture<Void>> later = new LinkedBlockingQueue<>();
    ExtensionsTaskService service = tenant -> {
      OperationContext ctx = OperationContext.current();
      String before = ctx.extension(Tenant.class).map(Tenant::id).orElse("none");
      ctx.extension(Tenant.class, new Tenant(tenant));
      CompletableFuture<Void> resume = new CompletableFuture<>();
      later.add(resume);
      return resume.thenApply(v -> before + " -> " + ctx.extension(Tenant.class).orElseThrow().id()
          + ", audit " + ctx.extension(Audit.class).isPresent());
    };
    open(ServiceHost.builder(service).endpoint(ExtensionsTaskService.class, INPROC, address));
    Extensions client = channel(Extensions.class, address);

    CompletableFuture<String> first = client.tagAsync("acme");
    CompletableFuture<String> second = client.tagAsync("globex");
    later.take().complete(null);
    later.take().complete(null);
    assertThat(await(first)).isEqualTo("none -> acme, audit false");
    assertThat(await(second)).as("the second call does not see the first call's extension")
        .isEqualTo("none -> globex, audit false");
  }

  @Test
  void anExtensionSetInBeginIsThereInEnd() {
    String address = address("extensions-begin-end");
    ExtensionsBeginEndService service = new ExtensionsBeginEndService() {
      @Override
      public AsyncResult beginTag(String tenant, AsyncCallback callback, Object state) {
        OperationContext.current().extension(Tenant.class, new Tenant(tenant));
        return AsyncResult.of(CompletableFuture.completedFuture("begun"), callback, state);
      }

      @Override
      public String endTag(AsyncResult result) {
        return result.join() + " for " + OperationContext.current().extension(Tenant.class).map(Tenant::id).orElse("nobody");
      }
    };
    open(ServiceHost.builder(service).endpoint(ExtensionsBeginEndService.class, INPROC, address));
    assertThat(channel(Extensions.class, address).tag("initech")).isEqualTo("begun for initech");
  }

  // ---- where current() is available ---------------------------------------------------------------

  @ServiceContract(name = "Where")
  public interface WhereSync {
    String where();
  }

  @ServiceContract(name = "Where")
  public interface WhereTask {
    CompletionStage<String> whereAsync();
  }

  @ServiceContract(name = "Where")
  public interface Where {
    String where();

    CompletableFuture<String> whereAsync();
  }

  private static String contextName() {
    return OperationContext.find().map(c -> c.operation().name()).orElse("no context");
  }

  @Test
  void currentIsAvailableOnTheSynchronousPath() {
    String address = address("current-sync");
    WhereSync service = () -> OperationContext.current().operation().name() + " on " + contextName();
    open(ServiceHost.builder(service).endpoint(WhereSync.class, INPROC, address));
    assertThat(channel(Where.class, address).where()).isEqualTo("where on where");
  }

  @Test
  void currentIsAvailableInATaskServicesFirstPartAndInStagesRunOnTheContextsExecutor() throws Exception {
    String address = address("current-task");
    BlockingQueue<CompletableFuture<Void>> plainResume = new LinkedBlockingQueue<>();
    BlockingQueue<CompletableFuture<Void>> executorResume = new LinkedBlockingQueue<>();
    AtomicReference<OperationContext> captured = new AtomicReference<>();
    WhereTask service = () -> {
      OperationContext ctx = OperationContext.current();
      captured.set(ctx);
      String firstPart = contextName();
      CompletableFuture<Void> forPlain = new CompletableFuture<>();
      CompletableFuture<Void> forExecutor = new CompletableFuture<>();
      plainResume.add(forPlain);
      executorResume.add(forExecutor);
      CompletableFuture<String> plain = forPlain.thenApply(v -> contextName());
      CompletableFuture<String> onExecutor = forExecutor.thenApplyAsync(v -> {
        assertThat(OperationContext.current()).isSameAs(ctx);
        return contextName();
      }, ctx.executor());
      return plain.thenCombine(onExecutor, (p, e) -> "first part: " + firstPart + ", ctx.executor(): " + e
          + ", plain stage: " + p);
    };
    open(ServiceHost.builder(service).endpoint(WhereTask.class, INPROC, address));

    CompletableFuture<String> call = channel(Where.class, address).whereAsync();
    // the stages run on the thread that completes their futures: this test's, which has no context of its own
    plainResume.take().complete(null);
    executorResume.take().complete(null);
    assertThat(await(call)).isEqualTo("first part: where, ctx.executor(): where, plain stage: no context");

    captured.get().run(() -> assertThat(contextName()).isEqualTo("where"));
    assertThat(OperationContext.find()).isEmpty();
  }

  @Test
  void currentThrowsOutsideACall() {
    assertThatThrownBy(OperationContext::current)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no operation context here");
    assertThat(OperationContext.find()).isEmpty();
  }

  // ---- who called ---------------------------------------------------------------------------------

  @ServiceContract(name = "WhoAmI")
  public interface WhoAmI {
    /** The peer's address, then "principal" or "no principal", then its certificate count. */
    List<String> whoAmI();
  }

  static List<String> describePeer() {
    Peer peer = OperationContext.current().peer();
    return List.of(peer.address(), peer.principal().isPresent() ? "principal" : "no principal",
        String.valueOf(peer.certificates().size()));
  }

  @ServiceContract(name = "Mirror", callback = WhoAmI.class)
  public interface Mirror {
    /** Asks the caller's callback who called it. */
    List<String> askBack();
  }

  @Test
  void inProcessAServiceSeesEachChannelAsAnUnauthenticatedClientOfItsOwn() {
    String address = address("who");
    open(ServiceHost.builder((WhoAmI) OperationContextTest::describePeer).endpoint(WhoAmI.class, INPROC, address));
    WhoAmI first = channel(WhoAmI.class, address);
    WhoAmI second = channel(WhoAmI.class, address);

    List<String> seenFirst = first.whoAmI();
    List<String> seenSecond = second.whoAmI();

    assertThat(seenFirst).hasSize(3).element(0, InstanceOfAssertFactories.STRING)
        .matches("inproc:client-\\d+");
    assertThat(seenFirst.subList(1, 3)).containsExactly("no principal", "0");
    assertThat(first.whoAmI()).as("the same channel, the same peer").isEqualTo(seenFirst);
    assertThat(seenSecond.getFirst()).as("another channel").matches("inproc:client-\\d+").isNotEqualTo(seenFirst.getFirst());
  }

  @Test
  void inProcessADuplexCallbackSeesTheServicesAddress() {
    String address = address("mirror");
    open(ServiceHost.builder((Mirror) () -> OperationContext.current().callback(WhoAmI.class).whoAmI())
        .endpoint(Mirror.class, INPROC, address));
    WhoAmI callback = OperationContextTest::describePeer;
    Mirror mirror = channel(ChannelFactory.builder(Mirror.class).address(address).callback(callback));

    assertThat(mirror.askBack()).containsExactly(address, "no principal", "0");
  }

  @Test
  void aPeerCopiesItsChainAndNamesItsPrincipal() {
    Principal alice = () -> "CN=alice";
    List<X509Certificate> chain = new ArrayList<>();
    Peer peer = new Peer("courier.tcp://10.0.0.7:54321", Optional.of(alice), chain);
    chain.add(null);                                // the caller's list changes afterwards

    assertThat(peer.certificates()).isEmpty();
    assertThatThrownBy(() -> peer.certificates().add(null)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(peer).hasToString("Peer[courier.tcp://10.0.0.7:54321, CN=alice]");
    assertThat(Peer.at("inproc:client-1")).hasToString("Peer[inproc:client-1, unauthenticated]");
    assertThatThrownBy(() -> new Peer(null, Optional.empty(), List.of())).isInstanceOf(NullPointerException.class)
        .hasMessage("address");
  }

  // ---- middle tier: inherited deadline and cancellation -------------------------------------------

  /** What the back service saw of its call. */
  public record BackSeen(long remainingMillis, String deadline) {}

  @ServiceContract(name = "Back")
  public interface Back {
    BackSeen observe();
  }

  @ServiceContract(name = "Front")
  public interface Front {
    /** Lets 10 s pass, then calls Back; returns what Back saw, and its own deadline. */
    List<String> relay();
  }

  private Back backHost() {
    String address = address("back");
    Back back = () -> {
      OperationContext ctx = OperationContext.current();
      return new BackSeen(ctx.timeRemaining() == null ? -1 : ctx.timeRemaining().toMillis(),
          ctx.deadline().map(Instant::toString).orElse("none"));
    };
    open(ServiceHost.builder(back).endpoint(Back.class, INPROC, address));
    return channel(ChannelFactory.builder(Back.class).address(address).operationTimeout(Duration.ofSeconds(60)));
  }

  private Front frontHost(Back back) {
    String address = address("front");
    Front front = () -> {
      OperationContext ctx = OperationContext.current();
      clock.advance(Duration.ofSeconds(10));
      BackSeen seen = back.observe();
      return List.of(String.valueOf(seen.remainingMillis()), seen.deadline(),
          ctx.deadline().map(Instant::toString).orElse("none"));
    };
    open(ServiceHost.builder(front).endpoint(Front.class, INPROC, address));
    return channel(ChannelFactory.builder(Front.class).address(address).operationTimeout(Duration.ofSeconds(30)));
  }

  @Test
  void aCallMadeInsideAnOperationInheritsWhatIsLeftOfItsDeadline() {
    Back back = backHost();
    Front front = frontHost(back);
    Instant sent = clock.instant();

    List<String> seen = front.relay();
    assertThat(seen.get(0)).as("Back's time left: 30 s - 10 s, not its own channel's 60 s").isEqualTo("20000");
    assertThat(Instant.parse(seen.get(1))).as("Back's deadline is no later than Front's")
        .isEqualTo(Instant.parse(seen.get(2)))
        .isEqualTo(sent.plusSeconds(30));

    // called from outside any operation, the same channel gives Back its own timeout
    assertThat(back.observe().remainingMillis()).isEqualTo(60_000);
  }

  @ServiceContract(name = "Waiter")
  public interface WaiterService {
    CompletionStage<String> waitAsync();
  }

  @ServiceContract(name = "Waiter")
  public interface Waiter {
    CompletableFuture<String> waitAsync();
  }

  @ServiceContract(name = "Relay")
  public interface RelayTaskService {
    CompletionStage<String> relayAsync();
  }

  @ServiceContract(name = "Relay")
  public interface RelaySyncService {
    String relay();
  }

  @ServiceContract(name = "Relay")
  public interface Relay {
    CompletableFuture<String> relayAsync();
  }

  /** A waiter whose calls never end on their own; it reports each call's context when it is cancelled. */
  private Waiter waiterHost(BlockingQueue<OperationContext> entered, BlockingQueue<OperationContext> cancelled) {
    String address = address("waiter");
    WaiterService waiter = () -> {
      OperationContext ctx = OperationContext.current();
      ctx.onCancel(() -> cancelled.add(ctx));
      entered.add(ctx);
      return new CompletableFuture<>();
    };
    open(ServiceHost.builder(waiter).endpoint(WaiterService.class, INPROC, address));
    return channel(Waiter.class, address);
  }

  @Test
  void cancellingTheOuterCallCancelsTheCallsItMade() throws Exception {
    BlockingQueue<OperationContext> entered = new LinkedBlockingQueue<>();
    BlockingQueue<OperationContext> cancelled = new LinkedBlockingQueue<>();
    Waiter waiter = waiterHost(entered, cancelled);

    // a task middle tier and a blocking one
    String taskAddress = address("relay-task");
    AtomicReference<CompletableFuture<String>> innerCall = new AtomicReference<>();
    RelayTaskService taskRelay = () -> {
      innerCall.set(waiter.waitAsync());
      return innerCall.get();
    };
    open(ServiceHost.builder(taskRelay).endpoint(RelayTaskService.class, INPROC, taskAddress));
    String syncAddress = address("relay-sync");
    AtomicReference<Throwable> syncInnerFailure = new AtomicReference<>();
    RelaySyncService syncRelay = () -> {
      try {
        return waiter.waitAsync().join();
      } catch (RuntimeException e) {
        syncInnerFailure.set(e);
        throw e;
      }
    };
    open(ServiceHost.builder(syncRelay).endpoint(RelaySyncService.class, INPROC, syncAddress));

    for (String address : List.of(taskAddress, syncAddress)) {
      CompletableFuture<String> outer = channel(Relay.class, address).relayAsync();
      OperationContext inner = entered.poll(LIMIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(inner).as("the inner call reached the waiter").isNotNull();
      assertThat(inner.isCancelled()).isFalse();

      assertThat(outer.cancel(true)).isTrue();
      assertThat(cancelled.poll(LIMIT.toSeconds(), TimeUnit.SECONDS)).as("the inner call was cancelled with the outer")
          .isSameAs(inner);
    }
    assertThat(failureOf(innerCall.get())).isInstanceOf(CancellationException.class);
    until(() -> syncInnerFailure.get() != null, "the blocking middle tier's inner call ended");
    assertThat(syncInnerFailure.get()).isInstanceOf(CancellationException.class);
  }

  // ---- middle tier without a thread ---------------------------------------------------------------

  @ServiceContract(name = "Compute")
  public interface ComputeService {
    CompletionStage<Integer> computeAsync(int n);
  }

  @ServiceContract(name = "Compute")
  public interface Compute {
    CompletableFuture<Integer> computeAsync(int n);
  }

  @ServiceContract(name = "Chain")
  public interface ChainTaskService {
    CompletionStage<Integer> chainAsync(int n);
  }

  @ServiceContract(name = "Chain")
  public interface ChainBeginEndService {
    AsyncResult beginChain(int n, AsyncCallback callback, Object state);

    int endChain(AsyncResult result);
  }

  @ServiceContract(name = "Chain")
  public interface Chain {
    CompletableFuture<Integer> chainAsync(int n);
  }

  /** An executor that counts the tasks it runs and how many are running now. */
  static final class CountingExecutor implements Executor {
    final AtomicInteger busy = new AtomicInteger();
    final AtomicInteger ran = new AtomicInteger();

    @Override
    public void execute(Runnable task) {
      ran.incrementAndGet();
      Thread.ofPlatform().daemon().name("counting-executor").start(() -> {
        busy.incrementAndGet();
        try {
          task.run();
        } finally {
          busy.decrementAndGet();
        }
      });
    }
  }

  /**
   * One implementation of the second service (its replies held by the test) and of the first service in
   * both asynchronous shapes; the first calls the second with a task client.
   */
  static final class Tiers implements ComputeService, ChainTaskService, ChainBeginEndService {
    final BlockingQueue<CompletableFuture<Integer>> held = new LinkedBlockingQueue<>();
    final AtomicBoolean firstReturned = new AtomicBoolean();
    volatile Compute second;

    @Override
    public CompletionStage<Integer> computeAsync(int n) {
      CompletableFuture<Integer> reply = new CompletableFuture<>();
      held.add(reply);
      return reply;
    }

    @Override
    public CompletionStage<Integer> chainAsync(int n) {
      CompletionStage<Integer> result = second.computeAsync(n).thenApply(x -> x + 1);
      firstReturned.set(true);
      return result;
    }

    @Override
    public AsyncResult beginChain(int n, AsyncCallback callback, Object state) {
      AsyncResult result = AsyncResult.of(second.computeAsync(n).thenApply(x -> x + 1), callback, state);
      firstReturned.set(true);
      return result;
    }

    @Override
    public int endChain(AsyncResult result) {
      return (Integer) result.join();
    }
  }

  /** The platform threads now inside a method of {@link Tiers}. */
  private static List<String> threadsInsideTheServices() {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().startsWith(Tiers.class.getName())))
        .map(e -> e.getKey().getName())
        .toList();
  }

  private void chainsWithoutHoldingAThread(Class<?> firstContract) throws Exception {
    Tiers tiers = new Tiers();
    CountingExecutor executor = new CountingExecutor();
    String first = address("first");
    String second = address("second");
    ServiceHost host = open(ServiceHost.builder(tiers).executor(executor)
        .endpoint(ComputeService.class, INPROC, second)
        .endpoint(firstContract, INPROC, first));
    tiers.second = channel(Compute.class, second);
    Chain chain = channel(Chain.class, first);

    CompletableFuture<Integer> call = chain.chainAsync(41);

    assertThat(call).as("the client got a pending future at once").isNotDone();
    assertThat(tiers.firstReturned).as("the first service's method has returned").isTrue();
    CompletableFuture<Integer> secondReply = tiers.held.poll();
    assertThat(secondReply).as("the second service holds its call").isNotNull();
    assertThat(host.callsInFlight()).as("both calls are pending in the host").isEqualTo(2);
    assertThat(executor.busy).as("no host thread is busy").hasValue(0);
    assertThat(executor.ran).as("nor was one ever needed").hasValue(0);
    assertThat(threadsInsideTheServices()).as("no thread is inside either service").isEmpty();

    secondReply.complete(41);
    assertThat(await(call)).isEqualTo(42);
    assertThat(host.callsInFlight()).isZero();
  }

  @Test
  void aTaskServiceChainsToASecondServiceWithoutHoldingAThread() throws Exception {
    chainsWithoutHoldingAThread(ChainTaskService.class);
  }

  @Test
  void aBeginEndServiceChainsToASecondServiceWithoutHoldingAThread() throws Exception {
    chainsWithoutHoldingAThread(ChainBeginEndService.class);
  }

  @ServiceContract(name = "Outlive")
  public interface Outlive {
    /** Lets 31 s pass on a 30 s deadline, then reports what it sees. */
    String outlive();
  }

  @Test
  void whenTheDeadlinePassesNoTimeIsLeftTheCallIsCancelledAndItsCallsFailAtOnce() {
    AtomicInteger backCalls = new AtomicInteger();
    String backAddress = address("late-back");
    Back counting = () -> {
      backCalls.incrementAndGet();
      return new BackSeen(0, "none");
    };
    open(ServiceHost.builder(counting).endpoint(Back.class, INPROC, backAddress));
    Back back = channel(Back.class, backAddress);
    AtomicReference<String> seen = new AtomicReference<>();
    String address = address("outlive");
    Outlive service = () -> {
      OperationContext ctx = OperationContext.current();
      clock.advance(Duration.ofSeconds(31));
      Throwable late = catchThrowable(back::observe);
      seen.set("remaining " + ctx.timeRemaining() + ", cancelled " + ctx.isCancelled() + ", inner call: "
          + late.getClass().getSimpleName() + " " + late.getMessage());
      return "too late";
    };
    open(ServiceHost.builder(service).endpoint(Outlive.class, INPROC, address));
    Outlive client = channel(ChannelFactory.builder(Outlive.class).address(address).operationTimeout(Duration.ofSeconds(30)));

    assertThat(catchThrowable(client::outlive)).isInstanceOf(CallTimeoutException.class);
    until(() -> seen.get() != null, "the service finished");
    assertThat(seen.get()).isEqualTo("remaining PT0S, cancelled true, inner call: CallTimeoutException "
        + "operation observe was called after its caller's deadline passed");
    assertThat(backCalls).as("the late call was not sent").hasValue(0);
  }

  @Test
  void aCallWithoutAnOperationTimeoutHasNoDeadline() throws Exception {
    String address = address("deadline-optional");
    AtomicReference<Optional<Instant>> deadline = new AtomicReference<>();
    AtomicReference<Duration> remaining = new AtomicReference<>(Duration.ZERO);
    WhereSync service = () -> {
      deadline.set(OperationContext.current().deadline());
      remaining.set(OperationContext.current().timeRemaining());
      return "ok";
    };
    open(ServiceHost.builder(service).endpoint(WhereSync.class, INPROC, address));
    channel(ChannelFactory.builder(Where.class).address(address).operationTimeout(null)).where();
    assertThat(deadline.get()).isEmpty();
    assertThat(remaining.get()).isNull();
  }
}
