package dev.courier.rpc.artemis.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.OperationDescription;
import dev.courier.rpc.spi.Encoding;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Objects;

/**
 * The queued binding's body: an operation's arguments as one JSON array, each element written and read with its
 * parameter's {@link Type} (records, lists, maps, enums, {@code byte[]} as Base64, {@code Optional}s).
 *
 * <pre>{@code
 * JsonEncoding json = JsonEncoding.of(contract);
 * String body = json.arguments(operation, new Object[] {order});     // [{"id":7,"lines":[...]}]
 * Object[] args = json.arguments(body, operation);
 * }</pre>
 *
 * <p>A component the reader's record lacks is ignored, and one the body lacks is left {@code null} (or zero), so
 * that a sender and a host may add record components at different times. A body that does not read by the
 * contract fails with {@link UnreadableBodyException}, naming the argument and what was expected.
 *
 * <p>Threading: immutable and thread safe; each generator and parser is used by one thread at a time.
 */
public final class JsonEncoding implements Encoding<JsonGenerator, JsonParser> {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new Jdk8Module())
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private final ContractDescription contract;

  private JsonEncoding(ContractDescription contract) {
    this.contract = Objects.requireNonNull(contract, "contract");
  }

  /** The encoding of {@code contract}'s values. */
  public static JsonEncoding of(ContractDescription contract) {
    return new JsonEncoding(contract);
  }

  /** The contract whose values it writes and reads. */
  public ContractDescription contract() {
    return contract;
  }

  /** The body of a call of {@code operation} with {@code arguments}: a JSON array. */
  public String arguments(OperationDescription operation, Object[] arguments) {
    StringWriter out = new StringWriter();
    try (JsonGenerator gen = MAPPER.createGenerator(out)) {
      writeArguments(gen, operation, arguments);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("the arguments of " + operation.name() + " do not write as JSON", e);
    }
    return out.toString();
  }

  /**
   * The arguments a body of {@code operation} carries.
   *
   * @throws UnreadableBodyException when the body is not the JSON array the operation's parameters expect
   */
  public Object[] arguments(String body, OperationDescription operation) {
    try (JsonParser in = MAPPER.createParser(body)) {
      Object[] arguments = readArguments(in, operation);
      if (in.nextToken() != null) {
        throw new UnreadableBodyException("text after the arguments' array of " + operation.name()
            + " (expected: one JSON array)");
      }
      return arguments;
    } catch (IOException e) {
      throw new UnreadableBodyException("the body of " + operation.name() + " is not JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public void writeArguments(JsonGenerator out, OperationDescription operation, Object[] arguments) {
    List<Type> types = operation.parameterTypes();
    if (arguments.length != types.size()) {
      throw new IllegalArgumentException(arguments.length + " arguments for " + operation.name() + " (expected: "
          + types.size() + ")");
    }
    try {
      out.writeStartArray();
      for (int i = 0; i < arguments.length; i++) {
        write(out, types.get(i), arguments[i]);
      }
      out.writeEndArray();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("the arguments of " + operation.name() + " do not write as JSON", e);
    }
  }

  @Override
  public Object[] readArguments(JsonParser in, OperationDescription operation) {
    List<Type> types = operation.parameterTypes();
    List<String> names = operation.parameterNames();
    try {
      expect(in, in.nextToken(), JsonToken.START_ARRAY, "the arguments of " + operation.name());
      Object[] arguments = new Object[types.size()];
      for (int i = 0; i < arguments.length; i++) {
        String what = "argument " + names.get(i) + " of " + operation.name() + " (" + types.get(i).getTypeName() + ")";
        if (in.nextToken() == JsonToken.END_ARRAY) {
          throw new UnreadableBodyException(i + " arguments for " + operation.name() + " (expected: " + types.size()
              + "; " + what + " is missing)");
        }
        arguments[i] = read(in, types.get(i), what);
      }
      if (in.nextToken() != JsonToken.END_ARRAY) {
        throw new UnreadableBodyException("more than " + types.size() + " arguments for " + operation.name()
            + " (expected: " + types.size() + ")");
      }
      return arguments;
    } catch (IOException e) {
      throw new UnreadableBodyException("the arguments of " + operation.name() + " are not JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public void writeResult(JsonGenerator out, OperationDescription operation, Object result) {
    try {
      if (operation.hasResult()) {
        write(out, operation.resultType(), result);
      } else {
        out.writeNull();
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("the result of " + operation.name() + " does not write as JSON", e);
    }
  }

  @Override
  public Object readResult(JsonParser in, OperationDescription operation) {
    try {
      in.nextToken();
      if (!operation.hasResult()) {
        in.skipChildren();
        return null;
      }
      return read(in, operation.resultType(), "the result of " + operation.name());
    } catch (IOException e) {
      throw new UnreadableBodyException("the result of " + operation.name() + " is not JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public void writeFaultDetail(JsonGenerator out, OperationDescription operation, Record detail) {
    try {
      out.writeStartObject();
      out.writeStringField("fault", detail.getClass().getSimpleName());
      out.writeFieldName("detail");
      write(out, detail.getClass(), detail);
      out.writeEndObject();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("the fault detail of " + operation.name() + " does not write as JSON", e);
    }
  }

  @Override
  public Record readFaultDetail(JsonParser in, OperationDescription operation) {
    try {
      expect(in, in.nextToken(), JsonToken.START_OBJECT, "a fault detail of " + operation.name());
      Record detail = null;
      String fault = null;
      while (in.nextToken() == JsonToken.FIELD_NAME) {
        String field = in.currentName();
        in.nextToken();
        if (field.equals("fault")) {
          fault = in.getValueAsString();
        } else if (field.equals("detail") && fault != null) {
          detail = readDeclaredFault(in, operation, fault);
        } else {
          in.skipChildren();
        }
      }
      return detail;
    } catch (IOException e) {
      throw new UnreadableBodyException("a fault detail of " + operation.name() + " is not JSON: " + e.getMessage(), e);
    }
  }

  private Record readDeclaredFault(JsonParser in, OperationDescription operation, String fault) throws IOException {
    for (Class<? extends Record> declared : operation.faults()) {
      if (declared.getSimpleName().equals(fault)) {
        return (Record) read(in, declared, "fault detail " + fault + " of " + operation.name());
      }
    }
    in.skipChildren();
    return null;
  }

  private static void write(JsonGenerator out, Type type, Object value) throws IOException {
    JavaType javaType = MAPPER.getTypeFactory().constructType(type);
    MAPPER.writerFor(javaType).writeValue(out, value);
  }

  private static Object read(JsonParser in, Type type, String what) throws IOException {
    JavaType javaType = MAPPER.getTypeFactory().constructType(type);
    try {
      Object value = MAPPER.readerFor(javaType).readValue(in);
      if (value == null && javaType.isPrimitive()) {
        throw new UnreadableBodyException(what + " is null (expected: a " + type.getTypeName() + ")");
      }
      return value;
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new UnreadableBodyException(what + " does not read: " + e.getOriginalMessage(), e);
    }
  }

  private static void expect(JsonParser in, JsonToken found, JsonToken expected, String what) {
    if (found != expected) {
      throw new UnreadableBodyException(what + " start with " + (found == null ? "nothing" : found.asString())
          + " at " + in.currentLocation().offsetDescription() + " (expected: " + expected.asString() + ")");
    }
  }

  /** A body that does not read by the contract: it will never read, however often it is delivered. */
  public static final class UnreadableBodyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A body that does not read, for {@code reason}. */
    public UnreadableBodyException(String reason) {
      super(reason);
    }

    /** A body that does not read, for {@code reason}, found by {@code cause}. */
    public UnreadableBodyException(String reason, Throwable cause) {
      super(reason, cause);
    }
  }
}
