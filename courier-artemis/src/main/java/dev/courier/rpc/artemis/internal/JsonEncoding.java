package dev.courier.rpc.artemis.internal;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
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
 * parameter's {@link Type} (records, lists, maps, enums, arrays, {@code byte[]} as Base64, {@code Optional}s). An
 * operation that takes a {@link dev.courier.rpc.MessageContract} record writes its components, the parts it stands
 * for; a reply is the array of its parts too.
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
  private static final ObjectMapper MAPPER = mapper();

  /**
   * Jackson for the contract's types: unknown components ignored, missing ones left empty (null or zero), and a
   * null item in an array of primitives refused rather than read as zero.
   */
  private static ObjectMapper mapper() {
    JsonMapper.Builder b = JsonMapper.builder()
        .addModule(new Jdk8Module())
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    for (Class<?> array : List.of(int[].class, long[].class, short[].class, char[].class, float[].class,
        double[].class, boolean[].class)) {
      b.withConfigOverride(array, o -> o.setSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL)));
    }
    return b.build();
  }

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
    int expected = operation.requestMessage().isPresent() ? 1 : operation.parameterTypes().size();
    if (arguments.length != expected) {
      throw new IllegalArgumentException(arguments.length + " arguments for " + operation.name() + " (expected: "
          + expected + ")");
    }
    writeParts(out, operation.requestPartTypes(), operation.requestParts(arguments), "the arguments of " + operation.name());
  }

  @Override
  public Object[] readArguments(JsonParser in, OperationDescription operation) {
    return operation.arguments(readParts(in, operation.requestPartTypes(), operation.requestPartNames(),
        "the arguments of " + operation.name()));
  }

  /** Writes a reply's parts (none for a void result, the result, or its message record's components) as an array. */
  @Override
  public void writeResult(JsonGenerator out, OperationDescription operation, Object result) {
    writeParts(out, operation.replyPartTypes(), operation.replyParts(result), "the result of " + operation.name());
  }

  @Override
  public Object readResult(JsonParser in, OperationDescription operation) {
    return operation.result(readParts(in, operation.replyPartTypes(), operation.replyPartNames(),
        "the result of " + operation.name()));
  }

  @Override
  public void writeFaultDetail(JsonGenerator out, OperationDescription operation, Record detail) {
    if (!operation.faults().contains(detail.getClass())) {
      throw new IllegalArgumentException("fault detail " + detail.getClass().getName() + " for operation "
          + operation.name() + " (expected: one it declares, " + operation.faults() + ")");
    }
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

  /** Writes {@code parts} as one JSON array, each with its type. */
  private static void writeParts(JsonGenerator out, List<Type> types, Object[] parts, String what) {
    try {
      out.writeStartArray();
      for (int i = 0; i < parts.length; i++) {
        write(out, types.get(i), parts[i]);
      }
      out.writeEndArray();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(what + " do not write as JSON", e);
    }
  }

  /** Reads one JSON array of exactly {@code types.size()} parts, each as its type. */
  private static Object[] readParts(JsonParser in, List<Type> types, List<String> names, String what) {
    try {
      expect(in, in.nextToken(), JsonToken.START_ARRAY, what);
      Object[] parts = new Object[types.size()];
      for (int i = 0; i < parts.length; i++) {
        String part = names.get(i) + " of " + what + " (" + types.get(i).getTypeName() + ")";
        if (in.nextToken() == JsonToken.END_ARRAY) {
          throw new UnreadableBodyException(i + " parts in " + what + " (expected: " + types.size() + "; " + part
              + " is missing)");
        }
        parts[i] = read(in, types.get(i), part);
      }
      if (in.nextToken() != JsonToken.END_ARRAY) {
        throw new UnreadableBodyException("more than " + types.size() + " parts in " + what + " (expected: "
            + types.size() + ")");
      }
      return parts;
    } catch (IOException e) {
      throw new UnreadableBodyException(what + " are not JSON: " + e.getMessage(), e);
    }
  }

  private static void write(JsonGenerator out, Type type, Object value) throws IOException {
    JavaType javaType = MAPPER.getTypeFactory().constructType(type);
    MAPPER.writerFor(javaType).writeValue(out, value);
  }

  private static Object read(JsonParser in, Type type, String what) throws IOException {
    JavaType javaType = MAPPER.getTypeFactory().constructType(type);
    if (in.currentToken() == JsonToken.VALUE_NULL && javaType.isPrimitive()) {
      throw new UnreadableBodyException(what + " is null (expected: a " + type.getTypeName() + ")");
    }
    try {
      return MAPPER.readerFor(javaType).readValue(in);
    } catch (MismatchedInputException e) {
      throw new UnreadableBodyException(nullInPrimitiveArray(e).orElseGet(() -> what + " does not read: "
          + e.getOriginalMessage()), e);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new UnreadableBodyException(what + " does not read: " + e.getOriginalMessage(), e);
    }
  }

  /** What a null item of an array of primitives is, when that is what {@code e} says. */
  private static java.util.Optional<String> nullInPrimitiveArray(MismatchedInputException e) {
    List<com.fasterxml.jackson.databind.JsonMappingException.Reference> path = e.getPath();
    Class<?> target = e.getTargetType();
    if (path.isEmpty() || target == null) {
      return java.util.Optional.empty();
    }
    var last = path.getLast();
    Object from = last.getFrom();
    Class<?> array = target.isArray() ? target : from instanceof Class<?> c ? c : from == null ? null : from.getClass();
    if (array == null || !array.isArray() || !array.getComponentType().isPrimitive() || last.getIndex() < 0) {
      return java.util.Optional.empty();
    }
    String name = array.getSimpleName();
    return java.util.Optional.of("item " + last.getIndex() + " of " + name + " is null (expected: a value: " + name
        + " holds no null)");
  }

  private static void expect(JsonParser in, JsonToken found, JsonToken expected, String what) {
    if (found != expected) {
      throw new UnreadableBodyException(what + " start with " + (found == null ? "nothing" : "'" + found.asString() + "'")
          + " at " + in.currentLocation().offsetDescription() + " (expected: '" + expected.asString() + "')");
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
