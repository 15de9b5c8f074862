package dev.courier.testpage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.courier.rpc.ServiceHost;
import dev.courier.rpc.soap.SoapBinding;
import dev.courier.rpc.tcp.TcpBinding;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The page's HTTP API without a browser: the catalog, calls, and what a bad request gets. */
class PageApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final SoapBinding SOAP = SoapBinding.create();
  private static final TcpBinding TCP = TcpBinding.create();
  private static final TestPage PAGE = TestPage.at("http://127.0.0.1:0/");
  private static ServiceHost host;

  @BeforeAll
  static void open() {
    host = ServiceHost.builder(new Shop.Service())
        .endpoint(Shop.class, TCP, "courier.tcp://127.0.0.1:0/shop")
        .endpoint(Shop.class, SOAP, "http://127.0.0.1:0/shop")
        .endpoint(Shop.class, dev.courier.rpc.inprocess.InProcessBinding.create(), "inproc://page-api-shop")
        .extension(PAGE).build().open();
  }

  @AfterAll
  static void close() {
    host.close();
    SOAP.close();
    TCP.close();
  }

  @Test
  void theCatalogListsEachEndpointWithItsOperationsAndTheTypeTreesOfTheirParameters() throws Exception {
    JsonNode catalog = JSON.readTree(get("/api/contracts").body());

    assertThat(catalog.path("endpoints").findValuesAsText("address")).containsExactly(
        host.listenAddresses().get(0), host.listenAddresses().get(1), "inproc://page-api-shop");
    JsonNode place = operation(catalog.path("endpoints").get(0), "place");
    assertThat(place.path("pattern").asText()).isEqualTo("REQUEST_REPLY");
    assertThat(place.path("faults").toString()).isEqualTo("[\"OutOfStockFault\"]");
    JsonNode order = catalog.path("types").path(place.path("parameters").get(0).path("type").path("ref").asText());
    assertThat(java.util.stream.StreamSupport.stream(order.path("fields").spliterator(), false)
        .map(f -> f.path("name").asText()).toList())
        .containsExactly("customer", "shipTo", "lines", "priority", "gift", "attachment", "express");
    assertThat(order.path("fields").get(2).path("type").path("kind").asText()).isEqualTo("list");
    assertThat(order.path("fields").get(2).path("type").path("item").path("type").path("name").asText()).isEqualTo("Line");
    assertThat(order.path("fields").get(3).path("type").path("values").toString()).isEqualTo("[\"LOW\",\"NORMAL\",\"URGENT\"]");
    assertThat(order.path("fields").get(4).path("optional").asBoolean()).isTrue();
    assertThat(order.path("fields").get(5).path("type").path("kind").asText()).isEqualTo("bytes");
    assertThat(order.path("fields").get(6).path("type").path("kind").asText()).isEqualTo("boolean");
    assertThat(operation(catalog.path("endpoints").get(0), "count").path("result").path("type").path("kind").asText())
        .isEqualTo("map");
    assertThat(operation(catalog.path("endpoints").get(0), "note").path("pattern").asText()).isEqualTo("ONE_WAY");
  }

  @Test
  void aCallOverTcpAnswersItsResultTheTimeAndTheFramesInHex() throws Exception {
    HttpResponse<String> response = post("{\"endpoint\": 0, \"operation\": \"count\", \"arguments\": {\"words\": [\"a\", \"b\", \"a\"]}}");

    JsonNode outcome = JSON.readTree(response.body());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(outcome.path("outcome").asText()).isEqualTo("result");
    assertThat(outcome.path("result").toString()).isEqualTo("{\"a\":2,\"b\":1}");
    assertThat(outcome.path("elapsedMicros").isIntegralNumber()).isTrue();
    assertThat(outcome.path("wire").asText()).isEqualTo("hex");
    assertThat(outcome.path("request").asText()).startsWith("00000000 ");
  }

  @Test
  void aCallOverSoapAnswersTheEnvelopesAsSent() throws Exception {
    HttpResponse<String> response = post("{\"endpoint\": 1, \"operation\": \"count\", \"arguments\": {\"words\": [\"a\"]}}");

    JsonNode outcome = JSON.readTree(response.body());
    assertThat(outcome.path("result").toString()).isEqualTo("{\"a\":1}");
    assertThat(outcome.path("request").asText()).startsWith("POST /shop HTTP/1.1").contains("Envelope", ">a<");
    assertThat(outcome.path("response").asText()).startsWith("HTTP/1.1 200").contains("Envelope");
  }

  @Test
  void aCallInProcessAnswersItsResultAndThatNothingCrossedANetwork() throws Exception {
    JsonNode outcome = JSON.readTree(post("{\"endpoint\": 2, \"operation\": \"count\", \"arguments\": {\"words\": [\"a\"]}}").body());

    assertThat(outcome.path("result").toString()).isEqualTo("{\"a\":1}");
    assertThat(outcome.path("wire").asText()).isEqualTo("none");
    assertThat(outcome.path("request").asText()).isEqualTo("(inproc: the call does not cross a network)");
  }

  @Test
  void aRequestThatNamesAnotherHostIsRefusedAgainstDnsRebinding() throws Exception {
    try (java.net.Socket socket = new java.net.Socket(PAGE.url().getHost(), PAGE.url().getPort())) {
      socket.getOutputStream().write(("GET /api/contracts HTTP/1.1\r\nHost: rebound.example:" + PAGE.url().getPort()
          + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

      assertThat(response).startsWith("HTTP/1.1 403 Forbidden").contains("host rebound.example:" + PAGE.url().getPort()
          + " (expected: the page's own address, such as " + PAGE.url().getAuthority());
    }
    assertThat(get("/api/contracts").statusCode()).isEqualTo(200);
  }

  @Test
  void aBodyThatIsNotJsonGets400SayingSo() throws Exception {
    HttpResponse<String> response = post("{\"contract\": \"Shop\", ");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(response.body()).path("error").asText()).startsWith("request body is not JSON: ")
        .endsWith("(expected: {\"contract\": ..., \"operation\": ..., \"arguments\": {...}})");
  }

  @Test
  void anUnknownOperationGets400NamingItAndTheOperationsThereAre() throws Exception {
    HttpResponse<String> response = post("{\"contract\": \"Shop\", \"operation\": \"refund\", \"arguments\": {}}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(response.body()).path("error").asText())
        .isEqualTo("operation: refund (expected one of [count, note, place] of contract Shop)");
  }

  @Test
  void anUnknownContractAndAnArgumentOfTheWrongTypeGet400NamingThem() throws Exception {
    assertThat(JSON.readTree(post("{\"contract\": \"Bank\", \"operation\": \"count\"}").body()).path("error").asText())
        .isEqualTo("contract: Bank (expected one of [Shop])");
    assertThat(JSON.readTree(post("{\"contract\": \"Shop\", \"operation\": \"count\", \"arguments\": {\"words\": 7}}").body())
        .path("error").asText()).startsWith("argument words of count: 7 (expected: java.util.List<java.lang.String>)");
    assertThat(JSON.readTree(post("{\"contract\": \"Shop\", \"operation\": \"count\", \"arguments\": {\"letters\": []}}").body())
        .path("error").asText()).isEqualTo("argument letters (expected: a parameter of count, one of [words])");
    assertThat(JSON.readTree(post("{\"contract\": \"Shop\", \"operation\": \"note\", \"arguments\": {\"priority\": \"HIGH\"}}")
        .body()).path("error").asText()).startsWith("argument priority of note: \"HIGH\" (expected: dev.courier.testpage.Shop$Priority)")
        .contains("LOW", "NORMAL", "URGENT");
  }

  @Test
  void aCallThatIsNotJsonContentOrTooLargeOrNotAPostIsRefused() throws Exception {
    HttpResponse<String> plain = HTTP.send(HttpRequest.newBuilder(PAGE.url().resolve("/api/invoke"))
        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(plain.statusCode()).isEqualTo(415);
    assertThat(post("[\"" + "x".repeat(1024 * 1024) + "\"]").statusCode()).isEqualTo(413);
    assertThat(get("/api/invoke").statusCode()).isEqualTo(405);
    assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
  }

  @Test
  void thePageAndItsScriptAndStyleAreServedFromTheJar() throws Exception {
    assertThat(get("/").body()).contains("<script src=\"/app.js\"></script>").doesNotContain("https://");
    assertThat(get("/app.js").headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
    assertThat(get("/app.css").statusCode()).isEqualTo(200);
  }

  @Test
  void aPageUrlThatIsNotHttpHostPortIsRefusedNamingIt() {
    assertThatThrownBy(() -> TestPage.at("https://127.0.0.1:8081/")).hasMessageStartingWith(
        "test page url: https://127.0.0.1:8081/ (expected: http://host:port/");
    assertThatThrownBy(() -> TestPage.at("http://127.0.0.1:8081/page")).hasMessageContaining("(expected: http://host:port/");
    assertThatThrownBy(() -> TestPage.onPort(70000)).hasMessage("test page port: 70000 (expected: 0 to 65535, 0 for a free port)");
    assertThatThrownBy(() -> TestPage.onPort(0).url()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is not serving");
  }

  private static JsonNode operation(JsonNode endpoint, String name) {
    for (JsonNode op : endpoint.path("operations")) {
      if (op.path("name").asText().equals(name)) {
        return op;
      }
    }
    throw new AssertionError("no operation " + name + " in " + endpoint);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(PAGE.url().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(PAGE.url().resolve(URI.create("/api/invoke")))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
