package dev.courier.rpc.tcp;

import static dev.courier.rpc.tcp.TcpTestSupport.LIMIT;
import static dev.courier.io.Eventually.failureOf;
import static dev.courier.rpc.tcp.TcpTestSupport.newAddress;
import static dev.courier.rpc.tcp.TcpTestSupport.portOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.io.ChildJvm;
import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.CommunicationException;
import dev.courier.rpc.CommunicationState;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.tcp.TcpTestSupport.Limits;
import dev.courier.rpc.tcp.TcpTestSupport.LimitsClient;
import dev.courier.rpc.tcp.TcpTestSupport.Frame;
import dev.courier.rpc.tcp.TcpTestSupport.LimitsService;
import dev.courier.rpc.tcp.TcpTestSupport.RawPeer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Failures during calls: the server process killed (a child JVM), the host aborted, the server gone and
 * back on the same port. Every pending call ends promptly with a {@link CommunicationException} that says
 * whether the request may have reached the service, the channel becomes FAULTED and refuses later calls at
 * once, and a new channel connects afresh; nothing hangs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpFailureTest {
  private static final TcpBinding TCP = TcpBinding.create();
  /** A child JVM may take a while to start on a busy 2-core machine. */
  private static final Duration CHILD_START = Duration.ofSeconds(30);

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void closeEverything() throws Exception {
    while (!resources.isEmpty()) {
      resources.pop().close();
    }
    threads.shutdownNow();
  }

  private <T extends AutoCloseable> T closeLater(T resource) {
    resources.push(resource);
    return resource;
  }

  private ChannelFactory<LimitsClient> factory(String address) {
    return ChannelFactory.builder(LimitsClient.class).binding(TCP).address(address)
        .operationTimeout(Duration.ofSeconds(30)).build();              // far beyond every wait here
  }

  private LimitsClient channel(ChannelFactory<LimitsClient> factory) {
    LimitsClient c = factory.createChannel();
    closeLater(((ClientChannel) c)::abort);
    return c;
  }

  private static void assertCommunicationFailure(Throwable t, boolean mayHaveReachedService) {
    assertThat(t).isInstanceOf(CommunicationException.class);
    assertThat(((CommunicationException) t).mayHaveReachedService())
        .as("mayHaveReachedService of: %s", t.getMessage()).isEqualTo(mayHaveReachedService);
  }

  /** A {@link TcpChildServer} in its own JVM. */
  @SuppressWarnings("try") // close() waits for the process, so it may throw InterruptedException
  private static final class Child implements AutoCloseable {
    final Process process;
    final String address;
    private final ChildJvm jvm;

    private Child(int port, String... jvmOptions) throws IOException, InterruptedException {
      jvm = ChildJvm.start(TcpChildServer.class, List.of(jvmOptions), String.valueOf(port));
      process = jvm.process();
      address = awaitLine("LISTENING ", CHILD_START).substring("LISTENING ".length());
    }

    static Child start(int port) throws IOException, InterruptedException {
      return new Child(port);
    }

    /** A child started with {@code jvmOptions} after the usual ones. */
    static Child start(int port, String... jvmOptions) throws IOException, InterruptedException {
      return new Child(port, jvmOptions);
    }

    /** What the child printed on its standard error so far. */
    String errors() throws IOException {
      return jvm.errors();
    }

    /** The next line starting with {@code prefix}, waiting at most {@code limit}. */
    String awaitLine(String prefix, Duration limit) throws InterruptedException, IOException {
      return jvm.awaitLine(prefix, limit);
    }

    void kill() throws InterruptedException {
      jvm.kill();
    }

    @Override
    public void close() throws Exception {
      jvm.close();
    }
  }

  /** Starts hold calls on {@code clients}: asynchronous ones, and one synchronous call on its own thread. */
  private List<CompletableFuture<String>> holdCalls(LimitsClient first, LimitsClient second) {
    List<CompletableFuture<String>> calls = new ArrayList<>();
    calls.add(first.holdAsync("a1"));
    calls.add(first.holdAsync("a2"));
    calls.add(second.holdAsync("b1"));
    calls.add(CompletableFuture.supplyAsync(() -> first.hold("s1"), threads));
    return calls;
  }

  // =============================================================================================

  @Test
  void killingTheServerProcessEndsEveryPendingCallPromptlyAsMayHaveReachedTheServiceAndTheDeadAddressIsRefused()
      throws Exception {
    Child child = closeLater(Child.start(0));
    ChannelFactory<LimitsClient> factory = factory(child.address);
    LimitsClient first = channel(factory);
    LimitsClient second = channel(factory);                       // the same connection, another session
    assertThat(first.echo(new byte[] {1})).containsExactly(1);
    List<CompletableFuture<String>> calls = holdCalls(first, second);
    for (int i = 0; i < calls.size(); i++) {
      child.awaitLine("ENTERED", LIMIT);
    }

    child.kill();
    for (CompletableFuture<String> call : calls) {     // failed by the lost connection, within a bounded wait
      assertCommunicationFailure(failureOf(call), true);
    }

    assertThatThrownBy(() -> first.echo(new byte[] {2}))
        .satisfies(e -> assertCommunicationFailure(e, false));   // the connection is known to be gone: not sent
    assertThatThrownBy(factory::createChannel)
        .satisfies(e -> assertCommunicationFailure(e, false));   // nothing listens there any more
  }

  /** The call failed at once, unsent, because its channel's connection was lost; the message says so. */
  private static void assertFaultedChannelRefused(Throwable t, String address) {
    assertCommunicationFailure(t, false);
    assertThat(t).hasMessageContaining("channel to " + address + " is FAULTED")
        .hasMessageContaining("connection was lost").hasMessageContaining("was not sent")
        .hasMessageContaining("new channel from the ChannelFactory");
  }

  @Test
  void afterTheServerProcessDiesTheChannelIsFaultedItsCallsFailAtOnceAndANewChannelReachesTheSuccessorOnTheSamePort()
      throws Exception {
    Child child = closeLater(Child.start(0));
    int port = portOf(child.address);
    ChannelFactory<LimitsClient> factory = factory(child.address);
    LimitsClient old = channel(factory);
    ClientChannel oldChannel = (ClientChannel) old;
    CompletableFuture<String> held = old.holdAsync("held");
    child.awaitLine("ENTERED held", LIMIT);
    child.kill();
    assertCommunicationFailure(failureOf(held), true);                 // the client has seen the connection go
    dev.courier.io.Eventually.until(() -> oldChannel.state() == CommunicationState.FAULTED, "the old channel is FAULTED");

    assertThatThrownBy(() -> old.echo(new byte[] {1})).satisfies(e -> assertFaultedChannelRefused(e, child.address))
        .hasMessageContaining("the connection to 127.0.0.1:" + port + " closed");
    CompletableFuture<String> async = old.holdAsync("never sent");
    assertThat(async).as("an asynchronous call on a FAULTED channel has failed when it returns").isCompletedExceptionally();
    assertFaultedChannelRefused(failureOf(async), child.address);
    assertThatThrownBy(factory::createChannel).satisfies(e -> assertCommunicationFailure(e, false));

    Child successor = closeLater(Child.start(port));
    assertThat(portOf(successor.address)).isEqualTo(port);
    LimitsClient fresh = channel(factory);
    assertThat(fresh.echo(new byte[] {7})).containsExactly(7);
    // The old channel's session died with its connection: it does not come back, and says so.
    assertThat(oldChannel.state()).isEqualTo(CommunicationState.FAULTED);
    assertThatThrownBy(() -> old.echo(new byte[] {1})).satisfies(e -> assertFaultedChannelRefused(e, child.address));
    oldChannel.close();
    assertThat(oldChannel.state()).isEqualTo(CommunicationState.CLOSED);
    assertThat(fresh.echo(new byte[] {8})).as("closing the faulted channel leaves the new one alone").containsExactly(8);
  }

  @Test
  void aChannelWhoseHostClosesGracefullyIsFaultedOnceTheHostHasLetGoAndSaysTheHostWentAway() throws Exception {
    LimitsService service = new LimitsService();
    ServiceHost host = ServiceHost.builder(service).endpoint(Limits.class, TCP, newAddress("graceful-fault"))
        .build().open();
    closeLater(host::abort);
    String address = host.listenAddresses().get(0);
    LimitsClient client = channel(factory(address));
    ClientChannel channel = (ClientChannel) client;
    CompletableFuture<String> inFlight = client.holdAsync("in flight");
    service.awaitEntered(1);

    CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> host.close(LIMIT), threads);
    dev.courier.io.Eventually.until(() -> host.state() == CommunicationState.CLOSING, "the host is closing");
    assertThat(channel.state()).as("while its call is in flight, the host keeps the connection")
        .isEqualTo(CommunicationState.OPENED);
    service.releaseAll();
    assertThat(inFlight.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("in flight");
    closing.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    dev.courier.io.Eventually.until(() -> channel.state() == CommunicationState.FAULTED, "the channel is FAULTED");

    assertThatThrownBy(() -> client.echo(new byte[] {1})).satisfies(e -> assertFaultedChannelRefused(e, address))
        .hasMessageContaining("went away: the endpoint is closing");
  }

  @Test
  void aHostAbortDuringCallsEndsEveryPendingCallWithACommunicationException() throws Exception {
    LimitsService service = new LimitsService();
    ServiceHost host = ServiceHost.builder(service).endpoint(Limits.class, TCP, newAddress("abort")).build().open();
    closeLater(host::abort);
    ChannelFactory<LimitsClient> factory = factory(host.listenAddresses().get(0));
    LimitsClient first = channel(factory);
    LimitsClient second = channel(factory);
    List<CompletableFuture<String>> calls = holdCalls(first, second);
    service.awaitEntered(calls.size());

    host.abort();
    for (CompletableFuture<String> call : calls) {     // failed by the lost connection, within a bounded wait
      assertCommunicationFailure(failureOf(call), true);
    }
    // Whether this one was written before the client saw the connection close is a race: either flag is honest.
    assertThatThrownBy(() -> first.echo(new byte[] {1})).isInstanceOf(CommunicationException.class);
  }

  @Test
  void aGracefulHostCloseLetsTheCallsInFlightAnswerBeforeItsConnectionsClose() throws Exception {
    LimitsService service = new LimitsService();
    ServiceHost host = ServiceHost.builder(service).endpoint(Limits.class, TCP, newAddress("graceful")).build().open();
    closeLater(host::abort);
    String address = host.listenAddresses().get(0);
    ChannelFactory<LimitsClient> factory = factory(address);
    LimitsClient client = channel(factory);
    CompletableFuture<String> first = client.holdAsync("first");
    CompletableFuture<String> second = client.holdAsync("second");
    service.awaitEntered(2);
    CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> host.close(LIMIT), threads);
    dev.courier.io.Eventually.until(() -> host.state() == CommunicationState.CLOSING, "the host is closing");
    assertThat(first).isNotDone();
    service.releaseAll();
    assertThat(first.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("first");
    assertThat(second.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("second");
    closing.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);

    ServiceHost next = ServiceHost.builder(new LimitsService()).endpoint(Limits.class, TCP, address).build().open();
    closeLater(next::abort);
    assertThat(channel(factory).echo(new byte[] {5})).containsExactly(5);
  }

  @Test
  void aClosingHostRefusesNewSessionsOnAConnectionItKeepsForCallsInFlight() throws Exception {
    LimitsService service = new LimitsService();
    ServiceHost host = ServiceHost.builder(service).endpoint(Limits.class, TCP, newAddress("refuse")).build().open();
    closeLater(host::abort);
    RawPeer peer = closeLater(RawPeer.withSession(portOf(host.listenAddresses().get(0))));
    peer.send(TcpTestSupport.request(1, 1, "hold", "held"));
    service.awaitEntered(1);
    CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> host.close(LIMIT), threads);
    dev.courier.io.Eventually.until(() -> host.state() == CommunicationState.CLOSING, "the host is closing");

    // The host turns CLOSING a moment before its listener marks the connections it keeps as draining; until
    // then the closing host refuses sessions as too busy. Either way no session opens.
    int endpointClosing = dev.courier.io.IoStatus.INVALID_DEVICE_STATE.value();
    long deadline = System.nanoTime() + LIMIT.toNanos();
    for (int id = 2; ; id++) {
      peer.send(TcpTestSupport.frame(Frames.SESSION_OPEN, id, 0, new byte[0]));
      Frame answer = peer.read();
      assertThat(answer.session()).isEqualTo(id);
      assertThat(answer.status()).as("the answer to a session opened while the host closes")
          .isIn(endpointClosing, dev.courier.rpc.spi.RpcStatus.SERVER_TOO_BUSY.value());
      if (answer.status() == endpointClosing) {
        break;
      }
      assertThat(deadline - System.nanoTime()).as("time left for a refusal saying the endpoint is closing").isPositive();
    }

    // The call in flight still gets its reply, then the host says goodbye; the client closes the connection
    // once it reads the GO_AWAY (the host closes one kept open only after its handshake timeout).
    service.releaseAll();
    assertThat(List.of(peer.read(), peer.read())).extracting(Frame::type)
        .containsExactly(Frames.REPLY, Frames.GO_AWAY);
    peer.close();
    closing.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void aClientThatNeverReadsItsAnswersCannotExhaustAServersDirectMemoryAndAnotherClientIsServedMeanwhile()
      throws Exception {
    // The server has 32 MiB of direct memory: 1,024 answers of 32 KiB fill it.
    Child child = closeLater(Child.start(0, "-XX:MaxDirectMemorySize=32m", "-Dio.netty.allocator.type=pooled"));
    LimitsClient bystander = channel(factory(child.address));
    assertThat(bystander.echo(new byte[] {1})).containsExactly(1);

    java.nio.channels.SocketChannel flood = closeLater(java.nio.channels.SocketChannel.open());
    flood.socket().setReceiveBufferSize(16 * 1024);
    flood.connect(new java.net.InetSocketAddress("127.0.0.1", portOf(child.address)));
    java.io.ByteArrayOutputStream opening = new java.io.ByteArrayOutputStream();
    opening.write(TcpTestSupport.PREAMBLE);
    opening.write(TcpTestSupport.frame(Frames.SESSION_OPEN, 1, 0, new byte[0]));
    for (java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(opening.toByteArray()); b.hasRemaining(); ) {
      flood.write(b);
    }
    flood.configureBlocking(false);
    // Requests written as fast as the server takes them, until it has taken nothing for 1 s; at most 500,000
    // (far more than the kernel's socket buffers on both sides hold once the server stops reading). No time
    // cap: a loaded machine takes longer to fill the buffers, but it fills them all the same. The client never
    // reads: a server that encoded every answer it had no room to send would need 500,000 x 32 KiB.
    int batch = 256;
    long requestSize = TcpTestSupport.request(1, 1, "blob", 32 * 1024).length;
    long cap = 500_000 * requestSize;
    long written = 0;
    int nextCallId = 1;
    java.nio.ByteBuffer pending = java.nio.ByteBuffer.allocate(0);
    long start = System.nanoTime();
    long lastProgress = start;
    while (System.nanoTime() - lastProgress < TimeUnit.SECONDS.toNanos(1) && written < cap) {
      if (!pending.hasRemaining()) {
        java.io.ByteArrayOutputStream next = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < batch; i++) {
          next.write(TcpTestSupport.request(1, nextCallId, "blob", 32 * 1024));
          nextCallId += 2;
        }
        pending = java.nio.ByteBuffer.wrap(next.toByteArray());
      }
      int n = flood.write(pending);
      if (n > 0) {
        written += n;
        lastProgress = System.nanoTime();
      } else {
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
      }
    }
    long floodMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(written).as("bytes written before the server stopped taking requests (in %d ms)", floodMillis)
        .isLessThan(cap);

    assertThat(bystander.echo(new byte[] {2})).as("another client while one does not read").containsExactly(2);
    LimitsClient newcomer = channel(factory(child.address));
    assertThat(newcomer.echo(new byte[] {3})).as("a new client while one does not read").containsExactly(3);
    assertThat(child.process.isAlive()).as("the server is alive").isTrue();
    assertThat(child.errors()).as("what the server printed on its standard error")
        .doesNotContain("OutOfDirectMemoryError").doesNotContain("OutOfMemoryError");
  }

  @Test
  void afterAHostAbortANewHostOnTheSamePortIsReachedByANewChannel() throws Exception {
    ServiceHost gone = ServiceHost.builder(new LimitsService()).endpoint(Limits.class, TCP, newAddress("again"))
        .build().open();
    closeLater(gone::abort);
    String address = gone.listenAddresses().get(0);
    ChannelFactory<LimitsClient> factory = factory(address);
    LimitsClient old = channel(factory);
    assertThat(old.echo(new byte[] {1})).containsExactly(1);
    gone.abort();
    // The closing host says GO_AWAY before it answers anything else, so once this call has failed the client
    // knows the connection is gone (the flag depends on whether the request was written before that).
    assertThatThrownBy(() -> old.echo(new byte[] {2})).isInstanceOf(CommunicationException.class);

    ServiceHost back = ServiceHost.builder(new LimitsService()).endpoint(Limits.class, TCP, address).build().open();
    closeLater(back::abort);
    assertThat(back.listenAddresses()).containsExactly(address);
    LimitsClient fresh = channel(factory);
    assertThat(fresh.echo(new byte[] {3})).containsExactly(3);
    assertThat(back.sessionCount()).isEqualTo(1);
  }
}
