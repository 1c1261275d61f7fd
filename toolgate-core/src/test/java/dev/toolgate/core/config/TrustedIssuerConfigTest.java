package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigLoaderErrorsTest.assertError;
import static dev.toolgate.core.config.ConfigTesting.ONE_TOOL;
import static dev.toolgate.core.config.ConfigTesting.error;
import static dev.toolgate.core.config.ConfigTesting.lines;
import static dev.toolgate.core.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TrustedIssuerConfigTest {

  /** One issuer named okta whose required keys are on lines 3 to 5; {@code more} follows from line 6. */
  private static String okta(String more) {
    return """
        trusted_issuers:
          okta:
            issuer: https://example.okta.com/oauth2/default
            jwks_uri: https://example.okta.com/oauth2/default/v1/keys
            audiences: [api://toolgate]
        """ + more + ONE_TOOL;
  }

  private static TrustedIssuer read(String yaml) {
    return parse(yaml).trustedIssuers().get("okta");
  }

  @Test
  void requiredKeysOnlyGiveTheDefaults() {
    TrustedIssuer okta = read(okta(""));
    assertThat(okta).isEqualTo(new TrustedIssuer("okta", "https://example.okta.com/oauth2/default",
        URI.create("https://example.okta.com/oauth2/default/v1/keys"), List.of("api://toolgate"), java.util.Set.of("RS256"),
        Duration.ofSeconds(60), Duration.ofMinutes(10), Duration.ofSeconds(30), 2));
  }

  @Test
  void everyKeySet() {
    TrustedIssuer okta = read(okta("""
            algorithms: [ES256, RS256, EdDSA, PS512]
            clock_skew: 5m
            jwks_cache_ttl: 1h
            jwks_min_refresh_interval: 1s
        """));
    assertThat(okta.algorithms()).containsExactly("ES256", "RS256", "EdDSA", "PS512");
    assertThat(okta.clockSkew()).isEqualTo(Duration.ofMinutes(5));
    assertThat(okta.jwksCacheTtl()).isEqualTo(Duration.ofHours(1));
    assertThat(okta.jwksMinRefreshInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThatThrownBy(() -> okta.algorithms().add("RS384")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void issuersKeepFileOrderAndTheirLines() {
    Map<String, TrustedIssuer> issuers = parse("""
        trusted_issuers:
          zitadel:
            issuer: "https://auth.example.com"
            jwks_uri: https://auth.example.com/oauth/v2/keys
            audiences: [toolgate, "2389402934@toolgate"]
          auth0:
            issuer: https://tenant.eu.auth0.com/
            jwks_uri: https://tenant.eu.auth0.com/.well-known/jwks.json?v=2
            audiences: [https://api.example.com]
            algorithms: [RS256, PS256]
        """ + ONE_TOOL).trustedIssuers();
    assertThat(issuers.keySet()).containsExactly("zitadel", "auth0");
    assertThat(issuers.get("zitadel").line()).isEqualTo(2);
    assertThat(issuers.get("auth0").line()).isEqualTo(6);
    assertThat(issuers.get("auth0").issuer()).isEqualTo("https://tenant.eu.auth0.com/"); // exact, trailing '/' kept
    assertThat(issuers.get("auth0").jwksUri().getQuery()).isEqualTo("v=2");
    assertThat(issuers.get("zitadel").audiences()).containsExactly("toolgate", "2389402934@toolgate");
    assertThat(parse("trusted_issuers:\n" + ONE_TOOL).trustedIssuers()).isEmpty();
    assertThat(parse("trusted_issuers: {}\n" + ONE_TOOL).trustedIssuers()).isEmpty();
  }

  @Test
  void theIssuerIsAnyExactStringNotOnlyAUrl() {
    assertThat(parse(okta("").replace("https://example.okta.com/oauth2/default\n", "urn:example:idp\n")).trustedIssuers()
        .get("okta").issuer()).isEqualTo("urn:example:idp");
  }

  // ------------------------------------------------------------------ names

  @Test
  void nameRules() {
    String body = ":\n    issuer: x\n    jwks_uri: https://x.example/keys\n    audiences: [a]\n";
    assertError("trusted_issuers:\n  Okta" + body + ONE_TOOL, 2, "trusted_issuers.Okta",
        "invalid trusted issuer name 'Okta' (1 to 64 characters from a-z, 0-9, '_' and '-')");
    assertError("trusted_issuers:\n  " + "a".repeat(65) + body + ONE_TOOL, 2, "trusted_issuers." + "a".repeat(65),
        "invalid trusted issuer name");
    assertError("trusted_issuers:\n  toolgate" + body + ONE_TOOL, 2, "trusted_issuers.toolgate",
        "the name 'toolgate' is reserved: it means Toolgate itself (`issuer: toolgate` in a user_token policy);"
            + " give the external issuer another name");
    assertError("trusted_issuers:\n  okta" + body + "  okta" + body + ONE_TOOL, 6, "trusted_issuers.okta",
        "duplicate key 'okta' (first set at line 2)");
    assertError("trusted_issuers:\n  - okta\n" + ONE_TOOL, 2, "trusted_issuers", "expected a mapping (key: value lines), got a list");
  }

  // ------------------------------------------------------------------ required keys

  @Test
  void requiredKeys() {
    ConfigException e = error("trusted_issuers:\n  okta:\n    clock_skew: 30s\n" + ONE_TOOL);
    assertThat(lines(e)).containsExactly(
        "toolgate.yaml:3: trusted_issuers.okta.issuer: required: the exact `iss` claim of the issuer's tokens, e.g. `issuer: https://login.example.com/`",
        "toolgate.yaml:3: trusted_issuers.okta.jwks_uri: required: where the issuer publishes its public keys, e.g. `jwks_uri: https://login.example.com/.well-known/jwks.json`",
        "toolgate.yaml:3: trusted_issuers.okta.audiences: required: the audiences the issuer's tokens must be meant for (at least one in their `aud`), e.g. `audiences: [toolgate]`");
    assertError("trusted_issuers:\n  okta:\n" + ONE_TOOL, 2, "trusted_issuers.okta",
        "expected the issuer's settings (a mapping with issuer, jwks_uri, audiences), got nothing");
    assertError("trusted_issuers:\n  okta: https://example.okta.com\n" + ONE_TOOL, 2, "trusted_issuers.okta",
        "expected a mapping (key: value lines), got a string ('https://example.okta.com')");
  }

  // ------------------------------------------------------------------ issuer

  @Test
  void issuerRules() {
    String yaml = okta("");
    assertError(yaml.replace("issuer: https://example.okta.com/oauth2/default", "issuer: \"https://example.okta.com /x\""), 3,
        "trusted_issuers.okta.issuer", "must not contain spaces or control characters (it is compared with the tokens' `iss` claim exactly)");
    assertError(yaml.replace("issuer: https://example.okta.com/oauth2/default", "issuer: \"\""), 3,
        "trusted_issuers.okta.issuer", "must not be empty");
    assertError(yaml.replace("issuer: https://example.okta.com/oauth2/default", "issuer: http://127.0.0.1:8080"), 3,
        "trusted_issuers.okta.issuer", "is Toolgate's own issuer (authorization_server.issuer): its tokens need no trusted issuer;"
            + " write `issuer: toolgate` in a user_token policy, or require client_token");
    assertError("authorization_server: {issuer: https://gw.example.com/}\n"
        + yaml.replace("issuer: https://example.okta.com/oauth2/default", "issuer: https://gw.example.com/"), 4,
        "trusted_issuers.okta.issuer", "is Toolgate's own issuer");
  }

  // ------------------------------------------------------------------ jwks_uri

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "ftp://example.okta.com/keys              | JWKS URL scheme 'ftp' is not allowed: use http or https",
      "/v1/keys                                 | JWKS URL must be absolute: http:// or https://, a host, and an optional port and path (e.g. https://login.example.com/.well-known/jwks.json)",
      "https://example.okta.com/keys#k1         | JWKS URL must not have a fragment (#...)",
      "https://example.okta.com:99999/keys      | JWKS URL port must be from 1 to 65535",
      "file:///etc/keys.json                    | JWKS URL scheme 'file' is not allowed",
  })
  void jwksUriRules(String uri, String message) {
    assertError(okta("").replace("jwks_uri: https://example.okta.com/oauth2/default/v1/keys", "jwks_uri: \"" + uri + "\""), 4,
        "trusted_issuers.okta.jwks_uri", message);
  }

  @Test
  void jwksUriUserInfoIsRefusedWithoutEchoingIt() {
    ConfigException e = error(okta("").replace("jwks_uri: https://", "jwks_uri: https://svc:pw9876@"));
    assertThat(e.line()).isEqualTo(4);
    assertThat(e.getMessage()).contains("JWKS URL must not contain user info").doesNotContain("pw9876");
  }

  // ------------------------------------------------------------------ audiences

  @Test
  void audienceRules() {
    String yaml = okta("");
    assertError(yaml.replace("audiences: [api://toolgate]", "audiences: []"), 5, "trusted_issuers.okta.audiences",
        "must list at least one audience: a token must be meant for Toolgate, not merely signed by the issuer");
    assertError(yaml.replace("audiences: [api://toolgate]", "audiences: [a, b, a]"), 5, "trusted_issuers.okta.audiences[2]",
        "'a' is listed twice (first at line 5)");
    assertError(yaml.replace("audiences: [api://toolgate]", "audiences: api://toolgate"), 5, "trusted_issuers.okta.audiences",
        "expected a list, got a string ('api://toolgate')");
    assertError(yaml.replace("audiences: [api://toolgate]", "audiences: [\" \"]"), 5, "trusted_issuers.okta.audiences[0]",
        "an audience must not be empty");
    // A misspelt key is unknown, and leaves the required one missing.
    assertThat(lines(error(yaml.replace("audiences: [api://toolgate]", "audience: [api://toolgate]")))).containsExactly(
        "toolgate.yaml:3: trusted_issuers.okta.audiences: required: the audiences the issuer's tokens must be meant for"
            + " (at least one in their `aud`), e.g. `audiences: [toolgate]`",
        "toolgate.yaml:5: trusted_issuers.okta.audience: unknown key 'audience' (allowed: issuer, jwks_uri, audiences, algorithms,"
            + " clock_skew, jwks_cache_ttl, jwks_min_refresh_interval; did you mean 'audiences'?)");
  }

  // ------------------------------------------------------------------ algorithms

  @ParameterizedTest
  @ValueSource(strings = {"HS256", "HS384", "HS512", "hs256"})
  void hmacAlgorithmsAreRefusedWithTheReason(String alg) {
    assertError(okta("    algorithms: [RS256, " + alg + "]\n"), 6, "trusted_issuers.okta.algorithms[1]",
        "algorithm '" + alg + "' is refused: HMAC algorithms need a shared secret, and accepting them from an issuer known by its"
            + " public keys is the classic algorithm-confusion attack (the public key used as the HMAC secret); use the issuer's"
            + " public-key algorithm (RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "None", "NONE"})
  void noneIsRefusedInAnySpelling(String alg) {
    assertError(okta("    algorithms: [" + alg + "]\n"), 6, "trusted_issuers.okta.algorithms[0]",
        "algorithm '" + alg + "' is refused: it means an unsigned token, which anyone can forge");
  }

  @Test
  void algorithmRules() {
    assertError(okta("    algorithms: [rs256]\n"), 6, "trusted_issuers.okta.algorithms[0]",
        "unknown algorithm 'rs256' (allowed: RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA;"
            + " names are case-sensitive: did you mean 'RS256'?)");
    assertError(okta("    algorithms: [ES256K]\n"), 6, "trusted_issuers.okta.algorithms[0]", "unknown algorithm 'ES256K' (allowed: RS256");
    assertError(okta("    algorithms: []\n"), 6, "trusted_issuers.okta.algorithms", "must list at least one algorithm (without the key: RS256)");
    assertError(okta("    algorithms: [RS256, RS256]\n"), 6, "trusted_issuers.okta.algorithms[1]", "'RS256' is listed twice (first at line 6)");
    assertError(okta("    algorithms: RS256\n"), 6, "trusted_issuers.okta.algorithms", "expected a list, got a string ('RS256')");
    for (String alg : TrustedIssuer.ALLOWED_ALGORITHMS) {
      assertThat(read(okta("    algorithms: [" + alg + "]\n")).algorithms()).containsExactly(alg);
    }
  }

  // ------------------------------------------------------------------ durations

  @Test
  void durationRules() {
    assertError(okta("    clock_skew: 6m\n"), 6, "trusted_issuers.okta.clock_skew",
        "must be at most 5m, got 6m: a larger skew keeps expired tokens valid for longer");
    assertError(okta("    clock_skew: 0s\n"), 6, "trusted_issuers.okta.clock_skew", "duration must be positive");
    assertError(okta("    jwks_cache_ttl: 25h\n"), 6, "trusted_issuers.okta.jwks_cache_ttl",
        "must be at most 24h, got 25h: a key the issuer has withdrawn stays trusted until the cached JWKS expires");
    assertError(okta("    jwks_min_refresh_interval: 500ms\n"), 6, "trusted_issuers.okta.jwks_min_refresh_interval",
        "must be at least 1s, got 500ms: it limits how often tokens with unknown key ids make Toolgate fetch the JWKS");
    assertError(okta("    jwks_min_refresh_interval: 20m\n"), 6, "trusted_issuers.okta.jwks_min_refresh_interval",
        "must not exceed jwks_cache_ttl (10m), got 20m");
    assertError(okta("    jwks_cache_ttl: 10s\n"), 6, "trusted_issuers.okta.jwks_cache_ttl",
        "is shorter than jwks_min_refresh_interval (30s, the default): set jwks_min_refresh_interval to at most 10s");
    TrustedIssuer equal = read(okta("    jwks_cache_ttl: 5m\n    jwks_min_refresh_interval: 5m\n    clock_skew: 1ms\n"));
    assertThat(equal.jwksMinRefreshInterval()).isEqualTo(equal.jwksCacheTtl());
    assertThat(equal.clockSkew()).isEqualTo(Duration.ofMillis(1));
    // A wrong value is reported once, not compared further.
    assertThat(lines(error(okta("    jwks_cache_ttl: 99h\n    jwks_min_refresh_interval: 20m\n")))).hasSize(1);
  }

  // ------------------------------------------------------------------ secrets

  @Test
  void sharedSecretsAreRefusedWithoutEchoingThem() {
    ConfigException e = error(okta("    secret: hunter2-hmac-key\n"));
    assertThat(e.line()).isEqualTo(6);
    assertThat(e.field()).isEqualTo("trusted_issuers.okta.secret");
    assertThat(e.getMessage())
        .contains("a shared secret is refused: secrets never go in this file; a trusted issuer is verified with the public keys at"
            + " its jwks_uri (HMAC-signed tokens are not accepted)")
        .doesNotContain("hunter2");
    assertError(okta("    client_secret: x\n"), 6, "trusted_issuers.okta.client_secret", "a shared secret is refused");
  }
}
