package dev.toolgate.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/** A browser test that fails leaves, in target/console-screenshots/, the failure and every page of the console. */
class ScreenshotsOnFailureTest {
  @Test
  void aFailingBrowserTestLeavesItsScreenAndEveryPage() throws Exception {
    Chromium.assumeInstalled();
    String prefix = FailsOnPurpose.class.getSimpleName() + ".failsOnceSignedIn";
    if (Files.isDirectory(ScreenshotsOnFailure.DIR)) {
      try (Stream<Path> old = Files.list(ScreenshotsOnFailure.DIR)) {
        for (Path file : old.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) {
          Files.delete(file);
        }
      }
    }
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    System.setProperty(FailsOnPurpose.SWITCH, "true");
    try {
      LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(FailsOnPurpose.class)).build(), listener);
    } finally {
      System.clearProperty(FailsOnPurpose.SWITCH);
    }
    assertThat(listener.getSummary().getTotalFailureCount()).isEqualTo(1);
    assertThat(listener.getSummary().getFailures().get(0).getException()).hasMessage("failing on purpose");
    for (String page : ScreenshotsOnFailure.PAGES) {
      assertPng(ScreenshotsOnFailure.DIR.resolve(prefix + "-" + page + ".png"));
    }
    assertPng(ScreenshotsOnFailure.DIR.resolve(prefix + "-failure.png"));
    assertThat(Files.readString(ScreenshotsOnFailure.DIR.resolve(prefix + "-failure.html"))).contains("id=\"sign-out\"");
    assertThat(ScreenshotsOnFailure.DIR.resolve(prefix + "-console.log")).exists();
  }

  private static void assertPng(Path file) throws Exception {
    assertThat(file).exists();
    assertThat(Files.readAllBytes(file)).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
  }

  /** Run only by the test above (the build does not run nested classes, and the switch is off otherwise). */
  static class FailsOnPurpose extends BrowserTestBase {
    static final String SWITCH = "toolgate.console.failOnPurpose";

    @Test
    void failsOnceSignedIn() {
      Assumptions.assumeTrue(Boolean.getBoolean(SWITCH), "run by ScreenshotsOnFailureTest only");
      signIn(adminToken);
      throw new AssertionError("failing on purpose");
    }
  }
}
