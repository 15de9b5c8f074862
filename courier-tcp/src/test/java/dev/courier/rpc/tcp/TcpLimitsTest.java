package dev.courier.rpc.tcp;

import static dev.courier.rpc.tcp.TcpTestSupport.LIMIT;
import static dev.courier.rpc.tcp.TcpTestSupport.PREAMBLE;
import static dev.courier.rpc.tcp.TcpTestSupport.action;
import static dev.courier.io.Eventually.failureOf;
import static dev.courier.rpc.tcp.TcpTestSupport.frame;
import static dev.courier.rpc.tcp.TcpTestSupport.newAddress;
import static dev.courier.rpc.tcp.TcpTestSupport.portOf;
import static dev.courier.rpc.tcp.TcpTestSupport.request;
import static dev.courier.io.Eventually.until;
import static dev.courier.rpc.tcp.TcpTestSupport.requestPayload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.io.CapturedLogs;
import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.CommunicationException;
import dev.courier.rpc.FaultException;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.tcp.TcpTestSupport.Frame;
import dev.courier.rpc.tcp.TcpTestSupport.Limits;
import dev.courier.rpc.tcp.TcpTestSupport.LimitsClient;
import dev.courier.rpc.tcp.TcpTestSupport.LimitsService;
import dev.courier.rpc.tcp.TcpTestSupport.RawPeer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The limits of the TCP binding over real sockets on 127.0.0.1: message size, handshake, malformed frames,
 * calls in flight, idle connections and slow readers. Malformed peers are raw {@link Socket}s.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpLimitsTest {
  private static final int SMALL_MAX = 64 * 1024;
  private static final TcpBinding SMALL = TcpBinding.builder().maxMessageSize(SMALL_MAX).build();
  private static final TcpBinding BIG = TcpBinding.builder().maxMessageSize(1 << 20).build();
  private static final TcpBinding DEFAULTS = TcpBinding.create();
  private static final TcpBinding QUICK_HANDSHAKE = TcpBinding.builder().handshakeTimeout(Duration.ofMillis(300)).build();
  private static final TcpBinding TWO_IN_FLIGHT = TcpBinding.builder().maxCallsInFlight(2).build();
  private static final Duration IDLE = Duration.ofMillis(200);
  private static final TcpBinding SHORT_IDLE = TcpBinding.builder().idleTimeout(IDLE).build();

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  @AfterEach
  void closeEverything() throws Exception {
    while (!resources.isEmpty()) {
      resources.pop().close();
    }
  }

  private <T extends AutoCloseable> T closeLater(T resource) {
    resources.push(resource);
    return resource;
  }

  private ServiceHost host(TcpBinding binding, LimitsService service) {
    ServiceHost host = ServiceHost.builder(service).endpoint(Limits.class, binding, newAddress("limits")).build().open();
    closeLater(host::abort);
    return host;
  }

  private static String addressOf(ServiceHost host) {
    return host.listenAddresses().get(0);
  }

  private LimitsClient channel(TcpBinding binding, ServiceHost host) {
    LimitsClient c = ChannelFactory.builder(LimitsClient.class).binding(binding).address(addressOf(host))
        .operationTimeout(Duration.ofSeconds(10)).build().createChannel();
    closeLater(((ClientChannel) c)::abort);
    return c;
  }

  private RawPeer raw(RawPeer peer) {
    return closeLater(peer);
  }

  /** This side logged one warning for each connection it closed, in order, each naming its reason. */
  private static void assertClosedConnectionsLogged(String... reasons) {
    List<LogRecord> records = CapturedLogs.take("closing connection ", reasons.length);
    assertThat(records).as("connections closed").hasSize(reasons.length);
    for (int i = 0; i < reasons.length; i++) {
      assertThat(records.get(i).getLevel()).isEqualTo(Level.WARNING);
      assertThat(records.get(i).getMessage()).contains(reasons[i]);
    }
  }

  /**
   * A new client on a new connection is served: the host survived whatever came before, and accepts
   * connections still (a binding of its own, so no pooled connection stands in for a new one).
   */
  private void assertServesANewClient(ServiceHost host) {
    TcpBinding own = closeLater(TcpBinding.builder().connectionPerChannel().build());
    LimitsClient fresh = channel(own, host);
    assertThat(fresh.echo(new byte[] {4, 2})).containsExactly(4, 2);
    assertThat(own.openConnections()).as("connections of the new client").isEqualTo(1);
    ((ClientChannel) fresh).abort();
  }

  // =============================================================================================
  // Message size
  // =============================================================================================

  @Test
  void aRequestAndAReplyJustUnderTheMaximumSizeGoThrough() {
    LimitsService service = new LimitsService();
    ServiceHost host = host(SMALL, service);
    LimitsClient client = channel(SMALL, host);
    byte[] data = new byte[SMALL_MAX - 100];
    Arrays.fill(data, (byte) 7);
    assertThat(client.echo(data)).isEqualTo(data);
    assertThat(client.blob(SMALL_MAX - 100)).hasSize(SMALL_MAX - 100);
  }

  @Test
  void aCallAboveTheMaximumSizeIsRefusedByTheSenderWhoseLimitItIsAndTheChannelGoesOn() {
    ServiceHost host = host(SMALL, new LimitsService());
    LimitsClient client = channel(SMALL, host);
    assertThatThrownBy(() -> client.echo(new byte[SMALL_MAX + 100])).isInstanceOf(FaultException.class)
        .satisfies(e -> assertThat(((FaultException) e).code()).isEqualTo("MessageTooLarge"))
        .hasMessageContaining("at most " + SMALL_MAX);
    assertThat(client.echo(new byte[] {1})).containsExactly(1);
  }

  @Test
  void aRequestAboveTheServersLimitFailsTheCallAndTheServerClosesOnlyThatConnection() {
    ServiceHost host = host(SMALL, new LimitsService());
    LimitsClient bystander = channel(SMALL, host);
    LimitsClient generous = channel(BIG, host);                   // its own limit lets the request out
    assertThat(generous.echo(new byte[] {1})).containsExactly(1);
    assertThatThrownBy(() -> generous.echo(new byte[SMALL_MAX + 100])).isInstanceOf(CommunicationException.class);
    assertThat(bystander.echo(new byte[] {2})).containsExactly(2);
    assertServesANewClient(host);
    assertClosedConnectionsLogged("(expected: at most " + SMALL_MAX);
  }

  @Test
  void aFrameHeaderAboveTheLimitIsAnsweredWithGoAwayMessageTooLarge() throws Exception {
    ServiceHost host = host(SMALL, new LimitsService());
    RawPeer peer = raw(RawPeer.withSession(portOf(addressOf(host))));
    ByteBuf header = Unpooled.buffer();
    header.writeInt(SMALL_MAX + 10).writeByte(Frames.REQUEST).writeInt(1).writeInt(1).writeZero(16);
    peer.send(ByteBufUtil.getBytes(header));                     // the header and a few bytes: enough to refuse
    Frame goAway = RawPeer.goAway(peer.framesUntilClosed(LIMIT));
    assertThat(goAway.goAwayCode()).isEqualTo(Frames.GO_AWAY_MESSAGE_TOO_LARGE);
    assertServesANewClient(host);
    assertClosedConnectionsLogged("frame length " + (SMALL_MAX + 10) + " (expected: at most " + SMALL_MAX);
  }

  /** The bytes of an echo argument whose REQUEST frame (no deadline, no headers) has this length field. */
  private static int echoSizeForLength(int length) {
    int guess = length - 100;
    int overhead = request(1, 1, "echo", (Object) new byte[guess]).length - 4 - guess;
    int size = length - overhead;
    assertThat(request(1, 1, "echo", (Object) new byte[size]).length - 4).as("length field of an echo of %d bytes", size)
        .isEqualTo(length);
    return size;
  }

  @Test
  void aRequestFrameWhoseLengthIsExactlyTheMaximumIsServed() throws Exception {
    ServiceHost host = host(SMALL, new LimitsService());
    RawPeer peer = raw(RawPeer.withSession(portOf(addressOf(host))));
    int size = echoSizeForLength(SMALL_MAX);

    peer.send(request(1, 1, "echo", (Object) new byte[size]));

    Frame reply = peer.read();
    assertThat(reply.type()).as("the answer to a frame of length %d: %s", SMALL_MAX, reply).isEqualTo(Frames.REPLY);
    byte[] echoed = (byte[]) WireCodec.read(Unpooled.wrappedBuffer(reply.payload()), byte[].class);
    assertThat(echoed).hasSize(size);
  }

  @Test
  void aFrameWhoseLengthIsOneByteAboveTheMaximumIsAnsweredWithGoAwayMessageTooLarge() throws Exception {
    ServiceHost host = host(SMALL, new LimitsService());
    RawPeer peer = raw(RawPeer.withSession(portOf(addressOf(host))));
    byte[] frame = request(1, 1, "echo", (Object) new byte[echoSizeForLength(SMALL_MAX) + 1]);
    assertThat(frame.length - 4).isEqualTo(SMALL_MAX + 1);

    peer.send(Arrays.copyOf(frame, 4 + 9 + 16));                  // refused on its length: the rest never matters

    Frame goAway = RawPeer.goAway(peer.framesUntilClosed(LIMIT));
    assertThat(goAway.goAwayCode()).isEqualTo(Frames.GO_AWAY_MESSAGE_TOO_LARGE);
    assertThat(goAway.goAwayMessage()).contains("frame length " + (SMALL_MAX + 1), "at most " + SMALL_MAX);
    assertServesANewClient(host);
    assertClosedConnectionsLogged("frame length " + (SMALL_MAX + 1));
  }

  @Test
  void aClientSendsACallOfExactlyTheMaximumSizeAndRefusesOneByteMoreSoBothEndsAgree() {
    ServiceHost host = host(SMALL, new LimitsService());
    LimitsClient client = ChannelFactory.builder(LimitsClient.class).binding(SMALL).address(addressOf(host))
        .operationTimeout(null).build().createChannel();          // no deadline: the frame is what request() builds
    closeLater(((ClientChannel) client)::abort);
    int size = echoSizeForLength(SMALL_MAX);

    assertThat(client.echo(new byte[size])).hasSize(size);
    assertThatThrownBy(() -> client.echo(new byte[size + 1])).isInstanceOf(FaultException.class)
        .satisfies(e -> assertThat(((FaultException) e).code()).isEqualTo("MessageTooLarge"))
        .hasMessageContaining("is " + (SMALL_MAX + 1) + " bytes (expected: at most " + SMALL_MAX + ")");
    assertThat(client.echo(new byte[] {1})).containsExactly(1);
  }

  @Test
  void aReplyAboveTheServersOwnLimitIsAFaultAndTheSharedConnectionGoesOn() {
    LimitsService service = new LimitsService();
    ServiceHost host = host(SMALL, service);
    LimitsClient client = channel(SMALL, host);
    LimitsClient neighbour = channel(SMALL, host);                // the same connection, another session

    assertThatThrownBy(() -> client.blob(SMALL_MAX)).isInstanceOf(FaultException.class)
        .satisfies(e -> assertThat(((FaultException) e).code()).isEqualTo("MessageTooLarge"))
        .hasMessageContaining("at most " + SMALL_MAX);
    assertThat(service.calls).as("the service ran the call").hasValue(1);
    assertThat(client.echo(new byte[] {1})).containsExactly(1);
    assertThat(neighbour.echo(new byte[] {2})).containsExactly(2);
  }

  @Test
  void aReplyAboveTheClientsLimitFailsTheCallWithACommunicationException() {
    ServiceHost host = host(BIG, new LimitsService());
    TcpBinding small = TcpBinding.builder().maxMessageSize(SMALL_MAX).build();   // its own pool: no connection of another test
    closeLater(small::close);
    LimitsClient client = channel(small, host);
    assertThatThrownBy(() -> client.blob(SMALL_MAX + 100)).isInstanceOf(CommunicationException.class)
        .satisfies(e -> assertThat(((CommunicationException) e).mayHaveReachedService()).as(e.getMessage()).isTrue());
    assertServesANewClient(host);
    assertClosedConnectionsLogged();                  // the oversized reply failed its call, not the connection
  }

  @Test
  void aFrameHeaderClaiming2GiBClosesThatConnectionAtOnceWithoutWaitingForTheBody() throws Exception {
    ServiceHost host = host(DEFAULTS, new LimitsService());
    LimitsClient bystander = channel(DEFAULTS, host);
    for (long length : new long[] {0x7FFF_FFFFL, 0xFFFF_FFFFL}) {
      RawPeer peer = raw(RawPeer.withSession(portOf(addressOf(host))));
      ByteBuf header = Unpooled.buffer().writeInt((int) length).writeByte(Frames.REQUEST);
      peer.send(ByteBufUtil.getBytes(header));                   // no body follows, ever: the GO_AWAY cannot wait for it
      Frame goAway = RawPeer.goAway(peer.framesUntilClosed(LIMIT));
      assertThat(goAway.goAwayCode()).as("GO_AWAY code for length %d", length).isEqualTo(Frames.GO_AWAY_MESSAGE_TOO_LARGE);
      assertThat(bystander.echo(new byte[] {3})).containsExactly(3);
    }
    assertServesANewClient(host);
    assertClosedConnectionsLogged("frame length 2147483647 (expected: at most 4194304",
        "frame length 4294967295 (expected: at most 4194304");
  }

  // =============================================================================================
  // Handshake
  // =============================================================================================

  @Test
  void aConnectionThatSendsNothingIsClosedWithinTheHandshakeTimeout() throws Exception {
    ServiceHost host = host(QUICK_HANDSHAKE, new LimitsService());
    long start = System.nanoTime();                               // before the server's timer can start
    RawPeer silent = raw(RawPeer.connect(portOf(addressOf(host))));
    List<Frame> frames = silent.framesUntilClosed(LIMIT);        // closed within the bounded wait
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(frames).as("the server sends nothing before the client's preamble").isEmpty();
    assertThat(millis).as("ms until the silent connection was closed (handshake timeout 300 ms)").isGreaterThanOrEqualTo(200L);
    assertServesANewClient(host);
  }

  @Test
  void nothingIsSentBeforeThePeersPreambleEvenWhenTheIdleTimeoutIsShorterThanTheHandshakeTimeout() throws Exception {
    TcpBinding idleBeforeHandshake = TcpBinding.builder().idleTimeout(Duration.ofMillis(100))
        .handshakeTimeout(Duration.ofMillis(800)).build();
    ServiceHost host = host(idleBeforeHandshake, new LimitsService());
    long start = System.nanoTime();                               // before the server's timers can start
    RawPeer silent = raw(RawPeer.connect(portOf(addressOf(host))));
    List<Frame> frames = silent.framesUntilClosed(LIMIT);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(frames).as("frames sent before the client's preamble (no PING, no GO_AWAY IDLE)").isEmpty();
    assertThat(millis).as("ms until closed by the 800 ms handshake timeout, not the 100 ms idle timeout")
        .isGreaterThanOrEqualTo(600L);
    assertServesANewClient(host);
  }

  @Test
  void aConnectionWhosePreambleIsNotCourierIsClosedAtOnce() throws Exception {
    TcpBinding patient = TcpBinding.builder().handshakeTimeout(Duration.ofMinutes(5)).build();
    closeLater(patient::close);
    ServiceHost host = host(patient, new LimitsService());   // closed within LIMIT: not by the handshake timeout
    for (String hello : List.of("GET / HTTP/1.1\r\nHost: x\r\n\r\n", "SSH-2.0-", "GET ")) {
      RawPeer peer = raw(RawPeer.connect(portOf(addressOf(host))));
      peer.send(hello.getBytes(StandardCharsets.US_ASCII));
      peer.framesUntilClosed(LIMIT);
    }
    assertServesANewClient(host);
  }

  @Test
  void aPreambleOfAnotherVersionIsAnsweredWithThePreambleAndGoAwayUnsupportedVersion() throws Exception {
    ServiceHost host = host(DEFAULTS, new LimitsService());
    RawPeer peer = raw(RawPeer.connect(portOf(addressOf(host))));
    peer.send(new byte[] {'C', 'R', 'T', 'P', 2, 0, 0, 0});      // the version before this one
    byte[] theirs = new byte[8];
    new DataInputStream(peer.socket.getInputStream()).readFully(theirs);
    assertThat(theirs).containsExactly(PREAMBLE);
    Frame goAway = RawPeer.goAway(peer.framesUntilClosed(LIMIT));
    assertThat(goAway.goAwayCode()).isEqualTo(2);
    assertThat(goAway.goAwayMessage()).contains("version 2 (expected: 3)");
    assertServesANewClient(host);
  }

  @Test
  void aClientGivesUpOnAServerThatNeverSendsItsPreamble() throws Exception {
    try (ServerSocket mute = new ServerSocket()) {
      mute.bind(new InetSocketAddress("127.0.0.1", 0));          // the kernel accepts; nobody ever answers
      var factory = ChannelFactory.builder(LimitsClient.class).binding(QUICK_HANDSHAKE)
          .address("courier.tcp://127.0.0.1:" + mute.getLocalPort() + "/mute").build();
      long start = System.nanoTime();
      assertThatThrownBy(factory::createChannel).isInstanceOf(CommunicationException.class)
          .hasMessageContaining("preamble")
          .satisfies(e -> assertThat(((CommunicationException) e).mayHaveReachedService()).isFalse());
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(200L);
    }
  }

  // =============================================================================================
  // Malformed frames
  // =============================================================================================

  @Test
  void garbageFramesAfterAValidPreambleCloseThatConnectionWithAProtocolErrorAndOthersGoOn() throws Exception {
    ServiceHost host = host(DEFAULTS, new LimitsService());
    LimitsClient bystander = channel(DEFAULTS, host);
    int port = portOf(addressOf(host));
    byte[] echoArguments = TcpTestSupport.arguments(TcpTestSupport.LIMITS.operation("echo").parameterTypes(),
        (Object) new byte[] {1, 2});
    Map<String, byte[]> garbage = new LinkedHashMap<>();
    garbage.put("an unknown frame type", frame(0x7F, 0, 0, new byte[0]));
    garbage.put("a frame shorter than its header", new byte[] {0, 0, 0, 5, 1, 0, 0, 0, 0});
    garbage.put("a REQUEST cut after its deadline", frame(Frames.REQUEST, 1, 1, new byte[] {0}));
    garbage.put("a REQUEST whose action's length overruns the frame", frame(Frames.REQUEST, 1, 1, new byte[] {0, 0x7F, 'x'}));
    garbage.put("a REQUEST with a call id of the server's parity", frame(Frames.REQUEST, 1, 2,
        requestPayload(action("echo"), echoArguments)));
    garbage.put("a session opened twice", frame(Frames.SESSION_OPEN, 1, 0, new byte[0]));
    garbage.put("a STATUS without its status", frame(Frames.STATUS, 1, 0, new byte[0]));
    for (Map.Entry<String, byte[]> g : garbage.entrySet()) {
      RawPeer peer = raw(RawPeer.withSession(port));
      peer.send(g.getValue());
      List<Frame> frames = peer.framesUntilClosed(LIMIT);
      assertThat(frames).as("frames answering %s", g.getKey()).anySatisfy(f -> {
        assertThat(f.type()).isEqualTo(Frames.GO_AWAY);
        assertThat(f.goAwayCode()).isEqualTo(Frames.GO_AWAY_PROTOCOL_ERROR);
      });
      assertThat(bystander.echo(new byte[] {5})).as("the other connection after %s", g.getKey()).containsExactly(5);
    }
    RawPeer good = raw(RawPeer.withSession(port));                // the raw framing itself is right
    good.send(request(1, 1, "echo", (Object) new byte[] {6, 6}));
    Frame reply = good.read();
    assertThat(reply.type()).isEqualTo(Frames.REPLY);
    assertThat(reply.callId()).isEqualTo(1);
    assertThat((byte[]) WireCodec.read(Unpooled.wrappedBuffer(reply.payload()), byte[].class)).containsExactly(6, 6);
    assertServesANewClient(host);
    assertClosedConnectionsLogged("unknown frame type 127", "frame of 5 bytes (expected: at least 9)", "truncated varint", "count 127 exceeds the 1 bytes left", "call id 2 has the parity of this side's own calls", "session 1 is open already", "");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void aReplyThatDoesNotDecodeFailsTheCallWithACommunicationExceptionNotAsCancelled() throws Exception {
    Throwable failure = firstCallToAFakeServerAnswering((session, callId) ->
        frame(Frames.REPLY, session, callId, new byte[] {7, 7, 7}));

    assertThat(failure).isInstanceOf(CommunicationException.class)
        .hasMessageContaining("its reply could not be read (presence byte 7 (expected: 0 or 1))")
        .satisfies(e -> assertThat(((CommunicationException) e).mayHaveReachedService()).isTrue());
    assertClosedConnectionsLogged();                  // the unreadable reply failed its call, not the connection
  }

  @Test
  void aFaultWhoseExceptionDetailDoesNotDecodeStillReachesTheCallerWithItsCodeAndReason() throws Exception {
    Throwable failure = firstCallToAFakeServerAnswering((session, callId) -> {
      ByteBuf fault = Unpooled.buffer();
      WireCodec.writeString(fault, "Boom");
      WireCodec.writeString(fault, "it broke");
      WireCodec.writeVarint(fault, 4294967295L);     // an exception detail follows ...
      fault.writeByte(7);                               // ... that does not decode
      return frame(Frames.FAULT, session, callId, ByteBufUtil.getBytes(fault));
    });

    assertThat(failure).isInstanceOfSatisfying(FaultException.class, f -> {
      assertThat(f.code()).isEqualTo("Boom");
      assertThat(f.reason()).isEqualTo("it broke");
      assertThat(f.detail()).isNull();
    });
    assertClosedConnectionsLogged();                  // the unreadable detail failed nothing but its call
  }

  /**
   * Calls {@code echo} through a fake server that answers the first call with {@code firstAnswer(session,
   * callId)} and the next with the bytes {8}, and returns what the first call threw, once the second call on
   * the same connection has been seen to succeed.
   */
  private Throwable firstCallToAFakeServerAnswering(java.util.function.BiFunction<Integer, Integer, byte[]> firstAnswer)
      throws Exception {
    try (ServerSocket fake = new ServerSocket()) {
      fake.bind(new InetSocketAddress("127.0.0.1", 0));
      // Own threads: the common pool may have a single worker on a 2-core machine.
      ExecutorService threads = closeLater(Executors.newVirtualThreadPerTaskExecutor());
      CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
        try (Socket s = fake.accept()) {
          s.setSoTimeout((int) LIMIT.toMillis());
          DataInputStream in = new DataInputStream(s.getInputStream());
          in.readFully(new byte[8]);
          s.getOutputStream().write(PREAMBLE);
          int[] header = readHeader(in);                                      // SESSION_OPEN
          ByteBuf ok = Unpooled.buffer().writeInt(0);
          WireCodec.writeString(ok, "");
          s.getOutputStream().write(frame(Frames.STATUS, header[1], 0, ByteBufUtil.getBytes(ok)));
          int[] call = readHeader(in);                                        // the REQUEST
          s.getOutputStream().write(firstAnswer.apply(call[1], call[2]));
          int[] next = readHeader(in);                                        // the connection goes on
          s.getOutputStream().write(frame(Frames.REPLY, next[1], next[2], new byte[] {1, 1, 8}));
          in.read();                                                          // until the client closes
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      }, threads);
      LimitsClient client = ChannelFactory.builder(LimitsClient.class).binding(DEFAULTS)
          .address("courier.tcp://127.0.0.1:" + fake.getLocalPort() + "/fake").operationTimeout(null)
          .build().createChannel();
      closeLater(((ClientChannel) client)::abort);
      CompletableFuture<byte[]> call = CompletableFuture.supplyAsync(() -> client.echo(new byte[] {1}), threads);
      Throwable failure = failureOf(call);
      assertThat(client.echo(new byte[] {2})).as("the next call on the connection").containsExactly(8);
      ((ClientChannel) client).abort();
      served.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      return failure;
    }
  }

  /** Reads one frame; returns {type, session, call id}. */
  private static int[] readHeader(DataInputStream in) throws IOException {
    int length = in.readInt();
    int[] h = {in.readUnsignedByte(), in.readInt(), in.readInt()};
    in.readFully(new byte[length - 9]);
    return h;
  }

  // =============================================================================================
  // Calls in flight
  // =============================================================================================

  @Test
  void aThirdCallBeyondTwoInFlightIsRefusedAsTooBusyAndCallsGoThroughOnceTheHeldOnesFinish() throws Exception {
    LimitsService service = new LimitsService();
    ServiceHost host = host(TWO_IN_FLIGHT, service);
    LimitsClient client = channel(DEFAULTS, host);
    CompletableFuture<String> first = client.holdAsync("first");
    CompletableFuture<String> second = client.holdAsync("second");
    service.awaitEntered(2);
    assertThat(failureOf(client.holdAsync("third"))).isInstanceOf(CommunicationException.class)
        .hasMessageContaining("too busy")
        .satisfies(e -> assertThat(((CommunicationException) e).mayHaveReachedService()).isFalse());
    assertThatThrownBy(() -> client.echo(new byte[] {1})).isInstanceOf(CommunicationException.class)
        .hasMessageContaining("too busy");
    assertThat(service.calls).as("calls the service ran").hasValue(2);
    service.releaseAll();
    assertThat(first.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("first");
    assertThat(second.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("second");
    CompletableFuture<String> again = client.holdAsync("again");
    CompletableFuture<String> andAgain = client.holdAsync("and again");
    service.awaitEntered(2);
    service.releaseAll();
    assertThat(again.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("again");
    assertThat(andAgain.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("and again");
    assertThat(client.echo(new byte[] {9})).containsExactly(9);
  }

  @Test
  void oneWayMessagesBeyondTheCapWaitInTheConnectionUntilTheServiceCatchesUpAndNoneIsLost() throws Exception {
    LimitsService service = new LimitsService();
    ServiceHost host = host(TWO_IN_FLIGHT, service);
    LimitsClient client = channel(DEFAULTS, host);
    int messages = 64;
    byte[] megabyte = new byte[1 << 20];
    AtomicInteger sent = new AtomicInteger();
    Thread sender = Thread.ofPlatform().name("one-way sender").daemon().start(() -> {
      for (int i = 0; i < messages; i++) {
        megabyte[0] = (byte) i;                     // its number: encoded before post returns, so the array is reused
        megabyte[1] = (byte) (i >> 8);
        client.post(megabyte);
        sent.incrementAndGet();
      }
    });
    // The host runs two, stops reading, the sockets fill, and the sender waits for room.
    try {
      until(() -> sender.getState() == Thread.State.WAITING && service.postsRunning.get() == 2,
          "the sender blocked while the service runs two one-way messages");
      assertThat(sent).as("messages the sender got rid of").hasValueLessThan(messages);
      assertThat(service.mostPostsRunning).as("one-way messages running at once").hasValue(2);
      assertServesANewClient(host);     // another connection (another client binding) is served meanwhile
    } finally {
      service.openPosts();              // also when an assertion failed: the host catches up, the channels close
    }
    sender.join(LIMIT.toMillis());
    assertThat(sender.isAlive()).as("sender still blocked").isFalse();
    until(() -> service.postsDone.get() == messages, "every one-way message delivered");
    assertThat(service.postsSeen()).as("the messages the service ran")
        .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, messages).boxed().toList());
    assertThat(service.mostPostsRunning).hasValue(2);
    assertThat(client.echo(new byte[] {7})).containsExactly(7);
  }

  @Test
  void aOneWayCallWaitingForRoomIsCancelledWhenItsChannelAbortsAndTheAbortReturnsAtOnce() throws Exception {
    LimitsService service = new LimitsService();
    ServiceHost host = host(TWO_IN_FLIGHT, service);
    LimitsClient client = channel(DEFAULTS, host);
    byte[] megabyte = new byte[1 << 20];
    AtomicReference<Throwable> failure = new AtomicReference<>();
    java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
    Thread sender = Thread.ofPlatform().name("one-way sender").daemon().start(() -> {
      try {
        for (int i = 0; i < 64; i++) {
          client.post(megabyte);
          sent.incrementAndGet();
        }
      } catch (RuntimeException e) {
        failure.set(e);
      }
    });
    // Blocked for good, not waiting a moment for a write the socket's buffers still take: no post completes over
    // many polls while it waits.
    int[] last = {-1};
    int[] still = {0};
    until(() -> {
      int now = sent.get();
      boolean waiting = sender.getState() == Thread.State.WAITING && service.postsRunning.get() == 2;
      still[0] = waiting && now == last[0] ? still[0] + 1 : 0;
      last[0] = now;
      return still[0] >= 250;          // about 50 ms of polls
    }, "the sender blocked while the service runs two one-way messages");
    // The host reads nothing more until its service catches up; the channel is aborted meanwhile.
    Thread aborter = Thread.ofPlatform().name("aborter").daemon().start(((ClientChannel) client)::abort);
    try {
      aborter.join(LIMIT.toMillis());
      assertThat(aborter.isAlive()).as("abort() still waiting for the one-way call").isFalse();
      sender.join(LIMIT.toMillis());
      assertThat(sender.isAlive()).as("sender still blocked").isFalse();
      // The waiting call is cancelled; should the abort still have met the sender between two posts, the next one
      // is refused as not sent. Either way the sender learns it at once, which is what the abort promises.
      Throwable told = failure.get();
      if (told instanceof CancellationException) {
        assertThat(told).as("what the waiting call was told").hasMessage("call to post was cancelled");
      } else {
        assertThat(told).as("what the next call was told").isInstanceOf(CommunicationException.class)
            .hasMessageEndingWith("call to post was not sent");
      }
    } finally {
      service.openPosts();            // whatever happened, the host catches up and the test's channels close
    }
    assertServesANewClient(host);
  }

  @Test
  void aOneWayMessageSentJustBeforeItsChannelClosesIsStillDelivered() {
    LimitsService service = new LimitsService();
    service.openPosts();
    ServiceHost host = host(DEFAULTS, service);
    int channels = 50;
    for (int i = 0; i < channels; i++) {
      LimitsClient client = channel(DEFAULTS, host);
      client.post(new byte[] {(byte) i});
      ((ClientChannel) client).close();
    }
    until(() -> service.postsDone.get() == channels, "every message posted just before a close delivered");
    assertThat(service.postsSeen()).containsExactlyInAnyOrderElementsOf(
        java.util.stream.IntStream.range(0, channels).boxed().toList());
  }

  @Test
  void oneWayMessagesHeldBackWhenTheirChannelClosesAreAllDeliveredOnceTheServiceCatchesUp() {
    LimitsService service = new LimitsService();
    ServiceHost host = host(TWO_IN_FLIGHT, service);
    LimitsClient client = channel(DEFAULTS, host);
    int messages = 200;
    for (int i = 0; i < messages; i++) {
      client.post(new byte[] {(byte) i, (byte) (i >> 8), 0, 0});
    }
    ((ClientChannel) client).close();               // the last channel: its connection closes too
    until(() -> service.postsRunning.get() >= 2, "one-way messages running, the rest held back");
    service.openPosts();
    until(() -> service.postsDone.get() == messages, "every message sent before the close delivered");
    assertThat(service.postsSeen()).hasSize(messages)
        .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, messages).boxed().toList());
  }

  @Test
  void manySmallOneWayMessagesInOneReadStillRunAtMostTheCapAtOnceAndEachRunsOnce() throws Exception {
    LimitsService service = new LimitsService();
    ServiceHost host = host(TWO_IN_FLIGHT, service);
    RawPeer peer = raw(RawPeer.withSession(portOf(addressOf(host))));
    int messages = 50;
    java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < messages; i++) {
      burst.write(TcpTestSupport.oneWay(1, 1 + 2 * i, "post", (Object) new byte[] {(byte) i}));
    }
    peer.send(burst.toByteArray());                 // one write: the host reads them in one go
    until(() -> service.postsRunning.get() == 2, "two one-way messages running");
    for (int i = 0; i < 5; i++) {                   // time for any wrongly dispatched message to start
      assertServesANewClient(host);
    }
    assertThat(service.postsRunning).as("one-way messages running while the rest wait").hasValue(2);
    service.openPosts();
    until(() -> service.postsDone.get() == messages, "every one-way message delivered");
    assertThat(service.mostPostsRunning).as("one-way messages running at once").hasValue(2);
    assertThat(service.postsSeen()).as("the messages the service ran")
        .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, messages).boxed().toList());
  }

  @Test
  void aConnectionHeldBackAtTheCapIsNotClosedAsIdleAndThePeerHearsPingsMeanwhile() throws Exception {
    LimitsService service = new LimitsService();
    TcpBinding oneAtATime = closeLater(TcpBinding.builder().idleTimeout(IDLE).maxCallsInFlight(1).build());
    ServiceHost host = host(oneAtATime, service);
    RawPeer peer = raw(RawPeer.withSession(portOf(addressOf(host))));
    peer.send(TcpTestSupport.oneWay(1, 1, "post", (Object) new byte[] {1}));
    until(() -> service.postsRunning.get() == 1, "the one-way message running; the connection held back");
    for (int pings = 0; pings < 4; pings++) {       // four idle timeouts: twice the keep-alive limit
      Frame f = peer.read();
      assertThat(f.type()).as("frame %d on a held-back connection", pings).isEqualTo(Frames.PING);
      peer.send(frame(Frames.PONG, 0, 0, f.payload()));
    }
    service.openPosts();
    peer.send(request(1, 3, "echo", (Object) new byte[] {8}));   // still open, and serving once caught up
    Frame reply = peer.read();
    while (reply.type() == Frames.PING || reply.type() == Frames.PONG) {
      reply = peer.read();
    }
    assertThat(reply.type()).isEqualTo(Frames.REPLY);
    assertThat(reply.callId()).isEqualTo(3);
  }

  // =============================================================================================
  // Idle connections
  // =============================================================================================

  @Test
  void aCallLongerThanTwiceTheIdleTimeoutSucceedsBecauseBothEndsAnswerPings() {
    ServiceHost host = host(SHORT_IDLE, new LimitsService());
    LimitsClient client = channel(SHORT_IDLE, host);
    long millis = IDLE.toMillis() * 5;
    assertThat(client.pause(millis)).isEqualTo("paused " + millis);
    assertThat(client.echo(new byte[] {1})).containsExactly(1);
  }

  @Test
  void anIdleConnectionGetsPingsAndStaysOpenWhileThePeerAnswersThem() throws Exception {
    ServiceHost host = host(SHORT_IDLE, new LimitsService());
    RawPeer peer = raw(RawPeer.withSession(portOf(addressOf(host))));
    long start = System.nanoTime();
    int pings = 0;
    while (pings < 4) {                                           // about 4 idle timeouts: twice the keep-alive limit
      Frame f = peer.read();
      assertThat(f.type()).as("frame on an idle connection").isEqualTo(Frames.PING);
      assertThat(f.payload()).hasSize(8);
      pings++;
      peer.send(frame(Frames.PONG, 0, 0, f.payload()));
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(millis).as("ms for 4 pings at an idle timeout of %s", IDLE).isGreaterThanOrEqualTo(3 * IDLE.toMillis());
    peer.send(request(1, 1, "echo", (Object) new byte[] {8}));   // still open and serving
    Frame reply = peer.read();
    while (reply.type() == Frames.PING) {
      peer.send(frame(Frames.PONG, 0, 0, reply.payload()));
      reply = peer.read();
    }
    assertThat(reply.type()).isEqualTo(Frames.REPLY);
  }

  @Test
  void aPeerThatNeverAnswersIsClosedAfterAboutTwiceTheIdleTimeout() throws Exception {
    ServiceHost host = host(SHORT_IDLE, new LimitsService());
    long start = System.nanoTime();                               // before the server's last read
    RawPeer peer = raw(RawPeer.handshake(portOf(addressOf(host))));
    List<Frame> frames = peer.framesUntilClosed(LIMIT);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(frames).extracting(Frame::type).containsExactly(Frames.PING, Frames.GO_AWAY);
    assertThat(frames.get(1).goAwayCode()).isEqualTo(Frames.GO_AWAY_IDLE);
    assertThat(millis).as("ms until a silent peer was closed (idle timeout %s)", IDLE)
        .isGreaterThanOrEqualTo(IDLE.toMillis() * 3 / 2);       // no upper bound: a loaded machine is slower
    assertServesANewClient(host);
    assertClosedConnectionsLogged("no frame within the keep-alive timeout");
  }

  // =============================================================================================
  // Slow readers
  // =============================================================================================

  @Test
  void aClientThatNeverReadsCannotMakeTheServerBufferWithoutBoundAndOthersAreServed() throws Exception {
    LimitsService service = new LimitsService();
    ServiceHost host = host(DEFAULTS, service);
    LimitsClient bystander = channel(DEFAULTS, host);
    int port = portOf(addressOf(host));
    int replySize = 4 * 1024;

    SocketChannel flood = SocketChannel.open();
    closeLater(flood);
    flood.socket().setReceiveBufferSize(16 * 1024);
    flood.connect(new InetSocketAddress("127.0.0.1", port));
    writeFully(flood, PREAMBLE);
    writeFully(flood, frame(Frames.SESSION_OPEN, 1, 0, new byte[0]));
    readAtLeast(flood, 8 + 4 + 9 + 4 + 1);                        // the preamble, then STATUS 0 with an empty message
    flood.configureBlocking(false);

    long memoryBefore = allocatorMemory();
    int batch = 256;
    long written = 0;
    int nextCallId = 1;
    ByteBuffer pending = ByteBuffer.allocate(0);
    long start = System.nanoTime();
    long lastProgress = start;
    // Write requests as fast as the server takes them, until it has taken nothing for 1 s; at most 500,000
    // requests (far more than the kernel's socket buffers on both sides hold once the server stops reading).
    // No time cap: a loaded machine takes longer to fill the buffers, but it fills them all the same.
    long requestSize = request(1, 1, "blob", replySize).length;
    long cap = 500_000 * requestSize;
    while (System.nanoTime() - lastProgress < TimeUnit.SECONDS.toNanos(1) && written < cap) {
      if (!pending.hasRemaining()) {
        ByteBuf b = Unpooled.buffer();
        for (int i = 0; i < batch; i++) {
          b.writeBytes(request(1, nextCallId, "blob", replySize));
          nextCallId += 2;
        }
        pending = ByteBuffer.wrap(ByteBufUtil.getBytes(b));
      }
      int n = flood.write(pending);
      if (n > 0) {
        written += n;
        lastProgress = System.nanoTime();
      } else {
        LockSupport.parkNanos(1_000_000);
      }
    }
    long floodMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(written).as("bytes written before the server stopped taking requests (in %d ms)", floodMillis)
        .isLessThan(cap);

    int ranAtStall = service.calls.get();
    assertThat(bystander.echo(new byte[] {1})).as("another client while the flood is stuck").containsExactly(1);
    assertServesANewClient(host);
    // 300 ms more of trying to write: nothing more goes in, nothing more runs.
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
    long extra = 0;
    while (System.nanoTime() < until) {
      extra += flood.write(pending.hasRemaining() ? pending : ByteBuffer.wrap(request(1, 1, "blob", replySize)));
      LockSupport.parkNanos(5_000_000);
    }
    int ranAfter = service.calls.get();
    long memoryGrowth = allocatorMemory() - memoryBefore;
    assertThat(extra).as("bytes the stalled server accepted later").isLessThan(64 * 1024);
    assertThat(ranAfter - ranAtStall).as("calls run after the stall").isLessThanOrEqualTo(batch);
    // The bound is what the server read before its outbound buffer went over the high-water mark and it
    // stopped reading; a server that kept reading would run every request the client can write.
    assertThat(ranAfter).as("calls the server ran for a client that never reads").isLessThan(20_000);
    assertThat(memoryGrowth).as("growth of the buffer memory of the binding's allocator").isLessThan(128L << 20);
  }

  private static long allocatorMemory() {
    return ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p
        ? p.metric().usedDirectMemory() + p.metric().usedHeapMemory() : 0;
  }

  private static void writeFully(SocketChannel ch, byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  private static void readAtLeast(SocketChannel ch, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    while (b.hasRemaining()) {
      if (ch.read(b) < 0) {
        throw new IOException("closed after " + b.position() + " bytes");
      }
    }
  }

  // =============================================================================================
  // Sessions on a shared connection
  // =============================================================================================

  @Test
  void closingOneOfTwoChannelsOnASharedConnectionEndsItsSessionOnTheHost() {
    LimitsService service = new LimitsService();
    ServiceHost host = ServiceHost.builder(service).endpoint(Limits.class, DEFAULTS, newAddress("sessions"))
        .maxConcurrentSessions(4).build().open();                    // a connection may hold 2 of them
    closeLater(host::abort);
    LimitsClient first = channel(DEFAULTS, host);
    LimitsClient second = channel(DEFAULTS, host);                 // the same connection as the first
    channel(DEFAULTS, host);
    channel(DEFAULTS, host);                                       // these two on another: the host is full
    assertThat(host.sessionCount()).isEqualTo(4);
    ((ClientChannel) second).close();
    dev.courier.io.Eventually.until(() -> host.sessionCount() == 3, "the closed channel's session ended on the host");
    LimitsClient third = channel(DEFAULTS, host);                  // within maxConcurrentSessions again
    assertThat(third.echo(new byte[] {3})).containsExactly(3);
    assertThat(first.echo(new byte[] {1})).containsExactly(1);
  }
}
