package dev.courier.rpc.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.courier.rpc.tcp.CodecPayloads.Line;
import dev.courier.rpc.tcp.CodecPayloads.Order;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The codec benchmark measures working encodings: each codec reads back what its own benchmark method
 * wrote, for every payload, and Jackson's mappers carry the safety settings the report states.
 */
class CodecBenchmarkPayloadsTest {
  private final CodecBenchmark bench = new CodecBenchmark();

  @AfterEach
  void releaseBuffers() {
    bench.tearDown();
  }

  private static byte[] bytes(ByteBuf buf) {
    return ByteBufUtil.getBytes(buf);
  }

  private static ObjectMapper mapper(String codec) {
    return codec.equals("cbor") ? CodecPayloads.cborMapper() : CodecPayloads.smileMapper();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"small", "order", "large"})
  void eachCodecDecodesThePayloadItsEncodeBenchmarkWroteToAnEqualValue(String payload) throws Exception {
    bench.payload = payload;
    bench.setUp();
    Object expected = CodecPayloads.payload(payload).value();

    Map<String, Callable<Object>> decoders = new LinkedHashMap<>();
    decoders.put(CodecBenchmark.WIRE, bench::wireDecode);
    decoders.put(CodecBenchmark.CBOR, bench::cborDecode);
    decoders.put(CodecBenchmark.SMILE, bench::smileDecode);
    for (Map.Entry<String, Callable<Object>> d : decoders.entrySet()) {
      assertThat(d.getValue().call()).as("%s decoding %s", d.getKey(), payload).isEqualTo(expected);
      assertThat(d.getValue().call()).as("%s decoding %s a second time", d.getKey(), payload).isEqualTo(expected);
    }
    assertThat(bench.wireBody.readerIndex()).as("WireCodec reads the whole body").isEqualTo(bench.wireBody.writerIndex());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"small", "order", "large"})
  void everyEncodeBenchmarkWritesTheSameBytesOnEveryCallThroughTheReusedBuffer(String payload) throws Exception {
    bench.payload = payload;
    bench.setUp();

    for (int i = 0; i < 3; i++) {
      assertThat(bench.wireEncode()).isEqualTo(bench.wireBody.writerIndex());
      assertThat(bytes(bench.out)).as("WireCodec, write %d", i).isEqualTo(bytes(bench.wireBody));
      assertThat(bench.cborEncode()).isEqualTo(bench.cborBody.writerIndex());
      assertThat(bytes(bench.out)).as("CBOR, write %d", i).isEqualTo(bytes(bench.cborBody));
      assertThat(bench.smileEncode()).isEqualTo(bench.smileBody.writerIndex());
      assertThat(bytes(bench.out)).as("Smile, write %d", i).isEqualTo(bytes(bench.smileBody));
    }
  }

  @Test
  void thePayloadsAreTheEchoArgumentAndOrdersOfFiveAndTwoHundredLines() {
    assertThat((byte[]) CodecPayloads.payload("small").value()).hasSize(16);
    Order order = (Order) CodecPayloads.payload("order").value();
    Order large = (Order) CodecPayloads.payload("large").value();

    assertThat(order.lines()).hasSize(5);
    assertThat(large.lines()).hasSize(200);
    for (Order o : List.of(order, large)) {
      assertThat(o.tags()).hasSize(3);
      assertThat(o.note()).isPresent();
      assertThat(o.total()).isEqualTo(
          o.lines().stream().mapToLong(l -> l.quantity() * l.priceCents()).sum() / 100.0);
    }
    assertThat(CodecBenchmark.encodedSizes("large").values()).allSatisfy(n -> assertThat(n).isGreaterThan(200 * 10));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"cbor", "smile"})
  void theJacksonMappersReadWireCodecsNestingLimitAndRefuseOneLevelMore(String codec) throws IOException {
    ObjectMapper mapper = mapper(codec);

    assertThat(mapper.readTree(nestedArrays(mapper, WireCodec.MAX_DEPTH)).isArray()).isTrue();
    assertThatThrownBy(() -> mapper.readTree(nestedArrays(mapper, WireCodec.MAX_DEPTH + 1)))
        .isInstanceOf(StreamConstraintsException.class)
        .hasMessageContaining("nesting depth");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"cbor", "smile"})
  void theJacksonMappersRefuseAPropertyTheRecordDoesNotDeclare(String codec) throws IOException {
    ObjectMapper mapper = mapper(codec);
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("sku", "SKU-000001");
    line.put("quantity", 2);
    line.put("priceCents", 499L);
    byte[] known = mapper.writeValueAsBytes(line);
    line.put("@class", "java.net.URL");
    byte[] unknown = mapper.writeValueAsBytes(line);

    assertThat(mapper.readerFor(Line.class).<Line>readValue(known)).isEqualTo(new Line("SKU-000001", 2, 499));
    assertThatThrownBy(() -> mapper.readerFor(Line.class).readValue(unknown))
        .isInstanceOf(UnrecognizedPropertyException.class)
        .hasMessageContaining("@class");
  }

  /** {@code depth} arrays, each inside the previous one, in {@code mapper}'s format. */
  private static byte[] nestedArrays(ObjectMapper mapper, int depth) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator g = mapper.getFactory().createGenerator(bytes)) {
      for (int i = 0; i < depth; i++) {
        g.writeStartArray();
      }
      for (int i = 0; i < depth; i++) {
        g.writeEndArray();
      }
    }
    return bytes.toByteArray();
  }
}
