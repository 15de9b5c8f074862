/**
 * The service-provider interface for new kinds of I/O target.
 *
 * <h2>Starting points</h2>
 * <ul>
 *   <li>{@link dev.courier.io.spi.IoDriver}: receives delivered requests and completes them.
 *   <li>{@link dev.courier.io.IoTargets#create}: wraps a driver in a target with states, queueing,
 *       cancellation and timeouts.
 * </ul>
 */
package dev.courier.io.spi;
