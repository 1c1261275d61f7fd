package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigLoaderErrorsTest.assertError;
import static dev.toolgate.core.config.ConfigTesting.ONE_TOOL;
import static dev.toolgate.core.config.ConfigTesting.error;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The YAML layer: duplicate keys, tags, aliases, size, depth, syntax errors. */
class SafeYamlTest {

  @Test
  void duplicateKeyNamesTheLineOfTheDuplicate() {
    ConfigException e = error("""
        server:
          port: 8080
          host: 127.0.0.1
          port: 9090
        """ + ONE_TOOL);
    assertThat(e.line()).isEqualTo(4);
    assertThat(e.field()).isEqualTo("server.port");
    assertThat(e.getMessage()).isEqualTo("toolgate.yaml:4: server.port: duplicate key 'port' (first set at line 2)");
  }

  @Test
  void duplicateKeysAtTheTopAndInsideATool() {
    assertError("server: {}\n" + ONE_TOOL + "server: {}\n", 8, "server", "duplicate key 'server' (first set at line 1)");
    assertError("""
        tools:
          - name: a
            method: GET
            path: /a
            upstream: http://127.0.0.1:9000
            path: /b
            policy: {anonymous: true}
        """, 6, "tools[0].path", "duplicate key 'path' (first set at line 4)");
    assertError("tools:\n  - {name: a, method: GET, path: /a, upstream: 'http://h', policy: {anonymous: true, anonymous: false}}\n",
        2, "tools[0].policy.anonymous", "duplicate key 'anonymous' (first set at line 2)");
  }

  @Test
  void customTagsAreRefused() {
    assertError("server:\n  host: !!binary aGVsbG8=\n" + ONE_TOOL, 2, "server.host", "YAML tag 'tag:yaml.org,2002:binary' is not allowed");
    assertError("server: !java.lang.Runtime {}\n" + ONE_TOOL, 1, "server", "YAML tag '!java.lang.Runtime' is not allowed");
    assertError("tools: !!set {a, b}\n", 1, "tools", "is not allowed");
    assertError("!custom\n" + ONE_TOOL, 1, "(document)", "YAML tag '!custom' is not allowed");
  }

  @Test
  void explicitPlainTagsAreFine() {
    assertThat(ConfigTesting.parse("server:\n  host: !!str 127.0.0.1\n  port: !!int 9000\n" + ONE_TOOL).server().port()).isEqualTo(9000);
  }

  @Test
  void aliasExplosionIsStopped() {
    StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 10; i++) {
      yaml.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 10; j++) {
        yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      yaml.append("]\n");
    }
    ConfigException e = error(yaml + ONE_TOOL);
    assertThat(e.field()).isEqualTo("(yaml)");
    assertThat(e.line()).isBetween(6, 7);
    assertThat(e.getMessage()).contains("too many aliases to lists or mappings (at most 50)");
  }

  @Test
  void deepNestingIsStopped() {
    ConfigException e = error("server: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n" + ONE_TOOL);
    assertThat(e.line()).isEqualTo(1);
    assertThat(e.field()).isEqualTo("(yaml)");
    assertThat(e.getMessage()).contains("nested more than 32 deep");
  }

  @Test
  void oversizedDocumentIsRefused() {
    ConfigException e = error(ONE_TOOL + "#" + "x".repeat(SafeYaml.MAX_CHARS) + "\n");
    assertThat(e.line()).isZero();
    assertThat(e.getMessage()).contains("the file is larger than 1024 KiB");
  }

  @Test
  void syntaxErrorNamesItsLine() {
    ConfigException e = error("""
        server:
          host: 127.0.0.1
         port: 8080
        """ + ONE_TOOL);
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.field()).isEqualTo("(yaml)");
    assertThat(e.getMessage()).startsWith("toolgate.yaml:3: (yaml): invalid YAML: ");
  }

  @Test
  void tabsAndUndefinedAliases() {
    assertThat(error("server:\n\tport: 1\n" + ONE_TOOL).line()).isEqualTo(2);
    ConfigException alias = error("server: *nothing\n" + ONE_TOOL);
    assertThat(alias.line()).isEqualTo(1);
    assertThat(alias.getMessage()).contains("undefined alias");
  }

  @Test
  void unquotedStarMethodGetsAHint() {
    ConfigException e = error("tools:\n  - name: a\n    method: *\n    path: /a\n");
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.getMessage()).isEqualTo("toolgate.yaml:3: (yaml): invalid YAML: a value starting with '*' is read as an alias (*name);"
        + " write \"*\" in quotes, e.g. method: \"*\"");
  }

  @Test
  void severalDocumentsAreRefused() {
    ConfigException e = error(ONE_TOOL + "---\n" + ONE_TOOL);
    assertThat(e.line()).isEqualTo(7);
    assertThat(e.getMessage()).contains("more than one YAML document");
  }

  @Test
  void complexKeysAreRefused() {
    assertError("? [a, b]\n: c\n" + ONE_TOOL, 1, "(document)", "keys must be plain strings, got a list");
  }

  @Test
  void mergeKeysWork() {
    GatewayConfig config = ConfigTesting.parse("""
        tools:
          - &base
            name: a
            method: GET
            path: /a
            upstream: http://127.0.0.1:9000
            policy: {require: [api_key]}
          - <<: *base
            name: b
            path: /b
        """);
    assertThat(config.tools()).extracting(ToolConfig::path).containsExactly("/a", "/b");
  }
}
