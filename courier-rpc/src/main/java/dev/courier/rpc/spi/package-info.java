/**
 * The service-provider interface for bindings, and for extensions of a host.
 *
 * <h2>Starting points</h2>
 * <ul>
 *   <li>{@link dev.courier.rpc.spi.Binding}: connect client channels, make endpoints listen.
 *   <li>{@link dev.courier.rpc.spi.Invocation}: the call that rides each request.
 *   <li>{@link dev.courier.rpc.spi.RpcStatus}: how outcomes cross a binding.
 *   <li>{@link dev.courier.rpc.spi.Encoding}: how a binding writes a contract's values and reads them back;
 *       {@link dev.courier.rpc.spi.ArrayType}: an array of them, which travels as the list of its items.
 *   <li>{@link dev.courier.rpc.spi.HostExtension}: something that opens and closes with a host, such as a test page.
 * </ul>
 */
package dev.courier.rpc.spi;
