package dev.toolgate.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Lines of keys in a valid file, for messages about settings a reload cannot apply. */
class ConfigLinesTest {
  static final String YAML = """
      # a comment
      server:
        host: 127.0.0.1

        port: 8080
      audit: { batch_size: 10 }
      tools: []
      """;

  @Test
  void aKeyWrittenInTheFileHasItsLine() {
    assertThat(ConfigLines.line(YAML, "server", "port")).isEqualTo(5);
    assertThat(ConfigLines.line(YAML, "server", "host")).isEqualTo(3);
    assertThat(ConfigLines.line(YAML, "audit", "batch_size")).isEqualTo(6);
  }

  @Test
  void aKeyNotWrittenHasTheLineOfWhatHoldsItOrNone() {
    assertThat(ConfigLines.line(YAML, "server", "max_body_bytes")).as("the server: section").isEqualTo(2);
    assertThat(ConfigLines.line(YAML, "store", "path")).isZero();
    assertThat(ConfigLines.line("\uFEFFserver: {port: 1}\n", "server", "port")).as("after a byte order mark").isEqualTo(1);
    assertThat(ConfigLines.line("", "server")).isZero();
  }
}
