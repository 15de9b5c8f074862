package dev.courier.testpage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.courier.rpc.ServiceContract;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.soap.SoapBinding;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The page on a contract whose lists are their items alone, as JAX-WS sends them (wrappedLists = false). */
class UnwrappedListsPageTest {
  /** A contract in JAX-WS's form. */
  @ServiceContract(namespace = "http://example.com/basket", name = "Basket", qualifiedElements = false,
      wrappedLists = false)
  public interface Basket {
    /** A record whose only component is a list. */
    record Tagged(List<String> tags) {}

    /** Tags the skus. */
    List<Tagged> tag(List<String> skus, Tagged with);
  }

  /** The service. */
  public static final class Service implements Basket {
    @Override
    public List<Tagged> tag(List<String> skus, Tagged with) {
      return skus.stream().map(s -> new Tagged(java.util.stream.Stream.concat(java.util.stream.Stream.of(s),
          with.tags().stream()).toList())).toList();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final SoapBinding SOAP = SoapBinding.create();
  private static final TestPage PAGE = TestPage.at("http://127.0.0.1:0/");
  private static ServiceHost host;

  @BeforeAll
  static void open() {
    host = ServiceHost.builder(new Service()).endpoint(Basket.class, SOAP, "http://127.0.0.1:0/basket")
        .extension(PAGE).build().open();
  }

  @AfterAll
  static void close() {
    host.close();
    SOAP.close();
  }

  @Test
  void aRepeatedElementIsAListSlotAndARecordOfOneListStaysARecord() throws Exception {
    JsonNode catalog = JSON.readTree(HTTP.send(HttpRequest.newBuilder(PAGE.url().resolve("/api/contracts")).build(),
        HttpResponse.BodyHandlers.ofString()).body());

    JsonNode tag = catalog.path("endpoints").get(0).path("operations").get(0);
    assertThat(tag.path("parameters").get(0).path("type").path("kind").asText()).isEqualTo("list");
    assertThat(tag.path("parameters").get(0).path("type").path("item").path("type").path("kind").asText())
        .isEqualTo("string");
    JsonNode with = tag.path("parameters").get(1).path("type");
    assertThat(with.path("kind").asText()).isEqualTo("record");
    assertThat(catalog.path("types").path(with.path("ref").asText()).path("fields").get(0).path("type").path("kind")
        .asText()).isEqualTo("list");
    assertThat(tag.path("result").path("type").path("kind").asText()).isEqualTo("list");
  }

  @Test
  void aCallSendsEachItemAsAnElementOfTheListsName() throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(PAGE.url().resolve(URI.create("/api/invoke")))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
            "{\"endpoint\": 0, \"operation\": \"tag\", \"arguments\": {\"skus\": [\"a\", \"b\"], "
                + "\"with\": {\"tags\": [\"new\"]}}}")).build(), HttpResponse.BodyHandlers.ofString());

    JsonNode outcome = JSON.readTree(response.body());
    assertThat(outcome.path("outcome").asText()).as(response.body()).isEqualTo("result");
    assertThat(outcome.path("result").toString())
        .isEqualTo("[{\"tags\":[\"a\",\"new\"]},{\"tags\":[\"b\",\"new\"]}]");
    assertThat(outcome.path("request").asText()).contains("<skus>a</skus><skus>b</skus><with><tags>new</tags></with>");
  }
}
