package dev.courier.rpc.suite;

import dev.courier.rpc.MessageContract;
import dev.courier.rpc.ServiceContract;
import java.util.List;
import java.util.Optional;

/**
 * A contract in JAX-WS's form: unqualified elements, and each {@code List} its items alone, repeated elements of
 * the list's name ({@link ServiceContract#wrappedLists()} false), in a parameter, a result, a record component and a
 * reply of several parts.
 */
public final class RepeatedLists {
  private RepeatedLists() {}

  /** The contract's namespace. */
  public static final String NAMESPACE = "http://courier.dev/suite/basket";

  /** A record with a list among other components. */
  public record Item(String sku, List<String> tags, int count, List<Item> parts) {}

  /** A reply of several parts, two of them lists. */
  @MessageContract
  public record Split(List<Item> kept, int total, List<String> dropped) {}

  /** The contract. */
  @ServiceContract(name = "Basket", namespace = NAMESPACE, qualifiedElements = false, wrappedLists = false)
  public interface Basket {
    /** Items for the skus, each with a count from counts. */
    List<Item> fill(List<String> skus, int each, List<Integer> counts);

    /** The items split. */
    Split split(List<Item> items, Optional<String> why);

    /** Tags for counts: arrays, which travel as lists do. */
    String[] tags(int[] counts, String[] prefixes);
  }
}
