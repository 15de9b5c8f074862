package dev.courier.rpc.artemis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import dev.courier.rpc.ContractDescription;
import dev.courier.rpc.Operation;
import dev.courier.rpc.OperationDescription;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.spi.Encoding;
import dev.courier.rpc.suite.EncodingSuite;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The queued binding's JSON body, through the suite every encoding passes, and what a host does with bad bodies. */
class JsonEncodingTest extends EncodingSuite<JsonGenerator, JsonParser> {
  private static final JsonFactory JSON = new JsonFactory();

  @Override
  protected Encoding.Factory<JsonGenerator, JsonParser> factory() {
    return JsonEncoding::of;
  }

  @Override
  protected JsonGenerator output() {
    try {
      return JSON.createGenerator(new StringWriter());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads what was written to the generator's text. */
  @Override
  protected JsonParser input(JsonGenerator written) {
    try {
      written.flush();
      return JSON.createParser(written.getOutputTarget().toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A queued contract whose record gained a component in a later version. */
  @ServiceContract(name = "Stock")
  public interface StockV1 {
    /** The first version of a record. */
    record Item(String sku, int count) {}

    @Operation(oneWay = true)
    void add(Item item, List<String> tags);
  }

  /** The same contract, a version later. */
  @ServiceContract(name = "Stock")
  public interface StockV2 {
    /** The record with a component more. */
    record Item(String sku, int count, String warehouse) {}

    @Operation(oneWay = true)
    void add(Item item, List<String> tags);
  }

  private static final JsonEncoding V1 = JsonEncoding.of(ContractDescription.of(StockV1.class));
  private static final JsonEncoding V2 = JsonEncoding.of(ContractDescription.of(StockV2.class));
  private static final OperationDescription ADD_V1 = ContractDescription.of(StockV1.class).operation("add");
  private static final OperationDescription ADD_V2 = ContractDescription.of(StockV2.class).operation("add");

  @Test
  void aRecordReadByAnotherVersionIgnoresComponentsItLacksAndLeavesMissingOnesEmpty() {
    String fromV2 = V2.arguments(ADD_V2, new Object[] {new StockV2.Item("sku-1", 3, "north"), List.of("a")});
    String fromV1 = V1.arguments(ADD_V1, new Object[] {new StockV1.Item("sku-2", 4), List.of()});

    assertThat(V1.arguments(fromV2, ADD_V1)).containsExactly(new StockV1.Item("sku-1", 3), List.of("a"));
    assertThat(V2.arguments(fromV1, ADD_V2)).containsExactly(new StockV2.Item("sku-2", 4, null), List.of());
    assertThat(V1.arguments("[{\"sku\":\"sku-3\"},[]]", ADD_V1)).as("a primitive component the body lacks")
        .containsExactly(new StockV1.Item("sku-3", 0), List.of());
  }

  @Test
  void aBodyOfTheWrongShapeFailsNamingWhatWasExpected() {
    assertThatThrownBy(() -> V1.arguments("{\"sku\":\"x\"}", ADD_V1))
        .isInstanceOf(JsonEncoding.UnreadableBodyException.class)
        .hasMessageContaining("the arguments of add").hasMessageContaining("(expected: '[')");
    assertThatThrownBy(() -> V1.arguments("[{\"sku\":\"x\",\"count\":1}]", ADD_V1))
        .hasMessageContaining("1 parts in the arguments of add (expected: 2; tags of the arguments of add");
    assertThatThrownBy(() -> V1.arguments("[{\"sku\":\"x\",\"count\":\"many\"},[]]", ADD_V1))
        .hasMessageContaining("item of the arguments of add").hasMessageContaining("does not read");
    assertThatThrownBy(() -> V1.arguments("[{\"sku\":\"x\",\"count\":1}, [], 7]", ADD_V1))
        .hasMessageContaining("more than 2 parts in the arguments of add");
    assertThatThrownBy(() -> V1.arguments("[nonsense", ADD_V1))
        .isInstanceOf(JsonEncoding.UnreadableBodyException.class).hasMessageContaining("not JSON");
  }
}
