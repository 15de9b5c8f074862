package dev.courier.testpage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.courier.rpc.ServiceHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The page in a real browser, against a host of {@link Shop}: forms filled, operations invoked, results and faults
 * read from the page. Each subclass hosts the shop on one binding and starts one browser.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PageInBrowserTest {
  final Shop.Service shop = new Shop.Service();
  final TestPage page = TestPage.onPort(0);
  ServiceHost host;
  Browser browser;

  /** The shop's host, with {@code page} as its extension, open. */
  abstract ServiceHost host(Shop.Service shop, TestPage page);

  /** Closes the binding, after the host. */
  abstract void closeBinding();

  /** Checks the request and the response of a placed order as the page shows them. */
  abstract void assertWire(String request, String response);

  @BeforeAll
  void start() {
    host = host(shop, page);
    browser = Browser.start();
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    host.close();
    closeBinding();
  }

  @BeforeEach
  void openThePage() {
    browser.open(page.url());
  }

  @Test
  void anOrderFilledInWithNestedRecordsListItemsAnEnumAnOptionalAndBytesShowsItsReceiptInAPageThatIsNotBlank()
      throws Exception {
    fillAnOrder();

    assertThat(browser.invoke()).isEqualTo("result");

    assertThat(browser.text("result-json")).contains(
        "\"summary\": \"Ada to Paris: [2 x apple, 5 x cherry], express\"", "\"items\": 7", "\"priority\": \"URGENT\"",
        "\"gift\": \"ribbon\"", "\"attachmentBytes\": 4");
    assertThat(browser.driver().findElement(org.openqa.selenium.By.id("elapsed")).getDomAttribute("data-micros"))
        .matches("\\d+");
    assertWire(browser.text("request"), browser.text("response"));
    byte[] png = browser.screenshot();
    Path saved = Path.of("target", "testpage-" + getClass().getSimpleName() + ".png");
    Files.write(saved, png);                // the picture docs/testpage.md shows comes from here
    assertThat(Browser.distinctColours(png)).as("distinct colours of %s", saved).isGreaterThan(20);
  }

  @Test
  void anOrderOfASkuOutOfStockShowsTheDeclaredFaultWithItsCodeReasonAndDetail() {
    browser.pick(0, "place");
    browser.type("order.customer", "Ada");
    browser.click("data-add", "order.lines");
    browser.type("order.lines[0].sku", "gone-pear");

    assertThat(browser.invoke()).isEqualTo("fault");

    assertThat(browser.text("fault-code")).isEqualTo("Sender");
    assertThat(browser.text("fault-reason")).isEqualTo("gone-pear is out of stock");
    assertThat(browser.text("fault-detail")).startsWith("OutOfStock").contains("\"sku\": \"gone-pear\"", "\"available\": 0");
  }

  @Test
  void aListOfWordsIsCountedIntoAMap() {
    browser.pick(0, "count");
    for (String word : new String[] {"to", "be", "or", "not", "to", "be"}) {
      int i = browser.driver().findElements(org.openqa.selenium.By.cssSelector("[data-list='words'] [data-item]")).size();
      browser.click("data-add", "words");
      browser.type("words[" + i + "]", word);
    }

    assertThat(browser.invoke()).isEqualTo("result");

    assertThat(browser.text("result-json").replaceAll("\\s", "")).isEqualTo("{\"be\":2,\"not\":1,\"or\":1,\"to\":2}");
  }

  @Test
  void aOneWayNoteIsSentAndReachesTheService() throws Exception {
    browser.pick(0, "note");
    browser.type("text", "call back after lunch");
    browser.choose("priority", "LOW");

    assertThat(browser.invoke()).isEqualTo("sent");

    assertThat(shop.notes.poll(10, TimeUnit.SECONDS)).isEqualTo("LOW: call back after lunch");
  }

  /** An order of Ada's: three lines, of which the second is removed. */
  void fillAnOrder() {
    browser.pick(0, "place");
    browser.type("order.customer", "Ada");
    browser.type("order.shipTo.street", "1 Rue de Rivoli");
    browser.type("order.shipTo.city", "Paris");
    String[][] lines = {{"apple", "2"}, {"banana", "3"}, {"cherry", "5"}};
    for (int i = 0; i < lines.length; i++) {
      browser.click("data-add", "order.lines");
      browser.type("order.lines[" + i + "].sku", lines[i][0]);
      browser.type("order.lines[" + i + "].count", lines[i][1]);
    }
    browser.click("data-remove", "order.lines[1]");        // banana goes; the third line becomes lines[1]
    assertThat(browser.at("order.lines[1].sku").getDomProperty("value")).isEqualTo("cherry");
    browser.choose("order.priority", "URGENT");
    browser.click("data-set", "order.gift");
    browser.type("order.gift", "ribbon");
    browser.type("order.attachment", "AAEC/w==");            // 4 bytes
    browser.at("order.express").click();
  }
}
