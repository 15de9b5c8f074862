/**
 * Courier's Maven plugin: generates clients from WSDL in a user's build.
 *
 * <h2>Starting points</h2>
 * <ul>
 *   <li>{@link dev.courier.maven.GenerateMojo}: the goal {@code courier:generate}, its parameters and an example
 *       configuration.
 * </ul>
 */
package dev.courier.maven;
