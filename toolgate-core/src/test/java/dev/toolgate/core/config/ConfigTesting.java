package dev.toolgate.core.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

/** Helpers for the config tests: parse text as {@code toolgate.yaml}, get the error. */
final class ConfigTesting {
  static final Path SOURCE = Path.of("toolgate.yaml");

  /** A valid tools section, for tests about the other sections. */
  static final String ONE_TOOL = """
      tools:
        - name: health
          method: GET
          path: /health
          upstream: http://127.0.0.1:9000
          policy: {anonymous: true}
      """;

  private ConfigTesting() {}

  static GatewayConfig parse(String yaml) {
    return ConfigLoader.parse(yaml, SOURCE);
  }

  /** The exception the text must cause. */
  static ConfigException error(String yaml) {
    Throwable[] caught = new Throwable[1];
    assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigException.class).satisfies(t -> caught[0] = t);
    return (ConfigException) caught[0];
  }

  /** Each error of the message, one per line. */
  static List<String> lines(ConfigException e) {
    return List.of(e.getMessage().split("\n"));
  }

  /** A tool entry (list item) for a tools section. */
  static String tool(String name, String method, String path) {
    return "  - name: " + name + "\n"
        + "    method: \"" + method + "\"\n"
        + "    path: " + path + "\n"
        + "    upstream: http://127.0.0.1:9000\n"
        + "    policy: {require: [api_key]}\n";
  }
}
