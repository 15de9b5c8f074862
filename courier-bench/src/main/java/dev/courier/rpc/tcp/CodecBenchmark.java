package dev.courier.rpc.tcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.courier.rpc.tcp.CodecPayloads.Payload;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The time and the allocation of encoding and decoding one body with courier-tcp's contract-driven
 * {@link WireCodec}, against Jackson CBOR and Jackson Smile with records (configured in
 * {@link CodecPayloads}), for the payloads of {@link CodecPayloads}.
 *
 * <p>This class lives in courier-tcp's package, not in {@code dev.courier.bench}, because {@link WireCodec} is
 * package-private and a benchmark is no reason to widen courier-tcp's public API; courier-bench runs on the
 * plain class path (no module-info), where a package may span two jars.
 *
 * <p>Like with like: every codec writes into one reused heap {@link ByteBuf} (cleared before each write;
 * Jackson through one reused {@link ByteBufOutputStream} over it, so neither side copies to a byte array),
 * and reads a body already encoded by itself from a heap buffer: {@link WireCodec} from the {@link ByteBuf},
 * Jackson from the buffer's backing array ({@code readValue(byte[], offset, length)}, its fastest form: the
 * parser reads in place, where an {@code InputStream} would be copied into Jackson's own buffer). Jackson
 * reads and writes with an {@link ObjectReader} and {@link ObjectWriter} built once for the payload's
 * class, which is how a binding that takes the type from the contract would use it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class CodecBenchmark {
  /** The contract-driven codec's name in the report. */
  public static final String WIRE = "WireCodec";
  /** Jackson CBOR's name in the report. */
  public static final String CBOR = "Jackson CBOR";
  /** Jackson Smile's name in the report. */
  public static final String SMILE = "Jackson Smile";

  private static final ObjectMapper CBOR_MAPPER = CodecPayloads.cborMapper();
  private static final ObjectMapper SMILE_MAPPER = CodecPayloads.smileMapper();

  /** Which of {@link CodecPayloads#NAMES} to encode and decode. */
  @Param({"small", "order", "large"})
  public String payload;

  private Payload p;
  /** Typed as a stream: a {@link ByteBufOutputStream} is a {@code DataOutput} too, which Jackson writes differently. */
  private OutputStream outStream;
  private ObjectWriter cborWriter;
  private ObjectWriter smileWriter;
  private ObjectReader cborReader;
  private ObjectReader smileReader;
  /** The reused buffer every encode benchmark writes into. */
  ByteBuf out;
  /** The payload as each codec encoded it in {@link #setUp()}: what the decode benchmarks read. */
  ByteBuf wireBody;
  ByteBuf cborBody;
  ByteBuf smileBody;

  /** Builds the payload, the readers and writers, and each codec's encoding of the payload. */
  @Setup
  public void setUp() throws IOException {
    p = CodecPayloads.payload(payload);
    out = Unpooled.buffer(64 * 1024);
    outStream = new ByteBufOutputStream(out);
    cborWriter = CBOR_MAPPER.writerFor(p.type());
    smileWriter = SMILE_MAPPER.writerFor(p.type());
    cborReader = CBOR_MAPPER.readerFor(p.type());
    smileReader = SMILE_MAPPER.readerFor(p.type());
    wireEncode();
    wireBody = Unpooled.copiedBuffer(out);
    cborEncode();
    cborBody = Unpooled.copiedBuffer(out);
    smileEncode();
    smileBody = Unpooled.copiedBuffer(out);
    out.clear();
  }

  /** Releases the buffers. */
  @TearDown
  public void tearDown() {
    for (ByteBuf b : new ByteBuf[] {out, wireBody, cborBody, smileBody}) {
      if (b != null) {
        b.release();
      }
    }
  }

  /** WireCodec: the payload written by its contract type; returns the bytes written. */
  @Benchmark
  public int wireEncode() {
    out.clear();
    WireCodec.write(out, p.type(), p.value());
    return out.writerIndex();
  }

  /** WireCodec: the payload read back by its contract type. */
  @Benchmark
  public Object wireDecode() {
    wireBody.readerIndex(0);
    return WireCodec.read(wireBody, p.type());
  }

  /** Jackson CBOR: the payload written through the reused stream; returns the bytes written. */
  @Benchmark
  public int cborEncode() throws IOException {
    out.clear();
    cborWriter.writeValue(outStream, p.value());
    return out.writerIndex();
  }

  /** Jackson CBOR: the payload read back from the body's backing array. */
  @Benchmark
  public Object cborDecode() throws IOException {
    return cborReader.readValue(cborBody.array(), cborBody.arrayOffset(), cborBody.readableBytes());
  }

  /** Jackson Smile: the payload written through the reused stream; returns the bytes written. */
  @Benchmark
  public int smileEncode() throws IOException {
    out.clear();
    smileWriter.writeValue(outStream, p.value());
    return out.writerIndex();
  }

  /** Jackson Smile: the payload read back from the body's backing array. */
  @Benchmark
  public Object smileDecode() throws IOException {
    return smileReader.readValue(smileBody.array(), smileBody.arrayOffset(), smileBody.readableBytes());
  }

  /** The bytes of {@code payload} encoded by each codec, by codec name ({@link #WIRE}, {@link #CBOR}, {@link #SMILE}). */
  public static Map<String, Integer> encodedSizes(String payload) {
    CodecBenchmark b = new CodecBenchmark();
    b.payload = payload;
    try {
      b.setUp();
      Map<String, Integer> sizes = new LinkedHashMap<>();
      sizes.put(WIRE, b.wireBody.readableBytes());
      sizes.put(CBOR, b.cborBody.readableBytes());
      sizes.put(SMILE, b.smileBody.readableBytes());
      return sizes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      b.tearDown();
    }
  }
}
