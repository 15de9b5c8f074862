package dev.courier.io;

/**
 * Whether {@link IoTarget#purge(PurgeAction)} waits for the delivered requests it cancels
 * ({@code WDF_IO_TARGET_PURGE_IO_ACTION}).
 */
public enum PurgeAction {
  /** Cancel delivered requests and wait until each has completed and its routine returned. */
  PURGE_IO_AND_WAIT,
  /** Cancel delivered requests and return at once. */
  PURGE_IO
}
