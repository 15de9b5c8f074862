package dev.courier.rpc.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.Operation;
import dev.courier.rpc.ServiceContract;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Contracts, a service, bounded waits and a raw protocol peer for the courier-tcp tests. Nothing sleeps. */
final class TcpTestSupport {
  /** How long any wait waits at most. */
  static final Duration LIMIT = dev.courier.io.Eventually.LIMIT;
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private TcpTestSupport() {}

  // ---- contracts ----------------------------------------------------------------------------------

  /** The service side of the contract the limit and failure tests use. */
  @ServiceContract(name = "Limits")
  public interface Limits {
    byte[] echo(byte[] data);

    /** {@code size} zero bytes. */
    byte[] blob(int size);

    /** Completes when the test releases it. */
    CompletionStage<String> holdAsync(String tag);

    /** Completes after {@code millis}, without holding a thread. */
    CompletionStage<String> pauseAsync(long millis);

    /** A one-way message the service holds (a thread each) until the test opens the gate. */
    @Operation(oneWay = true)
    void post(byte[] data);
  }

  /** The client side of the same contract, with asynchronous shapes. */
  @ServiceContract(name = "Limits")
  public interface LimitsClient {
    byte[] echo(byte[] data);

    byte[] blob(int size);

    String hold(String tag);

    CompletableFuture<String> holdAsync(String tag);

    String pause(long millis);

    @Operation(oneWay = true)
    void post(byte[] data);
  }

  static final ContractDescription LIMITS = ContractDescription.of(Limits.class);

  /** The action of {@code operation} in {@link Limits}. */
  static String action(String operation) {
    return LIMITS.operation(operation).action();
  }

  /** A service that counts its calls and holds {@code hold} calls until {@link #releaseAll}. */
  static final class LimitsService implements Limits {
    final AtomicInteger calls = new AtomicInteger();
    final Semaphore entered = new Semaphore(0);
    final AtomicInteger postsRunning = new AtomicInteger();
    final AtomicInteger mostPostsRunning = new AtomicInteger();
    final AtomicInteger postsDone = new AtomicInteger();
    private final CompletableFuture<Void> postGate = new CompletableFuture<>();
    private final java.util.Queue<Integer> seen = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicReference<CompletableFuture<Void>> release = new AtomicReference<>(new CompletableFuture<>());

    @Override
    public byte[] echo(byte[] data) {
      calls.incrementAndGet();
      return data;
    }

    @Override
    public byte[] blob(int size) {
      calls.incrementAndGet();
      return new byte[size];
    }

    @Override
    public CompletionStage<String> holdAsync(String tag) {
      calls.incrementAndGet();
      CompletableFuture<Void> gate = release.get();
      entered.release();
      return gate.thenApply(v -> tag);
    }

    @Override
    public CompletionStage<String> pauseAsync(long millis) {
      calls.incrementAndGet();
      Executor later = CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS, Runnable::run);
      return CompletableFuture.supplyAsync(() -> "paused " + millis, later);
    }

    @Override
    public void post(byte[] data) {
      if (data.length > 0) {                      // the message's number: its first byte, or first two (little-endian)
        seen.add(data.length == 1 ? data[0] & 0xFF : (data[0] & 0xFF) | (data[1] & 0xFF) << 8);
      }
      mostPostsRunning.accumulateAndGet(postsRunning.incrementAndGet(), Math::max);
      try {
        postGate.join();
      } finally {
        postsRunning.decrementAndGet();
        postsDone.incrementAndGet();
      }
    }

    /** The number of every post the service ran, in the order they entered it. */
    List<Integer> postsSeen() {
      return List.copyOf(seen);
    }

    /** Lets every post through, now and later. */
    void openPosts() {
      postGate.complete(null);
    }

    /** Waits until {@code n} hold calls have entered the service. */
    void awaitEntered(int n) throws InterruptedException {
      assertThat(entered.tryAcquire(n, LIMIT.toMillis(), TimeUnit.MILLISECONDS))
          .as("%d hold calls entered the service", n).isTrue();
    }

