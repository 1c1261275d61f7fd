package dev.toolgate.core.credential;

import static dev.toolgate.core.credential.TestCalls.CLOCK;
import static dev.toolgate.core.credential.TestCalls.NOW;
import static dev.toolgate.core.credential.TestCalls.TOOL;
import static dev.toolgate.core.credential.TestCalls.assertNoLeak;
import static dev.toolgate.core.credential.TestCalls.call;
import static dev.toolgate.core.credential.TestCalls.headers;
import static dev.toolgate.core.credential.TestCalls.noHeaders;
import static dev.toolgate.core.credential.TestCalls.require;
import static dev.toolgate.core.credential.TestCalls.route;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.config.SignatureEncoding;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.port.ApiKey;
import dev.toolgate.core.request.Headers;
import dev.toolgate.core.route.Route;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiKeyVerifierTest {
  static final String KEY = "tgk_7hQ2mZ-x_c9VbN1rT4yW8kLp0sDfGj3aUe6iOoPqRs5";
  static final String KEY_RANDOM_PART = KEY.substring(4);

  InMemoryCredentialDirectory dir;
  final Route defaultHeaderRoute = route("sendbird", PlatformConfig.withDefaults("sendbird"), require(CredentialKind.API_KEY));
  final Route customHeaderRoute = route("sendbird",
      new PlatformConfig("sendbird", PlatformConfig.DEFAULT_SIGNATURE_HEADER, SignatureEncoding.HEX_LOWER, "X-Tool-Key"),
      require(CredentialKind.API_KEY));

  @BeforeEach
  void setUp() {
    dir = new InMemoryCredentialDirectory().client("cli_1", "sendbird").apiKey("key_1", "cli_1", KEY, Set.of(TOOL));
  }

  Verification verify(Route route, Headers headers) {
    return new ApiKeyVerifier(dir, CLOCK).verify(call(headers), route);
  }

  Verification verify(Headers headers) {
    return verify(defaultHeaderRoute, headers);
  }

  static void assertDenied(Verification v, DenialCode code, String... alsoSecret) {
    assertThat(v.passed()).as("passed").isFalse();
    assertThat(v.code()).isEqualTo(code);
    assertThat(v.clientId()).isNull();
    assertThat(v.detail()).isNotBlank();
    assertNoLeak(v, KEY, KEY_RANDOM_PART);
    assertNoLeak(v, alsoSecret);
  }

  static void assertPassed(Verification v) {
    assertThat(v.passed()).as("passed: " + v.detail()).isTrue();
    assertThat(v.code()).isNull();
    assertThat(v.clientId()).isEqualTo("cli_1");
    assertThat(v.credentialId()).isEqualTo("key_1");
    assertNoLeak(v, KEY, KEY_RANDOM_PART);
  }

  @Test
  void kindIsApiKey() {
    assertThat(new ApiKeyVerifier(dir, CLOCK).kind()).isEqualTo(CredentialKind.API_KEY);
  }

  @ParameterizedTest
  @ValueSource(strings = {"api-key", "Api-Key", "API-KEY"})
  void defaultHeaderMatchedCaseInsensitively(String name) {
    assertPassed(verify(headers(name, KEY)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"X-Tool-Key", "x-tool-key", "X-TOOL-KEY"})
  void configuredHeaderMatchedCaseInsensitively(String name) {
    assertPassed(verify(customHeaderRoute, headers(name, KEY)));
  }

  @Test
  void defaultHeaderIsNotReadWhenAnotherIsConfigured() {
    assertDenied(verify(customHeaderRoute, headers("api-key", KEY)), DenialCode.API_KEY_MISSING);
  }

  @Test
  void keyInAuthorizationHeaderIsNotAnApiKey() {
    assertDenied(verify(headers("Authorization", "Bearer " + KEY)), DenialCode.API_KEY_MISSING);
  }

  @Test
  void missingHeader() {
    assertDenied(verify(noHeaders()), DenialCode.API_KEY_MISSING);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  "})
  void emptyHeader(String value) {
    assertDenied(verify(headers("api-key", value)), DenialCode.API_KEY_MISSING);
  }

  @Test
  void duplicateHeader() {
    assertDenied(verify(headers("api-key", KEY, "api-key", KEY)), DenialCode.API_KEY_INVALID);
    assertDenied(verify(headers("api-key", KEY, "API-KEY", "tgk_other")), DenialCode.API_KEY_INVALID);
  }

  @Test
  void unknownKey() {
    String other = "tgk_unknown0000000000000000000000000000000000";
    assertDenied(verify(headers("api-key", other)), DenialCode.API_KEY_INVALID, other);
  }

  @Test
  void prefixAndExtensionOfTheKeyAreUnknown() {
    String prefix = KEY.substring(0, KEY.length() - 1);
    assertDenied(verify(headers("api-key", prefix)), DenialCode.API_KEY_INVALID, prefix);
    assertDenied(verify(headers("api-key", KEY + "x")), DenialCode.API_KEY_INVALID);
  }

  @Test
  void scopedToTheTool() {
    assertPassed(verify(headers("api-key", KEY)));
  }

  @Test
  void scopedToEveryTool() {
    dir = new InMemoryCredentialDirectory().client("cli_1", "sendbird").apiKey("key_1", "cli_1", KEY, Set.of(ApiKey.ALL_TOOLS));
    assertPassed(verify(headers("api-key", KEY)));
  }

  @Test
  void scopedToOtherToolsOnly() {
    dir = new InMemoryCredentialDirectory().client("cli_1", "sendbird").apiKey("key_1", "cli_1", KEY, Set.of("refund_order", "other"));
    Verification v = verify(headers("api-key", KEY));
    assertDenied(v, DenialCode.NOT_ALLOWED);
    assertThat(v.credentialId()).isEqualTo("key_1");
  }

  @Test
  void scopedToNothing() {
    dir = new InMemoryCredentialDirectory().client("cli_1", "sendbird").apiKey("key_1", "cli_1", KEY, Set.of());
    assertDenied(verify(headers("api-key", KEY)), DenialCode.NOT_ALLOWED);
  }

  @Test
  void scopeIsAnExactToolName() {
    dir = new InMemoryCredentialDirectory().client("cli_1", "sendbird")
        .apiKey("key_1", "cli_1", KEY, Set.of("Lookup_Order", "lookup_order_v2", "lookup_*", "lookup"));
    assertDenied(verify(headers("api-key", KEY)), DenialCode.NOT_ALLOWED);
  }

  @Test
  void revokedKey() {
    dir = new InMemoryCredentialDirectory().client("cli_1", "sendbird")
        .apiKey("key_1", "cli_1", KEY, Set.of(TOOL), null, NOW.minusSeconds(5));
    Verification v = verify(headers("api-key", KEY));
    assertDenied(v, DenialCode.API_KEY_REVOKED);
    assertThat(v.credentialId()).isEqualTo("key_1");
  }

  @Test
  void revokedKeyWinsOverScope() {
    dir = new InMemoryCredentialDirectory().client("cli_1", "sendbird")
        .apiKey("key_1", "cli_1", KEY, Set.of("other"), null, NOW.minusSeconds(5));
    assertDenied(verify(headers("api-key", KEY)), DenialCode.API_KEY_REVOKED);
  }

  @Test
  void keyExpiringExactlyNowIsExpired() {
    dir = new InMemoryCredentialDirectory().client("cli_1", "sendbird").apiKey("key_1", "cli_1", KEY, Set.of(TOOL), NOW, null);
    Verification v = verify(headers("api-key", KEY));
    assertDenied(v, DenialCode.API_KEY_EXPIRED);
    assertThat(v.credentialId()).isEqualTo("key_1");
  }

  @Test
  void keyExpiredInThePast() {
    dir = new InMemoryCredentialDirectory().client("cli_1", "sendbird").apiKey("key_1", "cli_1", KEY, Set.of(TOOL), NOW.minusSeconds(1), null);
    assertDenied(verify(headers("api-key", KEY)), DenialCode.API_KEY_EXPIRED);
  }

  @Test
  void keyNotYetExpiredPasses() {
    dir = new InMemoryCredentialDirectory().client("cli_1", "sendbird").apiKey("key_1", "cli_1", KEY, Set.of(TOOL), NOW.plusSeconds(1), null);
    assertPassed(verify(headers("api-key", KEY)));
  }

  @Test
  void challengeNamesTheConfiguredHeader() {
    ApiKeyVerifier verifier = new ApiKeyVerifier(dir, CLOCK);
    assertThat(verifier.challenge(defaultHeaderRoute, verify(noHeaders())))
        .isEqualTo("ApiKey realm=\"toolgate\", header=\"api-key\"");
    assertThat(verifier.challenge(customHeaderRoute, verify(customHeaderRoute, noHeaders())))
        .isEqualTo("ApiKey realm=\"toolgate\", header=\"X-Tool-Key\"");
  }
}
