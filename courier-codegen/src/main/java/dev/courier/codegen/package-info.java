/**
 * Generates Courier clients from service metadata, as svcutil does for WCF.
 *
 * <h2>Starting points</h2>
 * <ul>
 *   <li>{@link dev.courier.codegen.ClientGenerator}: metadata in, Java sources out, in the shapes asked for.
 *   <li>{@link dev.courier.codegen.GeneratedSource}: one generated file.
 *   <li>{@link dev.courier.codegen.CollectionType}: lists or arrays for WCF's {@code ArrayOfX}.
 * </ul>
 */
package dev.courier.codegen;
