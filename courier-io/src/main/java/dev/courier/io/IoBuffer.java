package dev.courier.io;

import java.util.Objects;

/**
 * A memory object with the offset and length of the part a request uses ({@code WDFMEMORY} plus
 * {@code WDFMEMORY_OFFSET}).
 *
 * <p>The length follows KMDF: offset 0 with length 0 means the whole memory, another offset with length
 * 0 means everything from the offset on. The range is checked when a request is formatted: a range
 * beyond the memory, or one whose end overflows, makes the format fail with
 * {@link IoStatus#INTEGER_OVERFLOW}.
 *
 * <pre>{@code
 * IoBuffer header = IoBuffer.of(memory, 0, 64);
 * IoBuffer body = IoBuffer.of(memory, 64, 0);    // from 64 to the end
 * }</pre>
 *
 * @param memory the memory object
 * @param offset where the used part starts, in bytes from the start of the memory
 * @param length how many bytes are used; 0 follows the rule above
 */
public record IoBuffer(IoMemory memory, long offset, long length) {

  /** Checks the arguments: the memory must be present and the offset and length not negative. */
  public IoBuffer {
    Objects.requireNonNull(memory, "memory");
    if (offset < 0) {
      throw new IllegalArgumentException("offset: " + offset + " (expected: >= 0)");
    }
    if (length < 0) {
      throw new IllegalArgumentException("length: " + length + " (expected: >= 0)");
    }
  }

  /** The whole memory. */
  public static IoBuffer of(IoMemory memory) {
    return new IoBuffer(memory, 0, 0);
  }

  /** {@code length} bytes of the memory from {@code offset}. */
  public static IoBuffer of(IoMemory memory, long offset, long length) {
    return new IoBuffer(memory, offset, length);
  }

  /** Whether the range lies within the memory and its end does not overflow. */
  public boolean fits() {
    long end = offset + length;
    return end >= 0 && end <= memory.size();
  }

  /** The number of bytes a request transfers with this buffer (the KMDF rule for a zero length). */
  public long transferLength() {
    if (length != 0) {
      return length;
    }
    return offset == 0 ? memory.size() : memory.size() - offset;
  }
}
