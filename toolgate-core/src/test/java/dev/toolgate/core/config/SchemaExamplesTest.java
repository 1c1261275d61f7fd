package dev.toolgate.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every YAML example of the documentation (docs/*.md and the README), and the starter file of
 * {@code toolgate init}, is valid for the JSON Schema and for the loader alike.
 *
 * <p>Convention: a {@code ```yaml} block is a whole {@code toolgate.yaml} unless the line right
 * before its fence says otherwise, as {@code <!-- toolgate.yaml: KIND -->}:
 * <ul>
 *   <li>{@code sections}: top-level sections without {@code tools}; one anonymous tool is added;
 *   <li>{@code tools}: entries of the {@code tools} list;
 *   <li>{@code tool}: keys of one tool (say {@code policy:} or {@code user:}); the test supplies the
 *       keys a tool needs that the block does not write;
 *   <li>{@code policy}: keys of one tool's {@code policy} (say a {@code user_token:} section); the
 *       test adds the {@code require} its sections go with;
 *   <li>{@code broken}: a file that shows errors; both must refuse it;
 *   <li>{@code none}: not a toolgate.yaml at all (a Prometheus or Collector configuration): not checked.
 * </ul>
 * Fragments are completed inside a file that declares the platforms {@code sendbird} (with the CA
 * of its client certificates, and so server TLS) and {@code asapp} and the trusted issuer
 * {@code okta}, which examples name.
 */
class SchemaExamplesTest {
  private static final Path DOCS = Path.of("..", "docs");
  private static final Pattern BLOCK = Pattern.compile("(?m)^(?:<!-- toolgate\\.yaml: ([a-z]+) -->\\n)?```yaml\\n(.*?)^```$", Pattern.DOTALL);
  private static final String CONTEXT = """
      server:
        tls: { certificate: tls/cert.pem, key: tls/key.pem }
      platforms:
        sendbird:
          client_certificates: { ca: tls/sendbird-agents-ca.pem }
        asapp: {}
      trusted_issuers:
        okta:
          issuer: https://example.okta.com/oauth2/default
          jwks_uri: https://example.okta.com/oauth2/default/v1/keys
          audiences: [api://toolgate]
      """;
  /** What a tool fragment is completed with, key by key. */
  private static final Map<String, String> TOOL_BASE = base();

  private static Map<String, String> base() {
    Map<String, String> base = new LinkedHashMap<>();
    base.put("name", "example");
    base.put("method", "POST");
    base.put("path", "/example");
    base.put("upstream", "http://127.0.0.1:9000");
    base.put("platform", "sendbird");
    base.put("policy", "{require: [sendbird_signature]}");
    return base;
  }

  /** One example: where it is, its kind, and the whole file it stands for. */
  record Example(String where, String kind, String file) {}

  @TestFactory
  Stream<DynamicTest> everyDocumentedExampleIsValidForTheSchemaAndTheLoader() throws IOException {
    List<Example> examples = examples();
    assertThat(examples).as("examples found").hasSizeGreaterThan(30);
    assertThat(examples).extracting(Example::kind).contains("file", "sections", "tools", "tool", "policy", "broken");
    return examples.stream().map(e -> DynamicTest.dynamicTest(e.where() + " (" + e.kind() + ")", () -> {
      List<String> loader = SchemaCheck.loaderErrors(e.file());
      List<String> schema = SchemaCheck.schemaErrors(e.file());
      if (e.kind().equals("broken")) {
        assertThat(loader).as("loader on%n%s", e.file()).isNotEmpty();
        assertThat(schema).as("schema on%n%s", e.file()).isNotEmpty();
      } else {
        assertThat(loader).as("loader on%n%s", e.file()).isEmpty();
        assertThat(schema).as("schema on%n%s", e.file()).isEmpty();
      }
    }));
  }

  @Test
  void theStarterFileIsValidForTheSchemaAndTheLoaderAndNamesTheSchema() {
    String starter = StarterConfig.text();
    assertThat(SchemaCheck.loaderErrors(starter)).isEmpty();
    assertThat(SchemaCheck.schemaErrors(starter)).isEmpty();
    assertThat(starter.lines().findFirst()).contains("# yaml-language-server: $schema=" + ConfigSchema.FILE_NAME);
  }

  private static List<Example> examples() throws IOException {
    assumeTrue(Files.isDirectory(DOCS), "docs/ is next to the module when built from the repository");
    List<Path> files = new ArrayList<>();
    try (Stream<Path> docs = Files.list(DOCS)) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    files.add(DOCS.resolveSibling("README.md"));
    List<Example> examples = new ArrayList<>();
    for (Path file : files) {
      String text = Files.readString(file);
      Matcher m = BLOCK.matcher(text);
      while (m.find()) {
        String kind = m.group(1) == null ? "file" : m.group(1);
        if (kind.equals("none")) {
          continue;
        }
        int line = (int) text.substring(0, m.start(2)).lines().count();
        String where = file.normalize() + ":" + line;
        examples.add(new Example(where, kind, complete(kind, m.group(2), where)));
      }
    }
    return examples;
  }

  /** The whole file an example of this kind stands for. */
  static String complete(String kind, String block, String where) {
    String text = dedent(block);
    return switch (kind) {
      case "file", "broken" -> text;
      case "sections" -> text + ConfigTesting.ONE_TOOL;
      case "tools" -> CONTEXT + "tools:\n" + indent(text, 2);
      case "tool" -> CONTEXT + "tools:\n  -\n" + indent(missingToolKeys(text), 4) + indent(text, 4);
      case "policy" -> CONTEXT + "tools:\n  -\n" + indent(missingToolKeys("policy:\n"), 4) + "    policy:\n"
          + (text.matches("(?s)(.*\\n)?(require|anonymous):.*") ? "" : "      require: " + sectionKinds(text) + "\n") + indent(text, 6);
      default -> throw new AssertionError(where + ": unknown kind of example '" + kind + "' (see SchemaExamplesTest)");
    };
  }

  private static String missingToolKeys(String text) {
    StringBuilder keys = new StringBuilder();
    TOOL_BASE.forEach((key, value) -> {
      if (!Pattern.compile("(?m)^" + key + ":").matcher(text).find()) {
        keys.append(key).append(": ").append(value).append('\n');
      }
    });
    return keys.toString();
  }

  /** The JWT kinds whose sections the policy fragment writes. */
  private static List<String> sectionKinds(String text) {
    return Stream.of("client_token", "user_token", "external_jwt")
        .filter(kind -> Pattern.compile("(?m)^" + kind + ":").matcher(text).find()).toList();
  }

  /** The block without the indentation all its lines share (blank lines aside). */
  private static String dedent(String block) {
    int common = block.lines().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    return block.lines().map(l -> l.isBlank() ? "" : l.substring(common)).reduce("", (a, l) -> a + l + "\n");
  }

  private static String indent(String text, int spaces) {
    return text.indent(spaces);
  }
}
