package dev.courier.io;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The layer of {@link RealIoRequest} that links a request to its presentations: the presented object a sender
 * reuses from send to send (its companion), who presented a presented request and is told when it is finished,
 * the framework frames that may still complete it, and its place on a {@link DeliveryTrampoline}.
 *
 * <p>Threading: the sender's sends replace the companion, and what retires it (a send-and-forget, a cancel that
 * claims its routine) drops it; the owner is written by the presenting thread before the handler sees the
 * request, and taken by the one that finishes it; frames are counted atomically, since the sender's next send
 * may read them on another thread; the trampoline's links belong to the thread delivering the request.
 */
abstract class PresentedRequest extends InFlightRequest {
  private static final VarHandle FRAMES = fieldHandle(MethodHandles.lookup(), "frames", int.class);

  private PresentationOwner owner;        // told when this presented request is finished
  RealIoRequest companion;                // this request as presented to a driver, reused per send
  @SuppressWarnings("unused") // through FRAMES
  private volatile int frames;            // framework frames (dispatch, handler) that may complete this presentation
  RealIoRequest deferredNext;             // the next presentation waiting on a delivery trampoline
  RealIoTarget deferredTo;                // the target delivering it

  PresentedRequest(Origin origin, RealIoRequest source) {
    super(origin, source);
  }

  /** The presenter (a device queue) to tell when this presented request is finished. */
  final void setOwner(PresentationOwner owner) {
    this.owner = owner;
  }

  /** Who presented this request, to be told once that it is finished: the slot is emptied. */
  final PresentationOwner takeOwner() {
    PresentationOwner presenter = owner;
    owner = null;
    return presenter;
  }

  /** A framework frame that completes this presented request if its handler throws begins. */
  final void enterFrame() {
    FRAMES.getAndAdd(this, 1);
  }

  /** The frame begun by {@link #enterFrame()} has ended. */
  final void exitFrame() {
    FRAMES.getAndAdd(this, -1);
  }

  /** Whether a frame begun by {@link #enterFrame()} has not ended yet. */
  final boolean inFrame() {
    return (int) FRAMES.getVolatile(this) != 0;
  }

  /** Never presents {@code presented} again for this sender's sends, if it is this sender's companion. */
  final void retire(PresentedRequest presented) {
    if (companion == presented) {
      companion = null;
    }
  }
}
