/**
 * The in-process binding: calls inside one JVM through the same request path as every other binding.
 *
 * <h2>Starting points</h2>
 * <ul>
 *   <li>{@link dev.courier.rpc.inprocess.InProcessBinding}
 * </ul>
 */
package dev.courier.rpc.inprocess;
