package dev.courier.rpc.tcp;

import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.OperationDescription;
import dev.courier.rpc.spi.ArrayType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shape of a contract as the wire sees it: each operation's action, pattern, parameters, result and faults,
 * and the records and enums they use. Two ends exchange their signatures when a session opens
 * (docs/tcp-protocol.md, SESSION_OPEN), so that each knows before any call whether the other's contract
 * agrees, and how to read what the other writes when it agrees without being equal (section 4).
 *
 * <p>Immutable and thread safe; the signature of a contract and its encoding are computed once.
 */
final class ContractSignature {
  /** A type as the wire sees it. Records and enums are named entries of the signature's table. */
  sealed interface Sig permits Prim, Boxed, Str, Bytes, ListOf, MapOf, Opt, Named {}

  /** A primitive: never null. */
  record Prim(char kind) implements Sig {}

  /** A primitive's box: may be null. */
  record Boxed(char kind) implements Sig {}

  /** A string. */
  record Str() implements Sig {}

  /** A byte array. */
  record Bytes() implements Sig {}

  /** A list, or an array of the same items. */
  record ListOf(Sig element) implements Sig {}

  /** A map. */
  record MapOf(Sig key, Sig value) implements Sig {}

  /** An optional value. */
  record Opt(Sig value) implements Sig {}

  /** A record or an enum: entry {@code index} of the table. */
  record Named(int index) implements Sig {}

  /** A record of the table: its name and its components in order. */
  record RecordDef(String name, List<Field> components) {}

  /** An enum of the table: its name and its constants. */
  record EnumDef(String name, List<String> constants) {}

  /** A named value: a parameter, a component, a declared fault. */
  record Field(String name, Sig sig) {}

  /** An operation: {@code result} is {@code null} for none. */
  record OpSig(String action, String name, boolean oneWay, List<Field> parameters, Sig result, List<Field> faults) {}

  private static final Map<ContractDescription, ContractSignature> CACHE = new ConcurrentHashMap<>();
  private static final String KINDS = "ZBSIJFDC";           // boolean byte short int long float double char
  private static final Class<?>[] PRIMITIVES = {boolean.class, byte.class, short.class, int.class, long.class,
      float.class, double.class, char.class};
  private static final Class<?>[] BOXES = {Boolean.class, Byte.class, Short.class, Integer.class, Long.class,
      Float.class, Double.class, Character.class};
  private static final int MAX_DEPTH = 64;

  private final List<Object> table;                // RecordDef or EnumDef
  private final List<OpSig> operations;
  private final List<OpSig> callbacks;
  private final Map<String, OpSig> byAction = new HashMap<>();
  private final Map<String, OpSig> callbacksByAction = new HashMap<>();
  private volatile byte[] encoded;

  private ContractSignature(List<Object> table, List<OpSig> operations, List<OpSig> callbacks) {
    this.table = List.copyOf(table);
    this.operations = List.copyOf(operations);
    this.callbacks = List.copyOf(callbacks);
    operations.forEach(o -> byAction.put(o.action(), o));
    callbacks.forEach(o -> callbacksByAction.put(o.action(), o));
  }

  /** The signature of {@code contract}, with its callback contract's operations. */
  static ContractSignature of(ContractDescription contract) {
    return CACHE.computeIfAbsent(contract, c -> {
      Builder b = new Builder();
      List<OpSig> ops = c.operations().stream().map(b::operation).toList();
      List<OpSig> callbacks = c.callbackContract().map(cb -> cb.operations().stream().map(b::operation).toList())
          .orElse(List.of());
      return new ContractSignature(b.table, ops, callbacks);
    });
  }

  /** The operation with {@code action}, of the contract or (with {@code callback}) of its callback contract. */
  OpSig operation(String action, boolean callback) {
    return (callback ? callbacksByAction : byAction).get(action);
  }

  Object entry(int index) {
    return table.get(index);
  }

  // ---- building from Java types ----------------------------------------------------------------------

  private static final class Builder {
    final List<Object> table = new ArrayList<>();
    final Map<Class<?>, Integer> indices = new HashMap<>();

