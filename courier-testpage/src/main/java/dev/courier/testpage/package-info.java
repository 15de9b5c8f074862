/**
 * A test page that a host serves in the browser for development, as WCF Test Client does.
 *
 * <h2>Starting points</h2>
 * <ul>
 *   <li>{@link dev.courier.testpage.TestPage}: turn the page on with {@code ServiceHost.Builder.extension(...)}.
 * </ul>
 */
package dev.courier.testpage;
