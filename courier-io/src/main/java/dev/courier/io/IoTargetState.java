package dev.courier.io;

/**
 * The state of an {@link IoTarget}.
 *
 * <pre>
 *            stop()                purge()
 *  STARTED ----------&gt; STOPPED ----------&gt; PURGED
 *     ^  &lt;---------------'  ^  &lt;----stop()---'  |
 *     |       start()       '----------------.  |
 *     '--------------------------start()-------'
 *  any --close()--&gt; CLOSED --open()--&gt; STARTED        any --delete()--&gt; DELETED (final)
 * </pre>
 *
 * <table>
 *   <caption>What a send without {@code ignoreTargetState} meets</caption>
 *   <tr><th>state</th><th>new sends</th><th>queued requests</th></tr>
 *   <tr><td>STARTED</td><td>delivered</td><td>none</td></tr>
 *   <tr><td>STOPPED</td><td>queued, FIFO</td><td>delivered by start, in order</td></tr>
 *   <tr><td>PURGED</td><td>refused: INVALID_DEVICE_STATE</td><td>flushed: DEVICE_REMOVED_NOT_SENT</td></tr>
 *   <tr><td>CLOSED, DELETED</td><td>refused: INVALID_DEVICE_STATE</td><td>flushed</td></tr>
 * </table>
 */
public enum IoTargetState {
  /** Sends are delivered. */
  STARTED,
  /** Sends are queued until {@link IoTarget#start()}. */
  STOPPED,
  /** Sends are refused; {@link IoTarget#start()} resumes the target. */
  PURGED,
  /** Closed; sends and formats are refused until {@link IoTarget#open()}. */
  CLOSED,
  /** Deleted for good. */
  DELETED
}
