package dev.toolgate.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.server.admin.AdminRole;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real Toolgate ({@link ConsoleServer}) and a headless Chromium pointed at its console, for the
 * browser tests; screenshots of every page when one fails ({@link ScreenshotsOnFailure}). Waits are
 * explicit waits on what the page shows, never sleeps.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ScreenshotsOnFailure.class)
abstract class BrowserTestBase implements ScreenshotsOnFailure.Browser {
  protected ConsoleServer server;
  protected ChromeDriver driver;
  protected WebDriverWait wait;
  /** An admin token with role {@code admin}. */
  protected String adminToken;

  @BeforeAll
  void startServerAndBrowser() throws Exception {
    Chromium.assumeInstalled();
    server = ConsoleServer.start();
    adminToken = server.adminToken(AdminRole.ADMIN).plaintext();
    driver = Chromium.start();
    wait = new WebDriverWait(driver, Duration.ofSeconds(30));
  }

  @AfterAll
  void stopServerAndBrowser() throws Exception {
    try {
      if (driver != null) {
        driver.quit();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  @Override
  public ChromeDriver driver() {
    return driver;
  }

  @Override
  public String consoleUrl() {
    return server.base() + "/console/";
  }

  /** Goes to {@code hash} ({@code #/tools}) as a typed address would, and waits until its page has drawn anew. */
  protected void open(String hash) {
    String url = consoleUrl() + hash;
    WebElement before = currentPage();
    if (url.equals(driver.getCurrentUrl())) {
      driver.navigate().refresh();
    } else {
      driver.get(url); // only the fragment differs: the console draws the page without loading the document again
    }
    awaitNewPage(before, hash);
  }

  /** The page drawn now, if any: after an action that redraws it, {@link #awaitNewPage} waits for its successor. */
  protected WebElement currentPage() {
    return driver.findElements(By.cssSelector("#main > .page")).stream().findFirst().orElse(null);
  }

  /** Waits until {@code before} is gone and the page of {@code hash} has drawn. */
  protected void awaitNewPage(WebElement before, String hash) {
    if (before != null) {
      wait.until(ExpectedConditions.stalenessOf(before));
    }
    waitForPage(hash);
  }

  /** Waits until the page of {@code hash} (or the sign-in form) has drawn everything it loads. */
  protected void waitForPage(String hash) {
    String route = hash.replaceFirst("^#/", "").replaceFirst("\\?.*", "");
    String id = route.contains("/") ? "page-" + route.substring(0, route.indexOf('/')) + "-item" : "page-" + (route.isEmpty() ? "tools" : route);
    wait.until(ExpectedConditions.or(
        ExpectedConditions.presenceOfElementLocated(By.cssSelector("#" + id + "[data-ready='true']")),
        ExpectedConditions.presenceOfElementLocated(By.id("page-sign-in"))));
  }

  /** Signs in through the form with {@code token} and waits for the first page. */
  protected void signIn(String token) {
    driver.manage().deleteAllCookies();
    driver.get(consoleUrl());
    WebElement field = wait.until(ExpectedConditions.elementToBeClickable(By.id("admin-token")));
    field.sendKeys(token);
    driver.findElement(By.id("sign-in")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-out")));
    waitForPage("#/tools");
  }

  protected WebElement byId(String id) {
    return wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
  }

  protected void type(String id, String text) {
    WebElement field = byId(id);
    field.clear();
    field.sendKeys(text);
  }

  protected void choose(String id, String value) {
    new Select(byId(id)).selectByValue(value);
  }

  /** Clicks the confirm dialog's confirming button. */
  protected void confirm() {
    wait.until(ExpectedConditions.elementToBeClickable(By.id("confirm-ok"))).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("dialog.confirm")));
  }

  /** The browser's console messages since the last read, without the ones a test logged on purpose. */
  protected List<LogEntry> consoleProblems() {
    return Chromium.consoleMessages(driver).stream()
        .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
        .toList();
  }

  protected void assertNoConsoleProblems(String where) {
    assertThat(consoleProblems()).as("console errors, warnings, CSP or Trusted Types violations on %s", where).isEmpty();
  }
}
