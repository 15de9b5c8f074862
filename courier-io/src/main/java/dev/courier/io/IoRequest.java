package dev.courier.io;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;

/**
 * A reusable I/O request: formatted for a target, sent, and completed exactly once per send
 * ({@code WDFREQUEST}).
 *
 * <pre>{@code
 * IoRequest request = IoRequest.create();
 * request.formatRead(file, IoBuffer.of(page), 0);
 * request.setCompletionRoutine((req, target, params, ctx) -> IO.println(params.length() + " bytes"), null);
 * if (!request.send(file, SendOptions.withTimeout(Duration.ofSeconds(1)))) {
 *   IO.println("not sent: " + request.status());  // the routine is not called
 * }
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 * <pre>
 * UNFORMATTED --format--&gt; FORMATTED --send--&gt; QUEUED | SENT --complete--&gt; COMPLETED --reuse--&gt; UNFORMATTED
 *                              ^                                               |
 *                              '------- send again (a new routine) ------------'
 * </pre>
 * A send returns {@code true} when the target accepted the request (delivered or queued) and
 * {@code false} when it refused it; {@link #status()} then says why and the completion routine is not
 * called. An accepted request completes exactly once, whatever races between the target, cancel,
 * timeout, stop, purge and close. A completion consumes the routine registration; the format stays,
 * so the request can be resent, or moved with {@link #changeTarget} to the next target.
 *
 * <h2>Threading</h2>
 * All methods may be called from any thread, including a completion routine. A request has at most one
 * send in flight: sending, reusing or deleting a queued or sent request throws
 * {@link IllegalStateException}. {@link #cancelSentRequest()} may race with completion and is safe to
 * call at any time. Routines run as {@link CompletionRoutine} describes.
 *
 * <h2>Presented requests</h2>
 * A device handler receives requests of origin {@link Origin#QUEUE_PRESENTED}. It reads their
 * parameters ({@link #type()}, {@link #length()}, {@link #inputBuffer()}, ...), completes them with
 * {@link #complete(IoStatus, long)}, marks them cancelable, or forwards them with
 * {@link #formatUsingCurrentType()} and {@link #send}. A presented request object is valid until it is
 * completed or forgotten; the framework may present the same object again for the sender's next send,
 * but never while a framework call that completes it if its handler throws is still running, and never
 * once a cancel has claimed its cancel routine.
 */
public interface IoRequest {

  /** Where a request came from. */
  enum Origin {
    /** Created by {@link IoRequest#create()}; deleted or reused by its owner, never completed. */
    CREATED,
    /** Presented by a device queue; completed by its handler. */
    QUEUE_PRESENTED
  }

  /** The lifecycle state of a request. */
  enum State {
    /** No format: initially, after a failed format and after reuse. */
    UNFORMATTED,
    /** Formatted for a target and ready to send. */
    FORMATTED,
    /** Accepted by a stopped target and waiting in its queue. */
    QUEUED,
    /** Delivered to its target. */
    SENT,
    /** Completed; the completion routine may be running. */
    COMPLETED,
    /** A presented request its handler completed; final. */
    DRIVER_COMPLETED,
    /** A presented request sent and forgotten; final. */
    FORGOTTEN,
    /** A created request that was deleted; final. */
    DELETED
  }

  /** A new, unformatted request. */
  static IoRequest create() {
    return RealIoRequest.create();
  }

  /** Where this request came from. */
  Origin origin();

  /** The current lifecycle state. */
  State state();

  // ---- formatting -------------------------------------------------------------------------------

  /**
   * Formats a read of {@code buffer} (or of nothing, when {@code null}) at {@code deviceOffset} of
   * {@code target}. Returns {@link IoStatus#SUCCESS}, or: {@link IoStatus#INTEGER_OVERFLOW} when the
   * buffer's range does not fit its memory, {@link IoStatus#INVALID_DEVICE_STATE} when the target is
   * closed or deleted, {@link IoStatus#INVALID_DEVICE_REQUEST} when the request is queued or sent. A
   * failed format leaves the request {@link State#UNFORMATTED}, even if it was formatted before.
   */
  IoStatus formatRead(IoTarget target, IoBuffer buffer, long deviceOffset);

  /** Formats a write from {@code buffer} at {@code deviceOffset}; results as for {@link #formatRead}. */
  IoStatus formatWrite(IoTarget target, IoBuffer buffer, long deviceOffset);

  /** Formats a device-control request; results as for {@link #formatRead}. */
  IoStatus formatDeviceControl(IoTarget target, IoControlCode code, IoBuffer input, IoBuffer output);

