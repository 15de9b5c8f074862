/**
 * The queued binding's implementation; not API.
 *
 * <h2>Starting points</h2>
 * <ul>
 *   <li>{@link dev.courier.rpc.artemis.internal.QueueSender}: a channel's calls as persistent messages
 *   <li>{@link dev.courier.rpc.artemis.internal.QueueConsumers}: an endpoint's competing consumers
 *   <li>{@link dev.courier.rpc.artemis.internal.JsonEncoding}: the arguments' JSON body
 * </ul>
 */
package dev.courier.rpc.artemis.internal;
