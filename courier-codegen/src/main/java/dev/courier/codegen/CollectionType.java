package dev.courier.codegen;

/**
 * The Java form of a repeated schema type, WCF's {@code ArrayOfX} (svcutil's {@code /collectionType}). Both forms
 * travel alike, so either calls a service that declared the other.
 *
 * <pre>{@code
 * ClientGenerator.builder("com.example.orders").collectionType(CollectionType.ARRAY).build();
 * }</pre>
 *
 * <p>{@link #LIST} is the default, unlike svcutil's arrays: a generated record compares its components with
 * {@code equals}, which compares a {@code List} by its items and an array by reference, so two equal orders
 * of lines are equal records only with lists.
 */
public enum CollectionType {
  /** {@code List<T>}, items boxed: {@code List<Integer>} for {@code ArrayOfint}. */
  LIST,
  /**
   * {@code T[]}: {@code int[]} for {@code ArrayOfint} whose items cannot be nil, {@code Integer[]} where they may
   * be, {@code String[]}, {@code Line[]}.
   */
  ARRAY
}
