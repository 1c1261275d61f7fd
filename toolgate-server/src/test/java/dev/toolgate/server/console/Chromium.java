package dev.toolgate.server.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium ({@code chromium}, {@code chromium-driver}) driven by Selenium, with
 * nothing downloaded: the driver is named by its path, so Selenium Manager is never asked, and the
 * browser's own background traffic (updates, sync, Google services) is off.
 */
final class Chromium {
  static final Path BROWSER = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  private Chromium() {}

  /** Skips the calling test (with a message saying why) when Chromium or its driver is not installed. */
  static void assumeInstalled() {
    Assumptions.assumeTrue(Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER),
        "skipped: the console's browser tests need Debian's Chromium (" + BROWSER + ", " + DRIVER
            + "): apt-get install chromium chromium-driver fonts-liberation (.ci/run installs them)");
  }

  /** A headless Chromium whose console messages (errors, CSP and Trusted Types violations) can be read. */
  static ChromeDriver start() {
    System.setProperty("webdriver.remote.enableTracing", "false"); // no OpenTelemetry spans from Selenium's client
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(DRIVER.toFile())
        .usingAnyFreePort()
        .withTimeout(Duration.ofSeconds(60))
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=en-US",
        "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking", "--disable-sync",
        "--disable-component-update", "--disable-default-apps", "--disable-features=Translate,OptimizationHints,MediaRouter");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    return new ChromeDriver(service, options);
  }

  /** The browser's console messages since the last read (reading empties the buffer). */
  static List<LogEntry> consoleMessages(ChromeDriver driver) {
    return driver.manage().logs().get(LogType.BROWSER).getAll();
  }
}
