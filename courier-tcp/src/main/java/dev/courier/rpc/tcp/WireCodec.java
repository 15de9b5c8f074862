package dev.courier.rpc.tcp;

import dev.courier.rpc.OperationDescription;
import dev.courier.rpc.spi.ArrayType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Encodes and decodes data contracts by their declared types (docs/tcp-protocol.md, section 3): no type
 * information travels, so only the contract's types can ever be built.
 *
 * <p>Decoding is bounded: counts cannot exceed the bytes left, nesting stops at {@link #MAX_DEPTH}, what a
 * body builds stops at its {@link Budget}, and a malformed body raises {@link WireException}. Thread safe.
 *
 * <p>Each type is turned once into a {@link Form} that writes and reads its values: records through method
 * handles of their accessors and canonical constructor, primitive components without boxing on the way out.
 */
final class WireCodec {
  static final int MAX_DEPTH = 64;

  /** The form of every type met so far: built once per type, so encoding reflects on nothing. */
  private static final Map<Type, Form> FORMS = new ConcurrentHashMap<>();
  /** The forms of an operation's parameters and result, found by the description itself (identity). */
  private static final Map<OperationDescription, OperationForms> OPERATIONS = new ConcurrentHashMap<>();

  /**
   * The forms of an operation's request parts and reply. A message contract's request travels as its parts, as
   * the parameters they stand for do; a reply travels as its one part when it has one, else as the result.
   */
  private record OperationForms(Form[] parameters, Form result, boolean requestMessage, boolean replyPart) {
    static OperationForms of(OperationDescription op) {
      boolean replyPart = replyIsOnePart(op);
      return new OperationForms(op.requestPartTypes().stream().map(WireCodec::form).toArray(Form[]::new),
          op.hasResult() ? form(replyType(op)) : null, op.requestMessage().isPresent(), replyPart);
    }
  }

  /** Whether {@code op}'s reply travels as one part of a message record rather than as its result. */
  static boolean replyIsOnePart(OperationDescription op) {
    return op.replyMessage().isPresent() && op.replyPartTypes().size() == 1;
  }

  /** The type whose form a reply of {@code op} travels in (see {@link OperationForms}). */
  static Type replyType(OperationDescription op) {
    return replyIsOnePart(op) ? op.replyPartTypes().getFirst() : op.resultType();
  }

  /** The result of {@code op} read as {@link #replyType}. */
  static Object result(OperationDescription op, Object read) {
    return replyIsOnePart(op) ? op.result(new Object[] {read}) : read;
  }

  private WireCodec() {}

  /**
   * Bytes that do not decode by their type. In a frame's own fields a protocol error; in a body (arguments, a
   * result, a fault's detail) the failure of that one call.
   */
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
    // The byte count first, then the bytes, written in place. A string with surrogates (pairs, or unpaired
    // ones that the JDK writes as '?') goes through the JDK's encoder, so every string encodes as
    // String.getBytes(UTF_8) does.
    int n = 0;
    for (int i = 0, length = s.length(); i < length; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isSurrogate(c)) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        writeVarint(out, b.length);
        out.writeBytes(b);
        return;
      } else {
        n += 3;
      }
    }
    writeVarint(out, n);
    ByteBufUtil.reserveAndWriteUtf8(out, s, n);
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
    form(type).write(out, value, 0);
  }

  /** Reads a value of {@code type}, a body on its own: as a frame of the default maximum message size. */
  static Object read(ByteBuf in, Type type) {
    return read(in, type, Budget.forFrame(4 << 20));
  }

  /** Reads a value of {@code type}, charging what it builds to {@code budget}. */
  static Object read(ByteBuf in, Type type, Budget budget) {
    return form(type).read(in, 0, budget);
  }

  /** Writes the arguments of a call of {@code op}, each by its parameter's type. */
  static void writeArguments(ByteBuf out, OperationDescription op, Object[] args) {
    OperationForms forms = OPERATIONS.computeIfAbsent(op, OperationForms::of);
    Form[] parameters = forms.parameters();
    Object[] parts = forms.requestMessage() ? op.requestParts(args) : args;
    for (int i = 0; i < parameters.length; i++) {
      parameters[i].write(out, parts[i], 0);
    }
  }

  /** Reads the arguments of a call of {@code op}, charging what they build to {@code budget}. */
  static Object[] readArguments(ByteBuf in, OperationDescription op, Budget budget) {
    return readArguments(in, op, OPERATIONS.computeIfAbsent(op, OperationForms::of).parameters(), budget);
  }

  /** Reads the arguments of a call of {@code op} with {@code forms}, one per request part (maybe another version's). */
  static Object[] readArguments(ByteBuf in, OperationDescription op, Form[] forms, Budget budget) {
    Object[] parts = new Object[forms.length];
    int i = 0;
    try {
      for (; i < parts.length; i++) {
        parts[i] = forms[i].read(in, 0, budget);
      }
    } catch (WireException | IndexOutOfBoundsException e) {
      throw new WireException("parameter " + (i + 1) + " (" + op.requestPartTypes().get(i).getTypeName() + " "
          + op.requestPartNames().get(i) + "): " + e.getMessage());
    }
    return op.arguments(parts);
  }

  /** Reads a value with {@code form}, charging what it builds to {@code budget}. */
  static Object read(ByteBuf in, Form form, Budget budget) {
    return form.read(in, 0, budget);
  }

  /** The form of {@code type}. */
  static Form formOf(Type type) {
    return form(type);
  }

  /** Writes the result of {@code op}, which has one. */
  static void writeResult(ByteBuf out, OperationDescription op, Object value) {
    OperationForms forms = OPERATIONS.computeIfAbsent(op, OperationForms::of);
    forms.result().write(out, forms.replyPart() ? op.replyParts(value)[0] : value, 0);
  }

  /** Reads the result of {@code op}, which has one, charging what it builds to {@code budget}. */
  static Object readResult(ByteBuf in, OperationDescription op, Budget budget) {
    OperationForms forms = OPERATIONS.computeIfAbsent(op, OperationForms::of);
    Object value = forms.result().read(in, 0, budget);
    return forms.replyPart() ? op.result(new Object[] {value}) : value;
  }

  /** What a box costs that stays in a decoded value: nothing for the boxes the JVM caches. */
  private static long boxCost(Object box) {
    if (box instanceof Boolean || box instanceof Byte) {
      return 0;
    }
    if (box instanceof Integer || box instanceof Long || box instanceof Short) {
      long v = ((Number) box).longValue();
      return v >= -128 && v <= 127 ? 0 : Budget.OBJECT + (box instanceof Long ? 8 : 0);
    }
    if (box instanceof Character c) {
      return c <= 127 ? 0 : Budget.OBJECT;
    }
    return box instanceof Double ? Budget.OBJECT + 8 : Budget.OBJECT;
  }

  /**
   * What decoding one frame may build: at most {@link #FACTOR} times the maximum message size, in bytes of
   * objects as the decoder estimates them (a 64-bit JVM with compressed references: an object's header and
   * fields, and the reference that holds it). A body that would build more is refused with a
   * {@link WireException} as soon as it passes the limit, so a frame costs at most that much memory, however
   * its bytes are spent (a frame of empty lists costs about 24 times its size unbounded). Not thread safe:
   * one frame's, on the thread that decodes it.
   */
  static final class Budget {
    /** How many times the maximum message size a frame may build. */
    static final int FACTOR = 8;
    static final long OBJECT = 16;        // the least an object costs: header and padding
    static final long SLOT = 8;           // a reference in a list or record, with room for a list to grow
    static final long STRING = 40;        // a String and its byte array, empty
    static final long LIST = 40;          // an ArrayList and its unmodifiable view
    static final long MAP = 72;           // a LinkedHashMap, its table and its unmodifiable view
    static final long ENTRY = 48;         // an entry of a LinkedHashMap and its slot in the table

    private final long limit;
    private final int maxMessageSize;
    private long spent;

    private Budget(long limit, int maxMessageSize) {
      this.limit = limit;
      this.maxMessageSize = maxMessageSize;
    }

    /** The budget of one frame under a maximum message size of {@code maxMessageSize} bytes. */
    static Budget forFrame(int maxMessageSize) {
      return new Budget((long) FACTOR * maxMessageSize, maxMessageSize);
    }

    /** This budget, spent on nothing again: one budget serves the frames of one thread in turn. */
    Budget renewed() {
      spent = 0;
      return this;
    }

    void charge(long bytes) {
      spent += bytes;
      if (spent > limit) {
        throw new WireException("body builds more than " + limit + " bytes of objects (expected: at most "
            + FACTOR + " times the maximum message size of " + maxMessageSize + " bytes)");
      }
    }
  }

  private static void checkWriteDepth(int depth) {
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("value nests deeper than " + MAX_DEPTH + " levels");
    }
  }

  private static void checkReadDepth(int depth) {
    if (depth > MAX_DEPTH) {
      throw new WireException("body nests deeper than " + MAX_DEPTH + " levels");
    }
  }

  /** How the values of one type are written and read; {@code depth} is the nesting level of the value. */
  abstract static class Form {
    abstract void write(ByteBuf out, Object value, int depth);

    abstract Object read(ByteBuf in, int depth, Budget budget);
  }

  private static Form form(Type type) {
    Form form = FORMS.get(type);
    if (form == null) {
      // Not computeIfAbsent: a record that contains itself asks for its own form while it is being built.
      form = build(type);
      Form raced = FORMS.putIfAbsent(type, form);
      if (raced != null) {
        form = raced;
      }
    }
    return form;
  }

  private static Form build(Type type) {
    Optional<ArrayType> array = ArrayType.of(type);
    if (array.isPresent()) {
      return new Reference(new ArrayForm(array.get(), form(boxed(array.get().itemType()))));
    }
    if (type instanceof Class<?> c) {
      if (c.isPrimitive()) {
        return c == void.class ? new Unsupported(c.getName()) : new Primitive(c);
      }
      Class<?> unboxed = MethodType.methodType(c).unwrap().returnType();
      Form value;
      if (unboxed.isPrimitive() && unboxed != void.class) {
        value = new Primitive(unboxed);
      } else if (c == String.class) {
        value = new StringForm();
      } else if (c == byte[].class) {
        value = new BytesForm();
      } else if (c.isEnum()) {
        value = new EnumForm(c);
      } else if (c.isRecord()) {
        value = new RecordForm(c);
      } else {
        return new Unsupported(c.getName());
      }
      return new Reference(value);
    }
    if (type instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> raw) {
      Type[] args = pt.getActualTypeArguments();
      if (raw == List.class) {
        return new Reference(new ListForm(args[0]));
      } else if (raw == Map.class) {
        return new Reference(new MapForm(args[0], args[1]));
      } else if (raw == Optional.class) {
        return new Reference(new OptionalForm(args[0]));
      }
    }
    return new Unsupported(String.valueOf(type));
  }

  /** A type that is not a data contract: the contract's validation keeps it out, this says so if it gets in. */
  private static final class Unsupported extends Form {
    private final String name;

    Unsupported(String name) {
      this.name = name;
    }

    @Override
    void write(ByteBuf out, Object value, int depth) {
      checkWriteDepth(depth);
      if (value == null) {
        out.writeByte(0);
        return;
      }
      throw new IllegalArgumentException("type " + name + " is not a data contract");
    }

    @Override
    Object read(ByteBuf in, int depth, Budget budget) {
      throw new WireException("type " + name + " is not a data contract");
    }
  }

  /**
   * A reference: a presence byte, then the value by its form. Null travels as null, an {@code Optional} too
   * (a null {@code Optional} is not an empty one), as it does in process.
   */
  private static final class Reference extends Form {
    private final Form value;

    Reference(Form value) {
      this.value = value;
    }

    @Override
    void write(ByteBuf out, Object v, int depth) {
      checkWriteDepth(depth);
      if (v == null) {
        out.writeByte(0);
      } else {
        out.writeByte(1);
        value.write(out, v, depth);
      }
    }

    @Override
    Object read(ByteBuf in, int depth, Budget budget) {
      checkReadDepth(depth);
      if (!in.isReadable()) {
        throw new WireException("truncated body: a presence byte is missing");
      }
      int presence = in.readByte();
      if (presence == 0) {
        return null;
      }
      if (presence != 1) {
        throw new WireException("presence byte " + presence + " (expected: 0 or 1)");
      }
      Object v = value.read(in, depth, budget);
      if (value instanceof Primitive) {
        budget.charge(boxCost(v));     // a box that stays: an element of a list or map, or a boxed component
      }
      return v;
    }
  }

  /** A primitive, or the value of its box. */
  private static final class Primitive extends Form {
    private final Class<?> type;

    Primitive(Class<?> type) {
      this.type = type;
    }

    @Override
    void write(ByteBuf out, Object value, int depth) {
      checkWriteDepth(depth);
      if (value == null) {
        throw new IllegalArgumentException("null for a value of type " + type
            + " (expected: a value; the contract's type is primitive)");
      }
      writePrimitive(out, type, value);
    }

    @Override
    Object read(ByteBuf in, int depth, Budget budget) {
      checkReadDepth(depth);
      return readPrimitive(in, type);
    }
  }

  private static final class StringForm extends Form {
    @Override
    void write(ByteBuf out, Object value, int depth) {
      writeString(out, (String) value);
    }

    @Override
    Object read(ByteBuf in, int depth, Budget budget) {
      String s = readString(in);
      budget.charge(s.isEmpty() ? 0 : Budget.STRING + 2L * s.length());    // Latin-1 takes half of that
      return s;
    }
  }

  private static final class BytesForm extends Form {
    @Override
    void write(ByteBuf out, Object value, int depth) {
      byte[] b = (byte[]) value;
      writeVarint(out, b.length);
      out.writeBytes(b);
    }

    @Override
    Object read(ByteBuf in, int depth, Budget budget) {
      int n = readCount(in);
      budget.charge(Budget.OBJECT + n);
      byte[] b = new byte[n];
      in.readBytes(b);
      return b;
    }
  }

  private static final class EnumForm extends Form {
    private final Class<?> type;
    private final Map<String, Object> constants = new HashMap<>();

    EnumForm(Class<?> type) {
      this.type = type;
      for (Object constant : type.getEnumConstants()) {
        constants.put(((Enum<?>) constant).name(), constant);
      }
    }

    @Override
    void write(ByteBuf out, Object value, int depth) {
      writeString(out, ((Enum<?>) type.cast(value)).name());
    }

    @Override
    Object read(ByteBuf in, int depth, Budget budget) {
      String name = readString(in);
      Object constant = constants.get(name);
      if (constant == null) {
        throw new WireException("unknown " + type.getSimpleName() + " constant " + name);
      }
      return constant;
    }
  }

  private static class ListForm extends Form {
    private final Form element;

    ListForm(Type element) {
      this.element = form(element);
    }

    ListForm(Form element) {
      this.element = element;
    }

    @Override
    void write(ByteBuf out, Object value, int depth) {
      List<?> list = (List<?>) value;
      writeVarint(out, list.size());
      for (Object e : list) {
        element.write(out, e, depth + 1);
      }
    }

    @Override
    Object read(ByteBuf in, int depth, Budget budget) {
      int n = readCount(in);
      budget.charge(Budget.LIST);          // and each element as it is read: the count is only a claim
      // Not presized to n: nested lists can each claim the whole body, and presizing every level would
      // allocate many times the body before a missing element is noticed.
      List<Object> list = new ArrayList<>(Math.min(n, 256));
      for (int i = 0; i < n; i++) {
        budget.charge(Budget.SLOT);
        list.add(element.read(in, depth + 1, budget));
      }
      return java.util.Collections.unmodifiableList(list);
    }
  }

  /**
   * An array (but {@code byte[]}), as the {@code List} of its items travels: a primitive array's items as their
   * boxes, each with its presence byte, so that {@code int[]} and {@code List<Integer>} read each other. A null
   * item is refused on reading where the array's items cannot be null.
   */
  private static final class ArrayForm extends ListForm {
    private final ArrayType type;

    ArrayForm(ArrayType type, Form item) {
      super(item);
      this.type = type;
    }

    @Override
    void write(ByteBuf out, Object value, int depth) {
      super.write(out, type.items(value), depth);
    }

    @Override
    Object read(ByteBuf in, int depth, Budget budget) {
      List<?> list = (List<?>) super.read(in, depth, budget);
      try {
        return type.array(list);
      } catch (IllegalArgumentException e) {
        throw new WireException(e.getMessage());
      }
    }
  }

  /** The box of a primitive {@code type}, else {@code type}: how an item of a primitive array travels. */
  private static Type boxed(Type type) {
    return type instanceof Class<?> c && c.isPrimitive() ? MethodType.methodType(c).wrap().returnType() : type;
  }

  private static final class MapForm extends Form {
    private final Form key;
    private final Form value;

    MapForm(Type key, Type value) {
      this.key = form(key);
      this.value = form(value);
    }

    MapForm(Form key, Form value) {
      this.key = key;
      this.value = value;
    }

    @Override
    void write(ByteBuf out, Object v, int depth) {
      Map<?, ?> map = (Map<?, ?>) v;
      writeVarint(out, map.size());
      for (Map.Entry<?, ?> e : map.entrySet()) {
        key.write(out, e.getKey(), depth + 1);
        value.write(out, e.getValue(), depth + 1);
      }
    }

    @Override
    Object read(ByteBuf in, int depth, Budget budget) {
      int n = readCount(in);
      budget.charge(Budget.MAP);
      Map<Object, Object> map = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        budget.charge(Budget.ENTRY);
        map.put(key.read(in, depth + 1, budget), value.read(in, depth + 1, budget));
      }
      return java.util.Collections.unmodifiableMap(map);
    }
  }

  private static final class OptionalForm extends Form {
    private final Form value;

    OptionalForm(Type value) {
      this.value = form(value);
    }

    OptionalForm(Form value) {
      this.value = value;
    }

    @Override
    void write(ByteBuf out, Object v, int depth) {
      value.write(out, ((Optional<?>) v).orElse(null), depth + 1);
    }

    @Override
    Object read(ByteBuf in, int depth, Budget budget) {
      Object v = value.read(in, depth + 1, budget);
      budget.charge(v == null ? 0 : Budget.OBJECT);
      return Optional.ofNullable(v);
    }
  }

  /**
   * A record: its components in declaration order. The component forms are resolved on first use, so a
   * record may contain itself (a tree); int, long, double and boolean components are read off the record
   * without boxing.
   */
  private static final class RecordForm extends Form {
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();

    private final Class<?> type;
    private final RecordComponent[] components;
    private final MethodHandle[] accessors;     // (Object) -> the component's type
    private final Class<?>[] unboxed;           // int, long, double, boolean: read off unboxed; else Object
    private final MethodHandle constructor;     // (Object[]) -> Object
    private volatile Form[] forms;

    RecordForm(Class<?> type) {
      this.type = type;
      this.components = type.getRecordComponents();
      this.accessors = new MethodHandle[components.length];
      this.unboxed = new Class<?>[components.length];
      Class<?>[] types = new Class<?>[components.length];
      try {
        for (int i = 0; i < components.length; i++) {
          types[i] = components[i].getType();
          Method accessor = components[i].getAccessor();
          accessor.setAccessible(true);
          Class<?> t = types[i];
          Class<?> erased = t == int.class || t == long.class || t == double.class || t == boolean.class ? t : Object.class;
          unboxed[i] = erased;
          accessors[i] = LOOKUP.unreflect(accessor).asType(MethodType.methodType(erased, Object.class));
        }
        java.lang.reflect.Constructor<?> ctor = type.getDeclaredConstructor(types);
        ctor.setAccessible(true);
        constructor = LOOKUP.unreflectConstructor(ctor).asSpreader(Object[].class, types.length)
            .asType(MethodType.methodType(Object.class, Object[].class));
      } catch (NoSuchMethodException e) {
        throw new IllegalArgumentException("record " + type.getName() + " has no canonical constructor", e);
      } catch (IllegalAccessException e) {
        throw new IllegalArgumentException("cannot read record " + type.getName(), e);
      }
    }

    private Form[] forms() {
      Form[] f = forms;
      if (f == null) {
        f = new Form[components.length];
        for (int i = 0; i < f.length; i++) {
          f[i] = form(components[i].getGenericType());
        }
        forms = f;
      }
      return f;
    }

    @Override
    void write(ByteBuf out, Object value, int depth) {
      Object record = type.cast(value);
      Form[] f = forms();
      int inner = depth + 1;
      try {
        for (int i = 0; i < f.length; i++) {
          MethodHandle accessor = accessors[i];
          Class<?> t = unboxed[i];
          if (t == Object.class) {
            f[i].write(out, (Object) accessor.invokeExact(record), inner);
            continue;
          }
          checkWriteDepth(inner);
          if (t == int.class) {
            writeZigzag(out, (int) accessor.invokeExact(record));
          } else if (t == long.class) {
            writeZigzag(out, (long) accessor.invokeExact(record));
          } else if (t == double.class) {
            writeDouble(out, (double) accessor.invokeExact(record));
          } else {
            writeBoolean(out, (boolean) accessor.invokeExact(record));
          }
        }
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new IllegalArgumentException("cannot read record " + type.getName(), t);
      }
    }

    @Override
    Object read(ByteBuf in, int depth, Budget budget) {
      Form[] f = forms();
      budget.charge(Budget.OBJECT + (long) f.length * Budget.SLOT);
      Object[] values = new Object[f.length];
      for (int i = 0; i < values.length; i++) {
        values[i] = f[i].read(in, depth + 1, budget);
      }
      return construct(values);
    }

    Object construct(Object[] values) {
      try {
        return (Object) constructor.invokeExact(values);
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Throwable t) {           // the record's own checks (an exception, or an assertion) refused them
        throw new WireException("record " + type.getSimpleName() + " refused its values: " + t);
      }
    }
  }

  private static void writeBoolean(ByteBuf out, boolean value) {
    out.writeByte(value ? 1 : 0);
  }

  private static void writeDouble(ByteBuf out, double value) {
    out.writeLongLE(Double.doubleToRawLongBits(value));
  }

  private static void writePrimitive(ByteBuf out, Class<?> c, Object value) {
    if (c == int.class) {
      writeZigzag(out, (Integer) value);
    } else if (c == long.class) {
      writeZigzag(out, (Long) value);
    } else if (c == boolean.class) {
      writeBoolean(out, (Boolean) value);
    } else if (c == double.class) {
      writeDouble(out, (Double) value);
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

  // ---- reading what another version of a contract wrote (docs/tcp-protocol.md, section 4) ------------

  /**
   * The form that reads, as {@code type}, a value that a peer whose signature is {@code writer} wrote as
   * {@code w}, where the two agree ({@link ContractSignature#incompatibility} found nothing): this side's own
   * form when the shapes are equal, else one that skips the components the writer added to a record and gives
   * the components it lacks their defaults (null, 0, false, {@code Optional.empty()}, an empty list or map).
   */
  static Form reading(ContractSignature writer, ContractSignature.Sig w, ContractSignature reader,
      ContractSignature.Sig r, Type type) {
    if (ContractSignature.sameShape(writer, w, reader, r)) {
      return form(type);
    }
    return new Adapter(writer).form(w, type);
  }

  /** Builds reading forms for one writer's signature; a record that contains itself is built once. */
  private static final class Adapter {
    private final ContractSignature writer;
    private final Map<String, Late> built = new HashMap<>();

    Adapter(ContractSignature writer) {
      this.writer = writer;
    }

    Form form(ContractSignature.Sig w, Type type) {
      if (w instanceof ContractSignature.ListOf l && type instanceof ParameterizedType p && p.getRawType() == List.class) {
        return new Reference(new ListForm(form(l.element(), p.getActualTypeArguments()[0])));
      }
      Optional<ArrayType> array = ArrayType.of(type);
      if (w instanceof ContractSignature.ListOf l && array.isPresent()) {
        return new Reference(new ArrayForm(array.get(), form(l.element(), boxed(array.get().itemType()))));
      }
      if (w instanceof ContractSignature.MapOf m && type instanceof ParameterizedType p && p.getRawType() == Map.class) {
        return new Reference(new MapForm(form(m.key(), p.getActualTypeArguments()[0]),
            form(m.value(), p.getActualTypeArguments()[1])));
      }
      if (w instanceof ContractSignature.Opt o && type instanceof ParameterizedType p && p.getRawType() == Optional.class) {
        return new Reference(new OptionalForm(form(o.value(), p.getActualTypeArguments()[0])));
      }
      if (w instanceof ContractSignature.Named n && type instanceof Class<?> c && c.isRecord()
          && writer.entry(n.index()) instanceof ContractSignature.RecordDef def) {
        String key = n.index() + " " + c.getName();
        Late late = built.get(key);
        if (late == null) {
          late = new Late();
          built.put(key, late);
          late.target = new Reference(record(def, c));
        }
        return late;
      }
      return WireCodec.form(type);
    }

    private Form record(ContractSignature.RecordDef def, Class<?> type) {
      RecordForm base = (RecordForm) ((Reference) WireCodec.form(type)).value;
      RecordComponent[] mine = type.getRecordComponents();
      int common = Math.min(mine.length, def.components().size());
      Form[] read = new Form[common];
      for (int i = 0; i < common; i++) {
        read[i] = form(def.components().get(i).sig(), mine[i].getGenericType());
      }
      Form[] skipped = new Form[def.components().size() - common];
      for (int i = 0; i < skipped.length; i++) {
        skipped[i] = new Skip(writer, def.components().get(common + i).sig());
      }
      Object[] defaults = new Object[mine.length - common];
      for (int i = 0; i < defaults.length; i++) {
        defaults[i] = defaultOf(mine[common + i].getGenericType());
      }
      return new Form() {
        @Override
        void write(ByteBuf out, Object value, int depth) {
          throw new IllegalStateException("a reading form does not write");
        }

        @Override
        Object read(ByteBuf in, int depth, Budget budget) {
          budget.charge(Budget.OBJECT + (long) mine.length * Budget.SLOT);
          Object[] values = new Object[mine.length];
          for (int i = 0; i < read.length; i++) {
            values[i] = read[i].read(in, depth + 1, budget);
          }
          for (Form skip : skipped) {
            skip.read(in, depth + 1, budget);
          }
          System.arraycopy(defaults, 0, values, common, defaults.length);
          return base.construct(values);
        }
      };
    }
  }

  /** The value a reader gives a component that the writer's version of the record does not have. */
  private static Object defaultOf(Type type) {
    Optional<ArrayType> array = ArrayType.of(type);
    if (array.isPresent()) {
      return array.get().array(List.of());          // empty, as a list is
    }
    Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    if (raw.isPrimitive()) {
      return java.lang.reflect.Array.get(java.lang.reflect.Array.newInstance(raw, 1), 0);
    }
    if (raw == Optional.class) {
      return Optional.empty();
    }
    if (raw == List.class) {
      return List.of();
    }
    if (raw == Map.class) {
      return Map.of();
    }
    return null;
  }

  /** A form that is known once it has been built: a record that contains itself reads through it. */
  private static final class Late extends Form {
    Form target;

    @Override
    void write(ByteBuf out, Object value, int depth) {
      target.write(out, value, depth);
    }

    @Override
    Object read(ByteBuf in, int depth, Budget budget) {
      return target.read(in, depth, budget);
    }
  }

  /** Reads and drops a value of the writer's shape: a component this side's version of a record lacks. */
  private static final class Skip extends Form {
    private final ContractSignature writer;
    private final ContractSignature.Sig sig;

    Skip(ContractSignature writer, ContractSignature.Sig sig) {
      this.writer = writer;
      this.sig = sig;
    }

    @Override
    void write(ByteBuf out, Object value, int depth) {
      throw new IllegalStateException("a skipping form does not write");
    }

    @Override
    Object read(ByteBuf in, int depth, Budget budget) {
      skip(sig, in, depth, budget);
      return null;
    }

    private void skip(ContractSignature.Sig s, ByteBuf in, int depth, Budget budget) {
      checkReadDepth(depth);
      if (s instanceof ContractSignature.Prim p) {
        readPrimitive(in, primitive(p.kind()));
        return;
      }
      if (!in.isReadable()) {
        throw new WireException("truncated body: a presence byte is missing");
      }
      int presence = in.readByte();
      if (presence == 0) {
        return;
      }
      if (presence != 1) {
        throw new WireException("presence byte " + presence + " (expected: 0 or 1)");
      }
      switch (s) {
        case ContractSignature.Boxed b -> readPrimitive(in, primitive(b.kind()));
        case ContractSignature.Str x -> in.skipBytes(readCount(in));
        case ContractSignature.Bytes x -> in.skipBytes(readCount(in));
        case ContractSignature.ListOf l -> {
          int n = readCount(in);
          for (int i = 0; i < n; i++) {
            budget.charge(Budget.SLOT);           // a flood of empty elements costs what reading them would
            skip(l.element(), in, depth + 1, budget);
          }
        }
        case ContractSignature.MapOf m -> {
          int n = readCount(in);
          for (int i = 0; i < n; i++) {
            budget.charge(Budget.SLOT);
            skip(m.key(), in, depth + 1, budget);
            skip(m.value(), in, depth + 1, budget);
          }
        }
        case ContractSignature.Opt o -> skip(o.value(), in, depth + 1, budget);
        case ContractSignature.Named n -> {
          if (writer.entry(n.index()) instanceof ContractSignature.RecordDef def) {
            for (ContractSignature.Field f : def.components()) {
              skip(f.sig(), in, depth + 1, budget);
            }
          } else {
            in.skipBytes(readCount(in));          // an enum: its constant's name
          }
        }
        case ContractSignature.Prim p -> throw new IllegalStateException();
      }
    }

    private static Class<?> primitive(char kind) {
      return switch (kind) {
        case 'Z' -> boolean.class;
        case 'B' -> byte.class;
        case 'S' -> short.class;
        case 'I' -> int.class;
        case 'J' -> long.class;
        case 'F' -> float.class;
        case 'D' -> double.class;
        default -> char.class;
      };
    }
  }
}
