/**
 * The queued binding: durable one-way calls through Apache Artemis queues, as WCF's {@code netMsmqBinding}.
 *
 * <h2>Starting points</h2>
 * <ul>
 *   <li>{@link dev.courier.rpc.artemis.ArtemisBinding}: the binding and its builder (addresses
 *       {@code courier.artemis://host:61616/queue})
 *   <li>{@link dev.courier.rpc.artemis.QueuedTransaction}: the calls of one thread delivered together or not at all
 *   <li>{@link dev.courier.rpc.artemis.MessageProperties} and {@link dev.courier.rpc.artemis.DeadLetterReason}: what a
 *       message and its dead-letter copy carry
 * </ul>
 */
package dev.courier.rpc.artemis;
