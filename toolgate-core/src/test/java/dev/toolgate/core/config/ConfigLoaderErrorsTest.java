package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigTesting.ONE_TOOL;
import static dev.toolgate.core.config.ConfigTesting.error;
import static dev.toolgate.core.config.ConfigTesting.lines;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigLoaderErrorsTest {

  @Test
  void messageNamesFileLineAndFieldPath() {
    ConfigException e = error("""
        server:
          host: 127.0.0.1
          port: abc
        """ + ONE_TOOL);
    assertThat(e.file()).isEqualTo(Path.of("toolgate.yaml"));
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.field()).isEqualTo("server.port");
    assertThat(e.getMessage()).isEqualTo("toolgate.yaml:3: server.port: expected a whole number from 0 to 65535, got a string ('abc')");
  }

  @Test
  void unknownCredentialKindAsInTheDocumentedExample() {
    ConfigException e = error("""
        tools:
          - name: a
            method: GET
            path: /a
            upstream: http://127.0.0.1:9000
            policy: {require: [api_key]}
          - name: b
            method: GET
            path: /b
            upstream: http://127.0.0.1:9000
            policy: {require: [api_key]}
          - name: c
            method: GET
            path: /c
            upstream: http://127.0.0.1:9000
            policy:
              require:
                - sendbird_signature
                - apikey
        """);
    assertThat(e.line()).isEqualTo(19);
    assertThat(e.field()).isEqualTo("tools[2].policy.require[1]");
    assertThat(e.getMessage()).isEqualTo(
        "toolgate.yaml:19: tools[2].policy.require[1]: unknown credential kind 'apikey' (known: sendbird_signature, static_token, api_key, client_token, user_token, external_jwt, standard_webhooks, stripe_signature, mtls)");
  }

  @Test
  void allErrorsAreListedInFileOrderAndTheFirstIsTheLineAndField() throws URISyntaxException {
    Path file = Path.of(getClass().getResource("/config/many-errors.yaml").toURI());
    ConfigException e = org.assertj.core.api.Assertions.catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.field()).isEqualTo("server.port");
    assertThat(lines(e)).hasSize(8);
    assertThat(lines(e)).allSatisfy(l -> assertThat(l).startsWith(file + ":"));
    assertThat(lines(e)).extracting(l -> l.substring(file.toString().length() + 1).replaceFirst("^([0-9]+: [^:]+): .*$", "$1"))
        .containsExactly(
            "2: server.port",
            "3: server.hots",
            "5: store.password",
            "7: tools[0].policy",
            "10: tools[0].upstream",
            "11: tools[1].policy",
            "11: tools[1].name",
            "13: tools[1].path");
    assertThat(e.getMessage())
        .contains("unknown key 'hots' (allowed: host, port, max_body_bytes, upstream_timeout, shutdown_grace, trusted_proxies, client_ip_header, trusted_proxy_hops, decisions, request_head_timeout, tls; did you mean 'host'?)")
        .contains("duplicate tool name 'order_status' (first declared at line 7)")
        .contains("scheme 'ftp' is not allowed")
        .doesNotContain("hunter2");
  }

  // ------------------------------------------------------------------ document

  @Test
  void emptyFile() {
    for (String empty : new String[] {"", "\n\n", "# only a comment\n", "---\n", "~\n"}) {
      ConfigException e = error(empty);
      assertThat(e.line()).isEqualTo(1);
      assertThat(e.field()).isEqualTo("(document)");
      assertThat(e.getMessage()).contains("the file is empty");
    }
  }

  @Test
  void documentMustBeAMapping() {
    ConfigException e = error("- tools\n");
    assertThat(e.line()).isEqualTo(1);
    assertThat(e.field()).isEqualTo("(document)");
    assertThat(e.getMessage()).contains("expected a mapping with the sections server, store, audit, authorization_server, trusted_issuers, platforms, tools, failed_auth_limit, redis, management, access_log, tracing, got a list");
  }

  @Test
  void toolsAreRequired() {
    ConfigException e = error("server:\n  port: 8081\n");
    assertThat(e.line()).isEqualTo(1);
    assertThat(e.field()).isEqualTo("tools");
    assertThat(e.getMessage()).contains("required: declare at least one tool");
  }

  @Test
  void toolsMustNotBeEmpty() {
    ConfigException e = error("server: {}\ntools: []\n");
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.field()).isEqualTo("tools");
    assertThat(e.getMessage()).contains("must list at least one tool");
  }

  @Test
  void toolsMustBeAList() {
    ConfigException e = error("""
        tools:
          health:
            method: GET
        """);
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.field()).isEqualTo("tools");
    assertThat(e.getMessage()).endsWith("tools: expected a list, got a mapping");
  }

  // ------------------------------------------------------------------ unknown keys and types

  @Test
  void unknownKeysAtEveryLevelNameTheKeyAndTheAllowedOnes() {
    assertUnknown("serve:\n  port: 1\n" + ONE_TOOL, 1, "serve", "server, store, audit, authorization_server, trusted_issuers, platforms, tools");
    assertUnknown("store:\n  kind: sqlite\n  file: x.db\n" + ONE_TOOL, 3, "store.file",
        "kind, path, url, user, password_env, master_key_file");
    assertUnknown("audit:\n  batch: 5\n" + ONE_TOOL, 2, "audit.batch", "durability, batch_size, batch_delay, flush_interval");
    assertUnknown("platforms:\n  sendbird:\n    header: x\n" + ONE_TOOL, 3, "platforms.sendbird.header",
        "signature_header, signature_encoding, api_key_header");
    assertUnknown("""
        tools:
          - name: a
            method: GET
            path: /a
            upstream: http://127.0.0.1:9000
            timeout: 5s
            policy: {anonymous: true}
        """, 6, "tools[0].timeout", "name, method, path, upstream, platform, preset, policy, user, owner");
    assertUnknown("""
        tools:
          - name: a
            method: GET
            path: /a
            upstream: http://127.0.0.1:9000
            policy:
              anonymous: true
              scopes: [read]
        """, 8, "tools[0].policy.scopes", "require, anonymous, client_token, user_token, external_jwt");
  }

  private static void assertUnknown(String yaml, int line, String field, String allowed) {
    ConfigException e = error(yaml);
    assertThat(e.line()).as(field).isEqualTo(line);
    assertThat(e.field()).isEqualTo(field);
    String key = field.substring(field.lastIndexOf('.') + 1);
    assertThat(e.getMessage()).contains("unknown key '" + key + "' (allowed: " + allowed);
  }

  @Test
  void wrongTypes() {
    assertError("server:\n  port: 8080.5\n" + ONE_TOOL, 2, "server.port", "expected a whole number from 0 to 65535, got a number (8080.5)");
    assertError("server:\n  port: 70000\n" + ONE_TOOL, 2, "server.port", "expected a whole number from 0 to 65535, got 70000");
    assertError("server:\n  port: -1\n" + ONE_TOOL, 2, "server.port", "expected a whole number from 0 to 65535, got -1");
    assertError("server:\n  host: [a, b]\n" + ONE_TOOL, 2, "server.host", "expected a string, got a list");
    assertError("server:\n  host: true\n" + ONE_TOOL, 2, "server.host", "expected a string, got a boolean (true)");
    assertError("server: 8080\n" + ONE_TOOL, 1, "server", "expected a mapping (key: value lines), got a number (8080)");
    assertError("server:\n  - port: 1\n" + ONE_TOOL, 2, "server", "expected a mapping (key: value lines), got a list");
    assertError("audit:\n  batch_size: 0\n" + ONE_TOOL, 2, "audit.batch_size", "expected a whole number from 1 to 100000, got 0");
    assertError("audit:\n  batch_size: 100001\n" + ONE_TOOL, 2, "audit.batch_size", "from 1 to 100000, got 100001");
    assertError("""
        tools:
          - name: a
            method: GET
            path: /a
            upstream: http://127.0.0.1:9000
            policy:
              require:
                kind: api_key
        """, 8, "tools[0].policy.require", "expected a list, got a mapping");
    assertError("""
        tools:
          - name: a
            method: GET
            path: /a
            upstream: http://127.0.0.1:9000
            policy:
              require: api_key
        """, 7, "tools[0].policy.require", "expected a list, got a string ('api_key') (write a list");
    assertError("""
        tools:
          - name: a
            method: GET
            path: /a
            upstream: http://127.0.0.1:9000
            policy:
              anonymous: yes
        """, 7, "tools[0].policy.anonymous", "expected true or false, got a string ('yes')");
    assertError("tools:\n  - health\n", 2, "tools[0]", "expected a mapping (key: value lines), got a string ('health')");
    assertError("tools:\n  -\n", 2, "tools[0]", "expected a tool (a mapping with name, method, path, upstream, policy), got nothing");
  }

  static void assertError(String yaml, int line, String field, String messagePart) {
    ConfigException e = error(yaml);
    assertThat(e.line()).as(e.getMessage()).isEqualTo(line);
    assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
    assertThat(e.getMessage()).contains(messagePart);
  }

  // ------------------------------------------------------------------ tools

  @Test
  void requiredToolKeys() {
    ConfigException e = error("""
        tools:
          - platform: sendbird
        platforms:
          sendbird:
        """);
    assertThat(e.line()).isEqualTo(2);
    assertThat(lines(e)).containsExactly(
        "toolgate.yaml:2: tools[0].name: required: a unique tool id, e.g. `name: order_status`",
        "toolgate.yaml:2: tools[0].method: required: an HTTP method such as GET or POST, or \"*\" for any",
        "toolgate.yaml:2: tools[0].path: required: the route, e.g. `path: /orders/{order_id}`",
        "toolgate.yaml:2: tools[0].upstream: required: the URL allowed calls are forwarded to, e.g. `upstream: http://127.0.0.1:9000`",
        "toolgate.yaml:2: tools[0].policy: every tool needs a policy; declare `anonymous: true` for open access, or name a `preset` (sendbird, sendbird_jwt, asapp)");
  }

  @Test
  void toolWithoutPolicy() {
    ConfigException e = error("""
        tools:
          - name: open
            method: GET
            path: /open
            upstream: http://127.0.0.1:9000
        """);
    assertThat(e.getMessage()).isEqualTo(
        "toolgate.yaml:2: tools[0].policy: every tool needs a policy; declare `anonymous: true` for open access, or name a `preset` (sendbird, sendbird_jwt, asapp)");
    assertError("""
        tools:
          - name: open
            method: GET
            path: /open
            upstream: http://127.0.0.1:9000
            policy:
        """, 6, "tools[0].policy", "every tool needs a policy; declare `anonymous: true` for open access");
  }

  @Test
  void policyThatRequiresNothing() {
    String head = """
        tools:
          - name: open
            method: GET
            path: /open
            upstream: http://127.0.0.1:9000
        """;
    assertError(head + "    policy: {}\n", 6, "tools[0].policy", "the policy requires nothing: list credential kinds under `require`");
    assertError(head + "    policy:\n      anonymous: false\n", 7, "tools[0].policy", "or declare `anonymous: true` for open access");
    assertError(head + "    policy:\n      anonymous: false\n      require: []\n", 8, "tools[0].policy", "the policy requires nothing");
  }

  @Test
  void anonymousWithRequireIsAnError() {
    assertError("""
        tools:
          - name: open
            method: GET
            path: /open
            upstream: http://127.0.0.1:9000
            policy:
              require: [api_key]
              anonymous: true
        """, 8, "tools[0].policy.anonymous", "`anonymous: true` cannot be combined with `require` entries");
  }

  @Test
  void credentialKindListedTwice() {
    assertError("""
        tools:
          - name: a
            method: GET
            path: /a
            upstream: http://127.0.0.1:9000
            policy:
              require:
                - api_key
                - static_token
                - api_key
        """, 10, "tools[0].policy.require[2]", "credential kind 'api_key' is listed twice (first at line 8)");
  }

  @Test
  void credentialKindsAreCaseSensitive() {
    assertError("""
        tools:
          - name: a
            method: GET
            path: /a
            upstream: http://127.0.0.1:9000
            policy: {require: [API_KEY]}
        """, 6, "tools[0].policy.require[0]", "unknown credential kind 'API_KEY' (known: sendbird_signature, static_token, api_key, client_token, user_token, external_jwt, standard_webhooks, stripe_signature, mtls)");
  }

  @Test
  void duplicateToolNames() {
    ConfigException e = error("tools:\n" + ConfigTesting.tool("orders", "GET", "/a") + ConfigTesting.tool("orders", "GET", "/b"));
    assertThat(e.line()).isEqualTo(7);
    assertThat(e.field()).isEqualTo("tools[1].name");
    assertThat(e.getMessage()).endsWith("duplicate tool name 'orders' (first declared at line 2)");
  }

  @Test
  void badToolNameMethodAndPath() {
    assertError("tools:\n" + ConfigTesting.tool("Order Status", "GET", "/a"), 2, "tools[0].name",
        "invalid tool name 'Order Status' (1 to 64 characters from a-z, 0-9, '_', '.' and '-')");
    assertError("tools:\n" + ConfigTesting.tool("a".repeat(65), "GET", "/a"), 2, "tools[0].name", "invalid tool name");
    assertError("tools:\n" + ConfigTesting.tool("a", "GE T", "/a"), 3, "tools[0].method", "invalid HTTP method 'GE T'");
    assertError("tools:\n" + ConfigTesting.tool("a", "GET*", "/a"), 3, "tools[0].method", "invalid HTTP method 'GET*'");
    assertError("tools:\n" + ConfigTesting.tool("a", "GET", "orders"), 4, "tools[0].path",
        "invalid path pattern 'orders': must start with '/'");
    assertError("tools:\n" + ConfigTesting.tool("a", "GET", "/a//b"), 4, "tools[0].path",
        "invalid path pattern '/a//b': empty segment (double or trailing '/')");
    assertError("tools:\n" + ConfigTesting.tool("a", "GET", "/a/**/b"), 4, "tools[0].path",
        "'**' is only allowed as the last segment");
  }

  @Test
  void methodIsUpperCased() {
    assertThat(ConfigTesting.parse("tools:\n" + ConfigTesting.tool("a", "patch", "/a")).tools().get(0).method()).isEqualTo("PATCH");
  }

  @Test
  void unknownPlatform() {
    assertError("""
        platforms:
          sendbird: {}
        tools:
          - name: a
            method: GET
            path: /a
            upstream: http://127.0.0.1:9000
            platform: sendbrid
            policy: {require: [sendbird_signature]}
        """, 8, "tools[0].platform", "unknown platform 'sendbrid' (declared: sendbird)");
    assertError("""
        tools:
          - name: a
            method: GET
            path: /a
            upstream: http://127.0.0.1:9000
            platform: sendbird
            policy: {require: [sendbird_signature]}
        """, 6, "tools[0].platform", "unknown platform 'sendbird' (no platforms are declared under `platforms:`)");
  }

  @Test
  void upstreamPlaceholdersMustBePathParameters() {
    assertError("""
        tools:
          - name: a
            method: GET
            path: /orders/{order_id}
            upstream: http://127.0.0.1:9000/api/orders/{id}
            policy: {require: [api_key]}
        """, 5, "tools[0].upstream", "placeholder {id} is not a parameter of path /orders/{order_id} (parameters: order_id)");
    assertError("""
        tools:
          - name: a
            method: GET
            path: /orders
            upstream: http://127.0.0.1:9000/{tenant}/orders
            policy: {require: [api_key]}
        """, 5, "tools[0].upstream", "placeholder {tenant} is not a parameter of path /orders (it has none)");
  }

  // ------------------------------------------------------------------ platforms

  /** A whole header line or "Bearer <token>" pasted where a name or a scheme belongs: the error does not repeat the secret. */
  @Test
  void aPastedHeaderValueOrTokenIsNotRepeated() {
    String secret = "0123456789abcdef0123456789abcdef01234567";
    ConfigException header = ConfigTesting.error("platforms:\n  sendbird:\n    api_key_header: \"api-key: " + secret + "\"\n" + ONE_TOOL);
    assertThat(header.getMessage()).contains("invalid HTTP header name 'api-key: ...'").doesNotContain("0123456789");
    ConfigException scheme = ConfigTesting.error(ONE_TOOL.replace("policy: {anonymous: true}",
        "policy: {require: [external_jwt], external_jwt: {issuer: okta, scheme: \"Bearer eyJhbGciOiJSUzI1NiJ9." + secret + "\"}}"));
    assertThat(scheme.getMessage()).contains("invalid scheme 'Bearer ...'").doesNotContain("eyJhbGci").doesNotContain("0123456789");
  }

  @Test
  void platformRules() {
    assertError("platforms:\n  SendBird: {}\n" + ONE_TOOL, 2, "platforms.SendBird",
        "invalid platform name 'SendBird' (1 to 64 characters from a-z, 0-9, '_' and '-')");
    assertError("platforms:\n  sendbird:\n    signature_header: x sendbird\n" + ONE_TOOL, 3,
        "platforms.sendbird.signature_header", "invalid HTTP header name 'x sendbird'");
    assertError("platforms:\n  sendbird:\n    api_key_header: \"api-key:\"\n" + ONE_TOOL, 3,
        "platforms.sendbird.api_key_header", "invalid HTTP header name 'api-key:'");
    assertError("platforms:\n  sendbird:\n    signature_encoding: HEX\n" + ONE_TOOL, 3,
        "platforms.sendbird.signature_encoding", "unknown signature encoding 'HEX' (known: hex_lower, hex, base64)");
    assertError("platforms:\n  sendbird:\n    api_key_header: X-Sendbird-Signature\n" + ONE_TOOL, 3,
        "platforms.sendbird.api_key_header", "signature_header and api_key_header must be different headers");
    assertError("platforms:\n  - sendbird\n" + ONE_TOOL, 2, "platforms", "expected a mapping (key: value lines), got a list");
    assertThat(ConfigTesting.parse("platforms:\n  sendbird:\n    signature_encoding: base64\n" + ONE_TOOL)
        .platforms().get("sendbird").signatureEncoding()).isEqualTo(SignatureEncoding.BASE64);
  }

  // ------------------------------------------------------------------ store

  @Test
  void literalPasswordIsRefusedWithoutEchoingIt() {
    ConfigException e = error("""
        store:
          kind: postgresql
          url: jdbc:postgresql://127.0.0.1:5432/toolgate
          user: toolgate
          password: s3cr3t-value
        """ + ONE_TOOL);
    assertThat(e.line()).isEqualTo(5);
    assertThat(e.field()).isEqualTo("store.password");
    assertThat(e.getMessage())
        .contains("secrets never go in this file")
        .contains("password_env")
        .doesNotContain("s3cr3t-value");
    assertError("store:\n  master_key: abc\n" + ONE_TOOL, 2, "store.master_key", "secrets never go in this file");
  }

  @Test
  void storeKindRules() {
    assertError("store:\n  kind: mysql\n" + ONE_TOOL, 2, "store.kind", "unknown store kind 'mysql' (known: sqlite, postgresql)");
    assertError("store:\n  kind: postgresql\n  user: toolgate\n" + ONE_TOOL, 2, "store.url",
        "required: kind postgresql needs the JDBC URL of the database");
    assertError("store:\n  kind: postgresql\n  url:\n" + ONE_TOOL, 3, "store.url", "required: kind postgresql needs the JDBC URL");
    assertError("store:\n  kind: postgresql\n  url: jdbc:postgresql://h/db\n  path: x.db\n" + ONE_TOOL, 4, "store.path",
        "applies to kind sqlite only (store.kind is postgresql; use `url`)");
    assertError("store:\n  url: jdbc:postgresql://h/db\n" + ONE_TOOL, 2, "store.url",
        "applies to kind postgresql only (store.kind is sqlite, the default)");
    assertError("store:\n  kind: sqlite\n  password_env: PW\n" + ONE_TOOL, 3, "store.password_env",
        "applies to kind postgresql only (store.kind is sqlite)");
  }

  @Test
  void jdbcUrlRulesNeverEchoTheUrl() {
    String head = "store:\n  kind: postgresql\n";
    assertError(head + "  url: postgresql://h/db\n" + ONE_TOOL, 3, "store.url", "must start with jdbc:postgresql://");
    assertError(head + "  url: jdbc:mysql://h/db\n" + ONE_TOOL, 3, "store.url", "must start with jdbc:postgresql://");
    assertError(head + "  url: jdbc:postgresql:///db\n" + ONE_TOOL, 3, "store.url", "must name a host");
    ConfigException userInfo = error(head + "  url: jdbc:postgresql://u:pw123@h/db\n" + ONE_TOOL);
    assertThat(userInfo.getMessage()).contains("must not contain user info").doesNotContain("pw123");
    ConfigException param = error(head + "  url: jdbc:postgresql://h/db?user=u&password=pw123\n" + ONE_TOOL);
    assertThat(param.getMessage()).contains("must not carry a password parameter").doesNotContain("pw123");
  }

  @Test
  void passwordEnvMustBeAVariableNameAndIsNotEchoed() {
    ConfigException e = error("""
        store:
          kind: postgresql
          url: jdbc:postgresql://127.0.0.1/toolgate
          password_env: "pa55 word!"
        """ + ONE_TOOL);
    assertThat(e.line()).isEqualTo(4);
    assertThat(e.field()).isEqualTo("store.password_env");
    assertThat(e.getMessage()).contains("must be the NAME of an environment variable").doesNotContain("pa55");
  }

  @Test
  void aMasterKeyPastedWhereTheKeyFilePathBelongsIsRefusedUnrepeated() {
    String key = java.util.Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'q');
    ConfigException e = error("store:\n  master_key_file: \"" + key + "\"\n" + ONE_TOOL);
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.field()).isEqualTo("store.master_key_file");
    assertThat(e.getMessage()).contains("must be the path of the key file, not the key itself").contains("TOOLGATE_MASTER_KEY")
        .doesNotContain(key);
  }

  @Test
  void whereThePasswordVariableIsNamedIsKeptForTheErrorWhenItIsNotSet() {
    GatewayConfig config = ConfigLoader.parse("""
        store:
          kind: postgresql
          url: jdbc:postgresql://127.0.0.1/toolgate
          password_env: hunter2
        """ + ONE_TOOL, Path.of("conf", "toolgate.yaml"));
    ConfigException e = config.store().passwordEnvAt().error("not set");
    assertThat(e.getMessage()).isEqualTo(Path.of("conf", "toolgate.yaml") + ":4: store.password_env: not set");
  }

  @Test
  void environmentReferencesAreNotExpanded() {
    assertError("server:\n  host: ${TOOLGATE_HOST}\n" + ONE_TOOL, 2, "server.host",
        "environment variable references like ${NAME} are not expanded in this file");
  }

  @Test
  void emptyStringsAreRefused() {
    assertError("server:\n  host: \"\"\n" + ONE_TOOL, 2, "server.host", "must not be empty");
    assertError("server:\n  host: \"bad host\"\n" + ONE_TOOL, 2, "server.host", "invalid host 'bad host'");
  }
}
