package dev.courier.rpc.tcp;

import static dev.courier.rpc.tcp.TcpTestSupport.action;
import static dev.courier.rpc.tcp.TcpTestSupport.frame;
import static dev.courier.rpc.tcp.TcpTestSupport.newAddress;
import static dev.courier.rpc.tcp.TcpTestSupport.portOf;
import static dev.courier.rpc.tcp.TcpTestSupport.requestPayload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.courier.io.CapturedLogs;
import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.CommunicationException;
import dev.courier.rpc.CommunicationState;
import dev.courier.rpc.FaultContract;
import dev.courier.rpc.FaultException;
import dev.courier.rpc.Operation;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.tcp.TcpTestSupport.Frame;
import dev.courier.rpc.tcp.TcpTestSupport.Limits;
import dev.courier.rpc.tcp.TcpTestSupport.LimitsService;
import dev.courier.rpc.tcp.TcpTestSupport.RawPeer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client and a service whose contracts differ: whatever goes wrong in one call's body stays in that call.
 * The caller gets an exception that names the operation and what was wrong, and a bystander channel on the
 * same shared connection (another proxy of the same factory) goes on, as does the culprit's own channel.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpConfinedFailureTest {
  private static final TcpBinding TCP = TcpBinding.create();

  public record Parcel(String label, int weight) {}

  public record Refusal(String why) {}

  public record Limit(int max) {}

  /** What the service declares. */
  @ServiceContract(name = "Confined")
  public interface Confined {
    String count();

    Parcel parcel();

    String greet(String name);

    @FaultContract(Refusal.class)
    @FaultContract(Limit.class)
    String refuse(String which);

    byte[] blob(int size);

    String echo(String text);

    @Operation(oneWay = true)
    void note(String text);
  }

  /** What a client that disagrees declares: other types, no faults. */
  @ServiceContract(name = "Confined")
  public interface ConfinedClient {
    int count();

    String parcel();

    String greet(int name);

    String refuse(String which);

    byte[] blob(int size);

    String echo(String text);

    @Operation(oneWay = true)
    void note(int text);
  }

  /** A client that declares the service's faults in the other order. */
  @ServiceContract(name = "Confined")
  public interface ReorderedClient {
    @FaultContract(Limit.class)
    @FaultContract(Refusal.class)
    String refuse(String which);

    String echo(String text);
  }

  static final class ConfinedService implements Confined {
    final AtomicInteger greeted = new AtomicInteger();
    final AtomicInteger noted = new AtomicInteger();

    @Override
    public String count() {
      return "seven";
    }

    @Override
    public Parcel parcel() {
      return new Parcel("box", 3);
    }

    @Override
    public String greet(String name) {
      greeted.incrementAndGet();
      return "hello " + name;
    }

    @Override
    public String refuse(String which) {
      if (which.equals("limit")) {
        throw new FaultException("over the limit", new Limit(5));
      }
      throw new FaultException("refused: " + which, new Refusal("closed"));
    }

    @Override
    public byte[] blob(int size) {
      return new byte[size];
    }

    @Override
    public String echo(String text) {
      return text;
    }

    @Override
    public void note(String text) {
      noted.incrementAndGet();
    }
  }

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final ConfinedService service = new ConfinedService();

  @AfterEach
  void closeEverything() throws Exception {
    while (!resources.isEmpty()) {
      resources.pop().close();
    }
  }

  private String host(TcpBinding binding) {
    ServiceHost host = ServiceHost.builder(service).endpoint(Confined.class, binding, newAddress("confined")).build().open();
    resources.push(() -> host.close(Duration.ofSeconds(5)));
    return host.listenAddresses().get(0);
  }

  private <T> ChannelFactory<T> factory(Class<T> type, TcpBinding binding, String address) {
    return ChannelFactory.builder(type).binding(binding).address(address)
        .operationTimeout(Duration.ofSeconds(30)).build();
  }

  private <T> T channel(ChannelFactory<T> factory) {
    T c = factory.createChannel();
    resources.push(ClientChannel.of(c)::abort);
    return c;
  }

  /** Both channels still open and serving, on the one connection they share. */
  private static void assertBothGoOn(TcpBinding binding, Object culprit, ConfinedClient bystander) {
    assertThat(bystander.echo("still")).isEqualTo("still");
    assertThat(ClientChannel.of(bystander).state()).isEqualTo(CommunicationState.OPENED);
    assertThat(ClientChannel.of(culprit).state()).isEqualTo(CommunicationState.OPENED);
    assertThat(binding.openConnections()).as("the connection both channels share").isEqualTo(1);
  }

  // =============================================================================================

  @Test
  void aClientExpectingAnotherResultTypeHasTheCallRefusedBeforeItIsSentNamingTheOperationAndBothTypes() {
    String address = host(TCP);
    ChannelFactory<ConfinedClient> factory = factory(ConfinedClient.class, TCP, address);
    ConfinedClient client = channel(factory);
    ConfinedClient bystander = channel(factory);
    assertThat(bystander.echo("before")).isEqualTo("before");

    Throwable t = catchThrowable(client::count);

    assertThat(t).isInstanceOf(FaultException.class);
    assertThat(((FaultException) t).code()).isEqualTo(FaultException.CONTRACT_MISMATCH);
    assertThat(((FaultException) t).reason())
        .isEqualTo("operation count: service returns String, client expects int; the call was not sent");
    assertThat(client.echo("mine")).isEqualTo("mine");
    assertBothGoOn(TCP, client, bystander);
  }

  @Test
  void aStringExpectedWhereARecordComesIsRefusedRatherThanReturningAString() {
    String address = host(TCP);
    ChannelFactory<ConfinedClient> factory = factory(ConfinedClient.class, TCP, address);
    ConfinedClient client = channel(factory);
    ConfinedClient bystander = channel(factory);
    assertThat(bystander.echo("before")).isEqualTo("before");

    Throwable t = catchThrowable(client::parcel);

    assertThat(t).isInstanceOf(FaultException.class).hasMessage(
        "operation parcel: service returns Parcel, client expects String; the call was not sent");
    assertBothGoOn(TCP, client, bystander);
  }

  @Test
  void argumentsOfAnotherTypeAreRefusedBeforeTheyAreSentAndTheServiceNeverRuns() {
    String address = host(TCP);
    ChannelFactory<ConfinedClient> factory = factory(ConfinedClient.class, TCP, address);
    ConfinedClient client = channel(factory);
    ConfinedClient bystander = channel(factory);
    assertThat(bystander.echo("before")).isEqualTo("before");

    Throwable t = catchThrowable(() -> client.greet(42));

    assertThat(t).isInstanceOf(FaultException.class);
    FaultException fault = (FaultException) t;
    assertThat(fault.code()).isEqualTo(FaultException.CONTRACT_MISMATCH);
    assertThat(fault.reason()).isEqualTo("operation greet: client sends (name: int), service expects (name: String);"
        + " the call was not sent");
    assertThat(fault.detail()).isNull();
    assertThat(service.greeted).as("calls of greet that ran").hasValue(0);
    assertThat(client.echo("mine")).isEqualTo("mine");
    assertBothGoOn(TCP, client, bystander);
  }

  @Test
  void aReplyThatDoesNotDecodeFromAPeerThatSentNoSignatureFailsItsCallNamingTheOperationAndItsLeftoverBytes()
      throws Exception {
    // A peer without a signature (not a Courier service) is not checked when the session opens: what it
    // answers is still read exactly, and a reply that does not decode fails its one call.
    String address = rawServer(encoded(String.class, "seven"));
    ChannelFactory<ConfinedClient> factory = factory(ConfinedClient.class, TCP, address);
    ConfinedClient client = channel(factory);
    ConfinedClient bystander = channel(factory);

    Throwable count = catchThrowable(client::count);
    Throwable parcel = catchThrowable(client::parcel);

    assertThat(count).isInstanceOf(CommunicationException.class)
        .hasMessageContaining("call to count at " + address)
        .hasMessageContaining("its reply could not be read")
        .hasMessageContaining("bytes left after the result (expected: exactly one int)");
    assertThat(((CommunicationException) count).mayHaveReachedService()).as("the service ran it").isTrue();
    assertThat(parcel).as("a String where a record was expected: read exactly, as one").isNull();
    assertThat(bystander.echo("any")).isEqualTo("seven");
    assertThat(ClientChannel.of(client).state()).isEqualTo(CommunicationState.OPENED);
    assertThat(TCP.openConnections()).as("the connection both channels share").isEqualTo(1);
  }

  @Test
  void aRecordWhereAStringIsExpectedFromAPeerThatSentNoSignatureFailsItsCall() throws Exception {
    String address = rawServer(encoded(Parcel.class, new Parcel("box", 3)));
    ChannelFactory<ConfinedClient> factory = factory(ConfinedClient.class, TCP, address);
    ConfinedClient client = channel(factory);

    Throwable t = catchThrowable(client::parcel);

    assertThat(t).isInstanceOf(CommunicationException.class)
        .hasMessageContaining("call to parcel at " + address)
        .hasMessageContaining("its reply could not be read")
        .hasMessageContaining("bytes left after the result (expected: exactly one java.lang.String)");
    assertThat(ClientChannel.of(client).state()).isEqualTo(CommunicationState.OPENED);
  }

  private static byte[] encoded(Class<?> type, Object value) {
    ByteBuf b = Unpooled.buffer();
    WireCodec.write(b, type, value);
    return io.netty.buffer.ByteBufUtil.getBytes(b);
  }

  /**
   * A server that speaks the protocol but sends no signature when a session opens, and answers every REQUEST
   * with {@code body}: a peer that is not a Courier service. Its address.
   */
  private String rawServer(byte[] body) throws java.io.IOException {
    java.net.ServerSocket server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    resources.push(server);
    Thread.ofVirtual().start(() -> {
      try (java.net.Socket s = server.accept()) {
        java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
        java.io.OutputStream out = s.getOutputStream();
        in.readFully(new byte[8]);
        out.write(TcpTestSupport.PREAMBLE);
        while (true) {
          byte[] rest = new byte[in.readInt()];
          in.readFully(rest);
          ByteBuf f = Unpooled.wrappedBuffer(rest);
          int type = f.readUnsignedByte();
          int session = f.readInt();
          int callId = f.readInt();
          if (type == Frames.SESSION_OPEN) {
            ByteBuf status = Unpooled.buffer().writeInt(0);
            WireCodec.writeString(status, "");
            out.write(frame(Frames.STATUS, session, 0, io.netty.buffer.ByteBufUtil.getBytes(status)));
          } else if (type == Frames.REQUEST) {
            out.write(frame(Frames.REPLY, session, callId, body));
          }
          out.flush();
        }
      } catch (java.io.IOException e) {
        // the client closed the connection, or the test closed the server: this peer's work is done
      }
    });
    return "courier.tcp://127.0.0.1:" + server.getLocalPort() + "/raw";
  }

  @Test
  void aFaultTheClientDoesNotDeclareArrivesAsAFaultExceptionWithItsCodeAndReasonAndNoDetail() {
    String address = host(TCP);
    ChannelFactory<ConfinedClient> factory = factory(ConfinedClient.class, TCP, address);
    ConfinedClient client = channel(factory);
    ConfinedClient bystander = channel(factory);
    assertThat(bystander.echo("before")).isEqualTo("before");

    Throwable refusal = catchThrowable(() -> client.refuse("refusal"));
    Throwable limit = catchThrowable(() -> client.refuse("limit"));

    assertThat(refusal).isInstanceOf(FaultException.class);
    assertThat(((FaultException) refusal).code()).isEqualTo(FaultException.SENDER);
    assertThat(((FaultException) refusal).reason()).isEqualTo("refused: refusal");
    assertThat(((FaultException) refusal).detail()).as("a detail the client does not declare").isNull();
    assertThat(limit).isInstanceOf(FaultException.class).hasMessage("over the limit");
    assertThat(((FaultException) limit).detail()).isNull();
    assertBothGoOn(TCP, client, bystander);
  }

  @Test
  void faultsDeclaredInAnotherOrderArriveWithTheirOwnTypedDetail() {
    String address = host(TCP);
    ReorderedClient client = channel(factory(ReorderedClient.class, TCP, address));
    ConfinedClient bystander = channel(factory(ConfinedClient.class, TCP, address));
    assertThat(bystander.echo("before")).isEqualTo("before");

    Throwable refusal = catchThrowable(() -> client.refuse("refusal"));
    Throwable limit = catchThrowable(() -> client.refuse("limit"));

    assertThat(refusal).isInstanceOf(FaultException.class).hasMessage("refused: refusal");
    assertThat(((FaultException) refusal).detail()).isEqualTo(new Refusal("closed"));
    assertThat(limit).isInstanceOf(FaultException.class).hasMessage("over the limit");
    assertThat(((FaultException) limit).detail()).isEqualTo(new Limit(5));
    assertThat(client.echo("mine")).isEqualTo("mine");
    assertBothGoOn(TCP, client, bystander);
  }

  @Test
  void aOneWayCallWithArgumentsOfAnotherTypeIsRefusedToItsCallerBeforeItIsSent() {
    String address = host(TCP);
    ChannelFactory<ConfinedClient> factory = factory(ConfinedClient.class, TCP, address);
    ConfinedClient client = channel(factory);
    ConfinedClient bystander = channel(factory);
    assertThat(bystander.echo("before")).isEqualTo("before");

    Throwable t = catchThrowable(() -> client.note(42));

    assertThat(t).isInstanceOf(FaultException.class).hasMessage(
        "operation note: client sends (text: int), service expects (text: String); the call was not sent");
    assertThat(client.echo("mine")).isEqualTo("mine");
    assertBothGoOn(TCP, client, bystander);
    assertThat(service.noted).as("notes that ran").hasValue(0);
  }

  @Test
  void aRawOneWayCallWhoseArgumentsTheServiceCannotReadIsDroppedWithAWarningAndTheConnectionGoesOn() throws Exception {
    LimitsService limits = new LimitsService();
    ServiceHost host = ServiceHost.builder(limits).endpoint(Limits.class, TCP, newAddress("limits")).build().open();
    resources.push(() -> host.close(Duration.ofSeconds(5)));
    RawPeer peer = RawPeer.withSession(portOf(host.listenAddresses().get(0)));    // a session without a signature
    resources.push(peer);

    peer.send(frame(Frames.ONE_WAY, 1, 1, requestPayload(action("post"), new byte[] {2, 0})));
    peer.send(TcpTestSupport.request(1, 3, "echo", (Object) new byte[] {6, 6}));

    Frame reply = peer.read();
    assertThat(reply.type()).isEqualTo(Frames.REPLY);
    assertThat(reply.callId()).isEqualTo(3);
    assertThat(CapturedLogs.take("one-way call from ", 1)).singleElement().satisfies(r -> {
      assertThat(r.getLoggerName()).isEqualTo(TcpBinding.class.getName());
      assertThat(r.getLevel()).isEqualTo(Level.WARNING);
      assertThat(r.getMessage()).startsWith("one-way call from ").endsWith(" dropped: the arguments of post could"
          + " not be read: parameter 1 (byte[] data): presence byte 2 (expected: 0 or 1)");
    });
    assertThat(CapturedLogs.take()).as("other log records").isEmpty();
    assertThat(limits.calls).as("calls the service ran").hasValue(1);
  }

  @Test
  void rawRequestsWhoseArgumentsDoNotDecodeAreEachAnsweredWithAFaultOnAConnectionThatGoesOn() throws Exception {
    LimitsService limits = new LimitsService();
    ServiceHost host = ServiceHost.builder(limits).endpoint(Limits.class, TCP, newAddress("limits")).build().open();
    resources.push(() -> host.close(Duration.ofSeconds(5)));
    RawPeer peer = RawPeer.withSession(portOf(host.listenAddresses().get(0)));
    resources.push(peer);
    byte[] echoArguments = TcpTestSupport.arguments(TcpTestSupport.LIMITS.operation("echo").parameterTypes(),
        (Object) new byte[] {1, 2});
    byte[] withATrailingByte = java.util.Arrays.copyOf(echoArguments, echoArguments.length + 1);

    peer.send(frame(Frames.REQUEST, 1, 1, requestPayload(action("echo"), new byte[] {2, 0})));
    peer.send(frame(Frames.REQUEST, 1, 3, requestPayload(action("echo"), withATrailingByte)));
    peer.send(TcpTestSupport.request(1, 5, "echo", (Object) new byte[] {6, 6}));

    assertFault(peer.read(), 1, "the arguments of echo could not be read: parameter 1 (byte[] data): presence"
        + " byte 2 (expected: 0 or 1)");
    assertFault(peer.read(), 3, "the arguments of echo could not be read: 1 bytes left after the last argument"
        + " (expected: none)");
    Frame reply = peer.read();
    assertThat(reply.type()).isEqualTo(Frames.REPLY);
    assertThat(reply.callId()).isEqualTo(5);
    assertThat((byte[]) WireCodec.read(Unpooled.wrappedBuffer(reply.payload()), byte[].class)).containsExactly(6, 6);
    assertThat(limits.calls).as("calls the service ran").hasValue(1);
  }

  private static void assertFault(Frame f, int callId, String reason) {
    assertThat(f.type()).as("frame type of %s (expected: FAULT)", f).isEqualTo(Frames.FAULT);
    assertThat(f.callId()).isEqualTo(callId);
    ByteBuf payload = Unpooled.wrappedBuffer(f.payload());
    assertThat(WireCodec.readString(payload)).isEqualTo(FaultException.DESERIALIZATION_FAILED);
    assertThat(WireCodec.readString(payload)).isEqualTo(reason);
    assertThat(WireCodec.readVarint(payload)).as("detail kind").isEqualTo(Frames.NO_DETAIL);
    assertThat(payload.isReadable()).as("bytes after the fault").isFalse();
  }

  @Test
  void aReplyAboveTheClientsMaximumMessageSizeFailsThatCallNamingBothSizesAndItsBytesAreSkipped() {
    String address = host(TCP);
    TcpBinding small = TcpBinding.builder().maxMessageSize(1024).build();
    resources.push(small);
    ChannelFactory<ConfinedClient> factory = factory(ConfinedClient.class, small, address);
    ConfinedClient client = channel(factory);
    ConfinedClient bystander = channel(factory);
    assertThat(bystander.echo("before")).isEqualTo("before");

    Throwable t = catchThrowable(() -> client.blob(100_000));

    // 9 header bytes, a presence byte, a 3-byte count and the 100,000 bytes
    assertThat(t).isInstanceOf(CommunicationException.class).hasMessage("call to blob at " + address + " failed:"
        + " its reply could not be read (the reply is 100013 bytes; expected: at most 1024, the maximum message size"
        + " of this side); the service ran it");
    assertThat(((CommunicationException) t).mayHaveReachedService()).as("the service ran it").isTrue();
    assertThat(client.blob(1000)).hasSize(1000);
    assertBothGoOn(small, client, bystander);
  }
}
