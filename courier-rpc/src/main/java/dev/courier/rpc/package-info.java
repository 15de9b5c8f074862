/**
 * The service model: a contract fixes each operation's message exchange pattern; client and service each
 * choose their own calling shape, and every shape is an adapter over one I/O request.
 *
 * <h2>Starting points</h2>
 * <ul>
 *   <li>{@link dev.courier.rpc.ServiceContract}, {@link dev.courier.rpc.Operation},
 *       {@link dev.courier.rpc.FaultContract}: declaring a contract.
 *   <li>{@link dev.courier.rpc.OperationShape}: the shapes an operation can be declared and called in.
 *   <li>{@link dev.courier.rpc.ChannelFactory}: client channels, to one address or several endpoints
 *       ({@link dev.courier.rpc.EndpointResolver}, {@link dev.courier.rpc.LoadBalancing}).
 *   <li>{@link dev.courier.rpc.ServiceHost}: hosting a service.
 *   <li>{@link dev.courier.rpc.OperationContext}: per-call data, cancellation, deadline, callbacks.
 *   <li>{@link dev.courier.rpc.ContractDescription}: the one description everything reads.
 * </ul>
 */
package dev.courier.rpc;
