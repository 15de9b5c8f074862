package dev.courier.rpc.tcp;

import io.netty.buffer.ByteBuf;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Encodes and decodes data contracts by their declared types (docs/tcp-protocol.md, section 3): no type
 * information travels, so only the contract's types can ever be built.
 *
 * <p>Decoding is bounded: counts cannot exceed the bytes left, nesting stops at {@link #MAX_DEPTH}, and a
 * malformed body raises {@link WireException}. Thread safe.
 */
final class WireCodec {
  static final int MAX_DEPTH = 64;

  private static final Map<Class<?>, RecordShape> RECORDS = new ConcurrentHashMap<>();

  private record RecordShape(RecordComponent[] components, Constructor<?> constructor) {}

  private WireCodec() {}

  /** A body that does not decode by its contract: a protocol error. */
  static final class WireException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WireException(String message) {
      super(message);
    }
  }

  // ---- varints ------------------------------------------------------------------------------------

  static void writeVarint(ByteBuf out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.writeByte((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.writeByte((int) v);
  }

  static long readVarint(ByteBuf in) {
    long result = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (!in.isReadable()) {
        throw new WireException("truncated varint");
      }
      byte b = in.readByte();
      result |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new WireException("varint longer than 10 bytes");
  }

  static void writeZigzag(ByteBuf out, long v) {
    writeVarint(out, (v << 1) ^ (v >> 63));
  }

  static long readZigzag(ByteBuf in) {
    long v = readVarint(in);
    return (v >>> 1) ^ -(v & 1);
  }

  static int readCount(ByteBuf in) {
    long n = readVarint(in);
    if (n < 0 || n > in.readableBytes()) {
      throw new WireException("count " + n + " exceeds the " + in.readableBytes() + " bytes left");
    }
    return (int) n;
  }

  static void writeString(ByteBuf out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    writeVarint(out, b.length);
    out.writeBytes(b);
  }

  static String readString(ByteBuf in) {
    int n = readCount(in);
    String s = in.toString(in.readerIndex(), n, StandardCharsets.UTF_8);
    in.skipBytes(n);
    return s;
  }

  // ---- values -------------------------------------------------------------------------------------

  /** Writes {@code value} as {@code type}. */
  static void write(ByteBuf out, Type type, Object value) {
    write(out, type, value, 0);
  }

  private static void write(ByteBuf out, Type type, Object value, int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("value nests deeper than " + MAX_DEPTH + " levels");
    }
    if (type instanceof Class<?> c && c.isPrimitive()) {
      if (value == null) {
        throw new IllegalArgumentException("null for a value of type " + c + " (expected: a value; the contract's type is primitive)");
      }
      writePrimitive(out, c, value);
      return;
    }
    if (value == null) {
      out.writeByte(0);
      return;
    }
    out.writeByte(1);
    if (type instanceof Class<?> c) {
      Class<?> unboxed = java.lang.invoke.MethodType.methodType(c).unwrap().returnType();
      if (unboxed.isPrimitive() && unboxed != void.class) {
        writePrimitive(out, unboxed, value);
      } else if (c == String.class) {
        writeString(out, (String) value);
      } else if (c == byte[].class) {
        byte[] b = (byte[]) value;
        writeVarint(out, b.length);
        out.writeBytes(b);
      } else if (c.isEnum()) {
        writeString(out, ((Enum<?>) value).name());
      } else if (c.isRecord()) {
        RecordShape shape = shape(c);
        try {
          for (RecordComponent rc : shape.components()) {
            write(out, rc.getGenericType(), rc.getAccessor().invoke(value), depth + 1);
          }
        } catch (ReflectiveOperationException e) {
          throw new IllegalArgumentException("cannot read record " + c.getName(), e);
        }
      } else {
        throw new IllegalArgumentException("type " + c.getName() + " is not a data contract");
      }
      return;
    }
    ParameterizedType pt = (ParameterizedType) type;
    Class<?> raw = (Class<?>) pt.getRawType();
    Type[] args = pt.getActualTypeArguments();
    if (raw == List.class) {
      List<?> list = (List<?>) value;
      writeVarint(out, list.size());
      for (Object e : list) {
        write(out, args[0], e, depth + 1);
      }
    } else if (raw == Map.class) {
      Map<?, ?> map = (Map<?, ?>) value;
      writeVarint(out, map.size());
      for (Map.Entry<?, ?> e : map.entrySet()) {
        write(out, args[0], e.getKey(), depth + 1);
        write(out, args[1], e.getValue(), depth + 1);
      }
    } else if (raw == Optional.class) {
      Optional<?> o = (Optional<?>) value;
      write(out, args[0], o.orElse(null), depth + 1);
    } else {
      throw new IllegalArgumentException("type " + type + " is not a data contract");
    }
  }

  private static void writePrimitive(ByteBuf out, Class<?> c, Object value) {
    if (c == int.class) {
      writeZigzag(out, (Integer) value);
    } else if (c == long.class) {
      writeZigzag(out, (Long) value);
    } else if (c == boolean.class) {
      out.writeByte((Boolean) value ? 1 : 0);
    } else if (c == double.class) {
      out.writeLongLE(Double.doubleToRawLongBits((Double) value));
    } else if (c == float.class) {
      out.writeIntLE(Float.floatToRawIntBits((Float) value));
    } else if (c == byte.class) {
      out.writeByte((Byte) value);
    } else if (c == short.class) {
      writeZigzag(out, (Short) value);
    } else if (c == char.class) {
      writeZigzag(out, (Character) value);
    } else {
      throw new IllegalArgumentException("type " + c + " is not a data contract");
    }
  }

  /** Reads a value of {@code type}. */
  static Object read(ByteBuf in, Type type) {
    return read(in, type, 0);
  }

  private static Object read(ByteBuf in, Type type, int depth) {
    if (depth > MAX_DEPTH) {
      throw new WireException("body nests deeper than " + MAX_DEPTH + " levels");
    }
    if (type instanceof Class<?> c && c.isPrimitive()) {
      return readPrimitive(in, c);
    }
    if (!in.isReadable()) {
      throw new WireException("truncated body: a presence byte is missing");
    }
    int presence = in.readByte();
    if (presence == 0) {
      return type instanceof ParameterizedType p && p.getRawType() == Optional.class ? Optional.empty() : null;
    }
    if (presence != 1) {
      throw new WireException("presence byte " + presence + " (expected: 0 or 1)");
    }
    if (type instanceof Class<?> c) {
      Class<?> unboxed = java.lang.invoke.MethodType.methodType(c).unwrap().returnType();
      if (unboxed.isPrimitive() && unboxed != void.class) {
        return readPrimitive(in, unboxed);
      }
      if (c == String.class) {
        return readString(in);
      }
      if (c == byte[].class) {
        int n = readCount(in);
        byte[] b = new byte[n];
        in.readBytes(b);
        return b;
      }
      if (c.isEnum()) {
        String name = readString(in);
        for (Object constant : c.getEnumConstants()) {
          if (((Enum<?>) constant).name().equals(name)) {
            return constant;
          }
        }
        throw new WireException("unknown " + c.getSimpleName() + " constant " + name);
      }
      if (c.isRecord()) {
        RecordShape shape = shape(c);
        Object[] values = new Object[shape.components().length];
        for (int i = 0; i < values.length; i++) {
          values[i] = read(in, shape.components()[i].getGenericType(), depth + 1);
        }
        try {
          return shape.constructor().newInstance(values);
        } catch (java.lang.reflect.InvocationTargetException e) {
          throw new WireException("record " + c.getSimpleName() + " refused its values: " + e.getCause());
        } catch (ReflectiveOperationException e) {
          throw new WireException("cannot build record " + c.getSimpleName() + ": " + e);
        }
      }
      throw new WireException("type " + c.getName() + " is not a data contract");
    }
    ParameterizedType pt = (ParameterizedType) type;
    Class<?> raw = (Class<?>) pt.getRawType();
    Type[] args = pt.getActualTypeArguments();
    if (raw == List.class) {
      int n = readCount(in);
      List<Object> list = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        list.add(read(in, args[0], depth + 1));
      }
      return java.util.Collections.unmodifiableList(list);
    }
    if (raw == Map.class) {
      int n = readCount(in);
      Map<Object, Object> map = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        map.put(read(in, args[0], depth + 1), read(in, args[1], depth + 1));
      }
      return java.util.Collections.unmodifiableMap(map);
    }
    if (raw == Optional.class) {
      return Optional.ofNullable(read(in, args[0], depth + 1));
    }
    throw new WireException("type " + type + " is not a data contract");
  }

  private static Object readPrimitive(ByteBuf in, Class<?> c) {
    int need = c == double.class ? 8 : c == float.class ? 4 : 1;
    if (in.readableBytes() < need) {
      throw new WireException("truncated " + c + " value");
    }
    if (c == int.class) {
      long v = readZigzag(in);
      if (v != (int) v) {
        throw new WireException("int value " + v + " out of range");
      }
      return (int) v;
    }
    if (c == long.class) {
      return readZigzag(in);
    }
    if (c == boolean.class) {
      byte b = in.readByte();
      if (b != 0 && b != 1) {
        throw new WireException("boolean byte " + b + " (expected: 0 or 1)");
      }
      return b == 1;
    }
    if (c == double.class) {
      return Double.longBitsToDouble(in.readLongLE());
    }
    if (c == float.class) {
      return Float.intBitsToFloat(in.readIntLE());
    }
    if (c == byte.class) {
      return in.readByte();
    }
    if (c == short.class) {
      return (short) readZigzag(in);
    }
    if (c == char.class) {
      return (char) readZigzag(in);
    }
    throw new WireException("type " + c + " is not a data contract");
  }

  private static RecordShape shape(Class<?> c) {
    return RECORDS.computeIfAbsent(c, k -> {
      RecordComponent[] rcs = k.getRecordComponents();
      Class<?>[] types = new Class<?>[rcs.length];
      for (int i = 0; i < rcs.length; i++) {
        types[i] = rcs[i].getType();
        rcs[i].getAccessor().setAccessible(true);
      }
      try {
        Constructor<?> ctor = k.getDeclaredConstructor(types);
        ctor.setAccessible(true);
        return new RecordShape(rcs, ctor);
      } catch (NoSuchMethodException e) {
        throw new IllegalArgumentException("record " + k.getName() + " has no canonical constructor", e);
      }
    });
  }
}
