/** Implementation details of courier-io; not exported, not API. */
package dev.courier.io.internal;
