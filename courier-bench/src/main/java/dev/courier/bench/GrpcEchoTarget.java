package dev.courier.bench;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * grpc-java over its Netty transport (grpc-netty-shaded), as fast as it is configured to go: byte-array
 * marshallers (no protobuf), {@code directExecutor()} on the server and on the channel, no deadline, retries
 * off (Courier has none), one channel (one HTTP/2 connection), and one event-loop group of
 * {@link EchoTarget.Options#eventLoopThreads()} threads on each side (the server's group accepts and
 * serves).
 *
 * <p>With its defaults ({@code EchoTarget.Kind.GRPC_DEFAULTS}): the same service and marshallers, and nothing
 * else configured: grpc's default executors (a shared cached thread pool on the server and on the channel),
 * its default event-loop groups and transport, retries on.
 *
 * <p>Over more than one connection, the client opens a channel (an HTTP/2 connection) for each and the calls
 * take them in turn.
 *
 * <p>Unary calls are {@code bench.Echo/Echo}. One-way messages are the messages of one client-streaming
 * call, {@code bench.Echo/Post}, opened on the first {@link #oneWay}: grpc's cheapest way to send messages
 * that get no reply (a unary call per message would also carry a reply's headers and trailers).
 */
final class GrpcEchoTarget implements EchoTarget {
  /** byte[] as is: what a protobuf message's bytes would be. */
  static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  static final MethodDescriptor<byte[], byte[]> ECHO = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName(MethodDescriptor.generateFullMethodName("bench.Echo", "Echo"))
      .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES)
      .build();

  static final MethodDescriptor<byte[], byte[]> POST = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.CLIENT_STREAMING)
      .setFullMethodName(MethodDescriptor.generateFullMethodName("bench.Echo", "Post"))
      .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES)
      .build();

  private static final byte[] EMPTY = new byte[0];

  private final EventLoopGroup serverGroup;          // null: grpc's default
  private final EventLoopGroup clientGroup;
  private final Server server;
  private final ManagedChannel[] channels;
  private final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
  private final String description;
  private StreamObserver<byte[]> posts;                 // the one-way stream; used by one thread at a time
  private final CompletableFuture<byte[]> postsClosed = new CompletableFuture<>();

  private GrpcEchoTarget(Options options, boolean tuned) throws IOException {
    boolean epoll = options.nativeTransport() && Epoll.isAvailable();
    serverGroup = tuned ? group(options.eventLoopThreads(), epoll, "grpc-server") : null;
    clientGroup = tuned ? group(options.eventLoopThreads(), epoll, "grpc-client") : null;
    Class<? extends ServerChannel> serverChannel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    Class<? extends Channel> clientChannel = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    Runnable delivered = options.onDelivery();
    ServerServiceDefinition service = ServerServiceDefinition.builder("bench.Echo")
        .addMethod(ECHO, ServerCalls.asyncUnaryCall((byte[] request, StreamObserver<byte[]> reply) -> {
          reply.onNext(request);
          reply.onCompleted();
        }))
        .addMethod(POST, ServerCalls.asyncClientStreamingCall((StreamObserver<byte[]> reply) -> new StreamObserver<>() {
          @Override
          public void onNext(byte[] message) {
            delivered.run();
          }

          @Override
          public void onError(Throwable t) {
            // the client went away: nothing to answer
          }

          @Override
          public void onCompleted() {
            reply.onNext(EMPTY);
            reply.onCompleted();
          }
        }))
        .build();
    Server s = null;
    channels = new ManagedChannel[options.connections()];
    try {
      NettyServerBuilder server = NettyServerBuilder.forAddress(new InetSocketAddress(EchoTarget.loopback(), 0));
      if (tuned) {
        server.channelType(serverChannel).bossEventLoopGroup(serverGroup).workerEventLoopGroup(serverGroup)
            .directExecutor();
      }
      s = server.addService(service).build().start();
      this.server = s;
      for (int i = 0; i < channels.length; i++) {
        NettyChannelBuilder channel = NettyChannelBuilder.forAddress(
            new InetSocketAddress(EchoTarget.loopback(), s.getPort())).usePlaintext();
        if (tuned) {
          channel.channelType(clientChannel).eventLoopGroup(clientGroup).directExecutor().disableRetry();
        }
        channels[i] = channel.build();
      }
    } catch (IOException | RuntimeException e) {
      for (ManagedChannel c : channels) {
        if (c != null) {
          c.shutdownNow();
        }
      }
      if (s != null) {
        s.shutdownNow();
      }
      shutdown(serverGroup);
      shutdown(clientGroup);
      throw e;
    }
    String connections = channels.length == 1 ? "" : ", " + channels.length
        + " channels (connections), the calls taking them in turn";
    description = tuned
        ? "grpc-java " + grpcVersion() + " (grpc-netty-shaded, " + (epoll ? "epoll" : "NIO")
            + "), byte[] marshallers, directExecutor() on server and channel, retries off, "
            + options.eventLoopThreads() + " event-loop thread(s) per side; one-way = messages of one "
            + "client-streaming call" + connections
        : "grpc-java, defaults (" + grpcVersion() + ", grpc-netty-shaded), byte[] marshallers, nothing else "
            + "configured: the default executors on server and channel, the default event loops and transport, "
            + "retries on" + connections;
  }

  private static void shutdown(EventLoopGroup group) {
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  /** Opens the tuned configuration, or grpc's defaults. */
  static GrpcEchoTarget open(Options options, boolean tuned) {
    try {
      return new GrpcEchoTarget(options, tuned);
    } catch (IOException e) {
      throw new UncheckedIOException("grpc server did not start on 127.0.0.1", e);
    }
  }

  private static EventLoopGroup group(int threads, boolean epoll, String name) {
    DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
    return new MultiThreadIoEventLoopGroup(threads, factory,
        epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  static String grpcVersion() {
    String v = io.grpc.ManagedChannel.class.getPackage().getImplementationVersion();
    return v == null ? "version unknown" : v;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public CompletableFuture<byte[]> call(byte[] payload) {
    CompletableFuture<byte[]> reply = new CompletableFuture<>();
    ManagedChannel channel = channels.length == 1 ? channels[0]
        : channels[Math.floorMod(next.getAndIncrement(), channels.length)];
    ClientCalls.asyncUnaryCall(channel.newCall(ECHO, CallOptions.DEFAULT), payload, new StreamObserver<>() {
      private byte[] value;

      @Override
      public void onNext(byte[] v) {
        value = v;
      }

      @Override
      public void onError(Throwable t) {
        reply.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        reply.complete(value);
      }
    });
    return reply;
  }

  @Override
  public void oneWay(byte[] payload) {
    if (posts == null) {
      posts = ClientCalls.asyncClientStreamingCall(channels[0].newCall(POST, CallOptions.DEFAULT), new StreamObserver<>() {
        @Override
        public void onNext(byte[] v) {
          // the empty answer at the end of the stream
        }

        @Override
        public void onError(Throwable t) {
          postsClosed.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
          postsClosed.complete(EMPTY);
        }
      });
    }
    posts.onNext(payload);
  }

  @Override
  public void close() {
    try {
      if (posts != null) {
        posts.onCompleted();
        postsClosed.get(5, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      // closing anyway
    }
    try {
      for (ManagedChannel channel : channels) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      shutdown(clientGroup);
      shutdown(serverGroup);
    }
  }
}
