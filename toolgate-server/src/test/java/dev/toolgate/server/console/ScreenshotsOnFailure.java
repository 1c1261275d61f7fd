package dev.toolgate.server.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * When a browser test fails, writes what the browser showed to {@code target/console-screenshots/}:
 * the screen at the failure, its DOM and console messages, then a screenshot of each console page.
 */
final class ScreenshotsOnFailure implements AfterTestExecutionCallback {
  static final Path DIR = Path.of("target", "console-screenshots");
  static final List<String> PAGES = List.of("tools", "clients", "users", "keys", "admin-tokens", "audit", "test");

  /** What a browser test class gives the extension. */
  interface Browser {
    ChromeDriver driver();

    /** {@code http://127.0.0.1:PORT/console/} */
    String consoleUrl();
  }

  @Override
  public void afterTestExecution(ExtensionContext context) throws Exception {
    if (context.getExecutionException().isEmpty() || !(context.getRequiredTestInstance() instanceof Browser browser) || browser.driver() == null) {
      return;
    }
    Files.createDirectories(DIR);
    String prefix = context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName();
    ChromeDriver driver = browser.driver();
    try {
      save(driver, prefix + "-failure");
      Files.writeString(DIR.resolve(prefix + "-failure.html"), driver.getPageSource(), StandardCharsets.UTF_8);
      Files.writeString(DIR.resolve(prefix + "-console.log"), Chromium.consoleMessages(driver).stream().map(Object::toString)
          .collect(Collectors.joining("\n")), StandardCharsets.UTF_8);
      for (String page : PAGES) {
        driver.get(browser.consoleUrl() + "#/" + page);
        try {
          new WebDriverWait(driver, Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(
              By.cssSelector("#main .page[data-ready='true'], #page-sign-in")));
        } catch (WebDriverException e) {
          // a page that does not finish is what the screenshot is for
        }
        save(driver, prefix + "-" + page);
      }
    } catch (WebDriverException | IOException e) {
      context.publishReportEntry("screenshots", "could not save all screenshots: " + e.getMessage());
    }
  }

  private static void save(ChromeDriver driver, String name) throws IOException {
    Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
    Files.move(shot, DIR.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}
