package dev.toolgate.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.server.admin.AdminRole;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** The console in Chromium: signing in and out, its CSRF protection and CSP as a browser meets them, and its layout. */
class ConsoleBrowserTest extends BrowserTestBase {

  @Test
  void signInWithAnAdminTokenThenOut() {
    driver.manage().deleteAllCookies();
    driver.get(consoleUrl());
    WebElement token = wait.until(ExpectedConditions.elementToBeClickable(By.id("admin-token")));
    assertThat(driver.switchTo().activeElement()).as("the token field has the focus").isEqualTo(token);
    token.sendKeys("tga_" + "x".repeat(43), Keys.ENTER);
    WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#sign-in-form .notice.error")));
    assertThat(error.getText()).contains("401").contains("the admin token is unknown, revoked or expired");

    signIn(adminToken);
    assertThat(byId("who-name").getText()).startsWith("admin-");
    assertThat(driver.manage().getCookieNamed("toolgate_console").isHttpOnly()).isTrue();
    assertThat(driver.getTitle()).isEqualTo("Tools · Toolgate console");

    // A reload keeps the session: the page gets its CSRF token back from /console/session.
    open("#/users");
    assertThat(byId("sign-out").isDisplayed()).isTrue();

    byId("sign-out").click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("admin-token")));
    assertThat(driver.manage().getCookieNamed("toolgate_console")).isNull();
    open("#/users");
    assertThat(driver.findElements(By.id("page-sign-in"))).hasSize(1);
    assertNoConsoleProblemsExceptRefusedSignIns();
  }

  @Test
  void aRequestWithTheSessionCookieButNoCsrfTokenIsRefused() {
    signIn(adminToken);
    @SuppressWarnings("unchecked")
    Map<String, Object> without = (Map<String, Object>) driver.executeAsyncScript("""
        const done = arguments[arguments.length - 1];
        fetch('/admin/clients', {credentials: 'same-origin'})
          .then(async (r) => done({status: r.status, body: await r.json()}))
          .catch((e) => done({error: String(e)}));
        """);
    assertThat(without.get("status")).isEqualTo(403L);
    assertThat(((Map<?, ?>) without.get("body")).get("code")).isEqualTo("csrf_token_invalid");
    @SuppressWarnings("unchecked")
    Map<String, Object> with = (Map<String, Object>) driver.executeAsyncScript("""
        const done = arguments[arguments.length - 1];
        fetch('/console/session').then((r) => r.json())
          .then((s) => fetch('/admin/clients', {headers: {'x-csrf-token': s.csrf_token}}))
          .then((r) => done({status: r.status}))
          .catch((e) => done({error: String(e)}));
        """);
    assertThat(with.get("status")).isEqualTo(200L);
    Chromium.consoleMessages(driver); // the refused fetch is logged on purpose
  }

  @Test
  void theContentSecurityPolicyIsEnforcedAndNoPageViolatesIt() {
    signIn(adminToken);
    // The log is read for real: a message logged on purpose shows up.
    driver.executeScript("console.error('control message')");
    assertThat(Chromium.consoleMessages(driver)).anySatisfy(e -> assertThat(e.getMessage()).contains("control message"));
    // Trusted Types with no policy: a string cannot become HTML, not even from a script the page runs.
    Object refused = driver.executeScript("try { document.body.innerHTML = '<b>injected</b>'; return 'assigned'; } catch (e) { return e.name; }");
    assertThat(refused).isEqualTo("TypeError");
    Object inline = driver.executeScript("""
        try { const s = document.createElement('script'); s.textContent = 'window.__inline = 1'; document.body.append(s); }
        catch (e) { return e.name; }
        return window.__inline === 1 ? 'ran' : 'did not run';
        """);
    assertThat(inline).as("an inline script cannot even be written").isEqualTo("TypeError");
    Chromium.consoleMessages(driver); // those violations were provoked on purpose

    for (String page : ScreenshotsOnFailure.PAGES) {
      open("#/" + page);
      assertThat(driver.findElements(By.cssSelector("#main .notice.error"))).as("#/%s shows an error", page).isEmpty();
      assertNoConsoleProblems("#/" + page);
    }
  }

  @Test
  void readableAt360PixelsWithoutScrollingSideways() {
    signIn(adminToken);
    Dimension wide = driver.manage().window().getSize();
    try {
      driver.manage().window().setSize(new Dimension(360, 800));
      for (String page : ScreenshotsOnFailure.PAGES) {
        open("#/" + page);
        Object overflow = driver.executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertThat(((Number) overflow).intValue()).as("#/%s is wider than the screen", page).isLessThanOrEqualTo(0);
      }
    } finally {
      driver.manage().window().setSize(wide);
    }
  }

  @Test
  void theKeyboardReachesThePagesAndEscapeCancelsARevocation() {
    signIn(server.adminToken(AdminRole.OPERATOR).plaintext());
    // From the page's heading, Tab goes forward through real links and buttons, with a visible focus ring.
    List<WebElement> links = driver.findElements(By.cssSelector("#nav a"));
    assertThat(links).extracting(WebElement::getText).containsExactly("Tools", "Clients", "Users", "Signing keys", "Admin tokens", "Audit log",
        "Test a tool call");
    links.get(2).sendKeys(Keys.ENTER);
    waitForPage("#/users");
    assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("page-title");
    driver.switchTo().activeElement().sendKeys(Keys.TAB);
    WebElement focused = driver.switchTo().activeElement();
    assertThat(focused.getAttribute("id")).isEqualTo("user-name");
    assertThat(focused.getCssValue("outline-style")).isEqualTo("solid");

    focused.sendKeys("keyboard-user", Keys.ENTER);
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("user-list"), "keyboard-user"));
    WebElement disable = driver.findElement(By.xpath("//tr[td[text()='keyboard-user']]//button"));
    disable.sendKeys(Keys.ENTER);
    WebElement cancel = wait.until(ExpectedConditions.elementToBeClickable(By.id("confirm-cancel")));
    assertThat(driver.switchTo().activeElement()).as("the dialog starts on Cancel").isEqualTo(cancel);
    cancel.sendKeys(Keys.ESCAPE);
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("dialog.confirm")));
    assertThat(driver.findElement(By.xpath("//tr[td[text()='keyboard-user']]")).getText()).contains("enabled");
  }

  /** Failed sign-ins are answered 401, which the browser logs as a failed resource: expected there. */
  private void assertNoConsoleProblemsExceptRefusedSignIns() {
    assertThat(consoleProblems()).filteredOn(e -> !e.getMessage().contains("/console/session")).isEmpty();
  }
}
