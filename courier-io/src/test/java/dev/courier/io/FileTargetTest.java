package dev.courier.io;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** File targets on real temporary files, on the default worker path and with the caller running the I/O. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FileTargetTest {
  static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  @TempDir
  Path dir;

  /** Where the positional calls run. */
  enum IoPath {
    /** The shared worker pool: send returns at once, the routine runs on a worker. */
    WORKERS,
    /** {@code callerRuns()}: the I/O and the routine run inside send. */
    CALLER_RUNS
  }

  static IoTarget open(IoPath path, Path file, OpenOption... options) throws IOException {
    FileTarget.Builder b = FileTarget.builder(file).options(options);
    if (path == IoPath.CALLER_RUNS) {
      b.callerRuns();
    }
    return b.open();
  }

  /** A completion routine that records its calls and completes a future with the result. */
  static final class Done implements CompletionRoutine<Object> {
    final CompletableFuture<IoResult> result = new CompletableFuture<>();
    final AtomicInteger count = new AtomicInteger();
    volatile Thread thread;
    volatile IoTarget target;
    volatile IoRequestType type;
    volatile IoMemory buffer;

    @Override
    public void onCompletion(IoRequest request, IoTarget target, IoCompletionParams params, Object context) {
      this.thread = Thread.currentThread();
      this.target = target;
      this.type = params.type();
      this.buffer = params.buffer();
      count.incrementAndGet();
      result.complete(params.result());
    }

    IoResult await() throws Exception {
      return result.get(5, TimeUnit.SECONDS);
    }
  }

  /** Sends {@code r} to {@code f} and waits for its one completion; checks where the routine ran. */
  static Done send(IoTarget f, IoRequest r, IoPath path) throws Exception {
    Done done = new Done();
    r.setCompletionRoutine(done, null);
    Thread sender = Thread.currentThread();
    assertThat(r.send(f)).as("send to %s", f).isTrue();
    if (path == IoPath.CALLER_RUNS) {
      assertThat(done.result).as("completed inside send").isDone();
      assertThat(done.thread).isSameAs(sender);
    }
    done.await();
    if (path == IoPath.WORKERS) {
      assertThat(done.thread.getName()).startsWith("courier-file-");
    }
    assertThat(done.count).hasValue(1);
    assertThat(done.target).isSameAs(f);
    return done;
  }

  static IoResult write(IoTarget f, IoPath path, byte[] data, long offset) throws Exception {
    IoRequest r = IoRequest.create();
    assertThat(r.formatWrite(f, IoBuffer.of(IoMemory.wrap(data)), offset)).isEqualTo(IoStatus.SUCCESS);
    return send(f, r, path).await();
  }

  static IoResult read(IoTarget f, IoPath path, IoBuffer into, long offset) throws Exception {
    IoRequest r = IoRequest.create();
    assertThat(r.formatRead(f, into, offset)).isEqualTo(IoStatus.SUCCESS);
    return send(f, r, path).await();
  }

  static IoResult control(IoTarget f, IoPath path, IoControlCode code, IoBuffer input, IoBuffer output)
      throws Exception {
    IoRequest r = IoRequest.create();
    assertThat(r.formatDeviceControl(f, code, input, output)).isEqualTo(IoStatus.SUCCESS);
    return send(f, r, path).await();
  }

  /**
   * Waits up to 5 s until {@code f} has nothing pending. A routine that completes a future runs before its
   * request stops counting as pending, so a thread woken by the future may see the count a moment late.
   */
  static void awaitIdle(IoTarget f) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (f.pendingCount() != 0) {
      assertThat(System.nanoTime() - end).as("%s still has %d pending after 5 s", f, f.pendingCount()).isNegative();
      LockSupport.parkNanos(100_000);
    }
  }

  static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (seed + i * 7);
    }
    return b;
  }

  static byte[] longLe(long value) {
    byte[] b = new byte[8];
    IoMemory.wrap(b).segment().set(LONG_LE, 0, value);
    return b;
  }

  /** An executor that only queues: a request handed to it waits until the test runs it. */
  static final class HeldExecutor implements Executor {
    final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }

    void runNext() {
      Runnable task = tasks.poll();
      assertThat(task).as("a task waits").isNotNull();
      task.run();
    }
  }

  // =============================================================================================
  // Reads and writes
  // =============================================================================================

  @ParameterizedTest
  @EnumSource(IoPath.class)
  void aPositionalWriteReadsBackAndLandsAtItsOffsetInTheFile(IoPath path) throws Exception {
    Path file = dir.resolve("data");
    byte[] data = "hello, courier".getBytes(StandardCharsets.US_ASCII);
    try (IoTarget f = open(path, file, CREATE_NEW, READ, WRITE)) {
      IoMemory source = IoMemory.wrap(data);
      IoRequest w = IoRequest.create();
      assertThat(w.formatWrite(f, IoBuffer.of(source), 100)).isEqualTo(IoStatus.SUCCESS);
      Done written = send(f, w, path);
      assertThat(written.await()).isEqualTo(new IoResult(IoStatus.SUCCESS, data.length));
      assertThat(written.type).isEqualTo(IoRequestType.WRITE);
      assertThat(written.buffer).isSameAs(source);

      IoMemory back = IoMemory.allocate(data.length);
      assertThat(read(f, path, IoBuffer.of(back), 100)).isEqualTo(new IoResult(IoStatus.SUCCESS, data.length));
      assertThat(back.toByteArray()).isEqualTo(data);
    }
    byte[] onDisk = Files.readAllBytes(file);
    assertThat(onDisk).hasSize(100 + data.length);
    assertThat(Arrays.copyOfRange(onDisk, 0, 100)).containsOnly((byte) 0);
    assertThat(Arrays.copyOfRange(onDisk, 100, onDisk.length)).isEqualTo(data);
  }

  @ParameterizedTest
  @EnumSource(IoPath.class)
  void aReadFromAnOffsetFillsOnlyItsPartOfTheMemoryWithTheBytesFromThatOffset(IoPath path) throws Exception {
    Path file = dir.resolve("data");
    byte[] content = bytes(256, 3);
    Files.write(file, content);
    IoMemory m = IoMemory.allocate(32);
    m.segment().fill((byte) 0x7E);
    try (IoTarget f = open(path, file, READ)) {
      assertThat(read(f, path, IoBuffer.of(m, 4, 16), 40)).isEqualTo(new IoResult(IoStatus.SUCCESS, 16));
    }
    byte[] got = m.toByteArray();
    assertThat(Arrays.copyOfRange(got, 4, 20)).isEqualTo(Arrays.copyOfRange(content, 40, 56));
    assertThat(Arrays.copyOfRange(got, 0, 4)).containsOnly((byte) 0x7E);
    assertThat(Arrays.copyOfRange(got, 20, 32)).containsOnly((byte) 0x7E);
  }

  @ParameterizedTest
  @EnumSource(IoPath.class)
  void aShortReadAtTheEndOfTheFileCompletesWithSuccessAndTheBytesRead(IoPath path) throws Exception {
    Path file = dir.resolve("ten");
    byte[] content = bytes(10, 1);
    Files.write(file, content);
    IoMemory m = IoMemory.allocate(100);
    try (IoTarget f = open(path, file, READ)) {
      assertThat(read(f, path, IoBuffer.of(m), 4)).isEqualTo(new IoResult(IoStatus.SUCCESS, 6));
    }
    assertThat(m.toByteArray(0, 6)).isEqualTo(Arrays.copyOfRange(content, 4, 10));
    assertThat(m.toByteArray(6, 94)).containsOnly((byte) 0);
  }

  @ParameterizedTest
  @EnumSource(IoPath.class)
  void aReadThatStartsAtOrPastTheEndOfTheFileCompletesWithEndOfFile(IoPath path) throws Exception {
    Path file = dir.resolve("ten");
    Files.write(file, bytes(10, 1));
    try (IoTarget f = open(path, file, READ)) {
      assertThat(read(f, path, IoBuffer.of(IoMemory.allocate(8)), 10)).isEqualTo(new IoResult(IoStatus.END_OF_FILE, 0));
      assertThat(read(f, path, IoBuffer.of(IoMemory.allocate(8)), 11)).isEqualTo(new IoResult(IoStatus.END_OF_FILE, 0));
      assertThat(read(f, path, IoBuffer.of(IoMemory.allocate(8)), Long.MAX_VALUE - 4))
          .isEqualTo(new IoResult(IoStatus.END_OF_FILE, 0));
      assertThat(read(f, path, null, 10)).as("a read of nothing").isEqualTo(new IoResult(IoStatus.SUCCESS, 0));
      assertThat(read(f, path, IoBuffer.of(IoMemory.allocate(8)), 2)).isEqualTo(new IoResult(IoStatus.SUCCESS, 8));
    }
  }

  @ParameterizedTest
  @EnumSource(IoPath.class)
  void aWriteWhoseEndLiesBeyondTheLargestFileCompletesOnceWithIoDeviceErrorAndTheFileServesOn(IoPath path)
      throws Exception {
    Path file = dir.resolve("data");
    try (IoTarget f = open(path, file, CREATE_NEW, READ, WRITE)) {
      assertThat(write(f, path, bytes(16, 0), Long.MAX_VALUE - 4)).isEqualTo(new IoResult(IoStatus.IO_DEVICE_ERROR, 0));
      assertThat(write(f, path, bytes(4, 9), 0)).isEqualTo(new IoResult(IoStatus.SUCCESS, 4));
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes(4, 9));
  }

  // =============================================================================================
  // Control codes
  // =============================================================================================

  @ParameterizedTest
  @EnumSource(IoPath.class)
  void flushSucceedsOnAWritableAndOnAReadOnlyFile(IoPath path) throws Exception {
    Path file = dir.resolve("data");
    try (IoTarget f = open(path, file, CREATE_NEW, READ, WRITE)) {
      assertThat(write(f, path, bytes(64, 5), 0)).isEqualTo(new IoResult(IoStatus.SUCCESS, 64));
      assertThat(control(f, path, FileTarget.FLUSH, null, null)).isEqualTo(new IoResult(IoStatus.SUCCESS, 0));
    }
    try (IoTarget f = open(path, file, READ)) {
      assertThat(control(f, path, FileTarget.FLUSH, null, null)).isEqualTo(new IoResult(IoStatus.SUCCESS, 0));
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes(64, 5));
  }

  @ParameterizedTest
  @EnumSource(IoPath.class)
  void querySizeReturnsTheSizeAsEightLittleEndianBytesAndBufferTooSmallForAShorterOutput(IoPath path)
      throws Exception {
    Path file = dir.resolve("data");
    Files.write(file, bytes(1234, 0));
    try (IoTarget f = open(path, file, READ)) {
      IoMemory out = IoMemory.allocate(8);
      assertThat(control(f, path, FileTarget.QUERY_SIZE, null, IoBuffer.of(out))).isEqualTo(new IoResult(IoStatus.SUCCESS, 8));
      assertThat(out.toByteArray()).containsExactly(0xD2, 0x04, 0, 0, 0, 0, 0, 0);

      IoMemory wide = IoMemory.allocate(16);
      wide.segment().fill((byte) 0x77);
      assertThat(control(f, path, FileTarget.QUERY_SIZE, null, IoBuffer.of(wide))).isEqualTo(new IoResult(IoStatus.SUCCESS, 8));
      assertThat(wide.segment().get(LONG_LE, 0)).isEqualTo(1234L);
      assertThat(wide.toByteArray(8, 8)).as("bytes past the information").containsOnly((byte) 0x77);

      IoMemory shortOut = IoMemory.allocate(4);
      shortOut.segment().fill((byte) 0x77);
      assertThat(control(f, path, FileTarget.QUERY_SIZE, null, IoBuffer.of(shortOut)))
          .isEqualTo(new IoResult(IoStatus.BUFFER_TOO_SMALL, 0));
      assertThat(shortOut.toByteArray()).containsOnly((byte) 0x77);
      assertThat(control(f, path, FileTarget.QUERY_SIZE, null, null)).isEqualTo(new IoResult(IoStatus.BUFFER_TOO_SMALL, 0));
    }
  }

  @ParameterizedTest
  @EnumSource(IoPath.class)
  void setSizeTruncatesAndExtendsTheFileWithZeros(IoPath path) throws Exception {
    Path file = dir.resolve("data");
    byte[] content = new byte[100];
    Arrays.fill(content, (byte) 0x11);
    Files.write(file, content);
    try (IoTarget f = open(path, file, READ, WRITE)) {
      assertThat(control(f, path, FileTarget.SET_SIZE, IoBuffer.of(IoMemory.wrap(longLe(40))), null))
          .isEqualTo(new IoResult(IoStatus.SUCCESS, 0));
      assertThat(Files.size(file)).isEqualTo(40);
      assertThat(control(f, path, FileTarget.SET_SIZE, IoBuffer.of(IoMemory.wrap(longLe(70))), null))
          .isEqualTo(new IoResult(IoStatus.SUCCESS, 0));
      assertThat(Files.size(file)).isEqualTo(70);
      IoMemory size = IoMemory.allocate(8);
      assertThat(control(f, path, FileTarget.QUERY_SIZE, null, IoBuffer.of(size))).isEqualTo(new IoResult(IoStatus.SUCCESS, 8));
      assertThat(size.segment().get(LONG_LE, 0)).isEqualTo(70L);

      assertThat(control(f, path, FileTarget.SET_SIZE, IoBuffer.of(IoMemory.allocate(4)), null))
          .isEqualTo(new IoResult(IoStatus.BUFFER_TOO_SMALL, 0));
      assertThat(control(f, path, FileTarget.SET_SIZE, IoBuffer.of(IoMemory.wrap(longLe(-1))), null))
          .isEqualTo(new IoResult(IoStatus.INVALID_PARAMETER, 0));
      assertThat(control(f, path, FileTarget.SET_SIZE, null, null)).isEqualTo(new IoResult(IoStatus.BUFFER_TOO_SMALL, 0));
    }
    byte[] onDisk = Files.readAllBytes(file);
    assertThat(onDisk).hasSize(70);
    assertThat(Arrays.copyOfRange(onDisk, 0, 40)).containsOnly((byte) 0x11);
    assertThat(Arrays.copyOfRange(onDisk, 40, 70)).containsOnly((byte) 0);
  }

  @Test
  void writesAndSetSizeOnAFileOpenedReadOnlyAreRefusedAtFormatWithAccessDenied() throws Exception {
    Path file = dir.resolve("data");
    Files.write(file, bytes(8, 2));
    try (IoTarget f = FileTarget.open(file, READ)) {
      IoRequest r = IoRequest.create();
      assertThat(r.formatRead(f, null, 0)).isEqualTo(IoStatus.SUCCESS);
      assertThat(r.formatWrite(f, IoBuffer.of(IoMemory.allocate(4)), 0)).isEqualTo(IoStatus.ACCESS_DENIED);
      assertThat(r.state()).isEqualTo(IoRequest.State.UNFORMATTED);
      assertThat(r.formatDeviceControl(f, FileTarget.SET_SIZE, IoBuffer.of(IoMemory.wrap(longLe(0))), null))
          .isEqualTo(IoStatus.ACCESS_DENIED);
      assertThat(f.sendSynchronously(IoFormat.write(IoBuffer.of(IoMemory.allocate(4)), 0), SendOptions.synchronously()))
          .isEqualTo(new IoResult(IoStatus.ACCESS_DENIED, 0));
      assertThat(read(f, IoPath.WORKERS, IoBuffer.of(IoMemory.allocate(8)), 0)).isEqualTo(new IoResult(IoStatus.SUCCESS, 8));
    }
    try (IoTarget f = FileTarget.open(file)) {   // no options: READ
      assertThat(IoRequest.create().formatWrite(f, null, 0)).isEqualTo(IoStatus.ACCESS_DENIED);
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes(8, 2));
  }

  @Test
  void anUnknownControlCodeIsRefusedAtFormatWithNotSupported() throws Exception {
    Path file = dir.resolve("data");
    try (IoTarget f = FileTarget.open(file, CREATE_NEW, READ, WRITE)) {
      IoRequest r = IoRequest.create();
      IoControlCode otherFunction = IoControlCode.of(FileTarget.DEVICE_TYPE, 0x8FF, IoControlCode.TransferMethod.BUFFERED, 0);
      IoControlCode otherDevice = IoControlCode.of(0x0022, 0x802, IoControlCode.TransferMethod.BUFFERED, 0);
      assertThat(r.formatDeviceControl(f, otherFunction, null, null)).isEqualTo(IoStatus.NOT_SUPPORTED);
      assertThat(r.formatDeviceControl(f, otherDevice, null, IoBuffer.of(IoMemory.allocate(8)))).isEqualTo(IoStatus.NOT_SUPPORTED);
      assertThat(r.formatInternalDeviceControl(f, otherFunction, null, null)).isEqualTo(IoStatus.NOT_SUPPORTED);
      assertThat(r.state()).isEqualTo(IoRequest.State.UNFORMATTED);
      assertThat(r.formatInternalDeviceControlOthers(f, FileTarget.FLUSH, null, null, null))
          .as("opaque arguments mean nothing to a file").isEqualTo(IoStatus.INVALID_DEVICE_REQUEST);
      assertThat(r.formatInternalDeviceControl(f, FileTarget.FLUSH, null, null)).isEqualTo(IoStatus.SUCCESS);
      assertThat(send(f, r, IoPath.WORKERS).await()).isEqualTo(new IoResult(IoStatus.SUCCESS, 0));
    }
  }

  // =============================================================================================
  // Cancel, close and open
  // =============================================================================================

  @Test
  void aRequestWaitingForABusyWorkerCanBeCancelledAndCompletesCancelledWithoutTouchingTheFile() throws Exception {
    Path file = dir.resolve("data");
    HeldExecutor busy = new HeldExecutor();
    try (IoTarget f = FileTarget.builder(file).options(CREATE_NEW, READ, WRITE).executor(busy).open()) {
      IoRequest w = IoRequest.create();
      assertThat(w.formatWrite(f, IoBuffer.of(IoMemory.wrap(bytes(32, 4))), 0)).isEqualTo(IoStatus.SUCCESS);
      Done done = new Done();
      w.setCompletionRoutine(done, null);
      assertThat(w.send(f)).isTrue();
      assertThat(w.state()).isEqualTo(IoRequest.State.SENT);
      assertThat(busy.tasks).as("the request waits for a worker").hasSize(1);

      assertThat(w.cancelSentRequest()).isTrue();

      assertThat(done.result).isDone();
      assertThat(done.await()).isEqualTo(new IoResult(IoStatus.CANCELLED, 0));
      assertThat(done.thread).isSameAs(Thread.currentThread());
      assertThat(f.pendingCount()).isZero();
      busy.runNext();   // the worker gets to it: it was cancelled, so it leaves it alone
      assertThat(done.count).hasValue(1);
      assertThat(Files.size(file)).isZero();

      // a request the worker has run cannot be cancelled any more
      IoRequest second = IoRequest.create();
      second.formatWrite(f, IoBuffer.of(IoMemory.wrap(bytes(8, 1))), 0);
      Done secondDone = new Done();
      second.setCompletionRoutine(secondDone, null);
      assertThat(second.send(f)).isTrue();
      busy.runNext();
      assertThat(secondDone.await()).isEqualTo(new IoResult(IoStatus.SUCCESS, 8));
      assertThat(second.cancelSentRequest()).isFalse();
      assertThat(secondDone.count).hasValue(1);
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes(8, 1));
  }

  /**
   * The framework presents the same request object again for the sender's next send: the worker task of
   * a cancelled send must leave that next send alone, and the next send's own task performs it.
   */
  @Test
  void aWaitingRequestCancelledAndSentAgainAtOnceIsPerformedOnlyByItsNewWorkerTask() throws Exception {
    Path file = dir.resolve("data");
    HeldExecutor busy = new HeldExecutor();
    try (IoTarget f = FileTarget.builder(file).options(CREATE_NEW, READ, WRITE).executor(busy).open()) {
      IoRequest w = IoRequest.create();
      assertThat(w.formatWrite(f, IoBuffer.of(IoMemory.wrap(bytes(16, 3))), 0)).isEqualTo(IoStatus.SUCCESS);
      Done again = new Done();
      AtomicInteger first = new AtomicInteger();
      w.setCompletionRoutine((request, target, params, ctx) -> {
        first.incrementAndGet();
        assertThat(params.status()).isEqualTo(IoStatus.CANCELLED);
        request.reuse();
        request.formatWrite(f, IoBuffer.of(IoMemory.wrap(bytes(16, 3))), 0);
        request.setCompletionRoutine(again, null);
        assertThat(request.send(f)).isTrue();
      }, null);
      assertThat(w.send(f)).isTrue();
      assertThat(w.cancelSentRequest()).isTrue();
      assertThat(first).hasValue(1);
      assertThat(busy.tasks).as("the cancelled send's task and the new send's task").hasSize(2);

      busy.runNext();   // the cancelled send's task

      assertThat(again.result).as("the new send waits for its own task").isNotDone();
      assertThat(w.state()).isEqualTo(IoRequest.State.SENT);
      assertThat(Files.size(file)).isZero();
      busy.runNext();
      assertThat(again.await()).isEqualTo(new IoResult(IoStatus.SUCCESS, 16));
      assertThat(again.count).hasValue(1);
      assertThat(first).hasValue(1);
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes(16, 3));
  }

  @ParameterizedTest
  @EnumSource(IoPath.class)
  void afterCloseSendsAreRefusedAndOpenReopensTheFile(IoPath path) throws Exception {
    Path file = dir.resolve("data");
    Files.createFile(file);
    IoTarget f = open(path, file, READ, WRITE);
    try {
      assertThat(write(f, path, "one".getBytes(StandardCharsets.US_ASCII), 0)).isEqualTo(new IoResult(IoStatus.SUCCESS, 3));
      IoRequest formattedBefore = IoRequest.create();
      assertThat(formattedBefore.formatWrite(f, IoBuffer.of(IoMemory.wrap("two".getBytes(StandardCharsets.US_ASCII))), 3))
          .isEqualTo(IoStatus.SUCCESS);
      Done done = new Done();
      formattedBefore.setCompletionRoutine(done, null);

      f.close();

      assertThat(f.state()).isEqualTo(IoTargetState.CLOSED);
      assertThat(formattedBefore.send(f)).isFalse();
      assertThat(formattedBefore.status()).isEqualTo(IoStatus.INVALID_DEVICE_STATE);
      assertThat(IoRequest.create().formatRead(f, null, 0)).isEqualTo(IoStatus.INVALID_DEVICE_STATE);
      assertThat(f.sendSynchronously(IoFormat.read(IoBuffer.of(IoMemory.allocate(3)), 0), SendOptions.synchronously()))
          .isEqualTo(new IoResult(IoStatus.INVALID_DEVICE_STATE, 0));
      assertThat(f.start()).isEqualTo(IoStatus.INVALID_DEVICE_STATE);
      assertThat(done.count).hasValue(0);

      // the file is really closed: gone while closed, it cannot be reopened (no CREATE), and the target stays closed
      Files.move(file, dir.resolve("aside"));
      assertThat(f.open()).isEqualTo(IoStatus.IO_DEVICE_ERROR);
      assertThat(CapturedLogs.take()).singleElement().satisfies(r -> {
        assertThat(r.getLevel()).isEqualTo(java.util.logging.Level.WARNING);
        assertThat(r.getMessage()).isEqualTo("file " + file + " could not be opened again");
        assertThat(r.getThrown()).isInstanceOf(NoSuchFileException.class);
      });
      assertThat(f.state()).isEqualTo(IoTargetState.CLOSED);
      Files.move(dir.resolve("aside"), file);

      assertThat(f.open()).isEqualTo(IoStatus.SUCCESS);
      assertThat(f.state()).isEqualTo(IoTargetState.STARTED);
      assertThat(formattedBefore.send(f)).as("the refused send kept its format and routine").isTrue();
      assertThat(done.await()).isEqualTo(new IoResult(IoStatus.SUCCESS, 3));
      IoMemory back = IoMemory.allocate(6);
      assertThat(read(f, path, IoBuffer.of(back), 0)).isEqualTo(new IoResult(IoStatus.SUCCESS, 6));
      assertThat(new String(back.toByteArray(), StandardCharsets.US_ASCII)).isEqualTo("onetwo");
    } finally {
      f.close();
    }
    assertThat(Files.readString(file)).isEqualTo("onetwo");
  }

  @Test
  void appendIsRejectedBecauseWritesArePositionalAndAMissingFileIsNotCreatedWithoutCreate() {
    assertThatThrownBy(() -> FileTarget.open(dir.resolve("log"), WRITE, StandardOpenOption.APPEND))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("options: APPEND (expected: positional writes; give the offset instead)");
    assertThatThrownBy(() -> FileTarget.open(dir.resolve("missing"), READ, WRITE)).isInstanceOf(NoSuchFileException.class);
    assertThat(dir.resolve("missing")).doesNotExist();
  }

  // =============================================================================================
  // sendAsync
  // =============================================================================================

  @ParameterizedTest
  @EnumSource(IoPath.class)
  void sendAsyncCompletesItsFutureWithTheResultOrTheRefusalStatus(IoPath path) throws Exception {
    Path file = dir.resolve("data");
    try (IoTarget f = open(path, file, CREATE_NEW, READ, WRITE)) {
      IoRequest r = IoRequest.create();
      r.formatWrite(f, IoBuffer.of(IoMemory.wrap(bytes(20, 6))), 0);
      CompletableFuture<IoResult> written = r.sendAsync(f, SendOptions.defaults());
      assertThat(written.get(5, TimeUnit.SECONDS)).isEqualTo(new IoResult(IoStatus.SUCCESS, 20));
      assertThat(r.status()).isEqualTo(IoStatus.SUCCESS);

      IoRequest unformatted = IoRequest.create();
      CompletableFuture<IoResult> refused = unformatted.sendAsync(f, SendOptions.defaults());
      assertThat(refused).isCompletedWithValue(new IoResult(IoStatus.REQUEST_NOT_ACCEPTED, 0));

      IoRequest ok = IoRequest.create();
      ok.formatRead(f, IoBuffer.of(IoMemory.allocate(4)), 0);
      f.purge(PurgeAction.PURGE_IO);
      assertThat(ok.sendAsync(f, SendOptions.defaults())).isCompletedWithValue(new IoResult(IoStatus.INVALID_DEVICE_STATE, 0));
      assertThat(f.start()).isEqualTo(IoStatus.SUCCESS);
      assertThat(ok.sendAsync(f, SendOptions.defaults()).get(5, TimeUnit.SECONDS)).isEqualTo(new IoResult(IoStatus.SUCCESS, 4));
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes(20, 6));
  }

  @Test
  void cancellingTheSendAsyncFutureCancelsTheWaitingRequestWhichNeverTouchesTheFile() throws Exception {
    Path file = dir.resolve("data");
    HeldExecutor busy = new HeldExecutor();
    try (IoTarget f = FileTarget.builder(file).options(CREATE_NEW, READ, WRITE).executor(busy).open()) {
      IoRequest r = IoRequest.create();
      r.formatWrite(f, IoBuffer.of(IoMemory.wrap(bytes(32, 8))), 0);
      CompletableFuture<IoResult> future = r.sendAsync(f, SendOptions.defaults());
      assertThat(future).isNotDone();
      assertThat(busy.tasks).hasSize(1);

      assertThat(future.cancel(true)).as("cancel() of a future not yet done").isTrue();

      assertThat(future.isCancelled()).isTrue();
      assertThatThrownBy(future::join).isInstanceOf(CancellationException.class);
      assertThat(r.state()).as("the request completed").isEqualTo(IoRequest.State.COMPLETED);
      assertThat(r.status()).isEqualTo(IoStatus.CANCELLED);
      assertThat(r.cancelRequested()).isTrue();
      assertThat(f.pendingCount()).isZero();
      busy.runNext();
      assertThat(Files.size(file)).isZero();

      // a future already done is not cancelled, and its request is left alone
      r.reuse();
      r.formatWrite(f, IoBuffer.of(IoMemory.wrap(bytes(4, 8))), 0);
      CompletableFuture<IoResult> done = r.sendAsync(f, SendOptions.defaults());
      busy.runNext();
      assertThat(done.get(5, TimeUnit.SECONDS)).isEqualTo(new IoResult(IoStatus.SUCCESS, 4));
      assertThat(done.cancel(true)).isFalse();
      assertThat(r.cancelRequested()).as("no cancel reached the completed request").isFalse();
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes(4, 8));
  }

  // =============================================================================================
  // One request, two files: the multi-target pattern of the KMDF page
  // =============================================================================================

  @ParameterizedTest(name = "case 66 (Courier D11: the format is kept) on {0}")
  @EnumSource(IoPath.class)
  void oneRequestWrittenToFileAThenMovedToFileBInItsRoutineLeavesBothFilesWithTheSameBytes(IoPath path)
      throws Exception {
    Path fileA = dir.resolve("a");
    Path fileB = dir.resolve("b");
    byte[] data = bytes(4096, 13);
    IoMemory memory = IoMemory.wrap(data);
    try (IoTarget a = open(path, fileA, CREATE_NEW, READ, WRITE);
        IoTarget b = open(path, fileB, CREATE_NEW, READ, WRITE)) {
      IoRequest r = IoRequest.create();
      assertThat(r.formatWrite(a, IoBuffer.of(memory), 512)).isEqualTo(IoStatus.SUCCESS);
      Done toB = new Done();
      CompletableFuture<List<Object>> seenInA = new CompletableFuture<>();   // published when routine A returns
      AtomicInteger routineA = new AtomicInteger();
      r.setCompletionRoutine((request, target, params, ctx) -> {
        routineA.incrementAndGet();
        List<Object> seen = new ArrayList<>();
        seen.add(target);
        seen.add(params.result());
        seen.add(request.changeTarget(b));
        request.setCompletionRoutine(toB, null);
        seen.add(request.send(b));
        seenInA.complete(seen);
      }, null);

      assertThat(r.send(a)).isTrue();

      assertThat(toB.await()).isEqualTo(new IoResult(IoStatus.SUCCESS, data.length));
      assertThat(routineA).hasValue(1);
      assertThat(seenInA.get(5, TimeUnit.SECONDS))
          .containsExactly(a, new IoResult(IoStatus.SUCCESS, data.length), IoStatus.SUCCESS, true);
      assertThat(toB.count).hasValue(1);
      assertThat(toB.target).isSameAs(b);
      assertThat(toB.type).isEqualTo(IoRequestType.WRITE);
      assertThat(toB.buffer).isSameAs(memory);
      assertThat(r.target()).isSameAs(b);
      assertThat(memory.pinCount()).as("one format, pinned once").isEqualTo(1);
      awaitIdle(a);
      awaitIdle(b);
    }
    byte[] inA = Files.readAllBytes(fileA);
    assertThat(inA).isEqualTo(Files.readAllBytes(fileB));
    assertThat(inA).hasSize(512 + data.length);
    assertThat(Arrays.copyOfRange(inA, 512, inA.length)).isEqualTo(data);
  }

  // =============================================================================================
  // A full disk (a 1 MiB tmpfs, when the test may mount one)
  // =============================================================================================

  @ParameterizedTest
  @EnumSource(IoPath.class)
  void aWriteToAFullDiskCompletesOnceWithDiskFullAndTheEarlierDataReadsBackIntact(IoPath path) throws Exception {
    Path mnt = dir.resolve("tmpfs");
    Files.createDirectory(mnt);
    assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt.toString()),
        "needs root and a tmpfs mount; skipped");
    try {
      final int chunk = 64 * 1024;
      List<byte[]> written = new ArrayList<>();
      Done full = null;
      IoRequest failing = null;
      try (IoTarget f = open(path, mnt.resolve("fill"), CREATE_NEW, READ, WRITE)) {
        for (int i = 0; i < 64 && full == null; i++) {   // 64 x 64 KiB = 4 MiB: more than the 1 MiB tmpfs holds
          byte[] data = bytes(chunk, i);
          IoRequest r = IoRequest.create();
          assertThat(r.formatWrite(f, IoBuffer.of(IoMemory.wrap(data)), (long) i * chunk)).isEqualTo(IoStatus.SUCCESS);
          Done done = send(f, r, path);
          IoResult result = done.await();
          if (result.isSuccess()) {
            assertThat(result).isEqualTo(new IoResult(IoStatus.SUCCESS, chunk));
            written.add(data);
          } else {
            full = done;
            failing = r;
          }
        }
        assertThat(full).as("a write failed before 4 MiB").isNotNull();
        assertThat(full.await()).isEqualTo(new IoResult(IoStatus.DISK_FULL, 0));
        assertThat(failing.status()).isEqualTo(IoStatus.DISK_FULL);
        assertThat(written).as("chunks acknowledged before the disk was full").hasSizeBetween(8, 16);

        for (int i = 0; i < written.size(); i++) {
          IoMemory back = IoMemory.allocate(chunk);
          assertThat(read(f, path, IoBuffer.of(back), (long) i * chunk)).isEqualTo(new IoResult(IoStatus.SUCCESS, chunk));
          assertThat(back.toByteArray()).as("chunk %d reads back intact", i).isEqualTo(written.get(i));
        }
        // still full: the next write fails too; once space is freed, writes succeed again
        assertThat(write(f, path, bytes(chunk, 99), (long) written.size() * chunk))
            .isEqualTo(new IoResult(IoStatus.DISK_FULL, 0));
        long keep = (long) (written.size() - 2) * chunk;
        assertThat(control(f, path, FileTarget.SET_SIZE, IoBuffer.of(IoMemory.wrap(longLe(keep))), null).status())
            .isEqualTo(IoStatus.SUCCESS);
        assertThat(write(f, path, bytes(chunk, 77), keep)).isEqualTo(new IoResult(IoStatus.SUCCESS, chunk));
        awaitIdle(f);
      }
      assertThat(full.count).as("the failed write completed exactly once").hasValue(1);
    } finally {
      if (!run("umount", mnt.toString())) {
        run("umount", "-l", mnt.toString());
      }
    }
  }

  /** Runs a command, bounded to 10 s; returns whether it exited with 0. */
  static boolean run(String... command) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException notThere) {
      return false;
    }
    p.getOutputStream().close();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return false;
    }
    p.getInputStream().readAllBytes();
    return p.exitValue() == 0;
  }
}
