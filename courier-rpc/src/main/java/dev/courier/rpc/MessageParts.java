package dev.courier.rpc;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;

/**
 * The parts of a {@link MessageContract} record: its components' names and types, and how to take a message
 * apart and put it together again. Built once per operation; immutable and thread safe.
 */
record MessageParts(Class<?> type, List<String> names, List<Type> types, MethodHandle[] accessors,
    MethodHandle constructor) {

  /** The parts of {@code type} when it is a message contract, else {@code null}. */
  static MessageParts of(Type type) {
    if (!(type instanceof Class<?> c) || !c.isRecord() || !c.isAnnotationPresent(MessageContract.class)) {
      return null;
    }
    RecordComponent[] components = c.getRecordComponents();
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    try {
      MethodHandle[] accessors = new MethodHandle[components.length];
      for (int i = 0; i < components.length; i++) {
        components[i].getAccessor().setAccessible(true);
        accessors[i] = lookup.unreflect(components[i].getAccessor()).asType(MethodType.methodType(Object.class, Object.class));
      }
      Class<?>[] raw = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
      var canonical = c.getDeclaredConstructor(raw);
      canonical.setAccessible(true);
      MethodHandle constructor = lookup.unreflectConstructor(canonical)
          .asSpreader(Object[].class, raw.length).asType(MethodType.methodType(Object.class, Object[].class));
      return new MessageParts(c, Arrays.stream(components).map(RecordComponent::getName).toList(),
          Arrays.stream(components).map(RecordComponent::getGenericType).map(ContractReader::canonical).toList(),
          accessors, constructor);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalArgumentException("message contract " + c.getName() + " cannot be read or built (expected: a "
          + "record whose package is open to dev.courier.rpc): " + e, e);
    }
  }

  /** The components of {@code message}, in order. */
  Object[] parts(Object message) {
    if (message == null) {
      throw new IllegalArgumentException("a null " + type.getSimpleName() + " (expected: a message; its parts may be "
          + "null where their types allow it)");
    }
    Object[] parts = new Object[accessors.length];
    try {
      for (int i = 0; i < parts.length; i++) {
        parts[i] = accessors[i].invokeExact(message);
      }
    } catch (Throwable t) {
      throw rethrow(t);
    }
    return parts;
  }

  /** The message whose components are {@code parts}. */
  Object message(Object[] parts) {
    try {
      return constructor.invokeExact(parts);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException("message contract " + type.getName() + ": " + t.getMessage(), t);
  }
}