  /** Formats an internal device-control request; results as for {@link #formatRead}. */
  IoStatus formatInternalDeviceControl(IoTarget target, IoControlCode code, IoBuffer input, IoBuffer output);

  /**
   * Formats an internal device-control request with three opaque arguments (the third slot carries the
   * code); results as for {@link #formatRead}.
   */
  IoStatus formatInternalDeviceControlOthers(
      IoTarget target, IoControlCode code, IoBuffer argument1, IoBuffer argument2, IoBuffer argument4);

  /** Applies a format given as a value; results as for {@link #formatRead}. */
  IoStatus format(IoTarget target, IoFormat format);

  /**
   * Forwards a presented request as it was presented: the next target sees the same parameters and
   * buffers. Throws {@link IllegalStateException} for a created request.
   */
  void formatUsingCurrentType();

  /**
   * Checks that this request can go to {@code target} and moves its format there. Returns
   * {@link IoStatus#SUCCESS}; {@link IoStatus#INVALID_DEVICE_STATE} when {@code target} is closed or
   * deleted; {@link IoStatus#INVALID_DEVICE_REQUEST} when the request is queued or sent, or when the
   * target cannot take a request of its type.
   *
   * <p>Unlike KMDF, which releases a request's format here, Courier keeps it: the same read or write
   * can be sent to one target after another without formatting it again. A refused change leaves the
   * request as it was, still formatted for its previous target.
   */
  IoStatus changeTarget(IoTarget target);

  // ---- sending ----------------------------------------------------------------------------------

  /**
   * Registers the routine the next completion calls, with its context; {@code null} clears it.
   * Throws {@link IllegalStateException} while the request is queued or sent.
   */
  <C> void setCompletionRoutine(CompletionRoutine<? super C> routine, C context);

  /**
   * Sends this request to {@code target}. Returns whether the target accepted it (delivered or queued);
   * when it did not, {@link #status()} says why and the completion routine is not called:
   * {@link IoStatus#REQUEST_NOT_ACCEPTED} (not formatted, or formatted for another target),
   * {@link IoStatus#INVALID_DEVICE_STATE} (target purged, closed or deleted),
   * {@link IoStatus#CANCELLED} (cancelled by its sender or its timeout since its last reuse; a stop, purge or
   * close of the target it was sent to cancels that send alone, and the request may go to another target),
   * {@link IoStatus#INVALID_DEVICE_REQUEST} (a presented request sent asynchronously with no routine).
   * A synchronous send returns after the completion routine has run; read the result from
   * {@link #status()}. An asynchronous send nested more than 16 deliveries deep on one thread (a
   * chain of resends from completion routines through drivers that complete inline) is accepted at once
   * and handed to its driver when the outermost delivery of the thread returns, so that any chain
   * completes without exhausting the stack.
   *
   * @throws IllegalStateException if the request is queued or sent already, no longer owned, or a
   *     synchronous send is made from a completion routine
   */
  boolean send(IoTarget target, SendOptions options);

  /** Sends with {@link SendOptions#defaults()} (as {@code send(target, null)} does). */
  default boolean send(IoTarget target) {
    return send(target, SendOptions.defaults());
  }

  /**
   * Sends through the same path as {@link #send} with a routine that completes the returned future.
   * The future completes with the request's result, including a refusal's status. Cancelling it before
   * it completes cancels the future (as {@link CompletableFuture#cancel} does) and the request; the
   * request's own outcome is then in {@link #status()}. Any registered routine is replaced.
   */
  CompletableFuture<IoResult> sendAsync(IoTarget target, SendOptions options);

  /**
   * Cancels this request if it is queued or sent, and in any case makes its next send fail with
   * {@link IoStatus#CANCELLED} until {@link #reuse}. Returns whether the cancel reached something
   * cancellable: a queued request (it has completed with {@link IoStatus#CANCELLED} before this
   * returns) or a delivered request whose handler marked it cancelable.
   */
  boolean cancelSentRequest();

  /**
   * Whether a cancel has been asked for since the last {@link #reuse} (the sticky cancel flag): by its sender, its
   * timeout, or the stop, purge or close of a target it was sent to.
   */
  boolean cancelRequested();

  /**
   * Attaches an object that travels with this request to whoever receives it: the request's context, as
   * a KMDF request has context space. A presented request reports its sender's attachment unless it has
   * one of its own. {@link #reuse} clears it; {@code null} clears it too. Throws
   * {@link IllegalStateException} while the request is queued or sent.
   */
  void attach(Object attachment);

