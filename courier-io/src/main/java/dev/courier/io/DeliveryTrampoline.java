package dev.courier.io;

/**
 * Bounds how deeply deliveries nest on one thread: a request resent from its completion routine through a
 * driver that completes inline is delivered inside the previous delivery, so a long chain of resends would
 * overflow the stack. Past {@link #MAX_DEPTH} nested deliveries, a presented request waits here and the
 * outermost delivery of the thread hands it to its driver once the deliveries inside it have returned.
 *
 * <p>Threading: one instance per thread, used only by that thread; the waiting requests are linked through
 * their own fields, so deferring allocates nothing.
 */
final class DeliveryTrampoline {
  /** Deliveries nested deeper than this on one thread wait for the outermost one to return. */
  static final int MAX_DEPTH = 16;
  private static final ThreadLocal<DeliveryTrampoline> CURRENT = ThreadLocal.withInitial(DeliveryTrampoline::new);

  /** Deliveries now in progress on this thread. */
  int depth;
  private boolean running;
  private RealIoRequest head;
  private RealIoRequest tail;

  private DeliveryTrampoline() {}

  static DeliveryTrampoline current() {
    return CURRENT.get();
  }

  /** Queues {@code presented} for {@code target}'s driver, in order. */
  void defer(RealIoRequest presented, RealIoTarget target) {
    presented.deferredTo = target;
    presented.deferredNext = null;
    if (tail == null) {
      head = presented;
    } else {
      tail.deferredNext = presented;
    }
    tail = presented;
  }

  /** Delivers what waits, including what those deliveries defer in turn; called by the outermost delivery. */
  void runDeferred() {
    if (running || head == null) {
      return;
    }
    running = true;
    try {
      for (RealIoRequest p; (p = head) != null; ) {
        head = p.deferredNext;
        if (head == null) {
          tail = null;
        }
        RealIoTarget target = p.deferredTo;
        p.deferredNext = null;
        p.deferredTo = null;
        target.deliverDeferred(p);
      }
    } finally {
      running = false;
    }
  }
}
