package dev.courier.rpc.tcp;

import static dev.courier.io.Eventually.until;
import static dev.courier.rpc.tcp.TcpTestSupport.LIMIT;
import static dev.courier.rpc.tcp.TcpTestSupport.frame;
import static dev.courier.rpc.tcp.TcpTestSupport.newAddress;
import static dev.courier.rpc.tcp.TcpTestSupport.portOf;
import static dev.courier.rpc.tcp.TcpTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.courier.io.IoTarget;
import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.CommunicationException;
import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.EndpointAddress;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.spi.Endpoint;
import dev.courier.rpc.spi.Session;
import dev.courier.rpc.tcp.TcpTestSupport.Limits;
import dev.courier.rpc.tcp.TcpTestSupport.LimitsClient;
import dev.courier.rpc.tcp.TcpTestSupport.LimitsService;
import dev.courier.rpc.tcp.TcpTestSupport.Frame;
import dev.courier.rpc.tcp.TcpTestSupport.RawPeer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What one connection may hold of a server's memory and time, and what closing a binding keeps: answers a
 * client does not read, sessions, frames that never complete, decoded frames, and one-way calls accepted
 * before the close.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpBoundsTest {
  private static final TcpBinding DEFAULTS = TcpBinding.create();

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
    ServiceHost host = ServiceHost.builder(service).endpoint(Limits.class, binding, newAddress("bounds")).build().open();
    closeLater(host::abort);
    return host;
  }

  private static String addressOf(ServiceHost host) {
    return host.listenAddresses().get(0);
  }

  private static LimitsClient channel(TcpBinding binding, ServiceHost host) {
    return ChannelFactory.builder(LimitsClient.class).binding(binding).address(addressOf(host))
        .operationTimeout(Duration.ofSeconds(10)).build().createChannel();
  }

  // =============================================================================================
  // Sessions
  // =============================================================================================

  /** Opens sessions {@code first} to {@code last} on {@code peer}; returns the status answering each. */
  private static List<Integer> openSessions(RawPeer peer, int first, int last) throws IOException {
    List<Integer> statuses = new java.util.ArrayList<>();
    for (int id = first; id <= last; id++) {
      peer.send(frame(Frames.SESSION_OPEN, id, 0, new byte[0]));
      Frame answer = peer.read();
      assertThat(answer.session()).as("the session answered").isEqualTo(id);
      statuses.add(answer.status());
    }
    return statuses;
  }

  @Test
  void aConnectionOpeningMoreSessionsThanItsLimitIsRefusedAsFullAndItsOpenSessionsGoOn() throws Exception {
    TcpBinding fourSessions = closeLater(TcpBinding.builder().maxSessionsPerConnection(4).build());
    ServiceHost host = host(fourSessions, new LimitsService());
    RawPeer peer = closeLater(RawPeer.handshake(portOf(addressOf(host))));
    int full = Frames.CONNECTION_FULL.value();

    assertThat(openSessions(peer, 1, 6)).containsExactly(0, 0, 0, 0, full, full);
    peer.send(frame(Frames.SESSION_OPEN, 7, 0, new byte[0]));
    Frame refused = peer.read();
    assertThat(new String(refused.payload(), StandardCharsets.UTF_8))
        .contains("at most 4", "maxSessionsPerConnection");
    assertThat(host.sessionCount()).as("sessions the host counts").isEqualTo(4);

    peer.send(request(4, 1, "echo", (Object) new byte[] {4}));       // the open sessions are served still
    Frame reply = peer.read();
    assertThat(reply.type()).isEqualTo(Frames.REPLY);
    assertThat(reply.session()).isEqualTo(4);
    peer.send(frame(Frames.SESSION_CLOSE, 1, 0, new byte[0]));       // room again for one
    until(() -> host.sessionCount() == 3, "the closed session ended on the host");
    assertThat(openSessions(peer, 8, 9)).containsExactly(0, full);
  }

  @Test
  void oneConnectionCannotTakeEveryOneOfTheHostsSessionsAndAnotherClientStillGetsOne() throws Exception {
    TcpBinding fourSessions = closeLater(TcpBinding.builder().maxSessionsPerConnection(4).build());
    ServiceHost host = ServiceHost.builder(new LimitsService())
        .endpoint(Limits.class, fourSessions, newAddress("bounds")).maxConcurrentSessions(6).build().open();
    closeLater(host::abort);
    RawPeer greedy = closeLater(RawPeer.handshake(portOf(addressOf(host))));
    assertThat(openSessions(greedy, 1, 6)).filteredOn(status -> status == 0)
        .as("sessions one connection got: at most 4 by its binding, 3 by half the host's 6").hasSize(3);

    TcpBinding other = closeLater(TcpBinding.create());
    LimitsClient client = channel(other, host);
    assertThat(client.echo(new byte[] {5})).containsExactly(5);
    ((ClientChannel) client).close();
  }

  @Test
  void oneConnectionGetsAtMostHalfOfTheHostsSessionLimitAndAnotherClientThenStillOpensASession() throws Exception {
    ServiceHost host = ServiceHost.builder(new LimitsService())
        .endpoint(Limits.class, DEFAULTS, newAddress("bounds")).maxConcurrentSessions(10).build().open();
    closeLater(host::abort);
    RawPeer greedy = closeLater(RawPeer.handshake(portOf(addressOf(host))));
    int full = Frames.CONNECTION_FULL.value();

    assertThat(openSessions(greedy, 1, 10)).containsExactly(0, 0, 0, 0, 0, full, full, full, full, full);
    greedy.send(frame(Frames.SESSION_OPEN, 11, 0, new byte[0]));
    Frame refused = greedy.read();
    assertThat(new String(refused.payload(), StandardCharsets.UTF_8))
        .contains("at most 5", "maxConcurrentSessions 10");
    assertThat(host.sessionCount()).as("sessions the host counts").isEqualTo(5);

    TcpBinding other = closeLater(TcpBinding.create());
    LimitsClient client = channel(other, host);
    assertThat(client.echo(new byte[] {6})).containsExactly(6);
    assertThat(host.sessionCount()).isEqualTo(6);
    ((ClientChannel) client).close();
  }

  @Test
  void oneClientGetsEveryOneOfTheHostsSessionsOverMoreThanOneConnectionAndTheNextIsRefusedAsTooBusy() {
    ServiceHost host = ServiceHost.builder(new LimitsService())
        .endpoint(Limits.class, DEFAULTS, newAddress("bounds")).maxConcurrentSessions(10).build().open();
    closeLater(host::abort);
    TcpBinding client = closeLater(TcpBinding.create());
    List<LimitsClient> channels = IntStream.range(0, 10).mapToObj(i -> channel(client, host)).toList();
    assertThat(host.sessionCount()).isEqualTo(10);
    assertThat(client.openConnections()).as("connections for 10 channels, at most 5 on each").isEqualTo(2);
    for (int i = 0; i < channels.size(); i++) {
      assertThat(channels.get(i).echo(new byte[] {(byte) i})).containsExactly(i);
    }

    Throwable refused = catchThrowable(() -> channel(client, host));
    assertThat(refused).isInstanceOf(CommunicationException.class)
        .hasMessageContaining("server too busy").hasMessageContaining("maxConcurrentSessions");
    assertThat(((CommunicationException) refused).mayHaveReachedService()).isFalse();
    assertThat(host.sessionCount()).isEqualTo(10);
    assertThat(client.openConnections()).as("no connection left behind by the refused channel").isEqualTo(2);
    channels.forEach(c -> ((ClientChannel) c).close());
  }

  @Test
  void tenChannelsOpenedAtOnceByOneClientEachGetOneOfTheHostsTenSessions() throws Exception {
    ServiceHost host = ServiceHost.builder(new LimitsService())
        .endpoint(Limits.class, DEFAULTS, newAddress("bounds")).maxConcurrentSessions(10).build().open();
    closeLater(host::abort);
    TcpBinding client = closeLater(TcpBinding.create());
    ExecutorService threads = Executors.newFixedThreadPool(10);
    closeLater(threads::shutdownNow);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<LimitsClient>> opening = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      opening.add(threads.submit(() -> {
        start.await();
        return channel(client, host);       // most of them meet a full connection first
      }));
    }
    start.countDown();
    for (int i = 0; i < opening.size(); i++) {
      assertThat(opening.get(i).get(30, TimeUnit.SECONDS).echo(new byte[] {(byte) i})).containsExactly(i);
    }
    assertThat(host.sessionCount()).isEqualTo(10);
  }

  @Test
  void aChannelRefusedAsConnectionFullOnAConnectionWithNoneOfItsSessionsFailsWithoutTryingAnother() throws Exception {
    try (ServerSocket fake = new ServerSocket()) {
      fake.bind(new InetSocketAddress("127.0.0.1", 0));
      AtomicInteger accepted = new AtomicInteger();
      Thread.ofVirtual().start(() -> {
        while (true) {
          try (Socket s = fake.accept()) {
            accepted.incrementAndGet();
            DataInputStream in = new DataInputStream(s.getInputStream());
            in.readFully(new byte[8]);
            s.getOutputStream().write(TcpTestSupport.PREAMBLE);
            int length = in.readInt();                                       // SESSION_OPEN
            in.readUnsignedByte();
            int session = in.readInt();
            in.readFully(new byte[length - 5]);
            ByteBuf full = Unpooled.buffer().writeInt(Frames.CONNECTION_FULL.value());
            WireCodec.writeString(full, "connection full: says the fake");
            s.getOutputStream().write(frame(Frames.STATUS, session, 0, ByteBufUtil.getBytes(full)));
            in.read();                                                       // until the client closes
          } catch (IOException e) {
            return;                                                          // the test closed the fake
          }
        }
      });
      TcpBinding client = closeLater(TcpBinding.create());
      Throwable refused = catchThrowable(() -> ChannelFactory.builder(LimitsClient.class).binding(client)
          .address("courier.tcp://127.0.0.1:" + fake.getLocalPort() + "/fake").build().createChannel());
      assertThat(refused).isInstanceOf(CommunicationException.class).hasMessageContaining("says the fake");
      assertThat(accepted).as("connections the client made").hasValue(1);
    }                                                                        // closing the fake ends its thread
  }

  @Test
  void anEndpointWhoseHostHoldsNoSessionIsRefusedByListenNamingItsLimit() {
    Endpoint none = new Endpoint() {
      @Override
      public ContractDescription contract() {
        return TcpTestSupport.LIMITS;
      }

      @Override
      public Session openSession(IoTarget peer) {
        throw new CommunicationException("no session", false);
      }

      @Override
      public int maxConcurrentSessions() {
        return 0;
      }
    };
    Throwable refused = catchThrowable(() -> DEFAULTS.listen(EndpointAddress.of(newAddress("bounds")), none));
    assertThat(refused).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("endpoint's maxConcurrentSessions: 0 (expected: >= 1)");
  }

  @Test
  void aClientOpensAnotherConnectionForItsChannelsBeyondItsSessionLimit() {
    ServiceHost host = host(DEFAULTS, new LimitsService());
    TcpBinding twoSessions = closeLater(TcpBinding.builder().maxSessionsPerConnection(2).build());
    List<LimitsClient> channels = IntStream.range(0, 5).mapToObj(i -> channel(twoSessions, host)).toList();
    assertThat(twoSessions.openConnections()).as("connections for 5 channels at 2 sessions each").isEqualTo(3);
    for (int i = 0; i < channels.size(); i++) {
      assertThat(channels.get(i).echo(new byte[] {(byte) i})).containsExactly(i);
    }
    channels.forEach(c -> ((ClientChannel) c).close());
  }

  // =============================================================================================
  // Frames that never complete
  // =============================================================================================

  @Test
  void aFrameDrippedOneByteAtATimeFasterThanTheIdleTimeoutIsClosedAsIdleAfterAPing() throws Exception {
    Duration idle = Duration.ofMillis(200);
    TcpBinding shortIdle = closeLater(TcpBinding.builder().idleTimeout(idle).build());
    ServiceHost host = host(shortIdle, new LimitsService());
    RawPeer peer = closeLater(RawPeer.handshake(portOf(addressOf(host))));
    byte[] request = request(1, 1, "echo", (Object) new byte[1000]);   // never completes at this pace
    ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
    closeLater(drip::shutdownNow);
    AtomicInteger dripped = new AtomicInteger();
    drip.scheduleAtFixedRate(() -> {
      int i = dripped.getAndIncrement();
      try {
        if (i < request.length) {
          peer.send(new byte[] {request[i]});
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);        // closed: ends the dripping
      }
    }, 0, idle.toMillis() / 4, TimeUnit.MILLISECONDS);

    List<Frame> frames = peer.framesUntilClosed(LIMIT);
    assertThat(frames).extracting(Frame::type).containsExactly(Frames.PING, Frames.GO_AWAY);
    assertThat(RawPeer.goAway(frames).goAwayCode()).isEqualTo(Frames.GO_AWAY_IDLE);
    assertThat(dripped).as("bytes of the frame dripped before the close").hasValueLessThan(request.length);
    assertThat(dev.courier.io.CapturedLogs.take("closing connection ", 1)).singleElement()
        .satisfies(r -> assertThat(r.getMessage()).endsWith("no frame within the keep-alive timeout"));
  }

  // =============================================================================================
  // Closing a binding
  // =============================================================================================

  @Test
  void oneWayCallsAcceptedBeforeTheChannelAndThenTheBindingCloseEachArriveExactlyOnce() {
    LimitsService service = new LimitsService();
    service.openPosts();
    int messages = 60;
    byte[] payload = new byte[16 * 1024];
    for (int round = 0; round < 5; round++) {
      TcpBinding client = TcpBinding.create();     // the binding of the host and of its client, as in its Javadoc
      ServiceHost host = host(client, service);
      LimitsClient channel = channel(client, host);
      int first = round * messages;
      for (int i = first; i < first + messages; i++) {
        payload[0] = (byte) i;                      // its number: encoded before post returns
        payload[1] = (byte) (i >> 8);
        channel.post(payload);
      }
      ((ClientChannel) channel).close();
      client.close();
      int expected = first + messages;
      until(() -> service.postsDone.get() >= expected, "every one-way message of round " + round + " delivered");
    }
    assertThat(service.postsSeen()).as("the numbers of the messages the service ran")
        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 5 * messages).boxed().toList());
  }
}
