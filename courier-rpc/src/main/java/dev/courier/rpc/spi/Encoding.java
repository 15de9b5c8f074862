package dev.courier.rpc.spi;

import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.OperationDescription;

/**
 * How a binding writes one contract's values into its messages and reads them back: the arguments of a
 * request, the result of a reply and the detail of a declared fault. A binding is a transport plus an
 * encoding; the transport keeps connections, framing, envelopes, correlation and deadlines, and hands the
 * encoding the place in a message where the values go.
 *
 * <pre>{@code
 * Encoding<ByteBuf, WireInput> wire = ...;           // courier-tcp: its binary encoding, on a frame
 * wire.writeArguments(frame, operation, invocation.arguments());
 * Object[] arguments = wire.readArguments(input.of(frame), operation);
 * }</pre>
 *
 * <p>Both ends of a transport hold the same two types, so that an encoding over the same carrier can replace
 * another: courier-tcp's binary encoding writes into a Netty {@code ByteBuf}, courier-soap's XML encoding into
 * a StAX {@code XMLStreamWriter} positioned in a SOAP body. What an encoding reads from carries the limits of
 * the message it reads (its size, depth and text budget); a value beyond them, or one that is not what the
 * contract says, fails with an unchecked exception of the encoding that names the value and what was
 * expected, and its binding turns that into its protocol's error for that message alone.
 *
 * <p>Threading: an encoding is immutable and thread safe; its carriers are not, and a transport uses each
 * on one thread at a time.
 *
 * @param <W> what the encoding writes a message's values into
 * @param <R> what it reads them from, with the message's limits
 */
public interface Encoding<W, R> {

  /** Writes the arguments of a request for {@code operation}, one per parameter, in order. */
  void writeArguments(W out, OperationDescription operation, Object[] arguments);

  /** Reads the arguments of a request for {@code operation}, one per parameter, in order. */
  Object[] readArguments(R in, OperationDescription operation);

  /**
   * Writes the reply of {@code operation} with {@code result}, which is {@code null} and ignored for an
   * operation without a result.
   */
  void writeResult(W out, OperationDescription operation, Object result);

  /** Reads the reply of {@code operation}: its result, or {@code null} for an operation without one. */
  Object readResult(R in, OperationDescription operation);

  /** Writes {@code detail}, an instance of one of the faults {@code operation} declares. */
  void writeFaultDetail(W out, OperationDescription operation, Record detail);

  /**
   * Reads a fault detail of {@code operation}: the declared fault it is, or {@code null}, with the detail
   * passed over, when this side declares no fault of that name and shape (the caller then gets the fault's
   * code and reason without a typed detail, as WCF's clients do).
   */
  Record readFaultDetail(R in, OperationDescription operation);

  /**
   * Makes the encoding of a contract once, when a binding first meets it.
   *
   * @param <W> what the encoding writes into
   * @param <R> what it reads from
   */
  interface Factory<W, R> {

    /**
     * The encoding of {@code contract}.
     *
     * @throws IllegalArgumentException when the encoding cannot carry a type or shape of the contract, naming it
     */
    Encoding<W, R> create(ContractDescription contract);
  }
}
