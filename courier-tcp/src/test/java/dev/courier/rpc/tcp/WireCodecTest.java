package dev.courier.rpc.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract-driven encoding (docs/tcp-protocol.md, section 3): round trips of every data-contract type,
 * the bytes of a few values, and the refusal of malformed bodies with {@link WireCodec.WireException} only.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WireCodecTest {

  // ---- types ------------------------------------------------------------------------------------

  enum Colour { CRIMSON, JADE, COBALT }

  record Prims(boolean z, byte b, short s, char c, int i, long l, float f, double d) {}

  record Boxes(Boolean z, Byte b, Short s, Character c, Integer i, Long l, Float f, Double d) {}

  record Tag(String label, Colour colour) {}

  record Parcel(Tag tag, List<Tag> tags, byte[] payload, Optional<Tag> extra) {}

  record Rich(boolean flag, byte b, short s, char c, int i, long l, float f, double d,
      Integer boxed, String text, byte[] bytes, Colour colour, Tag tag, List<Tag> tags,
      Map<String, Integer> byName, Map<Integer, String> byInt, Map<Long, List<String>> byLong,
      Map<Colour, Double> byColour, Optional<String> note, Optional<Parcel> parcel, List<Optional<Long>> optionals) {}

  record Node(Node next, int value) {}

  record Tree(List<Tree> kids) {}

  record Positive(int value) {
    Positive {
      if (value <= 0) {
        throw new IllegalArgumentException("value: " + value + " (expected: > 0)");
      }
    }
  }

  /** The generic type {@code T}, as in {@code new TypeOf<List<Tag>>() {}.type}. */
  abstract static class TypeOf<T> {
    final Type type = ((ParameterizedType) getClass().getGenericSuperclass()).getActualTypeArguments()[0];
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static byte[] encode(Type type, Object value) {
    ByteBuf buf = Unpooled.buffer();
    WireCodec.write(buf, type, value);
    return ByteBufUtil.getBytes(buf);
  }

  /** Decodes {@code bytes} as {@code type} and checks that the value used every byte. */
  private static Object decode(Type type, byte[] bytes) {
    ByteBuf buf = Unpooled.wrappedBuffer(bytes);
    Object value = WireCodec.read(buf, type);
    assertThat(buf.readableBytes()).as("bytes left after decoding %s", type.getTypeName()).isZero();
    return value;
  }

  private static Object roundTrip(Type type, Object value) {
    return decode(type, encode(type, value));
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  @SuppressWarnings("unchecked")
  private static Map<Object, Object> asMap(Object value) {
    return (Map<Object, Object>) value;
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  private static Rich sampleRich() {
    Map<Long, List<String>> byLong = new LinkedHashMap<>();
    byLong.put(Long.MIN_VALUE, List.of("min"));
    byLong.put(0L, List.of());
    byLong.put(Long.MAX_VALUE, Arrays.asList("max", null, "Grüße 🚀"));
    Map<Colour, Double> byColour = new LinkedHashMap<>();
    byColour.put(Colour.JADE, 0.25);
    byColour.put(Colour.COBALT, null);
    Map<String, Integer> byName = new LinkedHashMap<>();
    byName.put("one", 1);
    byName.put("", null);
    byName.put("ünïcødé", -1);
    return new Rich(true, (byte) -7, (short) -300, 'Ω', -123456, 1L << 40, 1.5f, -2.25, 42, "hé 漢字 🚀",
        new byte[] {0, 1, -1, 127, -128}, Colour.COBALT, new Tag("t", Colour.JADE),
        Arrays.asList(new Tag("a", Colour.CRIMSON), null, new Tag(null, null)),
        byName, Map.of(7, "seven"), byLong, byColour, Optional.of("note"),
        Optional.of(new Parcel(new Tag("p", Colour.CRIMSON), List.of(), new byte[0], Optional.empty())),
        Arrays.asList(Optional.of(5L), Optional.empty()));
  }

  // ---- round trips ------------------------------------------------------------------------------

  @Test
  void primitivesRoundTripIncludingTheirExtremes() {
    for (Prims p : List.of(
        new Prims(false, (byte) 0, (short) 0, '\0', 0, 0L, 0f, 0d),
        new Prims(true, Byte.MIN_VALUE, Short.MIN_VALUE, Character.MIN_VALUE, Integer.MIN_VALUE, Long.MIN_VALUE,
            -Float.MAX_VALUE, Double.NEGATIVE_INFINITY),
        new Prims(true, Byte.MAX_VALUE, Short.MAX_VALUE, Character.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE,
            Float.MIN_VALUE, Double.MAX_VALUE),
        new Prims(false, (byte) -1, (short) -1, '\uD83D', -1, -1L, Float.NaN, -0.0d))) {
      assertThat(roundTrip(Prims.class, p)).isEqualTo(p);
    }
    for (Class<?> c : List.of(int.class, long.class, short.class, byte.class, char.class, boolean.class,
        float.class, double.class)) {
      Object zero = java.lang.reflect.Array.get(java.lang.reflect.Array.newInstance(c, 1), 0);
      assertThat(roundTrip(c, zero)).as("%s", c).isEqualTo(zero);
    }
  }

  @Test
  void boxesRoundTripWithValuesAndAsNull() {
    Boxes full = new Boxes(true, (byte) 3, (short) -4, 'x', -5, 6L, 7.5f, -8.5);
    Boxes empty = new Boxes(null, null, null, null, null, null, null, null);
    assertThat(roundTrip(Boxes.class, full)).isEqualTo(full);
    assertThat(roundTrip(Boxes.class, empty)).isEqualTo(empty);
    assertThat(roundTrip(Integer.class, null)).isNull();
    assertThat(roundTrip(Long.class, Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void stringsRoundTripIncludingNonAsciiEmptyAndNull() {
    for (String s : Arrays.asList("", "plain", "hé", "漢字かな", "emoji 🚀 and 🧪", "\0 nul inside", "x".repeat(10_000), null)) {
      assertThat(roundTrip(String.class, s)).isEqualTo(s);
    }
  }

  @Test
  void byteArraysRoundTripIncludingEmptyAndNull() {
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    assertThat((byte[]) roundTrip(byte[].class, all)).containsExactly(all);
    assertThat((byte[]) roundTrip(byte[].class, new byte[0])).isEmpty();
    assertThat(roundTrip(byte[].class, null)).isNull();
  }

  @Test
  void enumsRoundTripAndNullEnumsStayNull() {
    for (Colour c : Colour.values()) {
      assertThat(roundTrip(Colour.class, c)).isSameAs(c);
    }
    assertThat(roundTrip(Colour.class, null)).isNull();
  }

  @Test
  void nestedRecordsAndRecordsWithNullComponentsRoundTrip() {
    Parcel parcel = new Parcel(new Tag("outer", Colour.JADE),
        Arrays.asList(new Tag("a", Colour.CRIMSON), null, new Tag(null, Colour.COBALT)), new byte[] {9, 8},
        Optional.of(new Tag("x", null)));
    assertThat(roundTrip(Parcel.class, parcel)).usingRecursiveComparison().isEqualTo(parcel);
    Parcel sparse = new Parcel(null, null, null, Optional.empty());
    assertThat(roundTrip(Parcel.class, sparse)).usingRecursiveComparison().isEqualTo(sparse);
    assertThat(roundTrip(Parcel.class, null)).isNull();
  }

  @Test
  void listsRoundTripWithNullElementsEmptyAndNull() {
    Type ints = new TypeOf<List<Integer>>() {}.type;
    assertThat(roundTrip(ints, Arrays.asList(1, null, -1, Integer.MIN_VALUE))).isEqualTo(Arrays.asList(1, null, -1, Integer.MIN_VALUE));
    assertThat(roundTrip(ints, List.of())).isEqualTo(List.of());
    assertThat(roundTrip(ints, null)).isNull();
    Type nested = new TypeOf<List<List<String>>>() {}.type;
    List<List<String>> value = Arrays.asList(List.of("a", "b"), List.of(), null, Arrays.asList((String) null));
    assertThat(roundTrip(nested, value)).isEqualTo(value);
  }

  @Test
  void mapsRoundTripWithStringIntegerLongAndEnumKeysInTheirOrder() {
    Map<String, Integer> byString = new LinkedHashMap<>();
    byString.put("z", 26);
    byString.put("a", null);
    byString.put("ß", 1);
    assertThat(asMap(roundTrip(new TypeOf<Map<String, Integer>>() {}.type, byString)))
        .containsExactlyEntriesOf(byString);
    Map<Integer, Tag> byInt = new LinkedHashMap<>();
    byInt.put(-1, new Tag("minus", Colour.JADE));
    byInt.put(Integer.MAX_VALUE, null);
    assertThat(asMap(roundTrip(new TypeOf<Map<Integer, Tag>>() {}.type, byInt))).containsExactlyEntriesOf(byInt);
    Map<Long, List<String>> byLong = Map.of(Long.MAX_VALUE, List.of("max"));
    assertThat(asMap(roundTrip(new TypeOf<Map<Long, List<String>>>() {}.type, byLong))).isEqualTo(byLong);
    Map<Colour, Double> byEnum = new LinkedHashMap<>();
    byEnum.put(Colour.COBALT, 1.0);
    byEnum.put(Colour.CRIMSON, Double.NaN);
    assertThat(asMap(roundTrip(new TypeOf<Map<Colour, Double>>() {}.type, byEnum))).containsExactlyEntriesOf(byEnum);
    assertThat(asMap(roundTrip(new TypeOf<Map<String, Integer>>() {}.type, Map.of()))).isEmpty();
    assertThat(roundTrip(new TypeOf<Map<String, Integer>>() {}.type, null)).isNull();
  }

  @Test
  void optionalsRoundTripEmptyAndPresent() {
    Type optString = new TypeOf<Optional<String>>() {}.type;
    assertThat(roundTrip(optString, Optional.of("here"))).isEqualTo(Optional.of("here"));
    assertThat(roundTrip(optString, Optional.empty())).isEqualTo(Optional.empty());
    Type optTag = new TypeOf<Optional<Tag>>() {}.type;
    assertThat(roundTrip(optTag, Optional.of(new Tag("t", Colour.CRIMSON)))).isEqualTo(Optional.of(new Tag("t", Colour.CRIMSON)));
    Type listOfOpt = new TypeOf<List<Optional<Long>>>() {}.type;
    assertThat(roundTrip(listOfOpt, List.of(Optional.of(1L), Optional.empty()))).isEqualTo(List.of(Optional.of(1L), Optional.empty()));
  }

  @Test
  void aRichRecordRoundTrips() {
    Rich rich = sampleRich();
    assertThat(roundTrip(Rich.class, rich)).usingRecursiveComparison().isEqualTo(rich);
  }

  // ---- the bytes (docs/tcp-protocol.md, section 3) ----------------------------------------------

  @Test
  void intsAndLongsAreZigzagVarintsLowBitsFirst() {
    assertThat(encode(int.class, 0)).containsExactly(bytes(0x00));
    assertThat(encode(int.class, -1)).containsExactly(bytes(0x01));
    assertThat(encode(int.class, 1)).containsExactly(bytes(0x02));
    assertThat(encode(int.class, 63)).containsExactly(bytes(0x7E));
    assertThat(encode(int.class, -64)).containsExactly(bytes(0x7F));
    assertThat(encode(int.class, 64)).containsExactly(bytes(0x80, 0x01));
    assertThat(encode(int.class, 300)).containsExactly(bytes(0xD8, 0x04));            // zigzag 600
    assertThat(encode(int.class, Integer.MIN_VALUE)).containsExactly(bytes(0xFF, 0xFF, 0xFF, 0xFF, 0x0F));
    assertThat(encode(long.class, Long.MIN_VALUE))                                     // 2^64 - 1: ten bytes
        .containsExactly(bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01));
    assertThat(encode(short.class, (short) -2)).containsExactly(bytes(0x03));
    assertThat(encode(char.class, 'A')).containsExactly(bytes(0x82, 0x01));           // 65 -> 130
  }

  @Test
  void fixedWidthPrimitivesAreOneByteOrLittleEndianIeee() {
    assertThat(encode(boolean.class, true)).containsExactly(bytes(0x01));
    assertThat(encode(boolean.class, false)).containsExactly(bytes(0x00));
    assertThat(encode(byte.class, (byte) -2)).containsExactly(bytes(0xFE));
    assertThat(encode(float.class, 1.0f)).containsExactly(bytes(0x00, 0x00, 0x80, 0x3F));
    assertThat(encode(double.class, 1.0)).containsExactly(bytes(0, 0, 0, 0, 0, 0, 0xF0, 0x3F));
  }

  @Test
  void everyStringIsWrittenAsTheJdksUtf8WithItsByteCount() {
    for (String text : List.of("", "plain ascii", "é", "中文", "emoji \uD83D\uDE00 pair", "\uD800é", "\uD800中",
        "\uD800\uD83D\uDE00", "lone low \uDC00", "ends high \uD800", "\u07FF\u0800\uFFFF")) {
      byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
      ByteBuf expected = Unpooled.buffer();
      expected.writeByte(1);
      WireCodec.writeVarint(expected, utf8.length);
      expected.writeBytes(utf8);
      assertThat(encode(String.class, text)).as("bytes of %s", text.codePoints()
          .mapToObj(Integer::toHexString).toList()).containsExactly(ByteBufUtil.getBytes(expected));
    }
  }

  @Test
  void referenceTypesStartWithAPresenceByte() {
    assertThat(encode(Integer.class, null)).containsExactly(bytes(0x00));
    assertThat(encode(Integer.class, 5)).containsExactly(bytes(0x01, 0x0A));
    assertThat(encode(String.class, "é")).containsExactly(bytes(0x01, 0x02, 0xC3, 0xA9));  // byte count, then UTF-8
    assertThat(encode(byte[].class, new byte[] {7, 8})).containsExactly(bytes(0x01, 0x02, 0x07, 0x08));
    assertThat(encode(new TypeOf<List<Integer>>() {}.type, Arrays.asList(1, null)))
        .containsExactly(bytes(0x01, 0x02, 0x01, 0x02, 0x00));
    assertThat(encode(new TypeOf<Map<String, Integer>>() {}.type, Map.of("a", 1)))
        .containsExactly(bytes(0x01, 0x01, 0x01, 0x01, 'a', 0x01, 0x02));
  }

  @Test
  void enumsTravelByNameAndRecordsAsTheirComponentsInOrder() {
    assertThat(encode(Colour.class, Colour.JADE)).containsExactly(bytes(0x01, 0x04, 'J', 'A', 'D', 'E'));
    assertThat(encode(Tag.class, new Tag("a", Colour.JADE)))
        .containsExactly(bytes(0x01, 0x01, 0x01, 'a', 0x01, 0x04, 'J', 'A', 'D', 'E'));
    assertThat(encode(Tag.class, new Tag(null, null))).containsExactly(bytes(0x01, 0x00, 0x00));
  }

  @Test
  void optionalsAreAPresenceByteThenTheValueByItsType() {
    Type optString = new TypeOf<Optional<String>>() {}.type;
    // The Optional itself is a reference (present: 1); its value is a String, which has its own presence byte.
    assertThat(encode(optString, Optional.empty())).containsExactly(bytes(0x01, 0x00));
    assertThat(encode(optString, Optional.of("a"))).containsExactly(bytes(0x01, 0x01, 0x01, 'a'));
    assertThat(encode(optString, null)).containsExactly(bytes(0x00));
    assertThat(decode(optString, bytes(0x00))).as("a null Optional, as in process").isNull();
  }

  @Test
  void noClassNameAppearsInTheEncodedBytes() {
    String encoded = new String(encode(Rich.class, sampleRich()), StandardCharsets.ISO_8859_1);
    for (String name : List.of("Rich", "Parcel", "Tag", "Colour", "dev.courier", "WireCodecTest", "java.",
        "Optional", "List", "Map", "Integer", "String")) {
      assertThat(encoded).as("encoded bytes").doesNotContain(name);
    }
  }

  // ---- malformed input --------------------------------------------------------------------------

  private static void assertRefused(Type type, byte[] body, String messagePart) {
    assertThatThrownBy(() -> WireCodec.read(Unpooled.wrappedBuffer(body), type))
        .as("decoding %s as %s", hex(body.length > 64 ? Arrays.copyOf(body, 64) : body), type.getTypeName())
        .isExactlyInstanceOf(WireCodec.WireException.class)
        .hasMessageContaining(messagePart);
  }

  @Test
  void everyTruncationOfAValidBodyIsRefused() {
    byte[] full = encode(Rich.class, sampleRich());
    for (int n = 0; n < full.length; n++) {
      byte[] prefix = Arrays.copyOf(full, n);
      assertThatThrownBy(() -> WireCodec.read(Unpooled.wrappedBuffer(prefix), Rich.class))
          .as("prefix of %d of %d bytes", n, full.length)
          .isExactlyInstanceOf(WireCodec.WireException.class);
    }
  }

  @Test
  void aPresenceByteOtherThanZeroOrOneIsRefused() {
    assertRefused(String.class, bytes(0x02, 0x01, 'a'), "presence byte 2");
    assertRefused(Tag.class, bytes(0x01, 0xFF), "presence byte -1");
    assertRefused(boolean.class, bytes(0x02), "boolean byte 2");
  }

  @Test
  void countsLargerThanTheBytesLeftAreRefusedBeforeAnythingIsAllocated() {
    // A List claiming 2^31 elements in a 10-byte body.
    assertRefused(new TypeOf<List<Integer>>() {}.type, bytes(0x01, 0x80, 0x80, 0x80, 0x80, 0x08, 0, 0, 0, 0), "count 2147483648");
    assertRefused(new TypeOf<List<Integer>>() {}.type, bytes(0x01, 0x03, 0x02, 0x02), "count 3");
    assertRefused(new TypeOf<Map<String, Integer>>() {}.type, bytes(0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0, 0), "count");
    assertRefused(byte[].class, bytes(0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 1, 2, 3), "count");   // 2^42
    assertRefused(String.class, bytes(0x01, 0x05, 'a', 'b'), "count 5");
    // 2^63 and more: negative as a long, still refused
    assertRefused(byte[].class, bytes(0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01), "count");
  }

  @Test
  void nestingOf64RecordsDecodesAndDeeperNestingIsRefusedWithoutAStackOverflow() {
    Node chain = null;
    for (int i = 0; i < WireCodec.MAX_DEPTH; i++) {
      chain = new Node(chain, i);
    }
    assertThat(roundTrip(Node.class, chain)).isEqualTo(chain);

    Node deeper = new Node(chain, -1);
    assertThatThrownBy(() -> encode(Node.class, deeper)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deeper than 64");

    byte[] deep = new byte[100_000];           // 100,000 levels of "a Node follows"
    Arrays.fill(deep, (byte) 0x01);
    assertRefused(Node.class, deep, "deeper than 64");

    ByteBuf trees = Unpooled.buffer();         // lists of lists: presence, count 1, presence, count 1, ...
    for (int i = 0; i < 200; i++) {
      trees.writeByte(1).writeByte(1).writeByte(1);
    }
    assertRefused(Tree.class, ByteBufUtil.getBytes(trees), "deeper than 64");
  }

  @Test
  void aDeeplyNestedBodyThatClaimsHugeCountsCannotMakeTheDecoderAllocateFarMoreThanItsSize() {
    // Each level: a Tree, its list, a count as large as the bytes left; then an invalid byte where the
    // innermost list's first element should be. Presizing every list to its claimed count would allocate
    // about 30 x 4 bytes x the body size (a Tree, its list and its element take three of the 64 levels) before the decoder reaches the invalid byte.
    int size = 1 << 20;
    ByteBuf body = Unpooled.buffer(size);
    for (int level = 0; level < 30; level++) {
      body.writeByte(1).writeByte(1);
      int after = body.writerIndex() + 3;
      int count = size - after;
      body.writeByte((count & 0x7F) | 0x80).writeByte(((count >>> 7) & 0x7F) | 0x80).writeByte(count >>> 14);
    }
    while (body.writerIndex() < size) {
      body.writeByte(2);
    }
    byte[] bytes = ByteBufUtil.getBytes(body);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assertRefused(Tree.class, bytes, "presence byte 2");         // warm up
    long before = threads.getCurrentThreadAllocatedBytes();
    assertRefused(Tree.class, bytes, "presence byte 2");
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(allocated).as("bytes allocated to refuse a body of %d bytes", size).isLessThan(8L * size);
  }

  /** A list of {@code count} elements, each written by {@code element}. */
  private static byte[] listBody(int count, java.util.function.Consumer<ByteBuf> element) {
    ByteBuf body = Unpooled.buffer();
    body.writeByte(1);
    WireCodec.writeVarint(body, count);
    for (int i = 0; i < count; i++) {
      element.accept(body);
    }
    return ByteBufUtil.getBytes(body);
  }

  @Test
  void aBodyOfTwoMillionEmptyListsIsRefusedOnceItBuildsEightTimesTheMaximumMessageSize() {
    int maxMessageSize = 4 << 20;                                  // the default, which a body read alone gets
    byte[] bytes = listBody(2_000_000, b -> b.writeByte(1).writeByte(0));     // 4 MB: present, empty
    Type lists = new TypeOf<List<List<Integer>>>() {}.type;
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assertRefused(lists, bytes, "more than " + 8L * maxMessageSize + " bytes of objects");   // warm up
    long before = threads.getCurrentThreadAllocatedBytes();
    assertRefused(lists, bytes, "at most 8 times the maximum message size of " + maxMessageSize + " bytes");
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    // Decoded whole, the lists take about 24 times the body (22 times was measured on a server's heap).
    assertThat(allocated).as("bytes allocated to refuse a body of %d bytes", bytes.length)
        .isLessThan(12L * maxMessageSize);
  }

  @Test
  void aBodyOfTheMaximumSizeOfLargeIntegersDecodesWithinItsBudget() {
    int count = 1_000_000;
    byte[] bytes = listBody(count, b -> {
      b.writeByte(1);
      WireCodec.writeZigzag(b, 100_000);
    });
    assertThat(bytes.length).as("body size").isLessThanOrEqualTo(4 << 20);
    List<?> values = (List<?>) decode(new TypeOf<List<Integer>>() {}.type, bytes);
    assertThat(values).hasSize(count).allMatch(v -> v.equals(100_000));
  }

  @Test
  void aBudgetDerivedFromASmallMaximumMessageSizeRefusesWhatTheDefaultAccepts() {
    byte[] bytes = listBody(20_000, b -> b.writeByte(1).writeByte(1).writeByte('x'));   // 60 KB of one-letter strings
    Type strings = new TypeOf<List<String>>() {}.type;
    assertThat((List<?>) decode(strings, bytes)).hasSize(20_000);
    assertThatThrownBy(() -> WireCodec.read(Unpooled.wrappedBuffer(bytes), strings, WireCodec.Budget.forFrame(64 * 1024)))
        .isExactlyInstanceOf(WireCodec.WireException.class)
        .hasMessageContaining("at most 8 times the maximum message size of 65536 bytes");
  }

  @Test
  void anUnknownEnumNameIsRefused() {
    assertRefused(Colour.class, bytes(0x01, 0x03, 'R', 'E', 'D'), "unknown Colour constant RED");
    assertRefused(Colour.class, bytes(0x01, 0x04, 'j', 'a', 'd', 'e'), "unknown Colour constant jade");
    assertRefused(new TypeOf<Map<Colour, Integer>>() {}.type, bytes(0x01, 0x01, 0x01, 0x00, 0x01, 0x02), "unknown Colour");
  }

  @Test
  void varintsLongerThanTenBytesAreRefused() {
    byte[] eleven = new byte[12];
    Arrays.fill(eleven, 0, 11, (byte) 0x80);
    assertRefused(long.class, eleven, "varint longer than 10 bytes");
    byte[] asCount = new byte[13];
    asCount[0] = 1;
    Arrays.fill(asCount, 1, 12, (byte) 0xFF);
    assertRefused(String.class, asCount, "varint longer than 10 bytes");
    assertRefused(long.class, bytes(0x80, 0x80), "truncated");
  }

  @Test
  void anIntOutsideThe32BitRangeIsRefused() {
    assertRefused(int.class, bytes(0x80, 0x80, 0x80, 0x80, 0x10), "out of range");    // zigzag 2^32 = 2^31
  }

  @Test
  void aRecordWhoseConstructorRefusesItsValuesIsRefusedAsAWireError() {
    assertThat(decode(Positive.class, bytes(0x01, 0x02))).isEqualTo(new Positive(1));
    assertRefused(Positive.class, bytes(0x01, 0x00), "refused its values");
  }

  @Test
  void randomBytesDecodeToAValueOrAWireExceptionAndNothingElse() {
    Random random = new Random(0xC0FFEEL);
    byte[] valid = encode(Rich.class, sampleRich());
    int values = 0;
    int refused = 0;
    List<String> other = new ArrayList<>();
    for (int iteration = 0; iteration < 200_000; iteration++) {
      byte[] input;
      switch (iteration % 4) {
        case 0 -> {                                          // pure noise
          input = new byte[random.nextInt(96)];
          random.nextBytes(input);
        }
        case 1 -> {                                          // a valid body with a few bytes changed
          input = valid.clone();
          for (int k = 1 + random.nextInt(4); k > 0; k--) {
            input[random.nextInt(input.length)] = (byte) random.nextInt(256);
          }
        }
        case 2 -> {                                          // a valid body cut and patched with noise
          input = Arrays.copyOf(valid, random.nextInt(valid.length + 16));
          for (int k = random.nextInt(input.length + 1); k < input.length; k++) {
            input[k] = (byte) random.nextInt(256);
          }
        }
        default -> {                                         // mostly "present" bytes and small counts
          input = new byte[random.nextInt(160)];
          for (int k = 0; k < input.length; k++) {
            input[k] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : random.nextInt(3));
          }
        }
      }
      try {
        WireCodec.read(Unpooled.wrappedBuffer(input), Rich.class);
        values++;
      } catch (WireCodec.WireException e) {
        refused++;
      } catch (Throwable t) {
        if (other.size() < 5) {
          other.add(iteration + ": " + t + " for " + hex(input));
        }
      }
    }
    if (!other.isEmpty()) {
      fail("decoding threw something other than a WireException:\n" + String.join("\n", other));
    }
    assertThat(values + refused).isEqualTo(200_000);
    assertThat(refused).as("refused inputs").isGreaterThan(100_000);
    assertThat(values).as("inputs that decoded (mutations that kept the body valid)").isPositive();
  }
}
