/**
 * The commands of the {@code courier} command line and what they share; not an API.
 *
 * <ul>
 *   <li>{@link dev.courier.cli.internal.CourierCommand}: the command line, its subcommands and exit statuses.
 *   <li>{@link dev.courier.cli.internal.MetadataSource}: where the metadata is read (file, ?wsdl, courier.tcp).
 *   <li>{@link dev.courier.cli.internal.ContractText}: metadata as a person reads it.
 *   <li>{@link dev.courier.cli.internal.CompiledSources} and {@link dev.courier.cli.internal.Json}: how
 *       {@code call} makes a client and carries JSON to it and back.
 * </ul>
 */
package dev.courier.cli.internal;
