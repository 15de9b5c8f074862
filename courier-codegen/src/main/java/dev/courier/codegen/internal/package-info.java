/** The generator's workings: not an API. */
package dev.courier.codegen.internal;
