package dev.courier.io;

/**
 * What {@link IoTarget#stop(StopAction)} does with requests already delivered to the target
 * ({@code WDF_IO_TARGET_SENT_IO_ACTION}). Queued requests are never touched by a stop, and requests sent
 * with {@code ignoreTargetState} are neither cancelled nor waited for.
 */
public enum StopAction {
  /** Cancel every delivered request, then wait until each has completed and its routine returned. */
  CANCEL_SENT_IO,
  /** Wait until every delivered request has completed and its routine returned. */
  WAIT_FOR_SENT_IO,
  /** Return at once and let delivered requests complete in their own time. */
  LEAVE_SENT_IO_PENDING
}
