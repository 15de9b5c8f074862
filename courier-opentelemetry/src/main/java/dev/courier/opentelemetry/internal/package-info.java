/** Implementation details of courier-opentelemetry; not exported, not API. */
package dev.courier.opentelemetry.internal;
