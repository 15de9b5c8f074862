/**
 * Asynchronous I/O requests in the shape of KMDF: format a request for a target, register a completion
 * routine, send it, and it completes exactly once; cancel it, time it out, move it to another target.
 *
 * <h2>Starting points</h2>
 * <ul>
 *   <li>{@link dev.courier.io.IoRequest}: create, format, send, cancel, reuse.
 *   <li>{@link dev.courier.io.IoTarget}: where requests go; its states and stop, purge, close.
 *   <li>{@link dev.courier.io.SendOptions}: synchronous, timeout, ignore target state, send-and-forget.
 *   <li>{@link dev.courier.io.FileTarget}: targets over regular files.
 *   <li>{@link dev.courier.io.IoDevice} and {@link dev.courier.io.IoQueue}: the receiving side, in process.
 *   <li>{@link dev.courier.io.IoStatus}: NTSTATUS outcomes.
 * </ul>
 */
package dev.courier.io;
