package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigLoaderErrorsTest.assertError;
import static dev.toolgate.core.config.ConfigTesting.ONE_TOOL;
import static dev.toolgate.core.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.route.PathAmbiguity;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** server.request_head_timeout and tools[].allow_in_path. */
class FramingConfigTest {
  static String tool(String extra, String path) {
    return """
        tools:
          - name: files
            method: GET
            path: PATH
            upstream: http://127.0.0.1:9000
            policy: {anonymous: true}
        """.replace("PATH", path) + extra;
  }

  @Test
  void requestHeadTimeoutDefaultsToTenSecondsAndIsConfigurable() {
    assertThat(parse(ONE_TOOL).server().requestHeadTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(parse("server:\n  request_head_timeout: 300ms\n" + ONE_TOOL).server().requestHeadTimeout()).isEqualTo(Duration.ofMillis(300));
    assertThat(parse("server:\n  request_head_timeout: 300ms\n  port: 0\n" + ONE_TOOL).withBoundPort(4321).server().requestHeadTimeout())
        .isEqualTo(Duration.ofMillis(300));
  }

  @Test
  void requestHeadTimeoutMustBeAPositiveDuration() {
    assertError("server:\n  request_head_timeout: 10\n" + ONE_TOOL, 2, "server.request_head_timeout", "duration '10' has no unit");
    assertError("server:\n  request_head_timeout: 0s\n" + ONE_TOOL, 2, "server.request_head_timeout", "duration must be positive");
  }

  @Test
  void noAmbiguousPathFormIsAllowedByDefault() {
    assertThat(parse(tool("", "/files/**")).tools().get(0).allowInPath()).isEmpty();
  }

  @Test
  void allowInPathListsTheAcceptedForms() {
    assertThat(parse(tool("    allow_in_path: [encoded_percent, trailing_dot]\n", "/files/**")).tools().get(0).allowInPath())
        .containsExactlyInAnyOrder(PathAmbiguity.ENCODED_PERCENT, PathAmbiguity.TRAILING_DOT);
    assertThat(parse(tool("    allow_in_path: []\n", "/files/**")).tools().get(0).allowInPath()).isEmpty();
  }

  @Test
  void allowInPathRefusesUnknownAndRepeatedForms() {
    assertError(tool("    allow_in_path: [double_encoding]\n", "/files/**"), 7, "tools[0].allow_in_path[0]",
        "unknown path form 'double_encoding' (known: encoded_percent, trailing_dot)");
    assertError(tool("    allow_in_path: [Trailing_Dot]\n", "/files/**"), 7, "tools[0].allow_in_path[0]", "did you mean 'trailing_dot'?");
    assertError(tool("    allow_in_path: [trailing_dot, trailing_dot]\n", "/files/**"), 7, "tools[0].allow_in_path[1]", "is listed twice");
    assertError(tool("    allow_in_path: trailing_dot\n", "/files/**"), 7, "tools[0].allow_in_path", "expected a list");
  }

  @Test
  void aPathWithATrailingDotSegmentNeedsTheOptOut() {
    assertError(tool("", "/v1./status"), 4, "tools[0].path", "ends in '.', which requests may only carry with `allow_in_path: [trailing_dot]`");
    assertThat(parse(tool("    allow_in_path: [trailing_dot]\n", "/v1./status")).tools().get(0).path()).isEqualTo("/v1./status");
  }
}
