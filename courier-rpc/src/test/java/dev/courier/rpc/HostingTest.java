package dev.courier.rpc;

import static dev.courier.rpc.RpcTestSupport.INPROC;
import static dev.courier.rpc.RpcTestSupport.LIMIT;
import static dev.courier.rpc.RpcTestSupport.address;
import static dev.courier.rpc.RpcTestSupport.await;
import static dev.courier.io.Eventually.failureOf;
import static dev.courier.io.Eventually.until;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Instancing (per call, per session, single), concurrency (single, multiple, reentrant with a duplex
 * callback), throttles (concurrent calls, concurrent sessions), which service shape runs, and where
 * synchronous services run.
 */
class HostingTest {
  private final List<ServiceHost> hosts = new ArrayList<>();
  private final List<Object> channels = new ArrayList<>();

  @AfterEach
  void tearDown() {
    channels.forEach(c -> ClientChannel.of(c).abort());
    hosts.forEach(ServiceHost::abort);
  }

  private ServiceHost open(ServiceHost.Builder builder) {
    ServiceHost host = builder.build();
    hosts.add(host);
    return host.open();
  }

  private <T> T channel(Class<T> contract, String address) {
    T proxy = ChannelFactory.builder(contract).binding(INPROC).address(address).build().createChannel();
    channels.add(proxy);
    return proxy;
  }

  // ---- instancing ---------------------------------------------------------------------------------

  @ServiceContract(name = "Instances")
  public interface Instances {
    /** The serving instance's id. */
    int whoServes();
  }

  /** An instance that knows its id, how many calls it served and whether it was closed. */
  static final class Instance implements Instances, AutoCloseable {
    final int id;
    final AtomicInteger calls = new AtomicInteger();
    volatile boolean closed;

    Instance(int id) {
      this.id = id;
    }

