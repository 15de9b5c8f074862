package dev.courier.rpc;

/** How many calls one service instance takes at a time ({@code ConcurrencyMode}). */
public enum ConcurrencyMode {
  /**
   * One call at a time; a request/reply callback from inside a call is refused, since its reply could
   * never be processed.
   */
  SINGLE,
  /** One call at a time, but the instance takes other calls while its call waits on a callback. */
  REENTRANT,
  /** Any number of calls at a time; the instance is thread safe. */
  MULTIPLE
}
