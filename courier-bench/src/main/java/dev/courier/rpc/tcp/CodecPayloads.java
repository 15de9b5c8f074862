package dev.courier.rpc.tcp;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import com.fasterxml.jackson.dataformat.smile.SmileGenerator;
import com.fasterxml.jackson.dataformat.smile.databind.SmileMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The values and the Jackson mappers of {@link CodecBenchmark}: the same payloads for the three codecs, and
 * Jackson configured as safely as the contract-driven codec allows (bounded nesting and sizes, no
 * polymorphic typing, unknown properties refused).
 */
public final class CodecPayloads {
  /** The payload names, as {@link CodecBenchmark}'s {@code payload} parameter takes them. */
  public static final List<String> NAMES = List.of("small", "order", "large");

  /** The size of the {@code small} payload: the argument of the TCP suite's 16 B unary echo. */
  public static final int SMALL_BYTES = 16;

  /** Lines of the {@code order} payload. */
  public static final int ORDER_LINES = 5;

  /** Lines of the {@code large} payload. */
  public static final int LARGE_LINES = 200;

  /** Jackson's nesting limit: {@link WireCodec#MAX_DEPTH}, WireCodec's own. */
  public static final int MAX_DEPTH = WireCodec.MAX_DEPTH;

  /** Jackson's document and string size limit: courier-tcp's default maximum message size. */
  public static final int MAX_DOCUMENT_BYTES = 4 << 20;

  private CodecPayloads() {}

  /** Where an order stands. */
  public enum Status { PENDING, PAID, SHIPPED, DELIVERED, CANCELLED }

  /** One line of an order. */
  public record Line(String sku, int quantity, long priceCents) {}

  /** A typical business message: scalars, an enum, a list of records, a string map and an optional note. */
  public record Order(long id, String customer, Status status, List<Line> lines, Map<String, String> tags,
      Optional<String> note, double total) {}

  /** A named value and the type its contract declares (a class for all three payloads). */
  public record Payload(String name, Class<?> type, Object value) {}

  /** The payload called {@code name}: {@code small}, {@code order} or {@code large}. */
  public static Payload payload(String name) {
    return switch (name) {
      case "small" -> new Payload(name, byte[].class, small());
      case "order" -> new Payload(name, Order.class, order(ORDER_LINES));
      case "large" -> new Payload(name, Order.class, order(LARGE_LINES));
      default -> throw new IllegalArgumentException("payload: " + name + " (expected: one of " + NAMES + ")");
    };
  }

  /** The 16 bytes the TCP suite echoes ({@code echoAsync(byte[])}), drawn as its load driver draws them. */
  static byte[] small() {
    byte[] b = new byte[SMALL_BYTES];
    new SplittableRandom(42).nextBytes(b);
    return b;
  }

  /** An order of {@code lines} lines, three tags and a note; the same values every time. */
  static Order order(int lines) {
    List<Line> list = new ArrayList<>(lines);
    long cents = 0;
    for (int i = 0; i < lines; i++) {
      Line line = new Line(String.format("SKU-%06d", 104_729 + i * 37), 1 + i % 12, 499 + (i * 1_250L) % 24_000);
      list.add(line);
      cents += line.quantity() * line.priceCents();
    }
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("channel", "web");
    tags.put("region", "eu-west-1");
    tags.put("priority", "standard");
    return new Order(9_007_199_254L + lines, "Northwind Traders Ltd", Status.PAID, List.copyOf(list),
        Collections.unmodifiableMap(tags), Optional.of("Deliver to the loading dock, gate 3"), cents / 100.0);
  }

  /** The read limits of both Jackson mappers. */
  static StreamReadConstraints readConstraints() {
    return StreamReadConstraints.builder()
        .maxNestingDepth(MAX_DEPTH)
        .maxDocumentLength(MAX_DOCUMENT_BYTES)
        .maxStringLength(MAX_DOCUMENT_BYTES)
        .build();
  }

  /**
   * Jackson CBOR: the read limits, records by their canonical constructors, {@link Optional} through the
   * jdk8 module, default typing off (Jackson's default), unknown properties refused (its default). The
   * output stream is not closed by a write, so that one stream over a reused buffer serves every write.
   */
  public static ObjectMapper cborMapper() {
    CBORFactory factory = CBORFactory.builder().streamReadConstraints(readConstraints()).build();
    return CBORMapper.builder(factory)
        .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
        .addModule(new Jdk8Module())
        .build();
  }

  /**
   * Jackson Smile: as {@link #cborMapper()}, and binary written raw rather than in 7-bit groups (a frame is
   * length-prefixed, so the 7-bit form's freedom from {@code 0xFF} bytes buys nothing, and raw is smaller
   * and faster); everything else Smile's defaults (header written, shared property names).
   */
  public static ObjectMapper smileMapper() {
    SmileFactory factory = SmileFactory.builder()
        .streamReadConstraints(readConstraints())
        .disable(SmileGenerator.Feature.ENCODE_BINARY_AS_7BIT)
        .build();
    return SmileMapper.builder(factory)
        .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
        .addModule(new Jdk8Module())
        .build();
  }

  /** The version of Jackson's databind on the class path, as in {@code 2.22.4}. */
  public static String jacksonVersion() {
    return com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString();
  }
}
