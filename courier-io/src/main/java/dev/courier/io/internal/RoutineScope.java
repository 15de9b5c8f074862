package dev.courier.io.internal;

/**
 * Marks the threads that are running a completion routine, so that calls which would block there are
 * refused instead of deadlocking.
 */
public final class RoutineScope {
  private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

  private RoutineScope() {}

  /** Enters a routine on this thread; returns the counter to pass to {@link #exit}. */
  public static int[] enter() {
    int[] depth = DEPTH.get();
    depth[0]++;
    return depth;
  }

  /** Leaves a routine entered with {@link #enter}. */
  public static void exit(int[] depth) {
    depth[0]--;
  }

  /** Throws {@link IllegalStateException} when this thread is inside a completion routine. */
  public static void checkMayBlock(String what) {
    if (DEPTH.get()[0] > 0) {
      throw new IllegalStateException(
          what + " would block inside a completion routine (expected: an asynchronous send, or a call from another thread)");
    }
  }
}