    /** Completes the hold calls so far; later ones are held again. */
    void releaseAll() {
      release.getAndSet(new CompletableFuture<>()).complete(null);
    }
  }

  // ---- addresses and waits ------------------------------------------------------------------------

  /** A loopback address with a port to bind. */
  static String newAddress(String name) {
    return "courier.tcp://127.0.0.1:0/" + name + "-" + COUNTER.incrementAndGet();
  }

  static int portOf(String address) {
    return URI.create(address).getPort();
  }

  // ---- raw frames ---------------------------------------------------------------------------------

  static final byte[] PREAMBLE = {'C', 'R', 'T', 'P', TcpBinding.VERSION, 0, 0, 0};

  /** A frame as read: the type, session, call id and payload. */
  record Frame(int type, int session, int callId, byte[] payload) {
    /** The code of a GO_AWAY frame. */
    long goAwayCode() {
      assertThat(type).as("frame type (expected: GO_AWAY)").isEqualTo(Frames.GO_AWAY);
      return WireCodec.readVarint(Unpooled.wrappedBuffer(payload));
    }

    /** The message of a GO_AWAY frame. */
    String goAwayMessage() {
      ByteBuf b = Unpooled.wrappedBuffer(payload);
      WireCodec.readVarint(b);
      return WireCodec.readString(b);
    }

    /** The NTSTATUS of a STATUS frame. */
    int status() {
      assertThat(type).as("frame type (expected: STATUS)").isEqualTo(Frames.STATUS);
      return Unpooled.wrappedBuffer(payload).readInt();
    }

    @Override
    public String toString() {
      return "Frame[type " + type + ", session " + session + ", call " + callId + ", " + payload.length + " bytes]";
    }
  }

  /** A whole frame: length, type, session, call id, payload. */
  static byte[] frame(int type, int session, int callId, byte[] payload) {
    ByteBuf b = Unpooled.buffer(13 + payload.length);
    b.writeInt(9 + payload.length).writeByte(type).writeInt(session).writeInt(callId).writeBytes(payload);
    return ByteBufUtil.getBytes(b);
  }

  /** The payload of a REQUEST: no deadline, {@code action}, no headers, then the raw argument bytes. */
  static byte[] requestPayload(String action, byte[] arguments) {
    ByteBuf b = Unpooled.buffer();
    WireCodec.writeVarint(b, 0);
    WireCodec.writeString(b, action);
    WireCodec.writeVarint(b, 0);
    b.writeBytes(arguments);
    return ByteBufUtil.getBytes(b);
  }

  /** Arguments encoded by their types. */
  static byte[] arguments(List<Type> types, Object... values) {
    ByteBuf b = Unpooled.buffer();
    for (int i = 0; i < values.length; i++) {
      WireCodec.write(b, types.get(i), values[i]);
    }
    return ByteBufUtil.getBytes(b);
  }

  /** A REQUEST frame of {@code operation} of {@link Limits} with its arguments encoded. */
  static byte[] request(int session, int callId, String operation, Object... args) {
    List<Type> types = LIMITS.operation(operation).parameterTypes();
    return frame(Frames.REQUEST, session, callId, requestPayload(action(operation), arguments(types, args)));
  }

  /** A ONE_WAY frame calling {@code operation} of {@link Limits} with {@code args}. */
  static byte[] oneWay(int session, int callId, String operation, Object... args) {
    List<Type> types = LIMITS.operation(operation).parameterTypes();
    return frame(Frames.ONE_WAY, session, callId, requestPayload(action(operation), arguments(types, args)));
  }

  /**
   * A client that speaks the protocol by hand over a blocking {@link Socket}: it writes exactly the bytes
   * a test gives it and reads frames with a bounded read timeout.
   */
  static final class RawPeer implements AutoCloseable {
    final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawPeer(Socket socket) throws IOException {
      this.socket = socket;
      this.in = new DataInputStream(socket.getInputStream());
      this.out = socket.getOutputStream();
    }

    static RawPeer connect(int port) throws IOException {
      Socket s = new Socket();
      s.setTcpNoDelay(true);
      s.setSoTimeout((int) LIMIT.toMillis());
      s.connect(new InetSocketAddress("127.0.0.1", port), (int) LIMIT.toMillis());
      return new RawPeer(s);
    }

    /** Connects, sends the preamble and reads the server's. */
    static RawPeer handshake(int port) throws IOException {
      RawPeer p = connect(port);
      p.send(PREAMBLE);
      byte[] theirs = new byte[8];
      p.in.readFully(theirs);
      assertThat(theirs).as("the server's preamble").containsExactly(PREAMBLE);
      return p;
    }

    /** Handshake, then SESSION_OPEN of session 1, answered with STATUS 0. */
    static RawPeer withSession(int port) throws IOException {
      RawPeer p = handshake(port);
      p.send(frame(Frames.SESSION_OPEN, 1, 0, new byte[0]));
      Frame answer = p.read();
      assertThat(answer.type()).isEqualTo(Frames.STATUS);
      assertThat(answer.session()).isEqualTo(1);
      assertThat(answer.status()).isZero();
      return p;
    }

    void send(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
    }

    /** The next frame; fails on a timeout or at the end of the stream. */
    Frame read() throws IOException {
      int length = in.readInt();
      assertThat(length).as("frame length").isBetween(9, 1 << 24);
      int type = in.readUnsignedByte();
      int session = in.readInt();
      int callId = in.readInt();
      byte[] payload = new byte[length - 9];
      in.readFully(payload);
      return new Frame(type, session, callId, payload);
    }

    /**
     * Reads until the server closes the connection, within {@code limit}; returns the frames read on the
     * way. A reset counts as closed. Fails when the connection is still open after {@code limit}.
     */
    List<Frame> framesUntilClosed(Duration limit) throws IOException {
      List<Frame> frames = new ArrayList<>();
      long deadline = System.nanoTime() + limit.toNanos();
      try {
        while (true) {
          long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
          if (left <= 0) {
            throw new AssertionError("connection still open after " + limit + "; frames " + frames);
          }
          socket.setSoTimeout((int) left);
          int length;
          try {
            length = in.readInt();
          } catch (EOFException e) {
            return frames;
          }
          int type = in.readUnsignedByte();
          int session = in.readInt();
          int callId = in.readInt();
          if (length > 9 + (1 << 20)) {
            throw new AssertionError("frame of " + length + " bytes from the server");
          }
          byte[] payload = new byte[length - 9];
          in.readFully(payload);
          frames.add(new Frame(type, session, callId, payload));
        }
      } catch (SocketTimeoutException e) {
        throw new AssertionError("connection still open after " + limit + "; frames " + frames, e);
      } catch (SocketException e) {
        return frames;                       // reset by the server: closed
      } catch (EOFException e) {
        return frames;                       // closed in the middle of a frame
      }
    }

    /** The GO_AWAY among {@code frames}; fails when there is none. */
    static Frame goAway(List<Frame> frames) {
      return frames.stream().filter(f -> f.type() == Frames.GO_AWAY).findFirst()
          .orElseThrow(() -> new AssertionError("no GO_AWAY among " + frames));
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }

    @Override
    public String toString() {
      return "RawPeer" + Arrays.asList(socket.getLocalPort(), socket.getPort());
    }
  }
}
