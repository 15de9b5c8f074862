package dev.courier.rpc.suite;

import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.suite.SuiteData.Dimensions;
import dev.courier.rpc.suite.SuiteData.Line;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One shelf contract declared twice: with {@code List}s, and with arrays (svcutil's default collection type). An
 * array travels and is described as the {@code List} of its items, so each declaration calls the other.
 */
public final class ArrayContracts {
  private ArrayContracts() {}

  /** The namespace both declarations share. */
  public static final String NAMESPACE = "http://courier.dev/suite/shelf";
  /** A line with a size. */
  public static final Line SIZED = new Line("sku-1", 2, Optional.of(new Dimensions(1, 2, 3)));
  /** A line without one. */
  public static final Line UNSIZED = new Line("sku-2", 1, Optional.empty());

  /** A shelf of arrays: a null and an empty string among its labels, an empty array among its arrays. */
  public static AsArrays.Shelf arrayShelf() {
    return new AsArrays.Shelf("north", new String[] {"a", null, ""}, new int[] {0, -1, Integer.MAX_VALUE},
        new Line[] {SIZED, UNSIZED}, new int[][] {{1, 2}, {}});
  }

  /** {@link #arrayShelf()} with lists. */
  public static AsLists.Shelf listShelf() {
    return new AsLists.Shelf("north", Arrays.asList("a", null, ""), List.of(0, -1, Integer.MAX_VALUE),
        List.of(SIZED, UNSIZED), List.of(List.of(1, 2), List.of()));
  }

  /** The contract with lists. */
  public static final class AsLists {
    private AsLists() {}

    /** A shelf: lists of strings, of numbers that may be null, of records and of lists. */
    public record Shelf(String name, List<String> labels, List<Integer> counts, List<Line> lines,
        List<List<Integer>> grid) {}

    /** Shelves. */
    @ServiceContract(name = "Shelves", namespace = NAMESPACE)
    public interface Shelves {
      /** Returns the shelf it is given. */
      Shelf echo(Shelf shelf);

      /** The skus of the lines. */
      List<String> skus(List<Line> lines);
    }
  }

  /** The same contract with arrays. */
  public static final class AsArrays {
    private AsArrays() {}

    /** A shelf: arrays of strings, of numbers, of records and of arrays. */
    public record Shelf(String name, String[] labels, int[] counts, Line[] lines, int[][] grid) {}

    /** Shelves. */
    @ServiceContract(name = "Shelves", namespace = NAMESPACE)
    public interface Shelves {
      /** Returns the shelf it is given. */
      Shelf echo(Shelf shelf);

      /** The skus of the lines. */
      String[] skus(Line[] lines);
    }
  }
}
