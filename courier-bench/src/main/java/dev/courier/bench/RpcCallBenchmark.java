package dev.courier.bench;

import dev.courier.rpc.AsyncCallback;
import dev.courier.rpc.AsyncResult;
import dev.courier.rpc.ChannelFactory;
import dev.courier.rpc.ClientChannel;
import dev.courier.rpc.CompletedListener;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.inprocess.InProcessBinding;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The time of one call of {@code add(a, b)} through each Courier client shape over the in-process
 * binding, against a direct method call and grpc-java's in-process transport, measured in one JMH run.
 *
 * <p>Like with like: the same work per call (add two ints, arguments and result passed by reference:
 * Courier's in-process binding never copies, and the grpc marshallers hand the request object through the
 * in-process transport unserialized, as protobuf's do), one channel, one calling thread, and:
 * <ul>
 *   <li>the benchmarks without a suffix run the service on the delivering thread on both sides: Courier's
 *       SYNC service with {@code .executor(Runnable::run)}, no operation timeout; grpc's server and channel
 *       with {@code directExecutor()}, no deadline, retries off (Courier has none);
 *   <li>the {@code ...Defaults} benchmarks use each side's defaults: Courier's SYNC service on a virtual
 *       thread per call and its one-minute operation timeout; grpc's default executors (a shared cached
 *       pool on both sides) and its default retry support.
 * </ul>
 * Shapes are paired with the grpc call of the same shape: SYNC with {@code blockingUnaryCall}, TASK and
 * BEGIN_END (ended by blocking) with {@code futureUnaryCall(...).get()}, EVENT with {@code asyncUnaryCall}
 * and a {@link StreamObserver}. The callback benchmarks wait for their completion on a reusable
 * {@link Signal} (park until set).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Threads(1)
public class RpcCallBenchmark {

  /** The service contract: one operation. */
  @ServiceContract(name = "Adder", namespace = "urn:courier-bench")
  public interface Adder {
    int add(int a, int b);
  }

  /** The client's view: every calling shape of the same operation. */
  @ServiceContract(name = "Adder", namespace = "urn:courier-bench")
  public interface AdderClient {
    int add(int a, int b);

    CompletableFuture<Integer> addAsync(int a, int b);

    AsyncResult beginAdd(int a, int b, AsyncCallback callback, Object state);

    int endAdd(AsyncResult result);

    void addAsync(int a, int b, Object userState);

    void onAddCompleted(CompletedListener<Integer> listener);
  }

  /** The work, shared by every path. */
  public static final class AdderService implements Adder {
    @Override
    public int add(int a, int b) {
      return a + b;
    }
  }

  /** grpc's request message. */
  public record AddRequest(int a, int b) {}

