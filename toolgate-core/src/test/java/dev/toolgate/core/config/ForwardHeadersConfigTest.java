package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigTesting.error;
import static dev.toolgate.core.config.ConfigTesting.lines;
import static dev.toolgate.core.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** tools[].forward_headers: which method and path override headers a tool's upstream may receive. */
class ForwardHeadersConfigTest {
  /** One tool whose extra lines start at line 7. */
  private static String config(String toolLines) {
    return "tools:\n"
        + "  - name: t\n"
        + "    method: POST\n"
        + "    path: /t\n"
        + "    upstream: http://127.0.0.1:9000\n"
        + "    policy: {anonymous: true}\n"
        + toolLines;
  }

  @Test
  void noneByDefaultAndTheListedOverrideHeadersInAnyCase() {
    assertThat(parse(config("")).tools().get(0).forwardHeaders()).isEmpty();
    assertThat(parse(config("    forward_headers: [X-HTTP-Method-Override, x-original-url]\n")).tools().get(0).forwardHeaders())
        .containsExactlyInAnyOrder("x-http-method-override", "x-original-url");
    assertThat(parse(config("    forward_headers: []\n")).tools().get(0).forwardHeaders()).isEmpty();
  }

  @Test
  void theDocumentedExampleLoads() throws Exception {
    Path doc = Path.of("..", "docs", "configuration.md");
    assumeTrue(Files.isRegularFile(doc), "docs/configuration.md is next to the module when built from the repository");
    String text = Files.readString(doc);
    String section = text.substring(text.indexOf("\n### `forward_headers`\n"));
    Matcher block = Pattern.compile("(?ms)^```yaml\n(.*?)^```$").matcher(section);
    assertThat(block.find()).isTrue();
    assertThat(parse("tools:\n" + block.group(1)).tools().get(0).forwardHeaders()).containsExactly("x-http-method-override");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "forward_headers: [X-Forwarded-Host] | 7 | tools[0].forward_headers[0] | 'X-Forwarded-Host' cannot be listed here",
      "forward_headers: [Authorization] | 7 | tools[0].forward_headers[0] | only the method and path override headers",
      "forward_headers: [X-Custom] | 7 | tools[0].forward_headers[0] | other headers are forwarded as sent",
      "forward_headers: [X_HTTP_Method_Override] | 7 | tools[0].forward_headers[0] | X-HTTP-Method-Override, X-HTTP-Method, X-Method-Override, X-Original-URL, X-Rewrite-URL",
      "forward_headers: [X-HTTP-Method, x-http-method] | 7 | tools[0].forward_headers[1] | 'x-http-method' is listed twice (first at line 7)",
      "forward_headers: X-HTTP-Method | 7 | tools[0].forward_headers | expected a list",
      "forward_headers: [~] | 7 | tools[0].forward_headers[0] | expected a header name",
      "forward_header: [X-HTTP-Method] | 7 | tools[0].forward_header | unknown key 'forward_header'",
  })
  void onlyOverrideHeadersCanBeListedAndErrorsSayWhere(String line, int lineNumber, String field, String message) {
    ConfigException e = error(config("    " + line + "\n"));
    assertThat(lines(e)).as(e.getMessage()).hasSize(1);
    assertThat(e.line()).as(e.getMessage()).isEqualTo(lineNumber);
    assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
    assertThat(e.getMessage()).contains(message);
  }
}
