package dev.courier.cli.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.lang.reflect.Type;
import java.util.stream.Collectors;

/**
 * The JSON form of a generated client's values: records as objects by component name, enums by constant name,
 * {@code Optional} as its value or {@code null}, {@code byte[]} as base64, {@code char} as a one-character string,
 * lists as arrays and maps as objects. A component left out gets its default ({@code null}, {@code 0},
 * {@code false}, empty), as Courier reads a record from a writer that does not know it; a key the record does not
 * have is an error.
 *
 * <pre>{@code
 * Object order = Json.read(node, parameter.getParameterizedType(), "parameter order");
 * out.println(Json.write(result));
 * }</pre>
 */
public final class Json {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new Jdk8Module())
      .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)     // absent is the default, as Courier reads it
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
      .build();

  private Json() {
  }

  /**
   * The JSON tree of {@code text}.
   *
   * @throws Failure a usage error that says where the text is no JSON
   */
  public static JsonNode parse(String text, String what) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw Failure.usage(what + " is no JSON: " + e.getOriginalMessage() + location(e));
    }
  }

  /**
   * {@code node} as a value of {@code type}.
   *
   * @throws Failure a usage error naming {@code what} and the path inside it where the value does not fit
   */
  public static Object read(JsonNode node, Type type, String what) {
    try {
      return MAPPER.readerFor(MAPPER.constructType(type)).readValue(MAPPER.treeAsTokens(node));
    } catch (JsonMappingException e) {
      String path = e.getPath().stream().map(r -> r.getFieldName() != null ? "." + r.getFieldName()
          : "[" + r.getIndex() + "]").collect(Collectors.joining());
      throw Failure.usage(what + (path.isEmpty() ? "" : " at " + path) + ": " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw Failure.usage(what + ": " + e.getMessage());
    }
  }

  /** {@code value} as indented JSON. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw Failure.cannot("the value " + value + " cannot be written as JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
        + e.getLocation().getColumnNr() + ")";
  }
}
