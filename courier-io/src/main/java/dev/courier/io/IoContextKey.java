package dev.courier.io;

import java.util.Objects;

/**
 * A typed slot of a request's context, as KMDF declares a typed context for its requests: each layer that
 * carries something with a request has a key of its own, and reads back exactly the type it stored.
 *
 * <pre>{@code
 * static final IoContextKey<Order> ORDER = IoContextKey.of("order", Order.class);
 * request.context(ORDER, order);                     // the sender
 * Order o = request.context(ORDER);                  // the handler of the presented request; null if none
 * }</pre>
 *
 * <p>Keys are compared by identity: keep one in a constant. Immutable.
 */
public final class IoContextKey<T> {
  private final String name;
  private final Class<T> type;

  private IoContextKey(String name, Class<T> type) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = Objects.requireNonNull(type, "type");
  }

  /** A new key named {@code name} (for messages) for values of {@code type}. */
  public static <T> IoContextKey<T> of(String name, Class<T> type) {
    return new IoContextKey<>(name, type);
  }

  /** The key's name. */
  public String name() {
    return name;
  }

  /** The type of its values. */
  public Class<T> type() {
    return type;
  }

  T cast(Object value) {
    return type.cast(value);
  }

  @Override
  public String toString() {
    return "IoContextKey[" + name + ": " + type.getSimpleName() + "]";
  }
}
