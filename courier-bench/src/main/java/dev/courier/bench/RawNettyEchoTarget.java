package dev.courier.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.Version;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The floor: a length-prefixed echo on Netty itself, with nothing of an RPC system (no call ids, no
 * operation names, no headers, no encoding). Frames are {@code int length, byte kind, payload}; the server
 * writes each {@code ECHO} frame back as it came (no copy) and counts each {@code ONE_WAY} frame. Replies
 * come back in order on the one connection, so the client matches them to calls first in, first out.
 *
 * <p>Writes are batched the way an RPC system on Netty would batch them: a call made on the client's event
 * loop while it reads replies is written then and flushed once when the read ends; calls from other
 * threads go through a queue that the event loop drains with one flush.
 */
final class RawNettyEchoTarget implements EchoTarget {
  private static final byte ECHO = 1;
  private static final byte ONE_WAY = 2;
  private static final int MAX_FRAME = 4 << 20;

  private final EventLoopGroup serverGroup;
  private final EventLoopGroup clientGroup;
  private final Channel server;
  private final Channel client;
  private final ClientHandler handler;
  private final String description;

  private RawNettyEchoTarget(Options options) {
    boolean epoll = options.nativeTransport() && Epoll.isAvailable();
    serverGroup = group(options.eventLoopThreads(), epoll, "raw-server");
    clientGroup = group(options.eventLoopThreads(), epoll, "raw-client");
    Class<? extends ServerChannel> serverChannel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    Class<? extends Channel> clientChannel = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    Runnable delivered = options.onDelivery();
    try {
      server = new ServerBootstrap().group(serverGroup).channel(serverChannel)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 4, 0, 0),
                  new ServerHandler(delivered));
            }
          })
          .bind(new InetSocketAddress(EchoTarget.loopback(), 0)).syncUninterruptibly().channel();
      handler = new ClientHandler();
      client = new Bootstrap().group(clientGroup).channel(clientChannel)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 4, 0, 4), handler);
            }
          })
          .connect(server.localAddress()).syncUninterruptibly().channel();
    } catch (RuntimeException e) {
      clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
    handler.channel = client;
    handler.loop = client.eventLoop();
    description = "raw Netty " + nettyVersion() + " (" + (epoll ? "epoll" : "NIO") + "): length-prefixed echo, "
        + options.eventLoopThreads() + " event-loop thread(s) per side";
  }

  static RawNettyEchoTarget open(Options options) {
    if (options.connections() != 1) {
      throw new IllegalArgumentException("connections: " + options.connections() + " (expected: 1 for raw Netty)");
    }
    return new RawNettyEchoTarget(options);
  }

  private static EventLoopGroup group(int threads, boolean epoll, String name) {
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true),
        epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  private static String nettyVersion() {
    Version v = Version.identify().get("netty-transport");
    return v == null ? "version unknown" : v.artifactVersion();
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public CompletableFuture<byte[]> call(byte[] payload) {
    CompletableFuture<byte[]> reply = new CompletableFuture<>();
    handler.send(new Outgoing(payload, reply));
    return reply;
  }

  @Override
  public void oneWay(byte[] payload) {
    handler.send(new Outgoing(payload, null));
  }

  @Override
  public void close() {
    try {
      client.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
      server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    } finally {
      clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  /** A message to write; {@code reply} is null for a one-way message. */
  private record Outgoing(byte[] payload, CompletableFuture<byte[]> reply) {}

  /** Echoes ECHO frames as they came (the length prefix included) and counts ONE_WAY frames. */
  private static final class ServerHandler extends ChannelInboundHandlerAdapter {
    private final Runnable delivered;

    ServerHandler(Runnable delivered) {
      this.delivered = delivered;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf frame = (ByteBuf) msg;
      if (frame.getByte(frame.readerIndex() + 4) == ECHO) {
        ctx.write(frame, ctx.voidPromise());
      } else {
        frame.release();
        delivered.run();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** Writes calls, matches replies first in, first out; everything but {@link #send} on the event loop. */
  private static final class ClientHandler extends ChannelInboundHandlerAdapter {
    private final ArrayDeque<CompletableFuture<byte[]>> pending = new ArrayDeque<>();
    private final Queue<Outgoing> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    private volatile Channel channel;
    private volatile EventLoop loop;
    private boolean reading;
    private boolean closed;

    void send(Outgoing out) {
      if (loop.inEventLoop()) {
        write(out);
        if (!reading) {
          channel.flush();
        }
      } else {
        queue.add(out);
        if (!drainScheduled.getAndSet(true)) {
          loop.execute(drain);
        }
      }
    }

    private void drain() {
      drainScheduled.set(false);
      Outgoing out;
      int n = 0;
      while (n < 65_536 && (out = queue.poll()) != null) {
        write(out);
        n++;
      }
      channel.flush();
      if (!queue.isEmpty() && !drainScheduled.getAndSet(true)) {
        loop.execute(drain);
      }
    }

    private void write(Outgoing out) {
      if (closed) {
        if (out.reply() != null) {
          out.reply().completeExceptionally(new ClosedChannelException());
        }
        return;
      }
      byte[] p = out.payload();
      ByteBuf frame = channel.alloc().ioBuffer(5 + p.length);
      frame.writeInt(1 + p.length).writeByte(out.reply() == null ? ONE_WAY : ECHO).writeBytes(p);
      if (out.reply() != null) {
        pending.add(out.reply());
      }
      channel.write(frame, channel.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf frame = (ByteBuf) msg;
      byte[] payload;
      try {
        payload = new byte[frame.readableBytes() - 1];
        frame.getBytes(frame.readerIndex() + 1, payload);
      } finally {
        frame.release();
      }
      CompletableFuture<byte[]> reply = pending.poll();
      if (reply != null) {
        reading = true;
        reply.complete(payload);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      reading = false;
      ctx.flush();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      closed = true;
      CompletableFuture<byte[]> reply;
      while ((reply = pending.poll()) != null) {
        reply.completeExceptionally(new ClosedChannelException());
      }
      Outgoing out;
      while ((out = queue.poll()) != null) {
        if (out.reply() != null) {
          out.reply().completeExceptionally(new ClosedChannelException());
        }
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
