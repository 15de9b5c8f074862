package dev.courier.testpage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.awt.image.BufferedImage;
import javax.imageio.ImageIO;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium from Debian's {@code chromium} and {@code chromium-driver} packages, driven by Selenium without
 * Selenium Manager (nothing is downloaded). The paths can be changed with {@code -Dcourier.chromium=...} and
 * {@code -Dcourier.chromedriver=...}.
 */
final class Browser implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(20);
  /** Selenium warns through java.util.logging that it has no DevTools classes for this Chromium: the tests use none. */
  private static final java.util.logging.Logger DEVTOOLS = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");
  private final ChromeDriver driver;

  private Browser(ChromeDriver driver) {
    this.driver = driver;
  }

  /** Starts a browser, or fails saying which package to install. */
  static Browser start() {
    Path chromium = Path.of(System.getProperty("courier.chromium", "/usr/bin/chromium"));
    Path chromedriver = Path.of(System.getProperty("courier.chromedriver", "/usr/bin/chromedriver"));
    for (Path[] need : new Path[][] {{chromium, Path.of("chromium")}, {chromedriver, Path.of("chromium-driver")}}) {
      if (!Files.isExecutable(need[0])) {
        throw new IllegalStateException("the browser tests need " + need[0] + ", which is missing: install Debian's "
            + need[1] + " package (apt-get install -y chromium chromium-driver; .ci/run installs both when they are "
            + "missing), or name another binary with -Dcourier.chromium=... and -Dcourier.chromedriver=...");
      }
    }
    DEVTOOLS.setLevel(java.util.logging.Level.OFF);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1440,1100",
        "--disable-dev-shm-usage", "--hide-scrollbars");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
        .usingAnyFreePort().withSilent(true).build();
    return new Browser(new ChromeDriver(service, options));
  }

  ChromeDriver driver() {
    return driver;
  }

  /** Opens the page and waits until it lists the operations. */
  void open(java.net.URI page) {
    driver.get(page.toString());
    waitUntil(() -> "true".equals(driver.findElement(By.id("contracts")).getDomAttribute("data-loaded")));
  }

  /** Picks an operation in the list on the left. */
  void pick(int endpoint, String operation) {
    driver.findElement(By.cssSelector("a.op[data-endpoint='" + endpoint + "'][data-operation='" + operation + "']")).click();
    waitUntil(() -> !driver.findElements(By.cssSelector("#parameters [data-slot]")).isEmpty());
  }

  WebElement at(String path) {
    return driver.findElement(By.cssSelector("[data-path='" + path + "']"));
  }

  void type(String path, String text) {
    WebElement input = at(path);
    input.clear();
    input.sendKeys(text);
  }

  void choose(String path, String value) {
    new Select(at(path)).selectByValue(value);
  }

  void click(String attribute, String path) {
    driver.findElement(By.cssSelector("[" + attribute + "='" + path + "']")).click();
  }

  /** Invokes the operation and waits for its outcome, which it returns. */
  String invoke() {
    driver.executeScript("document.getElementById('result').dataset.outcome = 'none'");
    driver.findElement(By.id("invoke")).click();
    waitUntil(() -> !Set.of("none", "pending").contains(outcome()));
    return outcome();
  }

  String outcome() {
    return driver.findElement(By.id("result")).getDomAttribute("data-outcome");
  }

  String text(String id) {
    return driver.findElement(By.id(id)).getText();
  }

  /** The page as a PNG. */
  byte[] screenshot() {
    driver.executeScript("window.scrollTo(0, 0)");
    return driver.getScreenshotAs(OutputType.BYTES);
  }

  /** The number of distinct colours of a PNG: a blank page has one or two. */
  static int distinctColours(byte[] png) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        colours.add(image.getRGB(x, y));
      }
    }
    return colours.size();
  }

  private void waitUntil(java.util.function.BooleanSupplier condition) {
    new WebDriverWait(driver, WAIT).until(d -> condition.getAsBoolean());
  }

  @Override
  public void close() {
    driver.quit();
  }
}
