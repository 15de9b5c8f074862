package dev.courier.io;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * The layer of {@link RealIoRequest} that cancels it. The cancel state of the "IRP" (the cancel flag a driver
 * sees, and the one cancel-routine slot) lives on the root of a presentation chain: a request presented by a
 * device shares it with the request its sender sent, so a sender's cancel reaches whichever driver currently
 * holds the request. Each request keeps its own sticky cancel request, and a presented one its cancelable mark.
 *
 * <p>Threading: any thread may cancel. The flag and the slot are volatile, and a cancel routine runs once: the
 * thread that takes it out of the slot runs it. The cancelable mark is written only by the handler owning the
 * presentation.
 */
abstract class CancelableRequest extends PresentedRequest {
  private static final VarHandle SLOT = fieldHandle(MethodHandles.lookup(), "slotRoutine", CancelRoutine.class);

  private boolean markedCancelable;               // written only by the handler owning this presentation
  private volatile boolean cancelClaimed;         // a cancel took this presentation's routine; never presented again
  private volatile boolean cancelRequested;       // sticky until reuse
  private volatile boolean cancelledByTarget;     // its target cancelled this send (stop, purge, close)
  private volatile boolean cancelledBySender;     // its sender cancelled it, or its timer did: sticky until reuse
  private volatile boolean irpCancel;             // the IRP's cancel flag (meaningful on a chain root)
  private volatile CancelRoutine slotRoutine;     // the IRP's cancel routine (on a chain root)
  private volatile CancelableRequest slotRequest; // the request handed to slotRoutine

  CancelableRequest(Origin origin, RealIoRequest source) {
    super(origin, source);
  }

  @Override
  public boolean cancelSentRequest() {
    checkOwned();
    cancelRequested = true;
    cancelledBySender = true;
    if (!tryAcquireRef()) {
      return false;
    }
    boolean reached = irpCancel();
    releaseRef();
    return reached;
  }

  /** A cancel by the timer of a request whose reference the caller holds: the sender's, sticky until reuse. */
  final void cancelHeld() {
    cancelRequested = true;
    cancelledBySender = true;
    irpCancel();
    releaseRef();
  }

  /**
   * A cancel by the target the request was sent to (stop, purge, close) of a request whose reference the caller
   * holds: it cancels this send alone. The sender asked for nothing, so once the request has completed it may go
   * to another target ({@link #endTargetCancel()}), as a request a driver sends on after its target was removed;
   * {@link #cancelRequested()} reports the cancel until reuse all the same.
   */
  final void cancelHeldByTarget() {
    cancelledByTarget = true;
    cancelRequested = true;
    irpCancel();
    releaseRef();
  }

  /**
   * The request has completed: a cancel its target made ends with that send, unless the sender cancelled too.
   * Called before its completion routine runs, which may send it on.
   */
  final void endTargetCancel() {
    if (cancelledByTarget) {
      cancelledByTarget = false;
      if (!cancelledBySenderAlongChain()) {
        irpRoot().irpCancel = false;          // cancelRequested() still reports it, until reuse
      }
    }
  }

