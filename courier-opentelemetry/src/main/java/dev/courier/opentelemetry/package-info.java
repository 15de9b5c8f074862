/**
 * Traces and RPC metrics for Courier calls on the OpenTelemetry API, with the trace context carried in the calls'
 * headers across TCP, SOAP and in-process hops (docs/telemetry.md).
 *
 * <h2>Starting points</h2>
 * <ul>
 *   <li>{@link dev.courier.opentelemetry.CourierTelemetry}: the filter to install on channel factories and hosts,
 *       and a service's way to its span.
 * </ul>
 */
package dev.courier.opentelemetry;
