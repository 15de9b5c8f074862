package dev.courier.rpc.spi;

import java.lang.reflect.Array;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.RandomAccess;

/**
 * An array data contract, {@code T[]} but {@code byte[]} (binary data, {@code xs:base64Binary}): it is described
 * and travels as the {@code List<T>} of its items, so an encoding writes {@link #items} as that list and builds
 * the array from the list it read with {@link #array}. Made once per type, when an encoding builds its forms;
 * immutable and thread safe.
 *
 * <pre>{@code
 * ArrayType counts = ArrayType.of(int[].class).orElseThrow();
 * counts.itemType();                    // int
 * counts.items(new int[] {1, 2});       // [1, 2]
 * counts.array(List.of(1, 2));          // new int[] {1, 2}
 * }</pre>
 */
public final class ArrayType {
  private final Type type;
  private final Type itemType;
  private final Class<?> component;

  private ArrayType(Type type, Type itemType) {
    this.type = type;
    this.itemType = itemType;
    this.component = erasure(itemType);
  }

  /**
   * The array type {@code type}: {@code String[]}, {@code int[]}, {@code int[][]}, {@code List<String>[]}; empty
   * for any other type, {@code byte[]} included.
   */
  public static Optional<ArrayType> of(Type type) {
    if (type instanceof Class<?> c && c.isArray() && c != byte[].class) {
      return Optional.of(new ArrayType(type, c.getComponentType()));
    }
    return type instanceof GenericArrayType g ? Optional.of(new ArrayType(type, g.getGenericComponentType()))
        : Optional.empty();
  }

  /** The type of its items: {@code int} of {@code int[]}, {@code List<String>} of {@code List<String>[]}. */
  public Type itemType() {
    return itemType;
  }

  /** Whether its items may be null: not those of a primitive array. */
  public boolean itemsMayBeNull() {
    return !component.isPrimitive();
  }

  /** The items of {@code array}, an instance of this type, as a list that reads through to it (primitives boxed). */
  public List<?> items(Object array) {
    if (array instanceof Object[] items) {
      return Arrays.asList(items);
    }
    return new Items(array);
  }

  /**
   * A new array of this type holding {@code items} in order.
   *
   * @throws IllegalArgumentException naming the item's index when a primitive array's item is null
   */
  public Object array(List<?> items) {
    if (itemsMayBeNull()) {
      return items.toArray((Object[]) Array.newInstance(component, items.size()));
    }
    Object array = Array.newInstance(component, items.size());
    for (int i = 0; i < items.size(); i++) {
      Object item = items.get(i);
      if (item == null) {
        throw new IllegalArgumentException("item " + i + " of " + type.getTypeName() + " is null (expected: a value: "
            + type.getTypeName() + " holds no null)");
      }
      Array.set(array, i, item);
    }
    return array;
  }

  @Override
  public String toString() {
    return type.getTypeName();
  }

  /** The class of {@code type}'s values: {@code List} of {@code List<String>}, {@code List[]} of {@code List<String>[]}. */
  private static Class<?> erasure(Type type) {
    return switch (type) {
      case Class<?> c -> c;
      case ParameterizedType p -> (Class<?>) p.getRawType();
      case GenericArrayType g -> erasure(g.getGenericComponentType()).arrayType();
      default -> Object.class;
    };
  }

  /** The boxed items of a primitive array. */
  private static final class Items extends AbstractList<Object> implements RandomAccess {
    private final Object array;

    Items(Object array) {
      this.array = array;
    }

    @Override
    public Object get(int index) {
      return Array.get(array, index);
    }

    @Override
    public int size() {
      return Array.getLength(array);
    }
  }
}
