/**
 * Courier's command line, an application (not a library).
 *
 * <h2>Starting points</h2>
 * <ul>
 *   <li>{@link dev.courier.cli.Courier}: {@code main}; {@code ./courier --help} at the repository's root runs it.
 * </ul>
 */
package dev.courier.cli;
