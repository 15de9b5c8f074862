package dev.courier.io;

import java.io.IOException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Targets over regular files: positional reads and writes, and flush and size as device-control codes.
 *
 * <pre>{@code
 * try (IoTarget file = FileTarget.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
 *   IoRequest request = IoRequest.create();
 *   request.formatWrite(file, IoBuffer.of(IoMemory.wrap(bytes)), 0);
 *   request.sendAsync(file, SendOptions.defaults()).join().orThrow();
 * }
 * }</pre>
 *
 * <ul>
 *   <li>A read fills its buffer from the device offset; a short read from the end of the file completes
 *       with the bytes read, and a read that starts at or past the end completes with
 *       {@link IoStatus#END_OF_FILE}. A write writes its whole buffer.
 *   <li>{@link #FLUSH} forces data and metadata to the device; {@link #QUERY_SIZE} returns the size as an
 *       8-byte little-endian value in the output buffer; {@link #SET_SIZE} takes an 8-byte
 *       little-endian size as input and truncates or extends the file.
 *   <li>I/O errors become statuses: {@link IoStatus#DISK_FULL} when the device is out of space,
 *       {@link IoStatus#ACCESS_DENIED} for a write to a file opened read-only,
 *       {@link IoStatus#IO_DEVICE_ERROR} otherwise.
 * </ul>
 *
 * <p>Threading: the positional calls run on a worker path, a small shared pool of daemon threads by
 * default, so {@code send} never blocks on the disk; completion routines then run on a worker thread.
 * {@link Builder#callerRuns()} makes the sending thread do the I/O inside {@code send} instead, which
 * saves the hand-off for callers that may block (virtual threads, batch jobs). A request waiting for a
 * worker can be cancelled; one whose system call has started cannot, and completes normally. Workers
 * are never interrupted.
 */
public final class FileTarget {
  /** The device type of the file control codes (a vendor-range {@code FILE_DEVICE_*}). */
  public static final int DEVICE_TYPE = 0x8C01;
  /** Forces the file's data and metadata to the storage device. */
  public static final IoControlCode FLUSH =
      IoControlCode.of(DEVICE_TYPE, 0x801, IoControlCode.TransferMethod.BUFFERED, 0);
  /** Returns the file size: 8 bytes, little-endian, in the output buffer. */
  public static final IoControlCode QUERY_SIZE =
      IoControlCode.of(DEVICE_TYPE, 0x802, IoControlCode.TransferMethod.BUFFERED, 0);
  /** Sets the file size from 8 little-endian input bytes: truncates or extends with zeros. */
  public static final IoControlCode SET_SIZE =
      IoControlCode.of(DEVICE_TYPE, 0x803, IoControlCode.TransferMethod.BUFFERED, 0);

  private FileTarget() {}

  /** Opens {@code path} with {@code options} (READ when none) as a started target. */
  public static IoTarget open(Path path, OpenOption... options) throws IOException {
    return builder(path).options(options).open();
  }

  /** A builder for a file target. */
  public static Builder builder(Path path) {
    return new Builder(path);
  }

  /** Builds a file target. */
  public static final class Builder {
    private final Path path;
    private final Set<OpenOption> options = new LinkedHashSet<>();
    private Executor executor;
    private boolean callerRuns;
    private IoClock clock = IoClock.system();

    private Builder(Path path) {
      this.path = Objects.requireNonNull(path, "path");
    }

    /** How the file is opened ({@link StandardOpenOption}); READ when none is given. */
    public Builder options(OpenOption... options) {
      this.options.addAll(List.of(options));
      return this;
    }

    /** Runs the positional calls on {@code executor} instead of the shared worker pool. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      this.callerRuns = false;
      return this;
    }

    /** Runs the positional calls on the sending thread, inside {@code send}. */
    public Builder callerRuns() {
      this.callerRuns = true;
      this.executor = null;
      return this;
    }

    /** The clock for timeouts. */
    public Builder clock(IoClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Opens the file and returns a started target. */
    public IoTarget open() throws IOException {
      Set<OpenOption> opts = options.isEmpty() ? Set.of(StandardOpenOption.READ) : Set.copyOf(options);
      if (opts.contains(StandardOpenOption.APPEND)) {
        throw new IllegalArgumentException("options: APPEND (expected: positional writes; give the offset instead)");
      }
      FileDriver driver = FileDriver.open(path, opts, callerRuns ? null : executor != null ? executor : FileDriver.sharedWorkers());
      return IoTargets.create(path.toString(), driver, clock);
    }
  }
}