  static final MethodDescriptor<AddRequest, Integer> ADD = MethodDescriptor.<AddRequest, Integer>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName(MethodDescriptor.generateFullMethodName("bench.Adder", "Add"))
      .setRequestMarshaller(new ReferenceMarshaller<>(AddRequest.class,
          r -> ByteBuffer.allocate(8).putInt(r.a()).putInt(r.b()).array(),
          bytes -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            return new AddRequest(b.getInt(), b.getInt());
          }))
      .setResponseMarshaller(new ReferenceMarshaller<>(Integer.class,
          v -> ByteBuffer.allocate(4).putInt(v).array(),
          bytes -> ByteBuffer.wrap(bytes).getInt()))
      .build();

  private static final Object USER_STATE = "bench";

  private final Adder direct = new AdderService();
  private final Signal signal = new Signal();
  private ServiceHost inlineHost;
  private ServiceHost defaultHost;
  private ServiceHost filteredHost;
  private AdderClient inline;
  private AdderClient filtered;
  private AdderClient defaults;
  private Server grpcInlineServer;
  private Server grpcDefaultServer;
  private ManagedChannel grpcInline;
  private ManagedChannel grpcDefaults;
  private StreamObserver<Integer> grpcObserver;

  // not final: JMH must not see constants
  public int a = 20;
  public int b = 22;

  @Setup
  public void setUp() throws IOException {
    String id = Long.toHexString(System.nanoTime());
    String inlineAddress = "inproc://bench-inline-" + id;
    String defaultAddress = "inproc://bench-defaults-" + id;
    inlineHost = ServiceHost.builder(new AdderService())
        .endpoint(Adder.class, InProcessBinding.create(), inlineAddress)
        .executor(Runnable::run)
        .build().open();
    defaultHost = ServiceHost.builder(new AdderService())
        .endpoint(Adder.class, InProcessBinding.create(), defaultAddress)
        .build().open();
    inline = ChannelFactory.builder(AdderClient.class).binding(InProcessBinding.create()).address(inlineAddress)
        .operationTimeout(null)
        .build().createChannel();
    defaults = ChannelFactory.builder(AdderClient.class).binding(InProcessBinding.create()).address(defaultAddress)
        .build().createChannel();
    String filteredAddress = "inproc://bench-filtered-" + id;
    filteredHost = ServiceHost.builder(new AdderService())
        .endpoint(Adder.class, InProcessBinding.create(), filteredAddress)
        .executor(Runnable::run)
        .filter((call, next) -> next.proceed(call))
        .build().open();
    filtered = ChannelFactory.builder(AdderClient.class).binding(InProcessBinding.create()).address(filteredAddress)
        .operationTimeout(null)
        .filter((call, next) -> next.proceed(call))
        .build().createChannel();
    inline.onAddCompleted(e -> signal.set(e.result()));
    defaults.onAddCompleted(e -> signal.set(e.result()));

    ServerServiceDefinition service = ServerServiceDefinition.builder("bench.Adder")
        .addMethod(ADD, ServerCalls.asyncUnaryCall((AddRequest req, StreamObserver<Integer> reply) -> {
          reply.onNext(direct.add(req.a(), req.b()));
          reply.onCompleted();
        }))
        .build();
    grpcInlineServer = InProcessServerBuilder.forName("grpc-inline-" + id).directExecutor()
        .addService(service).build().start();
    grpcDefaultServer = InProcessServerBuilder.forName("grpc-defaults-" + id)
        .addService(service).build().start();
    grpcInline = InProcessChannelBuilder.forName("grpc-inline-" + id).directExecutor().disableRetry().build();
    grpcDefaults = InProcessChannelBuilder.forName("grpc-defaults-" + id).build();
    grpcObserver = new StreamObserver<>() {
      private int value;

      @Override
      public void onNext(Integer v) {
        value = v;
      }

      @Override
      public void onError(Throwable t) {
        signal.fail(t);
      }

      @Override
      public void onCompleted() {
        signal.set(value);
      }
    };
    checkEveryPathAdds();
  }

  /** Each benchmark must compute 42, and grpc must pass messages by reference like Courier. */
  private void checkEveryPathAdds() {
    long parsedBefore = ReferenceMarshaller.BYTES_PARSED.get();
    int[] sums = {
        directCall(), courierSync(), courierTask(), courierBeginEnd(), courierEvent(),
        courierSyncFiltered(), courierTaskFiltered(),
        grpcBlocking(), grpcFuture(), grpcAsync(),
        courierSyncDefaults(), courierTaskDefaults(), courierBeginEndDefaults(), courierEventDefaults(),
        grpcBlockingDefaults(), grpcFutureDefaults(), grpcAsyncDefaults()};
    for (int sum : sums) {
      if (sum != a + b) {
        throw new IllegalStateException("a call returned " + sum + " (expected: " + (a + b) + ")");
      }
    }
    if (ReferenceMarshaller.BYTES_PARSED.get() != parsedBefore) {
      throw new IllegalStateException("grpc serialized a message (expected: passed by reference in-process)");
    }
  }

  @TearDown
  public void tearDown() throws InterruptedException {
    ClientChannel.of(inline).close();
    ClientChannel.of(defaults).close();
    ClientChannel.of(filtered).close();
    inlineHost.close(Duration.ofSeconds(5));
    defaultHost.close(Duration.ofSeconds(5));
    filteredHost.close(Duration.ofSeconds(5));
    grpcInline.shutdownNow();
    grpcDefaults.shutdownNow();
    grpcInlineServer.shutdownNow();
    grpcDefaultServer.shutdownNow();
    grpcInline.awaitTermination(5, TimeUnit.SECONDS);
    grpcDefaults.awaitTermination(5, TimeUnit.SECONDS);
    grpcInlineServer.awaitTermination(5, TimeUnit.SECONDS);
    grpcDefaultServer.awaitTermination(5, TimeUnit.SECONDS);
  }

  // ---- reference ----------------------------------------------------------------------------------

  /** The work itself: an interface call on the service object. */
  @Benchmark
  public int directCall() {
    return direct.add(a, b);
  }

  // ---- like with like: the service runs on the delivering thread ---------------------------------

  @Benchmark
  public int courierSync() {
    return inline.add(a, b);
  }

  @Benchmark
  public int courierTask() {
    return inline.addAsync(a, b).join();
  }

  @Benchmark
  public int courierBeginEnd() {
    return inline.endAdd(inline.beginAdd(a, b, null, null));
  }

  @Benchmark
  public int courierEvent() {
    signal.arm();
    inline.addAsync(a, b, USER_STATE);
    return signal.await();
  }

  // ---- filters: one pass-through filter on each side, else like with like ---------------------------

  @Benchmark
  public int courierSyncFiltered() {
    return filtered.add(a, b);
  }

  @Benchmark
  public int courierTaskFiltered() {
    return filtered.addAsync(a, b).join();
  }

  @Benchmark
  public int grpcBlocking() {
    return ClientCalls.blockingUnaryCall(grpcInline, ADD, CallOptions.DEFAULT, new AddRequest(a, b));
  }

  @Benchmark
  public int grpcFuture() {
    return getUninterruptibly(ClientCalls.futureUnaryCall(grpcInline.newCall(ADD, CallOptions.DEFAULT),
        new AddRequest(a, b)));
  }

  @Benchmark
  public int grpcAsync() {
    signal.arm();
    ClientCalls.asyncUnaryCall(grpcInline.newCall(ADD, CallOptions.DEFAULT), new AddRequest(a, b), grpcObserver);
    return signal.await();
  }

  // ---- each side's defaults -----------------------------------------------------------------------

  @Benchmark
  public int courierSyncDefaults() {
    return defaults.add(a, b);
  }

  @Benchmark
  public int courierTaskDefaults() {
    return defaults.addAsync(a, b).join();
  }

  @Benchmark
  public int courierBeginEndDefaults() {
    return defaults.endAdd(defaults.beginAdd(a, b, null, null));
  }

  @Benchmark
  public int courierEventDefaults() {
    signal.arm();
    defaults.addAsync(a, b, USER_STATE);
    return signal.await();
  }

  @Benchmark
  public int grpcBlockingDefaults() {
    return ClientCalls.blockingUnaryCall(grpcDefaults, ADD, CallOptions.DEFAULT, new AddRequest(a, b));
  }

  @Benchmark
  public int grpcFutureDefaults() {
    return getUninterruptibly(ClientCalls.futureUnaryCall(grpcDefaults.newCall(ADD, CallOptions.DEFAULT),
        new AddRequest(a, b)));
  }

  @Benchmark
  public int grpcAsyncDefaults() {
    signal.arm();
    ClientCalls.asyncUnaryCall(grpcDefaults.newCall(ADD, CallOptions.DEFAULT), new AddRequest(a, b), grpcObserver);
    return signal.await();
  }

  private static int getUninterruptibly(java.util.concurrent.Future<Integer> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  // ---- helpers ------------------------------------------------------------------------------------

  /** A reusable completion flag: one waiter parks until a completion sets it (no spinning). */
  static final class Signal {
    private volatile boolean done;
    private volatile Thread waiter;
    private int value;
    private Throwable error;

    void arm() {
      error = null;
      waiter = Thread.currentThread();
      done = false;
    }

    void set(int v) {
      value = v;
      release();
    }

    void fail(Throwable t) {
      error = t;
      release();
    }

    private void release() {
      done = true;
      Thread w = waiter;
      if (w != Thread.currentThread()) {
        LockSupport.unpark(w);
      }
    }

    int await() {
      while (!done) {
        LockSupport.park(this);
      }
      if (error != null) {
        throw new IllegalStateException(error);
      }
      return value;
    }
  }

  /**
   * A grpc marshaller that passes the message object through the in-process transport, as protobuf's
   * marshallers do (the stream carries the message; parsing it back returns the same object). Bytes are
   * only used when a transport actually reads the stream; {@link #BYTES_PARSED} counts those parses.
   */
  static final class ReferenceMarshaller<T> implements MethodDescriptor.Marshaller<T> {
    static final java.util.concurrent.atomic.AtomicLong BYTES_PARSED = new java.util.concurrent.atomic.AtomicLong();

    private final Class<T> type;
    private final Function<T, byte[]> encode;
    private final Function<byte[], T> decode;

    ReferenceMarshaller(Class<T> type, Function<T, byte[]> encode, Function<byte[], T> decode) {
      this.type = type;
      this.encode = encode;
      this.decode = decode;
    }

    @Override
    public InputStream stream(T value) {
      return new MessageStream<>(value, encode);
    }

    @Override
    public T parse(InputStream stream) {
      if (stream instanceof MessageStream<?> m && m.unread() && type.isInstance(m.message)) {
        return type.cast(m.message);
      }
      BYTES_PARSED.incrementAndGet();
      try {
        return decode.apply(stream.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The message, serialized lazily if something reads the stream. */
    static final class MessageStream<T> extends InputStream {
      final T message;
      private final Function<T, byte[]> encode;
      private ByteArrayInputStream bytes;

      MessageStream(T message, Function<T, byte[]> encode) {
        this.message = message;
        this.encode = encode;
      }

      boolean unread() {
        return bytes == null;
      }

      private ByteArrayInputStream bytes() {
        if (bytes == null) {
          bytes = new ByteArrayInputStream(encode.apply(message));
        }
        return bytes;
      }

      @Override
      public int read() {
        return bytes().read();
      }

      @Override
      public int read(byte[] b, int off, int len) {
        return bytes().read(b, off, len);
      }

      @Override
      public int available() {
        return bytes().available();
      }
    }
  }
}