  /** The attached object, or the sender's for a presented request without one of its own; else {@code null}. */
  Object attachment();

  /**
   * Sets this request's context of {@code key} (KMDF's typed request context): what one layer carries with the
   * request, apart from what any other layer carries ({@link #attach} is the untyped slot). A presented request
   * reports its sender's context of a key unless it has its own. {@link #reuse} clears it; {@code null} clears
   * it too. Throws {@link IllegalStateException} while the request is queued or sent.
   *
   * <pre>{@code
   * request.context(Invocation.KEY, invocation);
   * }</pre>
   */
  <T> void context(IoContextKey<T> key, T value);

  /** This request's context of {@code key}, or its sender's for a presented request without its own; else {@code null}. */
  <T> T context(IoContextKey<T> key);

  // ---- results ----------------------------------------------------------------------------------

  /**
   * The status: {@link IoStatus#PENDING} while queued or sent, the refusal after a failed send, the
   * final status after completion.
   */
  IoStatus status();

  /** The information of the last completion, usually bytes transferred. */
  long information();

  /** The completion parameters; valid until the next format, change of target or reuse. */
  IoCompletionParams completionParams();

  /** The target this request is formatted for or was last sent to, or {@code null}. */
  IoTarget target();

  // ---- reuse and deletion -----------------------------------------------------------------------

  /**
   * Resets this request for a new use: unformatted, no routine, the cancel flag cleared, status
   * {@code status} and information 0. Throws {@link IllegalStateException} while queued or sent.
   */
  IoStatus reuse(IoStatus status);

  /** {@link #reuse(IoStatus)} with {@link IoStatus#SUCCESS}. */
  default IoStatus reuse() {
    return reuse(IoStatus.SUCCESS);
  }

  /** Deletes a created request. Throws {@link IllegalStateException} while queued or sent, or when presented. */
  void delete();

  // ---- the receiving side: parameters of a presented request ------------------------------------

  /** The request type as presented (or as formatted, for a created request). */
  IoRequestType type();

  /** The transfer length of a read or write. */
  long length();

  /** The device offset of a read or write. */
  long deviceOffset();

  /** The control code of a device-control or internal request, or {@code null}. */
  IoControlCode ioControlCode();

  /** The input length of a device-control request (or the write length). */
  long inputLength();

  /** The output length of a device-control request (or the read length). */
  long outputLength();

  /**
   * The bytes a handler reads: the write data or the device-control input (the system buffer for
   * {@link IoControlCode.TransferMethod#BUFFERED}). Throws {@link IllegalStateException} when there is none.
   */
  MemorySegment inputBuffer();

  /**
   * The bytes a handler fills: the read buffer or the device-control output. Throws
   * {@link IllegalStateException} when there is none.
   */
  MemorySegment outputBuffer();

  /** The opaque argument 1, 2 or 4 of an {@link IoRequestType#OTHER} request, or {@code null}. */
  IoBuffer otherArgument(int index);

  // ---- the receiving side: completing and cancelling ---------------------------------------------

  /** Completes a presented request with {@code status} and information 0. */
  default void complete(IoStatus status) {
    complete(status, 0);
  }

  /**
   * Completes a presented request: its sender's request completes with {@code status} and
   * {@code information}. Throws {@link IllegalStateException} for a created request, or one that is
   * queued, sent or completed already.
   */
  void complete(IoStatus status, long information);

  /**
   * Makes a presented request cancelable: a cancel by its sender calls {@code routine}. Returns
   * {@link IoStatus#SUCCESS}, or {@link IoStatus#CANCELLED} when it was cancelled already (the routine is
   * then not called and the handler completes the request itself).
   */
  IoStatus markCancelable(CancelRoutine routine);

  /**
   * Makes a presented request not cancelable again before the handler completes it. Returns
   * {@link IoStatus#SUCCESS}: the handler owns the request again and completes it; or
   * {@link IoStatus#CANCELLED}: a cancel has claimed the routine, which completes the request (or has
   * completed it already), and the handler must not complete it.
   *
   * <p>A call racing the cancel routine has exactly these two outcomes, whichever thread gets there first
   * and however far the routine has got (running, completed, or the sender already sent the request
   * again from its completion routine): a presented request whose cancel routine was claimed is never
   * presented again, so the handler may call this at any time after marking it, from any thread, without
   * a lock shared with the routine. It throws {@link IllegalStateException} only for a misuse: a created
   * request, one sent and forgotten, or one this handler did not mark cancelable.
   */
  IoStatus unmarkCancelable();

  /** Whether the sender has asked to cancel this presented request. */
  boolean isCanceled();
}
