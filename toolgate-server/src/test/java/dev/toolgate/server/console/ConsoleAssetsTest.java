package dev.toolgate.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's files as shipped: nothing that would load from elsewhere, nothing that turns a
 * string into HTML or code (the CSP would refuse it at run time; this finds it before), and every
 * module a page imports is one of them.
 */
class ConsoleAssetsTest {
  private final ConsoleAssets assets = ConsoleAssets.load();

  private String text(String name) {
    return assets.find(name).orElseThrow().content().toString(StandardCharsets.UTF_8);
  }

  @Test
  void everyFileIsServedFromHereAndNothingLoadsFromElsewhere() {
    assertThat(assets.names()).contains("index.html", "app.js", "api.js", "dom.js", "style.css", "pages/test-call.js");
    for (String name : assets.names()) {
      if (name.endsWith(".png")) {
        continue;
      }
      String text = text(name);
      // No absolute URL at all, except the SVG namespace (a name, never fetched).
      assertThat(text.replace("http://www.w3.org/2000/svg", "")).as(name).doesNotContainPattern("(?i)https?://").doesNotContain("//cdn")
          .doesNotContain("@import").doesNotContainPattern("(?i)(?<![a-z])url\\(");
    }
  }

  @Test
  void noStringBecomesHtmlOrCodeAndNoInlineStyleOrScript() {
    for (String name : assets.names()) {
      String text = text(name);
      assertThat(text).as(name).doesNotContain("innerHTML").doesNotContain("outerHTML").doesNotContain("insertAdjacentHTML")
          .doesNotContain("document.write").doesNotContain("eval(").doesNotContain("new Function").doesNotContain("setAttribute('style'")
          .doesNotContain(".style.").doesNotContain("javascript:");
      if (name.endsWith(".html")) {
        assertThat(text).as(name).doesNotContain(" style=").doesNotContainPattern("<script(?![^>]*\\bsrc=)").doesNotContainPattern(" on[a-z]+=");
      }
    }
  }

  @Test
  void everyImportIsAModuleOfTheConsole() {
    Pattern imports = Pattern.compile("(?m)^import .* from '([^']+)';");
    for (String name : assets.names().stream().filter(n -> n.endsWith(".js")).toList()) {
      Matcher m = imports.matcher(text(name));
      while (m.find()) {
        Path resolved = Path.of("/" + name).getParent().resolve(m.group(1)).normalize();
        assertThat(assets.find(resolved.toString().substring(1))).as(name + " imports " + m.group(1)).isPresent();
      }
    }
  }

  @Test
  void aFileNamedUnlikeTheOthersStopsTheStart(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("index.html"), "<!doctype html>");
    Files.writeString(dir.resolve("Evil.JS"), "x");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConsoleAssets.read(dir)).hasMessageContaining("Evil.JS");
  }
}
