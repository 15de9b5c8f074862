package dev.courier.io;

import dev.courier.io.spi.IoDriver;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** The driver behind a {@link FileTarget}: positional {@link FileChannel} calls on a worker path. */
final class FileDriver implements IoDriver {
  private static final System.Logger LOG = System.getLogger(FileTarget.class.getName());
  private static final ValueLayout.OfLong LONG_LE =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  /** How many times in a row a positional call may transfer nothing before the request fails. */
  private static final int MAX_ZERO_PROGRESS = 3;

  private static final class Workers {
    static final ExecutorService POOL = newPool();

    private static ExecutorService newPool() {
      AtomicInteger n = new AtomicInteger();
      int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
      return Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, "courier-file-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    }
  }

  private final Path path;
  private final Set<OpenOption> options;
  private final Executor executor;    // null: the caller runs the I/O
  private final boolean writable;
  private volatile FileChannel channel;

  private FileDriver(Path path, Set<OpenOption> options, Executor executor, FileChannel channel) {
    this.path = path;
    this.options = options;
    this.executor = executor;
    this.writable = options.contains(StandardOpenOption.WRITE);
    this.channel = channel;
  }

  static FileDriver open(Path path, Set<OpenOption> options, Executor executor) throws IOException {
    return new FileDriver(path, options, executor, FileChannel.open(path, options));
  }

  static Executor sharedWorkers() {
    return Workers.POOL;
  }

  @Override
  public IoStatus accepts(IoRequestType type, IoControlCode code) {
    return switch (type) {
      case READ -> IoStatus.SUCCESS;
      case WRITE -> writable ? IoStatus.SUCCESS : IoStatus.ACCESS_DENIED;
      case DEVICE_CONTROL, DEVICE_CONTROL_INTERNAL -> {
        if (code.equals(FileTarget.FLUSH) || code.equals(FileTarget.QUERY_SIZE)) {
          yield IoStatus.SUCCESS;
        }
        if (code.equals(FileTarget.SET_SIZE)) {
          yield writable ? IoStatus.SUCCESS : IoStatus.ACCESS_DENIED;
        }
        yield IoStatus.NOT_SUPPORTED;
      }
      default -> IoStatus.INVALID_DEVICE_REQUEST;
    };
  }

  @Override
  public void dispatch(IoRequest request) {
    if (executor == null) {
      perform(request);
      return;
    }
    // Whoever claims the request first owns it: the cancel routine completes it CANCELLED, the worker
    // performs it. A worker that lost must not touch it: the cancel routine has completed it, or will.
    AtomicBoolean claimed = new AtomicBoolean();
    CancelRoutine cancelWaiting = r -> {
      if (claimed.compareAndSet(false, true)) {
        r.complete(IoStatus.CANCELLED);
      }
    };
    if (request.markCancelable(cancelWaiting).equals(IoStatus.CANCELLED)) {
      request.complete(IoStatus.CANCELLED);
      return;
    }
    executor.execute(() -> {
      if (!claimed.compareAndSet(false, true)) {
        return;     // cancelled while it waited; the cancel routine completed it
      }
      // The system call starts: a cancel no longer reaches it. Unmarking may answer CANCELLED when a cancel
      // took the routine meanwhile; that routine lost the claim above and leaves the request to this worker.
      request.unmarkCancelable();
      perform(request);
    });
  }

