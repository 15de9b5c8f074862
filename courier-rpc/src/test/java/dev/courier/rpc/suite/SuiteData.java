package dev.courier.rpc.suite;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The data contracts the suite sends through every binding: records (nested), enums, primitives,
 * strings, {@code List}, {@code Map} (string and enum keys), {@code Optional} and {@code byte[]}, plus the
 * fault detail record of {@link SuiteContracts}.
 */
public final class SuiteData {
  private SuiteData() {}

  /** An enum data contract. */
  public enum Priority { LOW, NORMAL, URGENT }

  /** A record nested two levels deep. */
  public record Dimensions(int width, int height, int depth) {}

  /** A record inside a list, with an optional nested record. */
  public record Line(String sku, int quantity, Optional<Dimensions> size) {}

  /** The record the echo operation round-trips: one component of every kind of data contract. */
  public record Parcel(
      String id,
      int count,
      long weightGrams,
      double price,
      boolean fragile,
      char grade,
      Priority priority,
      List<Line> lines,
      Map<String, Integer> stock,
      Map<Priority, String> notes,
      Optional<String> comment,
      byte[] payload,
      Dimensions box) {

    /** The same parcel under another id. */
    public Parcel withId(String newId) {
      return new Parcel(newId, count, weightGrams, price, fragile, grade, priority, lines, stock, notes, comment,
          payload, box);
    }

    /**
     * A deep copy: new collections and a new byte array, so a reply never shares the request's objects; null
     * components stay null.
     */
    public Parcel copy(String newId) {
      return new Parcel(newId, count, weightGrams, price, fragile, grade, priority,
          lines == null ? null : List.copyOf(lines),
          stock == null ? null : Map.copyOf(stock), notes == null ? null : Map.copyOf(notes), comment,
          payload == null ? null : payload.clone(), box);
    }
  }

  /** The declared fault of {@code divide}. */
  public record DivideByZero(int dividend) {}

  /** A parcel with every component set, including empty and present optionals, an empty list inside a map's neighbour. */
  public static Parcel fullParcel() {
    return new Parcel(
        "parcel-7",
        3,
        12_345_678_901L,
        19.99,
        true,
        'B',
        Priority.URGENT,
        List.of(new Line("sku-1", 2, Optional.of(new Dimensions(10, 20, 30))), new Line("sku-2", 1, Optional.empty())),
        Map.of("sku-1", 40, "sku-2", 0),
        Map.of(Priority.LOW, "whenever", Priority.URGENT, "today"),
        Optional.of("leave at the door"),
        new byte[] {0, 1, -1, 127, -128, 42},
        new Dimensions(30, 40, 50));
  }

  /**
   * A parcel whose every reference component is null, a null {@code Optional} among them, with one line whose
   * optional size is null.
   */
  public static Parcel nullParcel() {
    return new Parcel(null, 1, 2L, 3.0, true, 'N', null, List.of(new Line(null, 4, null)), null, null, null, null,
        null);
  }

  /** A parcel with empty collections, an empty optional and an empty byte array. */
  public static Parcel emptyParcel() {
    return new Parcel("parcel-0", 0, 0L, 0.0, false, ' ', Priority.LOW, List.of(), Map.of(), Map.of(),
        Optional.empty(), new byte[0], new Dimensions(0, 0, 0));
  }
}