    @Override
    public int whoServes() {
      assertThat(closed).as("instance %d serves a call after it was closed", id).isFalse();
      calls.incrementAndGet();
      return id;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** A factory that remembers what it made. */
  static final class InstanceFactory {
    final List<Instance> made = new CopyOnWriteArrayList<>();

    Instance make() {
      Instance i = new Instance(made.size() + 1);
      made.add(i);
      return i;
    }
  }

  @Test
  void perCallInstancingMakesANewInstanceForEveryCallAndClosesItAfterTheCall() {
    String address = address("per-call");
    InstanceFactory factory = new InstanceFactory();
    open(ServiceHost.builder(Instance.class, factory::make, InstanceMode.PER_CALL)
        .endpoint(Instances.class, INPROC, address));
    Instances first = channel(Instances.class, address);
    Instances second = channel(Instances.class, address);
    assertThat(factory.made).as("no instance before the first call").isEmpty();

    List<Integer> ids = List.of(first.whoServes(), first.whoServes(), second.whoServes());
    assertThat(ids).containsExactly(1, 2, 3);
    assertThat(factory.made).hasSize(3).allSatisfy(i -> {
      assertThat(i.calls).hasValue(1);
      assertThat(i.closed).as("instance %d is closed once its call returned", i.id).isTrue();
    });
  }

  @Test
  void perSessionInstancingMakesOneInstancePerChannelAndClosesItWithTheChannel() {
    String address = address("per-session");
    InstanceFactory factory = new InstanceFactory();
    open(ServiceHost.builder(Instance.class, factory::make, InstanceMode.PER_SESSION)
        .endpoint(Instances.class, INPROC, address));
    Instances first = channel(Instances.class, address);
    Instances second = channel(Instances.class, address);

    int a = first.whoServes();
    int b = second.whoServes();
    assertThat(first.whoServes()).isEqualTo(a);
    assertThat(second.whoServes()).isEqualTo(b);
    assertThat(a).isNotEqualTo(b);
    assertThat(factory.made).hasSize(2).allSatisfy(i -> assertThat(i.calls).hasValue(2));
    assertThat(factory.made).noneMatch(i -> i.closed);

    ClientChannel.of(first).close();
    assertThat(factory.made.get(a - 1).closed).as("closing a channel closes its instance").isTrue();
    assertThat(factory.made.get(b - 1).closed).as("and only its instance").isFalse();
    assertThat(second.whoServes()).isEqualTo(b);
    ClientChannel.of(second).close();
    assertThat(factory.made.get(b - 1).closed).isTrue();
    assertThat(factory.made).hasSize(2);
  }

  @Test
  void closingTheHostClosesItsPerSessionInstances() {
    String address = address("per-session-host-close");
    InstanceFactory factory = new InstanceFactory();
    ServiceHost host = open(ServiceHost.builder(Instance.class, factory::make, InstanceMode.PER_SESSION)
        .endpoint(Instances.class, INPROC, address));
    channel(Instances.class, address).whoServes();
    channel(Instances.class, address).whoServes();
    assertThat(factory.made).hasSize(2).noneMatch(i -> i.closed);
    host.close(LIMIT);
    assertThat(factory.made).allMatch(i -> i.closed);
  }

  @Test
  void singleInstancingServesEveryCallOfEveryChannelWithOneInstance() {
    String address = address("single");
    InstanceFactory factory = new InstanceFactory();
    open(ServiceHost.builder(Instance.class, factory::make, InstanceMode.SINGLE)
        .endpoint(Instances.class, INPROC, address));
    Instances first = channel(Instances.class, address);
    Instances second = channel(Instances.class, address);
    assertThat(List.of(first.whoServes(), second.whoServes(), first.whoServes())).containsOnly(1);
    ClientChannel.of(first).close();
    assertThat(second.whoServes()).isEqualTo(1);
    assertThat(factory.made).hasSize(1);
    assertThat(factory.made.get(0).closed).as("a channel's close does not close the single instance").isFalse();
    assertThat(factory.made.get(0).calls).hasValue(4);
  }

  // ---- concurrency --------------------------------------------------------------------------------

  @ServiceContract(name = "Gauge")
  public interface GaugeService {
    int measure(int n);
  }

  @ServiceContract(name = "Gauge")
  public interface Gauge {
    CompletableFuture<Integer> measureAsync(int n);
  }

  /** Counts the calls inside it and the most at once; every call waits for {@link #release}. */
  static final class Gauged implements GaugeService {
    final AtomicInteger inside = new AtomicInteger();
    final AtomicInteger max = new AtomicInteger();
    final AtomicInteger entered = new AtomicInteger();
    final CompletableFuture<Void> release = new CompletableFuture<>();

    @Override
    public int measure(int n) {
      int now = inside.incrementAndGet();
      max.accumulateAndGet(now, Math::max);
      entered.incrementAndGet();
      try {
        release.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        Thread.yield();
        return n;
      } catch (Exception e) {
        throw new IllegalStateException("never released", e);
      } finally {
        inside.decrementAndGet();
      }
    }
  }

  /** Makes {@code threads * perThread} task calls from {@code threads} platform threads; returns when all are sent. */
  private static List<CompletableFuture<Integer>> fire(Gauge gauge, int threads, int perThread) throws Exception {
    List<CompletableFuture<Integer>> calls = new CopyOnWriteArrayList<>();
    List<Thread> senders = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int base = t * perThread;
      senders.add(Thread.ofPlatform().name("sender-" + t).start(() -> {
        for (int i = 0; i < perThread; i++) {
          calls.add(gauge.measureAsync(base + i));
        }
      }));
    }
    for (Thread s : senders) {
      assertThat(s.join(LIMIT)).as("%s sent its calls", s.getName()).isTrue();
    }
    assertThat(calls).hasSize(threads * perThread);
    return calls;
  }