  private void perform(IoRequest request) {
    IoStatus status;
    long information = 0;
    try {
      FileChannel ch = channel;
      switch (request.type()) {
        case READ -> {
          long n = read(ch, request);
          information = Math.max(n, 0);
          status = n < 0 ? IoStatus.END_OF_FILE : IoStatus.SUCCESS;
        }
        case WRITE -> {
          information = write(ch, request);
          status = IoStatus.SUCCESS;
        }
        case DEVICE_CONTROL, DEVICE_CONTROL_INTERNAL -> {
          IoControlCode code = request.ioControlCode();
          if (code.equals(FileTarget.FLUSH)) {
            ch.force(true);
            status = IoStatus.SUCCESS;
          } else if (code.equals(FileTarget.QUERY_SIZE)) {
            if (request.outputLength() < Long.BYTES) {
              status = IoStatus.BUFFER_TOO_SMALL;
            } else {
              request.outputBuffer().set(LONG_LE, 0, ch.size());
              information = Long.BYTES;
              status = IoStatus.SUCCESS;
            }
          } else if (code.equals(FileTarget.SET_SIZE)) {
            status = setSize(ch, request);
          } else {
            status = IoStatus.NOT_SUPPORTED;
          }
        }
        default -> status = IoStatus.INVALID_DEVICE_REQUEST;
      }
    } catch (IOException | RuntimeException e) {
      status = statusOf(e);
      LOG.log(System.Logger.Level.DEBUG, () -> "file " + path + ": " + request.type() + " failed with " + e);
    }
    request.complete(status, information);
  }

  /** Reads until the buffer is full or the file ends; returns bytes read, or -1 when it starts at the end. */
  private static long read(FileChannel ch, IoRequest request) throws IOException {
    long length = request.length();
    if (length == 0) {
      return 0;
    }
    ByteBuffer dst = request.outputBuffer().asByteBuffer();
    long position = request.deviceOffset();
    long room = Long.MAX_VALUE - position;    // no file reaches past Long.MAX_VALUE: clip the range there
    if (room < dst.remaining()) {
      if (room == 0) {
        return -1;
      }
      dst.limit((int) room);    // otherwise the system call fails (EINVAL) on a range whose end overflows
    }
    long total = 0;
    int idle = 0;
    while (dst.hasRemaining()) {
      int n = ch.read(dst, position + total);
      if (n < 0) {
        return total == 0 ? -1 : total;
      }
      if (n == 0 && ++idle > MAX_ZERO_PROGRESS) {
        throw new IOException("no progress after " + MAX_ZERO_PROGRESS + " reads at " + (position + total));
      }
      total += n;
    }
    return total;
  }

  private static long write(FileChannel ch, IoRequest request) throws IOException {
    if (request.length() == 0) {
      return 0;
    }
    ByteBuffer src = request.inputBuffer().asByteBuffer();
    long position = request.deviceOffset();
    long total = 0;
    int idle = 0;
    while (src.hasRemaining()) {
      int n = ch.write(src, position + total);
      if (n == 0 && ++idle > MAX_ZERO_PROGRESS) {
        throw new IOException("no progress after " + MAX_ZERO_PROGRESS + " writes at " + (position + total));
      }
      total += n;
    }
    return total;
  }

  private static IoStatus setSize(FileChannel ch, IoRequest request) throws IOException {
    if (request.inputLength() < Long.BYTES) {
      return IoStatus.BUFFER_TOO_SMALL;
    }
    long size = request.inputBuffer().get(LONG_LE, 0);
    if (size < 0) {
      return IoStatus.INVALID_PARAMETER;
    }
    long current = ch.size();
    if (size < current) {
      ch.truncate(size);
    } else if (size > current) {
      ch.write(ByteBuffer.allocate(1), size - 1);
    }
    return IoStatus.SUCCESS;
  }

  static IoStatus statusOf(Throwable e) {
    if (e instanceof ClosedChannelException) {
      return IoStatus.INVALID_DEVICE_STATE;
    }
    if (e instanceof NonWritableChannelException || e instanceof AccessDeniedException) {
      return IoStatus.ACCESS_DENIED;
    }
    String message = e.getMessage();
    if (message != null && (message.contains("No space left on device") || message.contains("Disk quota exceeded"))) {
      return IoStatus.DISK_FULL;
    }
    return IoStatus.IO_DEVICE_ERROR;
  }

  @Override
  public IoStatus onOpen() {
    try {
      channel = FileChannel.open(path, options);
      return IoStatus.SUCCESS;
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "file " + path + " could not be opened again", e);
      return statusOf(e);
    }
  }

  @Override
  public void onClose() {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "file " + path + " did not close cleanly", e);
    }
  }
}
