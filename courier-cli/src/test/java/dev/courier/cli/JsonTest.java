package dev.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.courier.cli.internal.Failure;
import dev.courier.cli.internal.Json;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The JSON form of generated types, which keep the schema's names (WCF's are capitalised). */
class JsonTest {
  /** A record as generated from WCF's metadata. */
  public record Receipt(String OrderId, Optional<List<String>> Warnings, char Grade, byte[] Label) {}

  @Test
  void aRecordsComponentsAreNamedAsTheSchemaNamesThem() {
    String json = Json.write(new Receipt("o-1", Optional.of(List.of("late")), 'B', new byte[] {1, 2, 3}));

    assertThat(json.replaceAll("\\s+", "")).isEqualTo("{\"OrderId\":\"o-1\",\"Warnings\":[\"late\"],\"Grade\":\"B\","
        + "\"Label\":\"AQID\"}");
  }

  @Test
  void aRecordIsReadBackByTheSameNamesAndAnAbsentOptionalIsEmpty() {
    Receipt r = (Receipt) Json.read(Json.parse("{\"OrderId\": \"o-1\", \"Grade\": \"B\", \"Label\": \"AQID\"}", "in"),
        Receipt.class, "parameter receipt");

    assertThat(r.OrderId()).isEqualTo("o-1");
    assertThat(r.Warnings()).isEmpty();
    assertThat(r.Grade()).isEqualTo('B');
    assertThat(r.Label()).containsExactly(1, 2, 3);
  }

  @Test
  void componentsLeftOutGetTheirDefaultsAsCourierReadsThem() {
    Receipt r = (Receipt) Json.read(Json.parse("{}", "in"), Receipt.class, "parameter receipt");

    assertThat(r).usingRecursiveComparison().isEqualTo(new Receipt(null, Optional.empty(), '\0', null));
  }

  @Test
  void aComponentTheRecordDoesNotHaveIsAUsageErrorNamingIt() {
    assertThatThrownBy(() -> Json.read(Json.parse("{\"orderId\": \"o-1\"}", "in"), Receipt.class, "parameter receipt"))
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.exitCode()).isEqualTo(Failure.USAGE))
        .hasMessageContaining("parameter receipt at .orderId: ").hasMessageContaining("\"orderId\"");
  }
}
