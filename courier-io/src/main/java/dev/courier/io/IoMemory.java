package dev.courier.io;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A memory object that requests read from and write to: the Java counterpart of a KMDF {@code WDFMEMORY}.
 *
 * <p>A format pins each memory it names until the request is formatted again, reused, deleted, or (for a
 * presented request) completed; {@link #pinCount()} shows how many formats hold it. Memory is usually
 * combined with an offset and a length into an {@link IoBuffer}.
 *
 * <pre>{@code
 * IoMemory page = IoMemory.allocate(4096);
 * request.formatRead(file, IoBuffer.of(page), 8192);   // read 4 KiB at file offset 8192
 * }</pre>
 *
 * <p>Thread safety: the pin count is atomic; the contents are plain memory, and the framework never
 * touches them while no request that names them is in flight.
 */
public final class IoMemory {
  private static final VarHandle PINS;

  static {
    try {
      PINS = MethodHandles.lookup().findVarHandle(IoMemory.class, "pins", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final MemorySegment segment;
  @SuppressWarnings("unused") // accessed through PINS
  private volatile int pins;

  private IoMemory(MemorySegment segment) {
    this.segment = segment;
  }

  /** Allocates zeroed heap memory of {@code size} bytes. */
  public static IoMemory allocate(int size) {
    if (size < 0) {
      throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
    }
    return new IoMemory(MemorySegment.ofArray(new byte[size]));
  }

  /** Allocates zeroed native memory of {@code size} bytes, freed by the garbage collector. */
  public static IoMemory allocateNative(long size) {
    if (size < 0) {
      throw new IllegalArgumentException("size: " + size + " (expected: >= 0)");
    }
    return new IoMemory(Arena.ofAuto().allocate(size, 8));
  }

  /** Wraps an array without copying it. */
  public static IoMemory wrap(byte[] bytes) {
    return new IoMemory(MemorySegment.ofArray(Objects.requireNonNull(bytes, "bytes")));
  }

  /** Wraps the remaining bytes of a buffer without copying them. */
  public static IoMemory wrap(ByteBuffer buffer) {
    return new IoMemory(MemorySegment.ofBuffer(Objects.requireNonNull(buffer, "buffer")));
  }

  /** Wraps a memory segment; the caller keeps it alive as long as requests may use it. */
  public static IoMemory of(MemorySegment segment) {
    return new IoMemory(Objects.requireNonNull(segment, "segment"));
  }

  /** The size in bytes. */
  public long size() {
    return segment.byteSize();
  }

  /** The whole memory as a segment. */
  public MemorySegment segment() {
    return segment;
  }

  /** How many format slots currently pin this memory (a format naming it twice pins it twice). */
  public int pinCount() {
    return pins;
  }

  /** A copy of the bytes in {@code [offset, offset + length)}. */
  public byte[] toByteArray(long offset, int length) {
    return segment.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
  }

  /** A copy of all bytes. */
  public byte[] toByteArray() {
    return segment.toArray(ValueLayout.JAVA_BYTE);
  }

  void pin() {
    PINS.getAndAdd(this, 1);
  }

  void unpin() {
    PINS.getAndAdd(this, -1);
  }

  @Override
  public String toString() {
    return "IoMemory[size=" + size() + ", pins=" + pins + "]";
  }
}
