package dev.courier.rpc.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The frames of calls and answers written to one connection from any thread: those written off the event
 * loop wait in one queue, and one event-loop task writes all that are there, with one flush, where Netty
 * would run a task and flush for each. A burst of answers from a service's thread, or of calls from a
 * completion thread, costs one hand-off to the event loop.
 *
 * <pre>{@code
 * frames.write(answer);                 // any thread: queued, written at the event loop's next task
 * frames.write(call);                   // a call whose write is listened to: Listened
 * }</pre>
 *
 * <p>Threading: {@link #write} from any thread. On the event loop it writes at once, after whatever other
 * threads queued before, so that each thread's frames go out in the order it wrote them, and a frame written
 * on the event loop after another thread's (a cancel after its call) goes out after it.
 */
final class OutboundFrames implements Runnable {
  /** A frame whose write is listened to: the listener learns whether it went out. */
  interface Listened extends ChannelFutureListener {
    /** The frame to write, given once. */
    ByteBuf takeFrame();
  }

  private final Queue<Object> queued = new ConcurrentLinkedQueue<>();   // ByteBuf or Listened
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile Channel channel;

  /** The connection's channel, once active: frames are written to it. */
  void bind(Channel ch) {
    this.channel = ch;
  }

  /** Writes a finished frame, or a {@link Listened} one; from any thread. */
  void write(Object frame) {
    Channel ch = channel;
    EventLoop loop = ch.eventLoop();
    if (loop.inEventLoop()) {
      if (!queued.isEmpty()) {
        writeQueued(ch);
      }
      writeOne(ch, frame);
      ch.flush();
      return;
    }
    queued.add(frame);
    if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
      try {
        loop.execute(this);
      } catch (RejectedExecutionException e) {
        scheduled.set(false);
        writeQueued(ch);            // the loop has ended with its channel: Netty fails each write and frees it
      }
    }
  }

  /** On the event loop: writes what other threads queued, and flushes once. */
  @Override
  public void run() {
    scheduled.set(false);           // before the queue is read: a frame queued after it schedules another run
    Channel ch = channel;
    if (writeQueued(ch)) {
      ch.flush();
    }
  }

  /** Writes the queued frames without a flush; returns whether there were any. */
  private boolean writeQueued(Channel ch) {
    boolean any = false;
    for (Object frame; (frame = queued.poll()) != null; ) {
      writeOne(ch, frame);
      any = true;
    }
    return any;
  }

  private static void writeOne(Channel ch, Object frame) {
    if (frame instanceof ByteBuf buf) {
      ch.write(buf, ch.voidPromise());
    } else {
      Listened listened = (Listened) frame;
      ch.write(listened.takeFrame()).addListener(listened);
    }
  }
}
