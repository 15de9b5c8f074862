package dev.courier.io;

/**
 * Anything requests are sent to: a device, a file, a channel ({@code WDFIOTARGET}).
 *
 * <pre>{@code
 * try (IoTarget file = FileTarget.open(path, StandardOpenOption.READ)) {
 *   IoResult r = file.sendSynchronously(IoFormat.read(IoBuffer.of(page), 0), SendOptions.synchronously());
 * }
 * }</pre>
 *
 * <p>A target has a state ({@link IoTargetState}) that decides what happens to new sends, and it tracks
 * what it has accepted: a FIFO queue of requests sent while it was stopped, the list of delivered
 * requests, and a separate list of requests sent with {@code ignoreTargetState}. {@link #stop},
 * {@link #purge}, {@link #close} and {@link #delete} act on those as their Javadoc says.
 *
 * <p>Threading: all methods are thread safe. {@code start}, {@code stop(LEAVE_SENT_IO_PENDING)} and
 * {@code purge(PURGE_IO)} never block; waiting stops and purges, {@code close} and {@code delete} block
 * until the requests they wait for have completed and their routines returned, and throw
 * {@link IllegalStateException} when called from a completion routine. Requests flushed or refused by
 * these calls complete on the calling thread. No framework lock is held while user code runs.
 */
public interface IoTarget extends AutoCloseable {

  /** A name for messages and logs. */
  String name();

  /** The current state. */
  IoTargetState state();

  /** The clock this target's timeouts run on. */
  IoClock clock();

  /**
   * Starts the target and delivers its queued requests in the order they were sent, without their
   * timeouts. Returns {@link IoStatus#INVALID_DEVICE_STATE} when closed or deleted.
   */
  IoStatus start();

  /** Stops the target: later sends are queued; {@code action} says what happens to delivered requests. */
  void stop(StopAction action);

  /**
   * Purges the target: queued requests complete with {@link IoStatus#DEVICE_REMOVED_NOT_SENT}, delivered
   * ones are cancelled, and later sends are refused until {@link #start()}.
   */
  void purge(PurgeAction action);

  /**
   * Closes the target: queued requests are flushed, delivered and ignore-state requests are cancelled
   * and waited for, and later formats and sends are refused until {@link #open()}. While it waits, sends
   * with {@code ignoreTargetState} are still accepted, and waited for too: close returns, and the
   * driver's {@code onClose} runs, only once nothing is pending, and every later send is refused.
   */
  @Override
  void close();

  /** Opens a closed target again, started. Returns {@link IoStatus#INVALID_DEVICE_STATE} when it is open or deleted. */
  IoStatus open();

  /** Closes the target for good. */
  void delete();

  /** Requests accepted and not yet finished: queued, delivered, or completing. */
  int pendingCount();

  /** Requests waiting in the queue of a stopped target. */
  int queuedCount();

  /**
   * Formats a new internal request, sends it synchronously and returns its result. Such a request
   * cannot be cancelled by other threads; an {@code options} timeout cancels it when it expires.
   */
  default IoResult sendSynchronously(IoFormat format, SendOptions options) {
    return sendSynchronously(null, format, options);
  }

  /**
   * Formats {@code request} (a new internal one when {@code null}), sends it synchronously and returns
   * its result. The request's completion routine is not called, and its registration is cleared. A
   * format or send refusal is returned as the result's status, with information 0.
   *
   * @throws IllegalStateException if called from a completion routine
   */
  IoResult sendSynchronously(IoRequest request, IoFormat format, SendOptions options);
}