    OpSig operation(OperationDescription op) {
      List<Field> params = new ArrayList<>();
      for (int i = 0; i < op.requestPartTypes().size(); i++) {
        params.add(new Field(op.requestPartNames().get(i), sig(op.requestPartTypes().get(i))));
      }
      List<Field> faults = op.faults().stream().map(f -> new Field(f.getSimpleName(), sig(f))).toList();
      return new OpSig(op.action(), op.name(), op.isOneWay(), params, op.hasResult() ? sig(WireCodec.replyType(op)) : null,
          faults);
    }

    Sig sig(Type type) {
      Optional<ArrayType> array = ArrayType.of(type);
      if (array.isPresent()) {
        // An array is the list of its items, a primitive array's of their boxes: it travels as that list does.
        Type item = array.get().itemType();
        return new ListOf(item instanceof Class<?> c && c.isPrimitive()
            ? new Boxed(KINDS.charAt(Arrays.asList(PRIMITIVES).indexOf(c))) : sig(item));
      }
      if (type instanceof Class<?> c) {
        for (int i = 0; i < PRIMITIVES.length; i++) {
          if (c == PRIMITIVES[i]) {
            return new Prim(KINDS.charAt(i));
          }
          if (c == BOXES[i]) {
            return new Boxed(KINDS.charAt(i));
          }
        }
        if (c == String.class) {
          return new Str();
        }
        if (c == byte[].class) {
          return new Bytes();
        }
        if (c.isEnum() || c.isRecord()) {
          Integer index = indices.get(c);
          if (index == null) {
            index = table.size();
            indices.put(c, index);
            table.add(null);                  // holds the place: a record may contain itself
            if (c.isEnum()) {
              table.set(index, new EnumDef(c.getSimpleName(),
                  Arrays.stream(c.getEnumConstants()).map(e -> ((Enum<?>) e).name()).toList()));
            } else {
              List<Field> components = new ArrayList<>();
              for (RecordComponent rc : c.getRecordComponents()) {
                components.add(new Field(rc.getName(), sig(rc.getGenericType())));
              }
              table.set(index, new RecordDef(c.getSimpleName(), components));
            }
          }
          return new Named(index);
        }
      } else if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
        Type[] args = p.getActualTypeArguments();
        if (raw == List.class) {
          return new ListOf(sig(args[0]));
        }
        if (raw == Map.class) {
          return new MapOf(sig(args[0]), sig(args[1]));
        }
        if (raw == Optional.class) {
          return new Opt(sig(args[0]));
        }
      }
      throw new IllegalArgumentException("type " + type.getTypeName() + " is not a data contract");
    }
  }

  // ---- the wire form ---------------------------------------------------------------------------------

  /** The signature as SESSION_OPEN carries it. */
  byte[] encoded() {
    byte[] bytes = encoded;
    if (bytes == null) {
      ByteBuf out = Unpooled.buffer();
      WireCodec.writeVarint(out, table.size());
      for (Object entry : table) {
        if (entry instanceof EnumDef e) {
          out.writeByte(1);
          WireCodec.writeString(out, e.name());
          WireCodec.writeVarint(out, e.constants().size());
          e.constants().forEach(c -> WireCodec.writeString(out, c));
        } else {
          RecordDef r = (RecordDef) entry;
          out.writeByte(2);
          WireCodec.writeString(out, r.name());
          writeFields(out, r.components());
        }
      }
      writeOperations(out, operations);
      writeOperations(out, callbacks);
      bytes = new byte[out.readableBytes()];
      out.readBytes(bytes);
      encoded = bytes;
    }
    return bytes;
  }

  private static void writeOperations(ByteBuf out, List<OpSig> ops) {
    WireCodec.writeVarint(out, ops.size());
    for (OpSig op : ops) {
      WireCodec.writeString(out, op.action());
      WireCodec.writeString(out, op.name());
      out.writeByte(op.oneWay() ? 1 : 0);
      writeFields(out, op.parameters());
      if (op.result() == null) {
        out.writeByte(0);
      } else {
        out.writeByte(1);
        writeSig(out, op.result());
      }
      writeFields(out, op.faults());
    }
  }

  private static void writeFields(ByteBuf out, List<Field> fields) {
    WireCodec.writeVarint(out, fields.size());
    for (Field f : fields) {
      WireCodec.writeString(out, f.name());
      writeSig(out, f.sig());
    }
  }

  private static void writeSig(ByteBuf out, Sig sig) {
    switch (sig) {
      case Prim p -> out.writeByte(1).writeByte(p.kind());
      case Boxed b -> out.writeByte(2).writeByte(b.kind());
      case Str s -> out.writeByte(3);
      case Bytes b -> out.writeByte(4);
      case ListOf l -> {
        out.writeByte(5);
        writeSig(out, l.element());
      }
      case MapOf m -> {
        out.writeByte(6);
        writeSig(out, m.key());
        writeSig(out, m.value());
      }
      case Opt o -> {
        out.writeByte(7);
        writeSig(out, o.value());
      }
      case Named n -> {
        out.writeByte(8);
        WireCodec.writeVarint(out, n.index());
      }
    }
  }

  /**
   * Reads a signature that a peer sent. Any field that does not parse, a kind or tag that is not known, or an
   * index outside the table is a {@link WireCodec.WireException}: the peer's SESSION_OPEN is a protocol error.
   */
  static ContractSignature read(ByteBuf in) {
    int size = WireCodec.readCount(in);
    List<Object> table = new ArrayList<>(Math.min(size, 256));
    for (int i = 0; i < size; i++) {
      int tag = in.readUnsignedByte();
      String name = WireCodec.readString(in);
      if (tag == 1) {
        int n = WireCodec.readCount(in);
        List<String> constants = new ArrayList<>(Math.min(n, 256));
        for (int k = 0; k < n; k++) {
          constants.add(WireCodec.readString(in));
        }
        table.add(new EnumDef(name, constants));
      } else if (tag == 2) {
        table.add(new RecordDef(name, readFields(in)));
      } else {
        throw new WireCodec.WireException("signature table entry of tag " + tag + " (expected: 1 or 2)");
      }
    }
    List<OpSig> ops = readOperations(in);
    List<OpSig> callbacks = readOperations(in);
    if (in.isReadable()) {
      throw new WireCodec.WireException(in.readableBytes() + " bytes left after the signature (expected: none)");
    }
    ContractSignature s = new ContractSignature(table, ops, callbacks);
    s.checkIndices();
    return s;
  }

  private void checkIndices() {
    for (Object entry : table) {
      if (entry instanceof RecordDef r) {
        r.components().forEach(f -> checkIndices(f.sig(), 0));
      }
    }
    for (List<OpSig> list : List.of(operations, callbacks)) {
      for (OpSig op : list) {
        op.parameters().forEach(f -> checkIndices(f.sig(), 0));
        op.faults().forEach(f -> checkIndices(f.sig(), 0));
        if (op.result() != null) {
          checkIndices(op.result(), 0);
        }
      }
    }
  }

  private void checkIndices(Sig sig, int depth) {
    if (depth > MAX_DEPTH) {
      throw new WireCodec.WireException("signature nests deeper than " + MAX_DEPTH + " levels");
    }
    switch (sig) {
      case Named n -> {
        if (n.index() >= table.size()) {
          throw new WireCodec.WireException("signature names entry " + n.index() + " of a table of " + table.size());
        }
      }
      case ListOf l -> checkIndices(l.element(), depth + 1);
      case MapOf m -> {
        checkIndices(m.key(), depth + 1);
        checkIndices(m.value(), depth + 1);
      }
      case Opt o -> checkIndices(o.value(), depth + 1);
      default -> { }
    }
  }

  private static List<OpSig> readOperations(ByteBuf in) {
    int n = WireCodec.readCount(in);
    List<OpSig> ops = new ArrayList<>(Math.min(n, 256));
    for (int i = 0; i < n; i++) {
      String action = WireCodec.readString(in);
      String name = WireCodec.readString(in);
      boolean oneWay = readFlag(in);
      List<Field> params = readFields(in);
      Sig result = readFlag(in) ? readSig(in, 0) : null;
      ops.add(new OpSig(action, name, oneWay, params, result, readFields(in)));
    }
    return ops;
  }

  private static boolean readFlag(ByteBuf in) {
    int b = in.readUnsignedByte();
    if (b > 1) {
      throw new WireCodec.WireException("flag " + b + " (expected: 0 or 1)");
    }
    return b == 1;
  }

  private static List<Field> readFields(ByteBuf in) {
    int n = WireCodec.readCount(in);
    List<Field> fields = new ArrayList<>(Math.min(n, 256));
    for (int i = 0; i < n; i++) {
      fields.add(new Field(WireCodec.readString(in), readSig(in, 0)));
    }
    return fields;
  }

  private static Sig readSig(ByteBuf in, int depth) {
    if (depth > MAX_DEPTH) {
      throw new WireCodec.WireException("signature nests deeper than " + MAX_DEPTH + " levels");
    }
    int tag = in.readUnsignedByte();
    return switch (tag) {
      case 1 -> new Prim(kind(in));
      case 2 -> new Boxed(kind(in));
      case 3 -> new Str();
      case 4 -> new Bytes();
      case 5 -> new ListOf(readSig(in, depth + 1));
      case 6 -> new MapOf(readSig(in, depth + 1), readSig(in, depth + 1));
      case 7 -> new Opt(readSig(in, depth + 1));
      case 8 -> {
        long index = WireCodec.readVarint(in);
        if (index < 0 || index > Integer.MAX_VALUE) {
          throw new WireCodec.WireException("signature index " + index);
        }
        yield new Named((int) index);
      }
      default -> throw new WireCodec.WireException("signature type tag " + tag + " (expected: 1 to 8)");
    };
  }

  private static char kind(ByteBuf in) {
    char k = (char) in.readUnsignedByte();
    if (KINDS.indexOf(k) < 0) {
      throw new WireCodec.WireException("primitive kind " + (int) k + " (expected one of " + KINDS + ")");
    }
    return k;
  }

  // ---- comparing -------------------------------------------------------------------------------------

  /** A Java-like name of {@code sig}: {@code int}, {@code Integer}, {@code List<Point>}, {@code Point}. */
  String describe(Sig sig) {
    return switch (sig) {
      case Prim p -> PRIMITIVES[KINDS.indexOf(p.kind())].getName();
      case Boxed b -> BOXES[KINDS.indexOf(b.kind())].getSimpleName();
      case Str s -> "String";
      case Bytes b -> "byte[]";
      case ListOf l -> "List<" + describe(l.element()) + ">";
      case MapOf m -> "Map<" + describe(m.key()) + ", " + describe(m.value()) + ">";
      case Opt o -> "Optional<" + describe(o.value()) + ">";
      case Named n -> switch (table.get(n.index())) {
        case RecordDef r -> r.name();
        case EnumDef e -> e.name();
        default -> throw new IllegalStateException();
      };
    };
  }

  String describe(List<Field> fields) {
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < fields.size(); i++) {
      b.append(i == 0 ? "" : ", ").append(fields.get(i).name()).append(": ").append(describe(fields.get(i).sig()));
    }
    return b.append(')').toString();
  }

  /**
   * Why a value that {@code writer} writes as {@code w} cannot be read as {@code r} by {@code reader}, or
   * {@code null} when it can: the same shape, where records may differ in components added at the end (the
   * reader skips the writer's extra ones and gives its own missing ones their defaults), and enums in their
   * constants (an unknown constant fails the one value that carries it). {@code writerName} and
   * {@code readerName} say who is who in the answer.
   */
  static String incompatibility(ContractSignature writer, Sig w, ContractSignature reader, Sig r, String writerName,
      String readerName) {
    return new Comparison(writer, reader, writerName, readerName).why(w, r, 0);
  }

  /** Whether the two shapes are equal: the reader can use its own decoding as it is. */
  static boolean sameShape(ContractSignature a, Sig x, ContractSignature b, Sig y) {
    return new Comparison(a, b, "", "").equal(x, y, new HashSet<>(), 0);
  }

  private record Comparison(ContractSignature w, ContractSignature r, String writerName, String readerName) {
    String why(Sig x, Sig y, int depth) {
      return why(x, y, new HashSet<>(), depth);
    }

    private String why(Sig x, Sig y, Set<Long> assumed, int depth) {
      if (depth > MAX_DEPTH) {
        return null;
      }
      String mismatch = writerName + " has " + w.describe(x) + ", " + readerName + " has " + r.describe(y);
      return switch (x) {
        case Prim p -> y.equals(p) ? null : mismatch;
        case Boxed b -> y.equals(b) ? null : mismatch;
        case Str s -> y instanceof Str ? null : mismatch;
        case Bytes b -> y instanceof Bytes ? null : mismatch;
        case ListOf l -> y instanceof ListOf m ? inside(why(l.element(), m.element(), assumed, depth + 1), mismatch) : mismatch;
        case MapOf l -> y instanceof MapOf m
            ? inside(first(why(l.key(), m.key(), assumed, depth + 1), why(l.value(), m.value(), assumed, depth + 1)), mismatch)
            : mismatch;
        case Opt l -> y instanceof Opt m ? inside(why(l.value(), m.value(), assumed, depth + 1), mismatch) : mismatch;
        case Named n -> {
          if (!(y instanceof Named m)) {
            yield mismatch;
          }
          Object a = w.entry(n.index());
          Object b = r.entry(m.index());
          if (a instanceof EnumDef && b instanceof EnumDef) {
            yield null;
          }
          if (!(a instanceof RecordDef ra) || !(b instanceof RecordDef rb)) {
            yield mismatch;
          }
          if (!assumed.add(((long) n.index() << 32) | m.index())) {
            yield null;                   // a record that contains itself: assumed to agree while it is compared
          }
          int common = Math.min(ra.components().size(), rb.components().size());
          for (int i = 0; i < common; i++) {
            Field fa = ra.components().get(i);
            Field fb = rb.components().get(i);
            if (!fa.name().equals(fb.name())) {
              yield "component " + (i + 1) + " of " + ra.name() + " is " + fa.name() + " on the " + writerName + ", "
                  + fb.name() + " on the " + readerName + " (components are added at the end, never reordered, "
                  + "renamed or removed)";
            }
            String inner = why(fa.sig(), fb.sig(), assumed, depth + 1);
            if (inner != null) {
              yield "component " + ra.name() + "." + fa.name() + ": " + inner;
            }
          }
          yield null;
        }
      };
    }

    private static String inside(String inner, String outer) {
      return inner == null ? null : inner.equals(outer) ? outer : inner;
    }

    private static String first(String a, String b) {
      return a != null ? a : b;
    }

    boolean equal(Sig x, Sig y, Set<Long> assumed, int depth) {
      if (depth > MAX_DEPTH) {
        return false;
      }
      return switch (x) {
        case ListOf l -> y instanceof ListOf m && equal(l.element(), m.element(), assumed, depth + 1);
        case MapOf l -> y instanceof MapOf m && equal(l.key(), m.key(), assumed, depth + 1)
            && equal(l.value(), m.value(), assumed, depth + 1);
        case Opt l -> y instanceof Opt m && equal(l.value(), m.value(), assumed, depth + 1);
        case Named n -> {
          if (!(y instanceof Named m)) {
            yield false;
          }
          Object a = w.entry(n.index());
          Object b = r.entry(m.index());
          if (a instanceof EnumDef ea && b instanceof EnumDef eb) {
            yield true;                   // constants are read by name
          }
          if (!(a instanceof RecordDef ra) || !(b instanceof RecordDef rb) || ra.components().size() != rb.components().size()) {
            yield false;
          }
          if (!assumed.add(((long) n.index() << 32) | m.index())) {
            yield true;
          }
          for (int i = 0; i < ra.components().size(); i++) {
            if (!equal(ra.components().get(i).sig(), rb.components().get(i).sig(), assumed, depth + 1)) {
              yield false;
            }
          }
          yield true;
        }
        default -> x.equals(y);
      };
    }
  }

  @Override
  public String toString() {
    Map<String, String> ops = new LinkedHashMap<>();
    operations.forEach(o -> ops.put(o.name(), describe(o.parameters())));
    return "ContractSignature" + ops;
  }
}
