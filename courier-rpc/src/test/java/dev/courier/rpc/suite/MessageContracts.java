package dev.courier.rpc.suite;

import dev.courier.rpc.MessageContract;
import dev.courier.rpc.ServiceContract;
import java.util.List;
import java.util.Optional;

/**
 * One stock contract declared twice: with parameters and results, and with {@link MessageContract} records (the
 * shape of svcutil's {@code /messageContract}), plus an operation that returns several values as WCF's
 * {@code out} parameters do. Both describe the same messages.
 */
public final class MessageContracts {
  private MessageContracts() {}

  /** The namespace both declarations share. */
  public static final String NAMESPACE = "http://courier.dev/suite/stock";

  /** The contract with parameters. */
  @ServiceContract(name = "Stock", namespace = NAMESPACE)
  public interface Plain {
    /** Adds two numbers. */
    int add(int a, int b);

    /** Notes a sku. */
    @dev.courier.rpc.Operation(oneWay = true)
    void note(String sku, Optional<String> why);
  }

  /** The same contract with message records, and an operation of several return values. */
  @ServiceContract(name = "Stock", namespace = NAMESPACE)
  public interface Messages {
    /** Adds two numbers. */
    AddResponse add(AddRequest request);

    /** Notes a sku. */
    @dev.courier.rpc.Operation(oneWay = true)
    void note(NoteRequest request);

    /** Reserves stock: whether it did, how many and where. */
    TryReserveResponse tryReserve(String sku, int quantity);
  }

  /** The request of {@code add}. */
  @MessageContract
  public record AddRequest(int a, int b) {}

  /** The reply of {@code add}: its one part is the result. */
  @MessageContract
  public record AddResponse(int addResult) {}

  /** The request of {@code note}. */
  @MessageContract
  public record NoteRequest(String sku, Optional<String> why) {}

  /** The reply of {@code tryReserve}: the result, then two values more. */
  @MessageContract
  public record TryReserveResponse(boolean tryReserveResult, int reserved, Optional<String> warehouse,
      List<String> notes) {}
}
