package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigLoaderErrorsTest.assertError;
import static dev.toolgate.core.config.ConfigTesting.ONE_TOOL;
import static dev.toolgate.core.config.ConfigTesting.error;
import static dev.toolgate.core.config.ConfigTesting.lines;
import static dev.toolgate.core.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.token.SigningAlgorithm;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuthorizationServerConfigTest {

  /** An authorization_server section whose lines start at line 2. */
  private static String auth(String body) {
    return "authorization_server:\n" + body + ONE_TOOL;
  }

  private static AuthServerSettings read(String yaml) {
    return parse(yaml).authorizationServer();
  }

  // ------------------------------------------------------------------ defaults

  @Test
  void absentSectionGivesTheDefaults() {
    AuthServerSettings a = read(ONE_TOOL);
    assertThat(a.issuer()).isEqualTo(URI.create("http://127.0.0.1:8080"));
    assertThat(a.signingAlgorithm()).isEqualTo(SigningAlgorithm.RS256);
    assertThat(a.accessTokenTtl()).isEqualTo(Duration.ofHours(1));
    assertThat(a.maxTokenTtl()).isEqualTo(Duration.ofHours(24));
    assertThat(a.defaultResource()).isEqualTo("http://127.0.0.1:8080");
    assertThat(a.customerToken()).isEqualTo(new CustomerTokenSettings(Duration.ofHours(8), List.of("toolgate"), List.of(),
        CustomerTokenSettings.Subject.OPAQUE_ID));
    assertThat(a.passwordHash()).isEqualTo(new PasswordHashSettings(19456, 2, 1));
    assertThat(a.loginThrottle()).isEqualTo(new LoginThrottleSettings(5, 20, Duration.ofMinutes(15)));
    assertThat(a).isEqualTo(AuthServerSettings.defaults(ServerSettings.defaults()));
    assertThat(read("authorization_server:\n" + ONE_TOOL)).isEqualTo(a);
    assertThat(read("authorization_server:\n  customer_token:\n  password_hash: {}\n  login_throttle:\n" + ONE_TOOL)).isEqualTo(a);
  }

  @Test
  void everyKeySet() {
    AuthServerSettings a = read(auth("""
          issuer: https://gateway.example.com/tg/
          signing_algorithm: EdDSA
          access_token_ttl: 15m
          max_token_ttl: 12h
          default_resource: urn:example:tools
          customer_token:
            ttl: 2h
            audience: [toolgate, https://api.example.com]
            scopes: [profile.read, orders:write]
            subject: user_id
          password_hash:
            memory_kib: 65536
            iterations: 3
            parallelism: 4
          login_throttle:
            per_user_failures: 3
            per_ip_failures: 100
            window: 1h
        """));
    assertThat(a).isEqualTo(new AuthServerSettings(
        URI.create("https://gateway.example.com/tg/"),
        SigningAlgorithm.EDDSA,
        Duration.ofMinutes(15),
        Duration.ofHours(12),
        "urn:example:tools",
        new CustomerTokenSettings(Duration.ofHours(2), List.of("toolgate", "https://api.example.com"),
            List.of("profile.read", "orders:write"), CustomerTokenSettings.Subject.USER_ID),
        new PasswordHashSettings(65536, 3, 4),
        new LoginThrottleSettings(3, 100, Duration.ofHours(1)),
        new CodeFlowSettings(List.of(), Duration.ofSeconds(60), Duration.ofHours(12), Duration.ofSeconds(10),
            ClientMetadataSettings.defaults(), RegistrationSettings.defaults())));
  }

  @Test
  void signingAlgorithmsByTheirJoseNames() {
    assertThat(read(auth("  signing_algorithm: RS256\n")).signingAlgorithm()).isEqualTo(SigningAlgorithm.RS256);
    assertThat(read(auth("  signing_algorithm: ES256\n")).signingAlgorithm()).isEqualTo(SigningAlgorithm.ES256);
    assertThat(read(auth("  signing_algorithm: EdDSA\n")).signingAlgorithm()).isEqualTo(SigningAlgorithm.EDDSA);
  }

  // ------------------------------------------------------------------ issuer and default resource

  @Test
  void defaultIssuerFollowsTheListener() {
    assertThat(read("server: {host: 0.0.0.0, port: 9443}\n" + ONE_TOOL).issuer()).isEqualTo(URI.create("http://127.0.0.1:9443"));
    assertThat(read("server: {host: '::'}\n" + ONE_TOOL).issuer()).isEqualTo(URI.create("http://[::1]:8080"));
    assertThat(read("server: {host: '::1'}\n" + ONE_TOOL).issuer()).isEqualTo(URI.create("http://[::1]:8080"));
    assertThat(read("server: {host: gateway.internal}\n" + ONE_TOOL).issuer()).isEqualTo(URI.create("http://gateway.internal:8080"));
    AuthServerSettings a = read("server: {host: 10.0.0.7, port: 80}\n" + ONE_TOOL);
    assertThat(a.issuer()).isEqualTo(URI.create("http://10.0.0.7:80"));
    assertThat(a.defaultResource()).isEqualTo("http://10.0.0.7:80");
  }

  @Test
  void defaultResourceIsTheIssuerWithoutTrailingSlash() {
    AuthServerSettings a = read(auth("  issuer: https://gateway.example.com/\n"));
    assertThat(a.issuer()).isEqualTo(URI.create("https://gateway.example.com/"));
    assertThat(a.defaultResource()).isEqualTo("https://gateway.example.com");
    assertThat(read(auth("  issuer: https://example.com/tg\n")).defaultResource()).isEqualTo("https://example.com/tg");
    assertThat(read(auth("  issuer: http://127.0.0.1:8080\n  default_resource: https://api.example.com/v1\n")).defaultResource())
        .isEqualTo("https://api.example.com/v1");
  }

  @Test
  void portZeroIsFilledInOnceTheServerKnowsItsPort() {
    GatewayConfig config = parse("""
        server:
          port: 0
        tools:
          - name: a
            method: GET
            path: /a
            upstream: http://127.0.0.1:9000
            policy:
              require: [client_token]
          - name: b
            method: GET
            path: /b
            upstream: http://127.0.0.1:9000
            policy:
              require: [client_token]
              client_token: {audience: "https://api.example.com"}
        """);
    assertThat(config.authorizationServer().issuer()).isEqualTo(URI.create("http://127.0.0.1:0"));

    GatewayConfig bound = config.withBoundPort(43210);

    assertThat(bound.server().port()).isEqualTo(43210);
    assertThat(bound.authorizationServer().issuer()).isEqualTo(URI.create("http://127.0.0.1:43210"));
    assertThat(bound.authorizationServer().defaultResource()).isEqualTo("http://127.0.0.1:43210");
    assertThat(bound.tools().get(0).policy().clientToken().audience()).isEqualTo("http://127.0.0.1:43210");
    assertThat(bound.tools().get(1).policy().clientToken().audience()).isEqualTo("https://api.example.com");
    assertThat(bound.authorizationServer().customerToken()).isEqualTo(config.authorizationServer().customerToken());

    GatewayConfig fixed = parse(ONE_TOOL);
    assertThat(fixed.withBoundPort(43210)).isSameAs(fixed);
    GatewayConfig explicit = parse("server: {port: 0}\nauthorization_server: {issuer: https://gw.example.com}\n" + ONE_TOOL);
    assertThat(explicit.withBoundPort(43210).authorizationServer().issuer()).isEqualTo(URI.create("https://gw.example.com"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "ftp://auth.example.com                  | issuer URL scheme 'ftp' is not allowed: use http or https",
      "/oauth                                  | issuer URL must be absolute: http:// or https://, a host",
      "auth.example.com                        | issuer URL must be absolute",
      "https:///x                              | issuer URL has no host",
      "https://auth.example.com/?tenant=1      | issuer URL must not have a query (?...)",
      "https://auth.example.com/#top           | issuer URL must not have a fragment (#...)",
      "https://auth.example.com:0              | issuer URL port must be from 1 to 65535",
      "https://auth example.com                | issuer URL must not contain spaces",
      "https://auth.example.com/{tenant}       | issuer URL is not a valid URL: illegal character in path",
  })
  void issuerRules(String issuer, String message) {
    assertError(auth("  issuer: \"" + issuer + "\"\n"), 2, "authorization_server.issuer", message);
  }

  @Test
  void issuerUserInfoIsRefusedWithoutEchoingIt() {
    ConfigException e = error(auth("  issuer: https://admin:pw9876@auth.example.com\n"));
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.field()).isEqualTo("authorization_server.issuer");
    assertThat(e.getMessage()).contains("issuer URL must not contain user info (user:password@)").doesNotContain("pw9876");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "api.example.com                 | must be an absolute URI, with a scheme (an RFC 8707 resource indicator",
      "/tools                          | must be an absolute URI, with a scheme",
      "https://api.example.com/#x      | must not have a fragment (#...)",
      "https://api example.com         | must not contain spaces or control characters",
      "https://api.example.com:0       | port must be from 1 to 65535",
      "https://bad_host.example.com    | has no valid host name or IP address",
      "https://api.example.com/a{b     | is not a valid URI: illegal character in path at character 26",
  })
  void defaultResourceRules(String resource, String message) {
    assertError(auth("  default_resource: \"" + resource + "\"\n"), 2, "authorization_server.default_resource", message);
  }

  @Test
  void defaultResourceUserInfoIsRefusedWithoutEchoingIt() {
    ConfigException e = error(auth("  default_resource: https://u:pw9876@api.example.com\n"));
    assertThat(e.field()).isEqualTo("authorization_server.default_resource");
    assertThat(e.getMessage()).contains("must not contain user info").doesNotContain("pw9876");
  }

  // ------------------------------------------------------------------ signing algorithm

  @Test
  void signingAlgorithmRules() {
    assertError(auth("  signing_algorithm: rs256\n"), 2, "authorization_server.signing_algorithm",
        "unknown signing algorithm 'rs256' (known: RS256, ES256, EdDSA; names are case-sensitive: did you mean 'RS256'?)");
    assertError(auth("  signing_algorithm: PS256\n"), 2, "authorization_server.signing_algorithm",
        "unknown signing algorithm 'PS256' (known: RS256, ES256, EdDSA)");
    assertError(auth("  signing_algorithm: HS256\n"), 2, "authorization_server.signing_algorithm",
        "HMAC algorithms ('HS256') are not offered: tokens Toolgate signs are verified by others with its public keys (JWKS)");
    assertError(auth("  signing_algorithm: [RS256]\n"), 2, "authorization_server.signing_algorithm", "expected a string, got a list");
  }

  // ------------------------------------------------------------------ lifetimes

  @Test
  void lifetimesAreWholeSeconds() {
    assertError(auth("  access_token_ttl: 1500ms\n"), 2, "authorization_server.access_token_ttl",
        "must be a whole number of seconds (token lifetimes are counted in seconds), got 1500ms");
    assertError(auth("  max_token_ttl: 10\n"), 2, "authorization_server.max_token_ttl", "duration '10' has no unit");
    assertError(auth("  customer_token:\n    ttl: 0s\n"), 3, "authorization_server.customer_token.ttl", "duration must be positive");
    assertThat(read(auth("  access_token_ttl: 2000ms\n")).accessTokenTtl()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void noLifetimeMayExceedMaxTokenTtl() {
    assertError(auth("  access_token_ttl: 48h\n"), 2, "authorization_server.access_token_ttl",
        "must not exceed authorization_server.max_token_ttl (24h), got 48h: no token Toolgate issues may outlive max_token_ttl");
    assertError(auth("  max_token_ttl: 30m\n  access_token_ttl: 31m\n  customer_token: {ttl: 30m}\n"), 3, "authorization_server.access_token_ttl",
        "must not exceed authorization_server.max_token_ttl (30m), got 31m");
    assertError(auth("  customer_token:\n    ttl: 25h\n"), 3, "authorization_server.customer_token.ttl",
        "must not exceed authorization_server.max_token_ttl (24h), got 25h");
    // A lifetime left at its default is reported at max_token_ttl, which made it too long.
    assertError(auth("  max_token_ttl: 4h\n"), 2, "authorization_server.max_token_ttl",
        "is shorter than authorization_server.customer_token.ttl (8h, the default): no token Toolgate issues may outlive"
            + " max_token_ttl; raise max_token_ttl or set a shorter ttl");
    ConfigException both = error(auth("  max_token_ttl: 30m\n"));
    assertThat(lines(both)).containsExactly(
        "toolgate.yaml:2: authorization_server.max_token_ttl: is shorter than authorization_server.access_token_ttl (1h, the default):"
            + " no token Toolgate issues may outlive max_token_ttl; raise max_token_ttl or set a shorter access_token_ttl",
        "toolgate.yaml:2: authorization_server.max_token_ttl: is shorter than authorization_server.customer_token.ttl (8h, the default):"
            + " no token Toolgate issues may outlive max_token_ttl; raise max_token_ttl or set a shorter ttl");
    // Equal is fine.
    AuthServerSettings equal = read(auth("  max_token_ttl: 8h\n  access_token_ttl: 8h\n"));
    assertThat(equal.accessTokenTtl()).isEqualTo(equal.maxTokenTtl()).isEqualTo(equal.customerToken().ttl());
  }

  @Test
  void maxTokenTtlIsBoundedAndAWrongOneIsNotComparedFurther() {
    assertError(auth("  max_token_ttl: 8761h\n"), 2, "authorization_server.max_token_ttl", "must be at most 8760h (365 days), got 8761h");
    assertThat(read(auth("  max_token_ttl: 8760h\n  access_token_ttl: 8760h\n  customer_token: {ttl: 8760h}\n")).maxTokenTtl())
        .isEqualTo(Duration.ofDays(365));
    ConfigException e = error(auth("  max_token_ttl: soon\n  access_token_ttl: 1h\n"));
    assertThat(lines(e)).hasSize(1);
    assertThat(e.getMessage()).contains("invalid duration 'soon'");
  }

  // ------------------------------------------------------------------ customer_token

  @Test
  void customerTokenRules() {
    assertError(auth("  customer_token:\n    audience: []\n"), 3, "authorization_server.customer_token.audience",
        "must list at least one audience: a token for no audience is accepted nowhere (default: [toolgate])");
    assertError(auth("  customer_token:\n    audience:\n      - toolgate\n      - toolgate\n"), 5,
        "authorization_server.customer_token.audience[1]", "'toolgate' is listed twice (first at line 4)");
    assertError(auth("  customer_token:\n    audience: [\"tool gate\"]\n"), 3, "authorization_server.customer_token.audience[0]",
        "invalid audience 'tool gate' (no spaces or control characters)");
    assertError(auth("  customer_token:\n    audience: toolgate\n"), 3, "authorization_server.customer_token.audience",
        "expected a list, got a string ('toolgate') (write a list");
    assertError(auth("  customer_token:\n    scopes: [\"profile read\"]\n"), 3, "authorization_server.customer_token.scopes[0]",
        "invalid scope 'profile read' (an RFC 6749 scope token: printable ASCII without spaces, '\"' or '\\')");
    assertError(auth("  customer_token:\n    scopes: [a, \"\"]\n"), 3, "authorization_server.customer_token.scopes[1]", "invalid scope ''");
    assertError(auth("  customer_token:\n    scopes:\n      -\n"), 4, "authorization_server.customer_token.scopes[0]",
        "expected a scope, got nothing");
    assertError(auth("  customer_token:\n    subject: USER_ID\n"), 3, "authorization_server.customer_token.subject",
        "unknown subject 'USER_ID' (known: user_id, opaque_id; names are case-sensitive: did you mean 'user_id'?)");
    assertError(auth("  customer_token:\n    subject: email\n"), 3, "authorization_server.customer_token.subject",
        "unknown subject 'email' (known: user_id, opaque_id)");
    assertError(auth("  customer_token:\n    scope: [a]\n"), 3, "authorization_server.customer_token.scope",
        "unknown key 'scope' (allowed: ttl, audience, scopes, subject, opaque_id_platform; did you mean 'scopes'?)");
    assertError(auth("  customer_token:\n    opaque_id_platform: ASAPP\n"), 3, "authorization_server.customer_token.opaque_id_platform",
        "invalid platform name 'ASAPP'");
    assertThat(parse(auth("  customer_token:\n    opaque_id_platform: asapp-eu\n")).authorizationServer().customerToken().opaqueIdPlatform())
        .isEqualTo("asapp-eu");
    assertError(auth("  customer_token: 8h\n"), 2, "authorization_server.customer_token", "expected a mapping (key: value lines), got a string ('8h')");
  }

  @Test
  void scopeTokensAreRfc6749() {
    AuthServerSettings a = read(auth("  customer_token:\n    scopes: ['!', '#[]', 'a:b/c', '~x', 1]\n"));
    assertThat(a.customerToken().scopes()).containsExactly("!", "#[]", "a:b/c", "~x", "1");
    assertError(auth("  customer_token:\n    scopes: ['a\"b']\n"), 3, "authorization_server.customer_token.scopes[0]", "invalid scope 'a\"b'");
    assertError(auth("  customer_token:\n    scopes: ['a\\\\b']\n"), 3, "authorization_server.customer_token.scopes[0]", "invalid scope");
    assertError(auth("  customer_token:\n    scopes: ['lesé']\n"), 3, "authorization_server.customer_token.scopes[0]", "invalid scope 'lesé'");
  }

  // ------------------------------------------------------------------ password_hash and login_throttle

  @Test
  void passwordHashBounds() {
    assertError(auth("  password_hash:\n    memory_kib: 4096\n"), 3, "authorization_server.password_hash.memory_kib",
        "expected a whole number from 8192 to 1048576, got 4096");
    assertError(auth("  password_hash:\n    memory_kib: 19MiB\n"), 3, "authorization_server.password_hash.memory_kib",
        "expected a whole number from 8192 to 1048576, got a string ('19MiB')");
    assertError(auth("  password_hash:\n    iterations: 0\n"), 3, "authorization_server.password_hash.iterations",
        "expected a whole number from 1 to 10, got 0");
    assertError(auth("  password_hash:\n    iterations: 11\n"), 3, "authorization_server.password_hash.iterations", "from 1 to 10, got 11");
    assertError(auth("  password_hash:\n    parallelism: 17\n"), 3, "authorization_server.password_hash.parallelism",
        "expected a whole number from 1 to 16, got 17");
    assertThat(read(auth("  password_hash: {memory_kib: 8192, iterations: 10, parallelism: 16}\n")).passwordHash())
        .isEqualTo(new PasswordHashSettings(8192, 10, 16));
    assertThat(read(auth("  password_hash: {memory_kib: 1048576, iterations: 1}\n")).passwordHash())
        .isEqualTo(new PasswordHashSettings(1048576, 1, 1));
  }

  @Test
  void loginThrottleBounds() {
    assertError(auth("  login_throttle:\n    per_user_failures: 0\n"), 3, "authorization_server.login_throttle.per_user_failures",
        "expected a whole number from 1 to 1000, got 0");
    assertError(auth("  login_throttle:\n    per_ip_failures: 0\n"), 3, "authorization_server.login_throttle.per_ip_failures",
        "expected a whole number from 1 to 1000000, or `off`, got 0");
    assertError(auth("  login_throttle:\n    window: 0s\n"), 3, "authorization_server.login_throttle.window", "duration must be positive");
    assertError(auth("  login_throttle:\n    window: 15\n"), 3, "authorization_server.login_throttle.window", "has no unit");
    assertThat(read(auth("  login_throttle: {window: 90s}\n")).loginThrottle()).isEqualTo(new LoginThrottleSettings(5, 20, Duration.ofSeconds(90)));
  }

  @Test
  void theLoginLimitPerAddressCanBeSwitchedOff() {
    assertThat(read(auth("  login_throttle: {per_ip_failures: off}\n")).loginThrottle())
        .isEqualTo(new LoginThrottleSettings(5, OptionalInt.empty(), Duration.ofMinutes(15)));
    assertError(auth("  login_throttle:\n    per_ip_failures: false\n"), 3, "authorization_server.login_throttle.per_ip_failures",
        "expected a whole number from 1 to 1000000, or `off`, got a boolean (false)");
    assertError(auth("  login_throttle:\n    per_user_failures: off\n"), 3, "authorization_server.login_throttle.per_user_failures",
        "expected a whole number from 1 to 1000, got a string ('off')");
  }

  // ------------------------------------------------------------------ keys

  @Test
  void unknownAndRefusedKeys() {
    assertError(auth("  acess_token_ttl: 1h\n"), 2, "authorization_server.acess_token_ttl",
        "unknown key 'acess_token_ttl' (allowed: issuer, signing_algorithm, access_token_ttl, max_token_ttl, default_resource,"
            + " customer_token, password_hash, login_throttle, resources, authorization_code, client_metadata_documents, registration; did you mean 'access_token_ttl'?)");
    assertError(auth("  password_hash:\n    memory: 19456\n"), 3, "authorization_server.password_hash.memory",
        "unknown key 'memory' (allowed: memory_kib, iterations, parallelism");
    assertError(auth("  login_throttle:\n    per_user: 5\n"), 3, "authorization_server.login_throttle.per_user",
        "unknown key 'per_user' (allowed: per_user_failures, per_ip_failures, window");
    ConfigException e = error(auth("  signing_key: MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n"));
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.field()).isEqualTo("authorization_server.signing_key");
    assertThat(e.getMessage()).contains("a literal signing key is refused: secrets never go in this file").doesNotContain("MIIEvQ");
    assertError(auth("  private_key: x\n"), 2, "authorization_server.private_key", "secrets never go in this file");
    assertError("authorization_server: [issuer]\n" + ONE_TOOL, 1, "authorization_server", "expected a mapping (key: value lines), got a list");
  }

  @Test
  void errorsOfEverySubsectionAreReportedTogetherInFileOrder() {
    ConfigException e = error(auth("""
          issuer: ftp://x
          customer_token:
            subject: nobody
          password_hash:
            iterations: 99
          login_throttle:
            window: never
        """));
    assertThat(lines(e)).extracting(l -> l.replaceFirst("^toolgate.yaml:([0-9]+): ([^:]+): .*$", "$1 $2")).containsExactly(
        "2 authorization_server.issuer",
        "4 authorization_server.customer_token.subject",
        "6 authorization_server.password_hash.iterations",
        "8 authorization_server.login_throttle.window");
  }
}
