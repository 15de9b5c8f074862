package dev.courier.bench;

import dev.courier.bench.LoadDriver.Calls;
import dev.courier.bench.LoadDriver.LoadSpec;
import dev.courier.bench.LoadDriver.Message;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * One echo service and one client connected to it over loopback TCP, in this JVM: what the
 * {@link LoadDriver} measures. Each implementation runs its server and its client on their own event
 * loops ({@link Options#eventLoopThreads()} threads on each side) and uses one connection.
 *
 * <pre>{@code
 * try (EchoTarget target = EchoTarget.Kind.GRPC.open(new EchoTarget.Options(1, true, delivered::increment))) {
 *   byte[] reply = target.call(new byte[16]).get(5, TimeUnit.SECONDS);
 *   target.oneWay(new byte[16]);              // the server runs options.onDelivery() when it arrives
 * }
 * }</pre>
 */
public interface EchoTarget extends AutoCloseable {

  /** The library, its version, the transport and the threads: one line for the report. */
  String description();

  /**
   * Sends {@code payload} and completes with the service's reply, the same bytes. Callable from any
   * thread, including the thread that completes an earlier call (the closed loop issues the next call
   * from there); never blocks.
   */
  CompletableFuture<byte[]> call(byte[] payload);

  /**
   * Sends {@code payload} with no reply; the server runs {@link Options#onDelivery()} when the service
   * receives it. Called from one thread at a time.
   */
  void oneWay(byte[] payload);

  /** Closes the client, then the server, and stops their event loops; bounded. */
  @Override
  void close();

  /**
   * How a target is set up.
   *
   * @param eventLoopThreads event-loop threads on each side (server and client), the same for every target
   * @param nativeTransport whether to use Netty's native epoll transport where it is available (NIO otherwise)
   * @param onDelivery run by the server for each one-way message the service receives (on its thread)
   * @param connections the client's connections to the server; calls take them in turn
   */
  record Options(int eventLoopThreads, boolean nativeTransport, Runnable onDelivery, int connections) {
    public Options {
      if (eventLoopThreads < 1 || connections < 1) {
        throw new IllegalArgumentException("eventLoopThreads " + eventLoopThreads + ", connections " + connections
            + " (expected: >= 1)");
      }
      java.util.Objects.requireNonNull(onDelivery, "onDelivery");
    }

    /** One connection. */
    public Options(int eventLoopThreads, boolean nativeTransport, Runnable onDelivery) {
      this(eventLoopThreads, nativeTransport, onDelivery, 1);
    }
  }

  /** The implementations, in the order the runner alternates them. */
  enum Kind implements LoadTarget {
    /** Courier's TCP binding, tuned: a TASK service presented on the event loop, completions there too. */
    COURIER("courier", "Courier TCP"),
    /** grpc-java over grpc-netty-shaded, byte-array marshallers, direct executors. */
    GRPC("grpc", "grpc-java"),
    /** A length-prefixed echo on Netty itself: the floor. */
    RAW("raw", "raw Netty"),
    /** Courier's TCP binding as it comes: {@code TcpBinding.create()}, a SYNC service, a future client. */
    COURIER_DEFAULTS("courier-defaults", "Courier TCP, defaults"),
    /** grpc-java as it comes: its default executors, event loops and retries; byte-array marshallers. */
    GRPC_DEFAULTS("grpc-defaults", "grpc-java, defaults"),
    /**
     * Courier's TCP binding, tuned, with one channel over several hosts (several endpoints): as many hosts as the
     * spec asks for connections.
     */
    COURIER_CLUSTER("courier-cluster", "Courier TCP, several endpoints"),
    /**
     * Courier's TCP binding, tuned, with as many hosts as the spec asks for connections and a plain channel to each,
     * the calls taking them in turn: {@link #COURIER_CLUSTER}'s hosts and connections without its policy.
     */
    COURIER_HOSTS("courier-hosts", "Courier TCP, a channel per host");

    private final String id;
    private final String label;

    Kind(String id, String label) {
      this.id = id;
      this.label = label;
    }

    /** The name on the command line: {@code courier}, {@code grpc}, {@code raw}, {@code courier-defaults}, ... */
    @Override
    public String id() {
      return id;
    }

    /** The name in reports. */
    @Override
    public String label() {
      return label;
    }

    /** Whether this build can open the target (Courier TCP needs the courier-tcp module). */
    @Override
    public boolean available() {
      return (this != COURIER && this != COURIER_DEFAULTS && this != COURIER_CLUSTER && this != COURIER_HOSTS)
          || CourierTcpEchoTarget.available();
    }

    /** Byte arrays only. */
    @Override
    public List<Message> messages() {
      return List.of(Message.BYTES);
    }

    /** Every TCP target takes one-way messages. */
    @Override
    public boolean oneWay() {
      return true;
    }

    /**
     * Opens the target with the spec's event loops and transport; every call sends the same
     * {@code payloadBytes} random bytes (seeded: the same in every run).
     */
    @Override
    public Calls<byte[]> open(LoadSpec spec, Runnable onDelivery) {
      byte[] payload = new byte[spec.payloadBytes()];
      new SplittableRandom(42).nextBytes(payload);
      EchoTarget target = open(new Options(spec.eventLoopThreads(), spec.nativeTransport(), onDelivery,
          spec.connections()));
      return new Calls<>() {
        @Override
        public String description() {
          return target.description();
        }

        @Override
        public CompletableFuture<byte[]> call() {
          return target.call(payload);
        }

        @Override
        public boolean echoes(byte[] reply) {
          return Arrays.equals(reply, payload);
        }

        @Override
        public String mismatch(byte[] reply) {
          return reply != null && reply.length == payload.length ? null
              : "reply of " + (reply == null ? "null" : reply.length + " bytes") + " to a request of " + payload.length;
        }

        @Override
        public void oneWay() {
          target.oneWay(payload);
        }

        @Override
        public void close() {
          target.close();
        }
      };
    }

    /** Starts the server and connects the client. */
    public EchoTarget open(Options options) {
      return switch (this) {
        case COURIER -> CourierTcpEchoTarget.open(options, true);
        case COURIER_DEFAULTS -> CourierTcpEchoTarget.open(options, false);
        case COURIER_CLUSTER -> CourierTcpEchoTarget.openCluster(options);
        case COURIER_HOSTS -> CourierTcpEchoTarget.openHosts(options);
        case GRPC -> GrpcEchoTarget.open(options, true);
        case GRPC_DEFAULTS -> GrpcEchoTarget.open(options, false);
        case RAW -> RawNettyEchoTarget.open(options);
      };
    }

    /** The kind named {@code id} on a command line. */
    public static Kind of(String id) {
      for (Kind k : values()) {
        if (k.id.equals(id.toLowerCase(Locale.ROOT))) {
          return k;
        }
      }
      throw new IllegalArgumentException("target: " + id
          + " (expected: courier, grpc, raw, courier-defaults, grpc-defaults, courier-cluster or courier-hosts)");
    }
  }

  /** 127.0.0.1: every target listens and connects there only. */
  static InetAddress loopback() {
    try {
      return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
