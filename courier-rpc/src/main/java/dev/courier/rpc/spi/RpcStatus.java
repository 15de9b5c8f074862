package dev.courier.rpc.spi;

import dev.courier.io.IoStatus;

/**
 * The statuses an RPC request completes with, beyond the I/O layer's own: a call's outcome crosses a
 * binding as an {@link IoStatus}.
 *
 * <ul>
 *   <li>{@link IoStatus#SUCCESS}: the reply is in the {@link Invocation}.
 *   <li>{@link #FAULT}: the fault is in the {@link Invocation}.
 *   <li>{@link IoStatus#CANCELLED}, {@link IoStatus#IO_TIMEOUT}: cancelled by the caller or its deadline.
 *   <li>{@link #SERVER_TOO_BUSY}: refused by a throttle before it reached the service.
 *   <li>{@link IoStatus#INVALID_DEVICE_STATE}: the endpoint is closing or closed; not delivered.
 *   <li>{@link #REPLY_UNREADABLE}: the service ran the call but its reply does not decode by the caller's
 *       contract; why is in {@link Invocation#failureReason()}.
 * </ul>
 */
public final class RpcStatus {
  private RpcStatus() {}

  /** The service answered with a fault (customer-defined NTSTATUS range). */
  public static final IoStatus FAULT = IoStatus.of(0xE0C0_0001);
  /** A throttle refused the call before it reached the service. */
  public static final IoStatus SERVER_TOO_BUSY = IoStatus.of(0xE0C0_0002);
  /** The connection broke after the request was sent: the service may have run it. */
  public static final IoStatus CONNECTION_LOST = IoStatus.of(0xE0C0_0003);
  /**
   * The service ran the call, but its reply does not decode by the caller's contract (the two contracts
   * declare other types); the connection goes on. The binding says why in {@link Invocation#failureReason()}.
   */
  public static final IoStatus REPLY_UNREADABLE = IoStatus.of(0xE0C0_0004);
}
