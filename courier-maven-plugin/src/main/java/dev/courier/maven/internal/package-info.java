/**
 * The goal's implementation, not public API: checking the configuration, deciding whether the output is
 * current, and running Courier's generator in Maven's JVM or in one of the build's JDK 25 toolchain.
 */
package dev.courier.maven.internal;
