package dev.toolgate.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The console's acceptance flow in Chromium against a real Toolgate and a real upstream: sign in,
 * create a client and a signing secret, test a signed tool call and see it allowed, revoke the
 * secret and see the same test refused with its trace, then find both calls in the audit log.
 *
 * <p>With {@code -Dtoolgate.console.screenshot=PATH} it also saves the "Test a tool call" page after
 * the allowed call there: the README's picture ({@code docs/images/console.png}).
 */
class ConsoleFlowTest extends BrowserTestBase {
  private static final String BODY = "{\"order_id\":\"A-1001\"}";

  @Test
  void createAClientAndASecretTestASignedCallRevokeTheSecretSeeTheRefusalAndFindBothInTheAuditLog() throws Exception {
    signIn(adminToken);
    driver.executeCdpCommand("Browser.grantPermissions", Map.of("origin", server.base(),
        "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));

    // A client, from the Clients page.
    driver.findElement(By.cssSelector("#nav a[data-page='clients']")).click();
    waitForPage("#/clients");
    type("client-name", "sendbird-browser");
    type("client-platform", "sendbird");
    byId("create-client").click();
    waitForPage("#/clients/new");
    assertThat(byId("page-title").getText()).isEqualTo("Client sendbird-browser");
    String clientId = byId("client-id").getText();
    assertThat(clientId).isNotBlank();

    // A signing secret, generated, shown once with a Copy button.
    byId("create-signing-secret").click();
    WebElement shown = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#signing-secret-section .secret-value")));
    String secret = shown.getDomProperty("value");
    assertThat(secret).startsWith("tgs_");
    assertThat(shown.getDomAttribute("readonly")).isNotNull();
    driver.findElement(By.cssSelector("#signing-secret-section button.copy")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#signing-secret-section .copied"), "Copied."));
    Object clipboard = driver.executeAsyncScript("const done = arguments[arguments.length - 1]; navigator.clipboard.readText().then(done, (e) => done(String(e)));");
    assertThat(clipboard).isEqualTo(secret);
    driver.findElement(By.cssSelector("#signing-secret-section button.stored")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("#signing-secret-section .secret")));
    assertThat(driver.getPageSource()).as("the secret is gone from the page").doesNotContain(secret);
    WebElement revoke = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#signing-secret-list button[data-action='revoke']")));
    String secretId = revoke.getDomAttribute("data-id");

    // Test a signed call as this client: allowed, every check passed, the upstream's answer shown.
    driver.findElement(By.linkText("Test a tool call as this client")).click();
    waitForPage("#/test");
    testOrderStatus(clientId);
    WebElement verdict = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("verdict")));
    assertThat(verdict.getText()).startsWith("✓ Allowed");
    assertThat(driver.findElements(By.cssSelector("#trace li.passed"))).isNotEmpty();
    assertThat(driver.findElements(By.cssSelector("#trace li.failed"))).isEmpty();
    assertThat(byId("test-status").getText()).isEqualTo("200");
    assertThat(byId("test-response-body").getText()).contains("A-1001");
    assertThat(driver.findElement(By.id("test-request")).getText()).contains("x-sendbird-signature").doesNotContain(secret);
    readmePicture();

    // Revoke the secret (asked first), and the same test is refused, with the check that failed.
    open("#/clients/" + clientId);
    wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#signing-secret-list button[data-action='revoke'][data-id='" + secretId + "']")))
        .click();
    assertThat(byId("confirm-ok").getText()).isEqualTo("Revoke");
    confirm();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("signing-secret-list"), "revoked"));

    open("#/test?tool=order_status&client=" + clientId);
    testOrderStatus(clientId);
    verdict = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("verdict")));
    assertThat(verdict.getText()).startsWith("✗ Refused").contains("signature_invalid").contains("401");
    assertThat(driver.findElements(By.cssSelector("#trace li.failed"))).isNotEmpty();
    assertThat(byId("why").getText()).startsWith("Why:");
    assertThat(byId("test-status").getText()).isEqualTo("401");

    // The audit log, searched for the tool's refusals (a call whose signature matches no secret names no
    // client): the refused call, why, and its trace on a page of its own.
    driver.findElement(By.cssSelector("#nav a[data-page='audit']")).click();
    waitForPage("#/audit");
    type("audit-tool", "order_status");
    choose("audit-decision", "deny");
    WebElement unfiltered = currentPage();
    byId("audit-search").click();
    awaitNewPage(unfiltered, "#/audit");
    assertThat(driver.getCurrentUrl()).contains("tool=order_status").contains("decision=deny");
    List<WebElement> refused = driver.findElements(By.cssSelector("#audit-results a.request-id"));
    assertThat(refused).hasSize(1);
    assertThat(driver.findElement(By.id("audit-results")).getText()).contains("✗ deny").contains("signature_invalid").contains("order_status");
    refused.get(0).click();
    waitForPage("#/audit/x");
    assertThat(byId("verdict").getText()).contains("signature_invalid");
    assertThat(byId("why").getText()).startsWith("Why:");
    assertThat(driver.findElements(By.cssSelector("#trace li.failed"))).isNotEmpty();

    // Both calls are there without the filter on the decision; the allowed one names the client.
    open("#/audit?tool=order_status");
    assertThat(driver.findElements(By.cssSelector("#audit-results a.request-id"))).hasSize(2);
    open("#/audit?decision=allow&client_id=" + clientId);
    assertThat(driver.findElements(By.cssSelector("#audit-results a.request-id"))).hasSize(1);
    assertNoConsoleProblems("the whole flow");
  }

  /** Fills the test form for order_status as {@code clientId}, signed, and sends it. */
  private void testOrderStatus(String clientId) {
    choose("test-tool", "order_status");
    choose("test-client", clientId);
    choose("test-credential", "signature");
    type("test-body", BODY);
    byId("test-send").click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#test-result #test-decision")));
  }

  /** The test page after the allowed call, the whole page: the form, the decision and the answer. */
  private void readmePicture() throws Exception {
    String target = System.getProperty("toolgate.console.screenshot");
    if (target == null || target.isBlank()) {
      return;
    }
    Dimension before = driver.manage().window().getSize();
    try {
      driver.executeScript("window.scrollTo(0, 0); document.activeElement.blur();");
      long chrome = ((Number) driver.executeScript("return window.outerHeight - window.innerHeight")).longValue();
      long page = ((Number) driver.executeScript("return document.documentElement.scrollHeight")).longValue();
      driver.manage().window().setSize(new Dimension(1280, (int) Math.min(page + chrome, 3000)));
      Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
      Files.createDirectories(Path.of(target).toAbsolutePath().getParent());
      Files.move(shot, Path.of(target), StandardCopyOption.REPLACE_EXISTING);
    } finally {
      driver.manage().window().setSize(before);
    }
  }
}
