package dev.courier.rpc.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Frames written to one connection from many threads at once: each written once, each thread's in its order. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OutboundFramesTest {
  private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
  private final List<Channel> channels = new CopyOnWriteArrayList<>();

  @AfterEach
  void stopTheLoops() throws InterruptedException {
    for (Channel ch : channels) {
      ch.close().sync();              // before the loop ends, so that no close is left for a loop that has gone
    }
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  /** A frame of 8 bytes: the writer's number, then its sequence number. */
  private static ByteBuf frame(int writer, int seq) {
    return Unpooled.buffer(8).writeInt(writer).writeInt(seq);
  }

  @Test
  void framesWrittenFromManyThreadsAndTheEventLoopArriveOnceEachAndInEachWritersOrder() throws Exception {
    int writers = 4;
    int each = 20_000;
    List<long[]> received = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    CountDownLatch all = new CountDownLatch(writers * each + each);
    Channel client = connect(received, all);
    OutboundFrames frames = new OutboundFrames();
    frames.bind(client);

    for (int w = 0; w < writers; w++) {
      int writer = w;
      Thread.ofVirtual().start(() -> {
        for (int i = 0; i < each; i++) {
          frames.write(frame(writer, i));
        }
      });
    }
    client.eventLoop().execute(new Runnable() {       // the event loop writes too, a slice at a time
      private int next;

      @Override
      public void run() {
        for (int end = Math.min(each, next + 500); next < end; next++) {
          frames.write(frame(writers, next));
        }
        if (next < each) {
          client.eventLoop().execute(this);
        }
      }
    });

    assertThat(all.await(30, TimeUnit.SECONDS)).as("every frame arrived").isTrue();
    int[] last = new int[writers + 1];
    java.util.Arrays.fill(last, -1);
    for (long[] f : received) {
      int writer = (int) f[0];
      assertThat(f[1]).as("writer %d's frames in order, each once", writer).isEqualTo(last[writer] + 1);
      last[writer] = (int) f[1];
    }
    assertThat(received).hasSize(writers * each + each);
  }

  @Test
  void aListenedFrameTellsItsListenerOnceThatItWentOutAndWhenItCouldNot() throws Exception {
    List<long[]> received = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    Channel client = connect(received, new CountDownLatch(1));
    OutboundFrames frames = new OutboundFrames();
    frames.bind(client);
    Listened sent = new Listened(frame(0, 0));

    frames.write(sent);
    assertThat(sent.outcome.get(10, TimeUnit.SECONDS)).isTrue();

    client.close().sync();
    Listened lost = new Listened(frame(0, 1));
    frames.write(lost);
    assertThat(lost.outcome.get(10, TimeUnit.SECONDS)).as("written to a closed connection").isFalse();
    assertThat(lost.calls).hasValue(1);
    assertThat(lost.frame.refCnt()).as("the frame is freed").isZero();
  }

  /** A frame whose listener records the outcome of its write. */
  private static final class Listened implements OutboundFrames.Listened {
    final ByteBuf frame;
    final CompletableFuture<Boolean> outcome = new CompletableFuture<>();
    final AtomicInteger calls = new AtomicInteger();

    Listened(ByteBuf frame) {
      this.frame = frame;
    }

    @Override
    public ByteBuf takeFrame() {
      return frame;
    }

    @Override
    public void operationComplete(ChannelFuture f) {
      calls.incrementAndGet();
      outcome.complete(f.isSuccess());
    }
  }

  /** A client channel over Netty's in-JVM transport whose server notes every 8-byte frame it reads. */
  private Channel connect(List<long[]> received, CountDownLatch arrived) throws InterruptedException {
    LocalAddress address = new LocalAddress("outbound-frames-" + System.nanoTime());
    Channel server = new ServerBootstrap().group(loops).channel(LocalServerChannel.class)
        .childHandler(new ChannelInboundHandlerAdapter() {
          private final ByteBuf partial = Unpooled.buffer();

          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            partial.writeBytes(in);
            in.release();
            while (partial.readableBytes() >= 8) {
              received.add(new long[] {partial.readInt(), partial.readInt()});
              arrived.countDown();
            }
            partial.discardReadBytes();
          }
        }).bind(address).sync().channel();
    Channel client = new Bootstrap().group(loops).channel(LocalChannel.class)
        .handler(new ChannelInboundHandlerAdapter()).connect(address).sync().channel();
    channels.add(client);
    channels.add(server);
    return client;
  }
}
