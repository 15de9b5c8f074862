package dev.courier.rpc.suite;

import dev.courier.rpc.OperationShape;

/**
 * How one call ended, the same way whatever the client shape: its value or the exception the caller sees
 * (thrown by a synchronous call or by {@code endOp}, the cause of a failed future, the error of a
 * completed event), plus what the shape reported alongside.
 *
 * @param shape the client shape the call was made in
 * @param value the result ({@code null} for void or on failure)
 * @param error the exception the caller sees, or {@code null}
 * @param thrownAtStart whether {@code error} was thrown by the starting method of an asynchronous shape
 *     (a TASK, BEGIN_END or EVENT call must report errors through its shape, not throw them)
 * @param thread the thread the outcome was reported on: the caller's for SYNC, the completing thread for
 *     TASK, the callback's for BEGIN_END, the listener's for EVENT
 * @param userState the user state an EVENT call's event carried, or the {@code asyncState()} of a
 *     BEGIN_END handle; {@code null} for the other shapes
 * @param handle the {@code AsyncResult} the BEGIN_END callback received; {@code null} for the other shapes
 * @param eventCancelled {@code CompletedEvent.cancelled()} of an EVENT call; {@code null} for the others
 * @param eventResultThrew what {@code CompletedEvent.result()} threw ({@code null} when it returned); always
 *     {@code null} for the other shapes
 */
public record Outcome(
    OperationShape shape,
    Object value,
    Throwable error,
    boolean thrownAtStart,
    String thread,
    Object userState,
    Object handle,
    Boolean eventCancelled,
    Throwable eventResultThrew) {

  /** Whether the call succeeded. */
  public boolean succeeded() {
    return error == null;
  }

  @Override
  public String toString() {
    return shape + " outcome[" + (error == null ? "value=" + value : "error=" + error) + ", thread=" + thread
        + ", userState=" + userState + (eventCancelled == null ? "" : ", cancelled=" + eventCancelled) + "]";
  }
}
