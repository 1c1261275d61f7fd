package dev.toolgate.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import dev.toolgate.core.route.RouteTable;
import java.nio.file.Path;

/**
 * Fuzzes {@link ConfigLoader#parse} with arbitrary text: it returns a configuration or throws its
 * one documented {@link ConfigException}, naming a line and a field; nothing else escapes (no
 * YAML library exception, no NullPointerException, no stack overflow), and the routes of what
 * loads can be built. Seeds: valid configurations and hostile YAML (alias bombs, deep nesting,
 * tags, duplicate keys). See docs/fuzzing.md.
 */
class ConfigLoaderFuzzTest {
  private static final Path SOURCE = Path.of("toolgate.yaml");

  @FuzzTest
  void parse(byte[] input) {
    String yaml = new String(input, StandardCharsets.UTF_8);
    GatewayConfig config;
    try {
      config = ConfigLoader.parse(yaml, SOURCE);
    } catch (ConfigException e) {
      assertThat(e.file()).isEqualTo(SOURCE);
      assertThat(e.line()).isNotNegative();
      assertThat(e.field()).isNotBlank();
      assertThat(e.getMessage()).startsWith(SOURCE + ":" + e.line() + ": " + e.field() + ": ");
      return;
    }
    assertThat(config).isNotNull();
    assertThat(config.source()).isEqualTo(SOURCE);
    assertThat(RouteTable.from(config).routes()).hasSameSizeAs(config.tools()); // what loads can be served
  }
}