  private static void assertAllComplete(List<CompletableFuture<Integer>> calls) throws Exception {
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(LIMIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(calls.stream().map(CompletableFuture::join).sorted().toList())
        .isEqualTo(java.util.stream.IntStream.range(0, calls.size()).boxed().toList());
  }

  @Test
  void singleConcurrencyLetsOneCallAtATimeIntoTheInstance() throws Exception {
    String address = address("concurrency-single");
    Gauged service = new Gauged();
    ServiceHost host = open(ServiceHost.builder(service).concurrency(ConcurrencyMode.SINGLE)
        .endpoint(GaugeService.class, INPROC, address));
    Gauge gauge = channel(Gauge.class, address);

    List<CompletableFuture<Integer>> calls = fire(gauge, 4, 10);
    until(() -> service.entered.get() == 1, "the first call entered");
    assertThat(host.callsInFlight()).as("every call reached the host").isEqualTo(40);
    assertThat(service.inside).as("the others wait outside the instance").hasValue(1);

    service.release.complete(null);
    assertAllComplete(calls);
    assertThat(service.entered).hasValue(40);
    assertThat(service.max).as("most calls inside the instance at once").hasValue(1);
  }

  @Test
  void multipleConcurrencyLetsCallsIntoTheInstanceTogether() throws Exception {
    String address = address("concurrency-multiple");
    Gauged service = new Gauged();
    open(ServiceHost.builder(service).concurrency(ConcurrencyMode.MULTIPLE)
        .endpoint(GaugeService.class, INPROC, address));
    Gauge gauge = channel(Gauge.class, address);

    List<CompletableFuture<Integer>> calls = fire(gauge, 4, 5);
    until(() -> service.inside.get() == 20, "all 20 calls are inside the instance at once");
    service.release.complete(null);
    assertAllComplete(calls);
    assertThat(service.max).hasValue(20);
  }

  /** The caller's callback contract. */
  public interface Asker {
    int ask(int n);
  }

  @ServiceContract(name = "Reentry", callback = Asker.class)
  public interface Reentry {
    /** Asks the caller (a request/reply callback) and adds one. */
    int outer(int n);

    /** Called by the caller's callback, on the same channel, while outer waits. */
    int inner(int n);
  }

  @ServiceContract(name = "Reentry", callback = Asker.class)
  public interface ReentryClient {
    CompletableFuture<Integer> outerAsync(int n);

    int inner(int n);
  }

  static final class ReentryService implements Reentry {
    final AtomicReference<Throwable> refused = new AtomicReference<>();

    @Override
    public int outer(int n) {
      Asker caller = OperationContext.current().callback(Asker.class);
      try {
        return caller.ask(n) + 1;
      } catch (IllegalStateException e) {
        refused.set(e);
        throw e;
      }
    }

    @Override
    public int inner(int n) {
      return n * 10;
    }
  }

  /** The client's callback: calls the service again, on the same channel, from inside the callback. */
  private ReentryClient reentryClient(String address, AtomicInteger asked) {
    AtomicReference<ReentryClient> self = new AtomicReference<>();
    Asker asker = n -> {
      asked.incrementAndGet();
      return self.get().inner(n) + 1;
    };
    ReentryClient client = ChannelFactory.builder(ReentryClient.class).binding(INPROC).address(address)
        .callback(asker).build().createChannel();
    channels.add(client);
    self.set(client);
    return client;
  }

  @Test
  void reentrantConcurrencyLetsACallbackCallIntoTheServiceWhileItsOperationWaits() throws Exception {
    String address = address("reentrant");
    ReentryService service = new ReentryService();
    ServiceHost host = open(ServiceHost.builder(service).concurrency(ConcurrencyMode.REENTRANT)
        .endpoint(Reentry.class, INPROC, address));
    AtomicInteger asked = new AtomicInteger();
    ReentryClient client = reentryClient(address, asked);

    assertThat(await(client.outerAsync(4))).isEqualTo(4 * 10 + 1 + 1);
    assertThat(await(client.outerAsync(5))).as("the instance is free again afterwards").isEqualTo(5 * 10 + 1 + 1);
    assertThat(asked).hasValue(2);
    assertThat(service.refused).hasValue(null);
    assertThat(client.inner(7)).isEqualTo(70);
    assertThat(host.callsInFlight()).isZero();
  }

  @Test
  void singleConcurrencyRefusesARequestReplyCallbackFromInsideAnOperationInsteadOfDeadlocking() throws Exception {
    String address = address("single-callback");
    ReentryService service = new ReentryService();
    ServiceHost host = open(ServiceHost.builder(service).concurrency(ConcurrencyMode.SINGLE)
        .includeExceptionDetailInFaults(true)
        .endpoint(Reentry.class, INPROC, address));
    AtomicInteger asked = new AtomicInteger();
    ReentryClient client = reentryClient(address, asked);

    Throwable failure = failureOf(client.outerAsync(4));
    assertThat(service.refused.get())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContainingAll("callback ask would deadlock", "until outer completes",
            "(expected: ConcurrencyMode.REENTRANT or MULTIPLE, or a one-way callback)");
    assertThat(failure).isInstanceOf(FaultException.class);
    assertThat(((FaultException) failure).detail(ExceptionDetail.class).type()).isEqualTo(IllegalStateException.class.getName());
    assertThat(asked).as("the callback was never sent").hasValue(0);
    assertThat(client.inner(3)).as("the instance is not stuck").isEqualTo(30);
    assertThat(host.callsInFlight()).isZero();
    assertThat(dev.courier.io.CapturedLogs.take()).singleElement().satisfies(r -> {
      assertThat(r.getLevel()).isEqualTo(java.util.logging.Level.WARNING);
      assertThat(r.getMessage()).isEqualTo("operation outer failed");
      assertThat(r.getThrown()).isSameAs(service.refused.get());
    });
  }

  // ---- throttles ----------------------------------------------------------------------------------

  @Test
  void maxConcurrentCallsRunsAtMostThatManyCallsAndQueuesTheRest() throws Exception {
    String address = address("max-calls");
    Gauged service = new Gauged();
    ServiceHost host = open(ServiceHost.builder(service).maxConcurrentCalls(3)
        .endpoint(GaugeService.class, INPROC, address));
    Gauge gauge = channel(Gauge.class, address);

    List<CompletableFuture<Integer>> calls = fire(gauge, 4, 6);
    until(() -> service.inside.get() == 3, "three calls run");
    assertThat(host.callsInFlight()).as("the rest wait in the host").isEqualTo(24);
    assertThat(host.peakConcurrentCalls()).isEqualTo(3);

    service.release.complete(null);
    assertAllComplete(calls);
    assertThat(service.entered).hasValue(24);
    assertThat(service.max).as("most calls running at once").hasValue(3);
    assertThat(host.peakConcurrentCalls()).isEqualTo(3);
  }

  @ServiceContract(name = "Held")
  public interface HeldService {
    CompletionStage<Integer> holdAsync(int n);
  }

  @ServiceContract(name = "Held")
  public interface Held {
    CompletableFuture<Integer> holdAsync(int n);
  }

  @Test
  void maxConcurrentCallsStartsQueuedCallsInOrderAsRunningOnesFinish() throws Exception {
    String address = address("max-calls-task");
    record Started(int n, CompletableFuture<Integer> reply) {}
    BlockingQueue<Started> started = new LinkedBlockingQueue<>();
    HeldService service = n -> {
      CompletableFuture<Integer> reply = new CompletableFuture<>();
      started.add(new Started(n, reply));
      return reply;
    };
    ServiceHost host = open(ServiceHost.builder(service).maxConcurrentCalls(2)
        .endpoint(HeldService.class, INPROC, address));
    Held held = channel(Held.class, address);

    List<CompletableFuture<Integer>> calls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      calls.add(held.holdAsync(i));
    }
    // a task service starts on the delivering thread: the first two started before holdAsync returned
    assertThat(started).extracting(Started::n).containsExactly(0, 1);
    assertThat(host.callsInFlight()).isEqualTo(8);

    List<Started> running = new ArrayList<>(List.of(started.take(), started.take()));
    for (int next = 2; next < 8; next++) {
      Started done = running.remove(0);
      done.reply().complete(done.n() * 100);
      assertThat(await(calls.get(done.n()))).isEqualTo(done.n() * 100);
      Started s = started.poll(LIMIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(s).as("call %d started when a slot freed", next).isNotNull();
      assertThat(s.n()).as("queued calls start in order").isEqualTo(next);
      assertThat(started).as("one slot freed, one call started").isEmpty();
      running.add(s);
    }
    running.forEach(s -> s.reply().complete(s.n() * 100));
    for (int i = 0; i < 8; i++) {
      assertThat(await(calls.get(i))).isEqualTo(i * 100);
    }
    assertThat(host.peakConcurrentCalls()).isEqualTo(2);
    until(() -> host.callsInFlight() == 0, "the host has no call left");
  }

  @Test
  void maxConcurrentSessionsRefusesTheChannelBeyondItUntilOneCloses() {
    String address = address("max-sessions");
    InstanceFactory factory = new InstanceFactory();
    ServiceHost host = open(ServiceHost.builder(Instance.class, factory::make, InstanceMode.PER_SESSION)
        .maxConcurrentSessions(2).endpoint(Instances.class, INPROC, address));
    Instances first = channel(Instances.class, address);
    Instances second = channel(Instances.class, address);
    assertThat(host.sessionCount()).isEqualTo(2);

    Throwable refused = catchThrowable(() -> channel(Instances.class, address));
    assertThat(refused).isInstanceOf(CommunicationException.class).hasMessageContaining("server too busy");
    assertThat(((CommunicationException) refused).mayHaveReachedService()).isFalse();
    assertThat(host.sessionCount()).isEqualTo(2);
    assertThat(first.whoServes()).isNotEqualTo(second.whoServes());

    ClientChannel.of(first).close();
    assertThat(host.sessionCount()).isEqualTo(1);
    Instances third = channel(Instances.class, address);
    assertThat(third.whoServes()).isEqualTo(3);
    assertThat(host.sessionCount()).isEqualTo(2);
  }

  // ---- which shape runs, and where ----------------------------------------------------------------

  @ServiceContract(name = "Shaped")
  public interface AllShapes {
    String name();

    CompletionStage<String> nameAsync();

    AsyncResult beginName(AsyncCallback callback, Object state);

    String endName(AsyncResult result);
  }

  @ServiceContract(name = "Shaped")
  public interface SyncAndBeginEnd {
    String name();

    AsyncResult beginName(AsyncCallback callback, Object state);

    String endName(AsyncResult result);
  }

  @ServiceContract(name = "Shaped")
  public interface ShapedClient {
    String name();
  }

  static final class EveryShape implements AllShapes, SyncAndBeginEnd {
    @Override
    public String name() {
      return "sync";
    }

    @Override
    public CompletionStage<String> nameAsync() {
      return CompletableFuture.completedFuture("task");
    }

    @Override
    public AsyncResult beginName(AsyncCallback callback, Object state) {
      return AsyncResult.of(CompletableFuture.completedFuture("begin/end"), callback, state);
    }

    @Override
    public String endName(AsyncResult result) {
      return (String) result.join();
    }
  }

  @Test
  void aServiceWithSeveralShapesOfAnOperationRunsTheTaskOneThenBeginEndThenSync() {
    String all = address("shapes-all");
    String noTask = address("shapes-no-task");
    open(ServiceHost.builder(new EveryShape())
        .endpoint(AllShapes.class, INPROC, all)
        .endpoint(SyncAndBeginEnd.class, INPROC, noTask));
    assertThat(channel(ShapedClient.class, all).name()).isEqualTo("task");
    assertThat(channel(ShapedClient.class, noTask).name()).isEqualTo("begin/end");
  }

  @ServiceContract(name = "Where")
  public interface WhereService {
    String where();
  }

  @ServiceContract(name = "Where")
  public interface WhereTaskService {
    CompletionStage<String> whereAsync();
  }

  private static String describe(Thread t) {
    return (t.isVirtual() ? "virtual " : "platform ") + t.getName();
  }

  @Test
  void synchronousServicesRunOnVirtualThreadsByDefault() {
    String address = address("virtual");
    WhereService service = () -> describe(Thread.currentThread());
    open(ServiceHost.builder(service).endpoint(WhereService.class, INPROC, address));
    assertThat(channel(WhereService.class, address).where()).startsWith("virtual courier-call-");
  }

  @Test
  void synchronousServicesRunOnTheGivenExecutorWhenOneIsSet() throws Exception {
    String address = address("executor");
    ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "hosting-test-pool"));
    try {
      WhereService service = () -> describe(Thread.currentThread());
      open(ServiceHost.builder(service).executor(pool).endpoint(WhereService.class, INPROC, address));
      assertThat(channel(WhereService.class, address).where()).isEqualTo("platform hosting-test-pool");
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void taskServicesRunOnTheDeliveringThreadNotOnTheExecutor() {
    String address = address("task-thread");
    WhereTaskService service = () -> CompletableFuture.completedFuture(describe(Thread.currentThread()));
    open(ServiceHost.builder(service).endpoint(WhereTaskService.class, INPROC, address));
    assertThat(channel(WhereService.class, address).where())
        .as("in process, the caller's thread delivers the call")
        .isEqualTo(describe(Thread.currentThread()));
  }
}
