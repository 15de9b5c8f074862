package dev.courier.rpc.tcp;

import static dev.courier.io.Eventually.until;
import static dev.courier.rpc.tcp.TcpTestSupport.LIMIT;
import static dev.courier.rpc.tcp.TcpTestSupport.action;
import static dev.courier.rpc.tcp.TcpTestSupport.frame;
import static dev.courier.rpc.tcp.TcpTestSupport.newAddress;
import static dev.courier.rpc.tcp.TcpTestSupport.oneWay;
import static dev.courier.rpc.tcp.TcpTestSupport.portOf;
import static dev.courier.rpc.tcp.TcpTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.FaultException;
import dev.courier.rpc.Operation;
import dev.courier.rpc.OperationContext;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.tcp.TcpTestSupport.Frame;
import dev.courier.rpc.tcp.TcpTestSupport.Limits;
import dev.courier.rpc.tcp.TcpTestSupport.RawPeer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server's table of incoming calls over real sockets on 127.0.0.1: call ids in flight, the cap on calls
 * in flight whatever the frames, and calls whose frame type and operation disagree on one-way. Misbehaving
 * peers are raw sockets ({@link RawPeer}).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpCallTableTest {
  private static final int CAP = 4;
  private static final TcpBinding FOUR_IN_FLIGHT = TcpBinding.builder().maxCallsInFlight(CAP).build();
  private static final TcpBinding TWO_IN_FLIGHT = TcpBinding.builder().maxCallsInFlight(2).build();
  private static final int SERVER_TOO_BUSY = dev.courier.rpc.spi.RpcStatus.SERVER_TOO_BUSY.value();

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final Logger log = Logger.getLogger(TcpBinding.class.getName());
  private final Queue<LogRecord> logged = new ConcurrentLinkedQueue<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      logged.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  /** The binding's log goes to {@link #logged}, where the tests check what they expect, instead of the console. */
  @BeforeEach
  void captureTheLog() {
    log.addHandler(capture);
    log.setUseParentHandlers(false);
  }

  @AfterEach
  void closeEverything() throws Exception {
    while (!resources.isEmpty()) {
      resources.pop().close();
    }
    log.removeHandler(capture);
    log.setUseParentHandlers(true);
  }

  /** The warnings the binding logged so far. */
  private List<String> warnings() {
    return logged.stream().filter(r -> r.getLevel() == Level.WARNING).map(LogRecord::getMessage).toList();
  }

  private <T extends AutoCloseable> T closeLater(T resource) {
    resources.push(resource);
    return resource;
  }

  /**
   * A service whose {@code echo} and {@code post} block until the test opens its gate, and which counts the
   * invocations running at once, whatever their operation.
   */
  static final class GatedService implements Limits {
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger mostRunning = new AtomicInteger();
    final AtomicInteger echoes = new AtomicInteger();
    final AtomicInteger posts = new AtomicInteger();
    final AtomicInteger blobs = new AtomicInteger();
    private final Semaphore entered = new Semaphore(0);
    private final Queue<OperationContext> contexts = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<Void> gate = new CompletableFuture<>();

    @Override
    public byte[] echo(byte[] data) {
      echoes.incrementAndGet();
      runUntilTheGateOpens();
      return data;
    }

    @Override
    public void post(byte[] data) {
      posts.incrementAndGet();
      runUntilTheGateOpens();
    }

    private void runUntilTheGateOpens() {
      contexts.add(OperationContext.current());
      mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
      entered.release();
      try {
        gate.join();
      } finally {
        running.decrementAndGet();
      }
    }

    @Override
    public byte[] blob(int size) {
      blobs.incrementAndGet();
      return new byte[size];
    }

    @Override
    public CompletionStage<String> holdAsync(String tag) {
      return CompletableFuture.completedFuture(tag);
    }

    @Override
    public CompletionStage<String> pauseAsync(long millis) {
      return CompletableFuture.completedFuture("paused " + millis);
    }

    /** Waits until {@code n} more invocations have entered the service. */
    void awaitEntered(int n) throws InterruptedException {
      awaitEntered(n, LIMIT);
    }

    /** Waits at most {@code limit} until {@code n} more invocations entered the service. */
    void awaitEntered(int n, java.time.Duration limit) throws InterruptedException {
      assertThat(entered.tryAcquire(n, limit.toNanos(), TimeUnit.NANOSECONDS))
          .as("%d invocations entered the service within %s", n, limit).isTrue();
    }

    /** Whether every invocation that entered the service so far sees its call cancelled. */
    boolean allCancelled() {
      return contexts.stream().allMatch(OperationContext::isCancelled);
    }

    /** Completes when every invocation that entered the service so far sees its call cancelled. */
    CompletableFuture<Void> allCancelledFuture() {
      return CompletableFuture.allOf(contexts.stream().map(c -> c.cancellation().toCompletableFuture())
          .toArray(CompletableFuture<?>[]::new));
    }

    /** Lets every invocation through, now and later. */
    void open() {
      gate.complete(null);
    }
  }

  private ServiceHost host(TcpBinding binding, Limits service) {
    ServiceHost host = ServiceHost.builder(service).endpoint(Limits.class, binding, newAddress("calls")).build().open();
    closeLater(host::abort);
    return host;
  }

  private RawPeer peer(ServiceHost host) throws IOException {
    return closeLater(RawPeer.withSession(portOf(host.listenAddresses().get(0))));
  }

  /** An echo REQUEST with a deadline of {@code micros}. */
  private static byte[] echoWithDeadline(int callId, long micros, byte[] data) {
    ByteBuf payload = Unpooled.buffer();
    WireCodec.writeVarint(payload, micros);
    WireCodec.writeString(payload, action("echo"));
    WireCodec.writeVarint(payload, 0);
    WireCodec.write(payload, byte[].class, data);
    return frame(Frames.REQUEST, 1, callId, ByteBufUtil.getBytes(payload));
  }

  private static byte[] cancel(int callId) {
    return frame(Frames.CANCEL, 1, callId, new byte[0]);
  }

  private static final byte[] PING = frame(Frames.PING, 0, 0, new byte[8]);

  /** The frames the server sent before its PONG: the server handled every frame sent before the PING. */
  private static List<Frame> framesUntilPong(RawPeer peer) throws IOException {
    List<Frame> frames = new ArrayList<>();
    for (Frame f = peer.read(); f.type() != Frames.PONG; f = peer.read()) {
      frames.add(f);
    }
    return frames;
  }

  /** A REPLY to {@code callId} whose result is {@code data}, read past PINGs. */
  private static void assertEchoed(RawPeer peer, int callId, byte[] data) throws IOException {
    Frame reply = peer.read();
    while (reply.type() == Frames.PING) {
      reply = peer.read();
    }
    assertThat(reply.type()).as("the answer to echo call %d: %s", callId, reply).isEqualTo(Frames.REPLY);
    assertThat(reply.callId()).isEqualTo(callId);
    assertThat((byte[]) WireCodec.read(Unpooled.wrappedBuffer(reply.payload()), byte[].class)).containsExactly(data);
  }

  private static byte[] concat(byte[]... frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] f : frames) {
      out.writeBytes(f);
    }
    return out.toByteArray();
  }

  // =============================================================================================
  // Call ids in flight (defects 1 and 2)
  // =============================================================================================

  @Test
  void aCallIdReusedWhileItsCallIsInFlightClosesTheConnectionWithAGoAwayNamingIt() throws Exception {
    record Reuse(String what, byte[] first, byte[] second) {}
    List<Reuse> reuses = List.of(
        new Reuse("a REQUEST reusing the id of a REQUEST", request(1, 5, "echo", (Object) new byte[] {1}),
            request(1, 5, "echo", (Object) new byte[] {2})),
        new Reuse("a ONE_WAY reusing the id of a REQUEST", request(1, 5, "echo", (Object) new byte[] {1}),
            oneWay(1, 5, "post", (Object) new byte[] {2})),
        new Reuse("a REQUEST reusing the id of a ONE_WAY still running", oneWay(1, 5, "post", (Object) new byte[] {1}),
            request(1, 5, "echo", (Object) new byte[] {2})));
    GatedService service = new GatedService();
    ServiceHost host = host(TcpBinding.create(), service);
    for (Reuse reuse : reuses) {
      RawPeer peer = peer(host);
      peer.send(reuse.first());
      service.awaitEntered(1);

      peer.send(reuse.second());

      Frame goAway = RawPeer.goAway(peer.framesUntilClosed(LIMIT));
      assertThat(goAway.goAwayCode()).as("GO_AWAY code after %s", reuse.what()).isEqualTo(Frames.GO_AWAY_PROTOCOL_ERROR);
      assertThat(goAway.goAwayMessage()).as("GO_AWAY message after %s", reuse.what())
          .contains("call id 5", "session 1", "in flight");
    }
    assertThat(warnings()).as("the host's log").hasSize(reuses.size())
        .allSatisfy(w -> assertThat(w).contains("closing connection", "call id 5 of session 1 is in flight already"));
    assertThat(service.echoes.get() + service.posts.get()).as("invocations: only the first call of each pair ran")
        .isEqualTo(reuses.size());
    service.open();
    until(() -> host.callsInFlight() == 0, "every call drained from the host");
    RawPeer fresh = peer(host);
    fresh.send(request(1, 5, "echo", (Object) new byte[] {7}));
    assertEchoed(fresh, 5, new byte[] {7});
  }

  @Test
  void fortyRequestsWithOneCallIdNeverRunMoreCallsAtOnceThanTheLimit() throws Exception {
    GatedService service = new GatedService();
    ServiceHost host = host(FOUR_IN_FLIGHT, service);
    RawPeer peer = peer(host);
    byte[][] requests = new byte[40][];
    for (int i = 0; i < requests.length; i++) {
      requests[i] = request(1, 1, "echo", (Object) new byte[] {(byte) i});
    }

    peer.send(concat(requests));                      // one write: the host reads them together

    Frame goAway = RawPeer.goAway(peer.framesUntilClosed(LIMIT));
    assertThat(goAway.goAwayCode()).isEqualTo(Frames.GO_AWAY_PROTOCOL_ERROR);
    assertThat(goAway.goAwayMessage()).contains("call id 1");
    assertThat(warnings()).as("the host's log: the first reuse closes the connection; the rest is not read")
        .singleElement().asString().contains("call id 1 of session 1 is in flight already");
    service.open();                                   // the first call ran, or was cancelled first by the close
    until(() -> host.callsInFlight() == 0, "every call drained from the host");
    assertThat(service.mostRunning).as("invocations running at once under a limit of %d", CAP).hasValueLessThanOrEqualTo(1);
    assertThat(service.echoes).as("invocations of the forty requests with one id").hasValueLessThanOrEqualTo(1);
  }

  @Test
  void aOneWayArrivingWhileRequestsFillTheCapWaitsUntilOneFinishes() throws Exception {
    GatedService service = new GatedService();
    ServiceHost host = host(TWO_IN_FLIGHT, service);
    RawPeer peer = peer(host);
    peer.send(concat(request(1, 1, "echo", (Object) new byte[] {1}), request(1, 3, "echo", (Object) new byte[] {3})));
    service.awaitEntered(2);

    peer.send(concat(oneWay(1, 5, "post", (Object) new byte[] {5}), PING));
    assertThat(framesUntilPong(peer)).as("frames before the PONG").isEmpty();
    service.open();

    until(() -> service.posts.get() == 1, "the one-way call ran once the requests finished");
    assertThat(List.of(peer.read(), peer.read())).as("the answers to the two requests, in either order")
        .allSatisfy(f -> assertThat(f.type()).isEqualTo(Frames.REPLY)).extracting(Frame::callId)
        .containsExactlyInAnyOrder(1, 3);
    until(() -> host.callsInFlight() == 0, "every call drained from the host");
    assertThat(service.mostRunning).as("invocations running at once under a limit of 2").hasValueLessThanOrEqualTo(2);
  }

  // =============================================================================================
  // Cancelled and timed-out calls count until their service returns (defect 6)
  // =============================================================================================

  @Test
  void requestThenCancelInATightLoopNeverRunsMoreInvocationsAtOnceThanTheLimit() throws Exception {
    GatedService service = new GatedService();
    ServiceHost host = host(FOUR_IN_FLIGHT, service);
    RawPeer peer = peer(host);
    int rounds = 2_000;
    ByteArrayOutputStream reset = new ByteArrayOutputStream();
    for (int i = 0; i < rounds; i++) {
      int callId = 1 + 2 * i;
      reset.writeBytes(request(1, callId, "echo", (Object) new byte[] {(byte) i}));
      reset.writeBytes(cancel(callId));
    }
    reset.writeBytes(PING);

    peer.send(reset.toByteArray());                   // "rapid reset": each call cancelled as soon as it is sent

    List<Frame> answers = framesUntilPong(peer);
    assertThat(answers).as("answers to cancelled calls: a refusal as too busy, or nothing")
        .allSatisfy(f -> assertThat(f.status()).isEqualTo(SERVER_TOO_BUSY));
    assertThat(host.callsInFlight()).as("calls the host holds for the connection").isLessThanOrEqualTo(CAP);

    service.open();
    until(() -> host.callsInFlight() == 0, "every call drained from the host");
    assertThat(service.mostRunning).as("invocations running at once under a limit of %d", CAP)
        .hasValueLessThanOrEqualTo(CAP);
    assertEveryPlaceIsFreeAgain(peer, 1 + 2 * rounds);
  }

  @Test
  void cancelledCallsKeepTheirPlaceUntilTheirServiceReturnsSoNewCallsAreRefusedAsTooBusy() throws Exception {
    GatedService service = new GatedService();
    ServiceHost host = host(FOUR_IN_FLIGHT, service);
    RawPeer peer = peer(host);
    for (int i = 0; i < CAP; i++) {
      peer.send(request(1, 1 + 2 * i, "echo", (Object) new byte[] {(byte) i}));
    }
    service.awaitEntered(CAP);
    for (int i = 0; i < CAP; i++) {
      peer.send(cancel(1 + 2 * i));
    }
    until(service::allCancelled, "the service sees its calls cancelled");

    peer.send(concat(request(1, 101, "echo", (Object) new byte[] {1}), cancel(101),
        request(1, 103, "echo", (Object) new byte[] {2}), PING));

    List<Frame> answers = framesUntilPong(peer);
    assertThat(answers).extracting(Frame::callId).containsExactly(101, 103);
    assertThat(answers).allSatisfy(f -> assertThat(f.status()).isEqualTo(SERVER_TOO_BUSY));
    assertThat(service.mostRunning).hasValue(CAP);
    service.open();
    until(() -> host.callsInFlight() == 0, "every call drained from the host");
    assertThat(service.echoes).as("invocations: the four cancelled calls only").hasValue(CAP);
    assertEveryPlaceIsFreeAgain(peer, 201);
  }

  @Test
  void callsWhoseDeadlinePassedKeepTheirPlaceUntilTheirServiceReturns() throws Exception {
    GatedService service = new GatedService();
    ServiceHost host = host(FOUR_IN_FLIGHT, service);
    RawPeer peer = peer(host);
    // The calls' deadline is the test's bound on waiting for them to enter the service, counted from before they
    // were sent: a call whose deadline passes before its service starts is not run, but then the wait fails
    // anyway, so the deadline adds no bound of its own on the machine's speed. The service holds the calls until
    // the test has seen their deadline pass.
    java.time.Duration deadline = LIMIT;
    long sent = System.nanoTime();
    for (int i = 0; i < CAP; i++) {
      peer.send(echoWithDeadline(1 + 2 * i, deadline.toNanos() / 1000, new byte[] {(byte) i}));
    }
    service.awaitEntered(CAP, deadline.minusNanos(System.nanoTime() - sent));
    assertThat(service.allCancelledFuture()).as("the service sees its calls' deadline pass")
        .succeedsWithin(deadline.plus(LIMIT));

    peer.send(concat(request(1, 101, "echo", (Object) new byte[] {1}), PING));

    List<Frame> answers = framesUntilPong(peer);
    assertThat(answers).extracting(Frame::callId).containsExactly(101);
    assertThat(answers.get(0).status()).isEqualTo(SERVER_TOO_BUSY);
    service.open();
    until(() -> host.callsInFlight() == 0, "every call drained from the host");
    assertThat(service.mostRunning).hasValue(CAP);
    assertEveryPlaceIsFreeAgain(peer, 201);
  }

  /**
   * With the service's gate open, the limit's worth of calls sent at once are all served on the connection.
   * The host's count of calls reaches 0 a moment before the connection frees the last place, so this tries
   * again, within {@link TcpTestSupport#LIMIT}, while some are refused as too busy; a place that leaked is
   * never free again.
   */
  private static void assertEveryPlaceIsFreeAgain(RawPeer peer, int firstCallId) throws IOException {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    for (int callId = firstCallId; ; callId += 2 * CAP) {
      byte[][] calls = new byte[CAP][];
      for (int i = 0; i < CAP; i++) {
        calls[i] = request(1, callId + 2 * i, "echo", (Object) new byte[] {(byte) i});
      }
      peer.send(concat(concat(calls), PING));
      List<Frame> answers = framesUntilPong(peer);
      while (answers.size() < CAP) {                  // replies written after the PONG
        answers.add(peer.read());
      }
      if (answers.stream().allMatch(f -> f.type() == Frames.REPLY)) {
        return;
      }
      assertThat(System.nanoTime() - deadline).as("answers to %d calls on a connection whose places should all be"
          + " free again: %s", CAP, answers).isNegative();
    }
  }

  // =============================================================================================
  // Frame type and operation disagree on one-way (defect 3)
  // =============================================================================================

  @Test
  void aRequestFrameNamingAOneWayOperationGetsAFaultAndNeitherRunsNorLeaks() throws Exception {
    GatedService service = new GatedService();
    service.open();
    ServiceHost host = host(TWO_IN_FLIGHT, service);
    RawPeer peer = peer(host);
    int mismatched = 5;                               // more than the limit: a leak would refuse later calls
    for (int i = 0; i < mismatched; i++) {
      peer.send(request(1, 1 + 2 * i, "post", (Object) new byte[] {(byte) i}));
      Frame fault = peer.read();
      assertThat(fault.type()).as("the answer to REQUEST %d naming one-way post: %s", i, fault).isEqualTo(Frames.FAULT);
      assertThat(fault.callId()).isEqualTo(1 + 2 * i);
      ByteBuf payload = Unpooled.wrappedBuffer(fault.payload());
      assertThat(WireCodec.readString(payload)).as("fault code").isEqualTo(FaultException.SENDER);
      assertThat(WireCodec.readString(payload)).as("fault reason")
          .contains("post", "one-way", "REQUEST", "not run");
    }
    peer.send(request(1, 101, "echo", (Object) new byte[] {9}));
    assertEchoed(peer, 101, new byte[] {9});
    assertThat(service.posts).as("one-way operations run for REQUEST frames").hasValue(0);
    assertThat(host.callsInFlight()).isZero();
  }

  @Test
  void aOneWayFrameNamingARequestReplyOperationIsNotRunAndNothingLeaks() throws Exception {
    GatedService service = new GatedService();
    service.open();
    ServiceHost host = host(TWO_IN_FLIGHT, service);
    RawPeer peer = peer(host);
    ByteArrayOutputStream mismatched = new ByteArrayOutputStream();
    for (int i = 0; i < 5; i++) {                     // more than the limit: a leak would hold the connection back
      mismatched.writeBytes(oneWay(1, 1 + 2 * i, "blob", 3));
    }
    mismatched.writeBytes(PING);

    peer.send(mismatched.toByteArray());

    assertThat(framesUntilPong(peer)).as("answers to ONE_WAY frames").isEmpty();
    peer.send(request(1, 101, "echo", (Object) new byte[] {9}));
    assertEchoed(peer, 101, new byte[] {9});
    assertThat(service.blobs).as("request/reply operations run for ONE_WAY frames").hasValue(0);
    assertThat(host.callsInFlight()).isZero();
    assertThat(warnings()).as("the host's log: one warning for the operation on this connection, the other"
        + " four dropped calls at debug level, so that a flood of such frames cannot flood it").singleElement()
        .satisfies(w -> assertThat(w)
            .contains("session 1", "operation blob of contract Limits answers its calls", "ONE_WAY", "not run"));
  }

  /** A client of {@link Limits} that wrongly takes {@code post} for a request/reply operation. */
  @ServiceContract(name = "Limits")
  public interface PostAnsweredClient {
    void post(byte[] data);

    byte[] echo(byte[] data);
  }

  /** A client of {@link Limits} that wrongly takes {@code blob} for a one-way operation. */
  @ServiceContract(name = "Limits")
  public interface BlobOneWayClient {
    @Operation(oneWay = true)
    void blob(int size);

    byte[] echo(byte[] data);
  }

  private <T> T channel(Class<T> contract, TcpBinding binding, ServiceHost host) {
    T c = ChannelFactory.builder(contract).binding(binding).address(host.listenAddresses().get(0)).build()
        .createChannel();
    closeLater(((ClientChannel) c)::abort);
    return c;
  }

  @Test
  void aClientThatTakesAOneWayOperationForRequestReplyHasItsCallsRefusedBeforeTheyAreSentAndItsConnectionGoesOn() {
    GatedService service = new GatedService();
    service.open();
    ServiceHost host = host(TWO_IN_FLIGHT, service);
    TcpBinding binding = closeLater(TcpBinding.create());
    PostAnsweredClient client = channel(PostAnsweredClient.class, binding, host);
    PostAnsweredClient bystander = channel(PostAnsweredClient.class, binding, host);   // same connection

    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> client.post(new byte[] {1})).isInstanceOf(FaultException.class)
          .hasMessage("operation post: request-reply on the client, one-way on the service; the call was not sent")
          .satisfies(e -> assertThat(((FaultException) e).code()).isEqualTo(FaultException.CONTRACT_MISMATCH));
    }

    assertThat(client.echo(new byte[] {1})).containsExactly(1);
    assertThat(bystander.echo(new byte[] {2})).containsExactly(2);
    assertThat(binding.openConnections()).as("connections: the one both channels share").isEqualTo(1);
    assertThat(service.posts).hasValue(0);
    assertThat(host.callsInFlight()).isZero();
  }

  @Test
  void aClientThatTakesARequestReplyOperationForOneWayHasItRefusedToItsCallerAndItsConnectionGoesOn() {
    GatedService service = new GatedService();
    service.open();
    ServiceHost host = host(TWO_IN_FLIGHT, service);
    TcpBinding binding = closeLater(TcpBinding.create());
    BlobOneWayClient client = channel(BlobOneWayClient.class, binding, host);

    for (int i = 0; i < 3; i++) {
      // found when the channel opened: the caller learns it at once, though a one-way call has no answer
      assertThatThrownBy(() -> client.blob(8)).isInstanceOf(FaultException.class)
          .hasMessage("operation blob: one-way on the client, request-reply on the service; the call was not sent");
    }

    assertThat(client.echo(new byte[] {1})).as("a call after them on the same connection").containsExactly(1);
    assertThat(service.blobs).as("request/reply operations run for one-way calls").hasValue(0);
    assertThat(warnings()).as("the host's log: nothing reached it").isEmpty();
    assertThat(binding.openConnections()).isEqualTo(1);
    assertThat(host.callsInFlight()).isZero();
  }
}