  /** Whether this request, or one it presents, was cancelled by its sender or timer: then the IRP stays cancelled. */
  private boolean cancelledBySenderAlongChain() {
    for (CancelableRequest r = this; r != null; r = r.source) {
      if (r.cancelledBySender) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean cancelRequested() {
    return cancelRequested;
  }

  /**
   * Whether its next send is refused as cancelled: its sender cancelled it (or the request it presents), or its
   * timer did, since its last reuse. A cancel by a target (stop, purge, close) cancelled that send only.
   */
  final boolean sendCancelled() {
    return cancelledBySenderAlongChain();
  }

  @Override
  public boolean isCanceled() {
    return irpRoot().irpCancel;
  }

  private CancelableRequest irpRoot() {
    CancelableRequest r = this;
    while (r.source != null) {
      r = r.source;
    }
    return r;
  }

  /** Sets the IRP's cancel flag and runs the cancel routine if one is installed; returns whether one ran. */
  private boolean irpCancel() {
    CancelableRequest root = irpRoot();
    root.irpCancel = true;
    CancelRoutine r = (CancelRoutine) SLOT.getAndSet(root, (CancelRoutine) null);
    if (r == null) {
      return false;
    }
    CancelableRequest holder = root.slotRequest;
    holder.claimedByCancel();
    try {
      r.onCancel(holder);
    } catch (RuntimeException | Error e) {
      // The routine owned the request; unless it completed it before throwing, nobody else will.
      CallbackFailureHandler.report(
          "cancel routine of " + holder + " (the request is completed with STATUS_CANCELLED)", e);
      holder.completeIfOwned(IoStatus.CANCELLED);
    }
    return true;
  }

  /**
   * Completes a presented request whose handler (a driver, a queue handler, a cancel routine) threw, if the
   * handler still owned it: not yet sent on, or sent on and back; a request that is in flight again, or already
   * completed by someone else, is left alone.
   */
  abstract void completeIfOwned(IoStatus st);

  /**
   * Records that a cancel took this request's cancel routine, before the routine runs: the handler holding a
   * presented request may call {@link #unmarkCancelable()} at any time after, and the routine's completion
   * must not make the framework present the same object again for the sender's next send, which the handler
   * would then be touching.
   */
  private void claimedByCancel() {
    if (origin == Origin.QUEUE_PRESENTED) {
      cancelClaimed = true;
      source.retire(this);
    }
  }

  /** Installs a cancel routine in the IRP slot; false when the IRP is cancelled already. */
  final boolean installCancelRoutine(CancelRoutine r) {
    CancelableRequest root = irpRoot();
    if (root.irpCancel) {
      return false;
    }
    root.slotRequest = this;
    root.slotRoutine = r;
    if (root.irpCancel && SLOT.compareAndSet(root, r, (CancelRoutine) null)) {
      return false;
    }
    return true;
  }

  /**
   * Takes the cancel routine out of the IRP slot if it is still {@code r} installed by this request; false when a
   * cancel claimed it, or when the slot holds a later presentation's routine (one routine object may serve many
   * requests: a queue's). A caller that can race a new installation of {@code r} claims under the lock it installs
   * {@code r} with.
   */
  final boolean removeCancelRoutine(CancelRoutine r) {
    CancelableRequest root = irpRoot();
    return root.slotRequest == this && SLOT.compareAndSet(root, r, (CancelRoutine) null);
  }

  @Override
  public IoStatus markCancelable(CancelRoutine routine) {
    Objects.requireNonNull(routine, "routine");
    checkPresented("markCancelable");
    if (markedCancelable) {
      throw new IllegalStateException("markCancelable: request is marked cancelable already");
    }
    if (!installCancelRoutine(routine)) {
      return IoStatus.CANCELLED;
    }
    markedCancelable = true;
    return IoStatus.SUCCESS;
  }

  @Override
  public IoStatus unmarkCancelable() {
    if (origin != Origin.QUEUE_PRESENTED) {
      throw new IllegalStateException("unmarkCancelable: only a presented request can be (un)marked cancelable");
    }
    // The state is read before the claim: a cancel routine records its claim before it can complete the
    // request, so a completion seen here is either the routine's (claimed) or the handler's own.
    State s = state;
    if (cancelClaimed || s == State.DRIVER_COMPLETED) {
      return IoStatus.CANCELLED;   // the cancel routine completes it, or has completed it
    }
    if (s == State.FORGOTTEN) {
      throw new IllegalStateException("request no longer owned: it is " + s);
    }
    if (!markedCancelable) {
      throw new IllegalStateException("unmarkCancelable: request is not marked cancelable");
    }
    markedCancelable = false;
    CancelRoutine current = irpRoot().slotRoutine;
    if (current != null && removeCancelRoutine(current)) {
      return IoStatus.SUCCESS;
    }
    return IoStatus.CANCELLED;     // a cancel took the routine meanwhile
  }

  /** The handler is done with this presented request: its cancel routine, if it marked it, comes out of the slot. */
  final void dropCancelMark() {
    if (!cancelClaimed && markedCancelable) {   // once claimed, the mark is the handler's: the routine leaves it
      markedCancelable = false;
      CancelRoutine current = irpRoot().slotRoutine;
      if (current != null) {
        removeCancelRoutine(current);
      }
    }
  }

  /** A new presentation of this object: no cancel requested, not marked cancelable. */
  final void clearCancelForPresentation() {
    cancelRequested = false;
    clearCancelledBy();
    markedCancelable = false;
  }

  /** Clears who cancelled it; writes (a fence each) only what is set, which a send that was not cancelled skips. */
  private void clearCancelledBy() {
    if (cancelledBySender || cancelledByTarget) {
      cancelledBySender = false;
      cancelledByTarget = false;
    }
  }

  /** The owner reuses this request: no cancel requested; on a chain's root, the IRP is not cancelled either. */
  final void clearCancelForReuse() {
    cancelRequested = false;
    clearCancelledBy();
    if (source == null) {
      irpCancel = false;
      slotRoutine = null;
    }
  }

  private void checkPresented(String what) {
    if (origin != Origin.QUEUE_PRESENTED) {
      throw new IllegalStateException(what + ": only a presented request can be (un)marked cancelable");
    }
    checkOwned();
  }
}
