package dev.toolgate.core.credential;

import static dev.toolgate.core.credential.TestCalls.CLOCK;
import static dev.toolgate.core.credential.TestCalls.NOW;
import static dev.toolgate.core.credential.TestCalls.assertNoLeak;
import static dev.toolgate.core.credential.TestCalls.call;
import static dev.toolgate.core.credential.TestCalls.headers;
import static dev.toolgate.core.credential.TestCalls.noHeaders;
import static dev.toolgate.core.credential.TestCalls.require;
import static dev.toolgate.core.credential.TestCalls.route;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.request.Headers;
import dev.toolgate.core.route.Route;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StaticTokenVerifierTest {
  // Shaped like SecretGenerator.secret("tgt_"): prefix + 43 base64url characters.
  static final String TOKEN = "tgt_q9X-fT3u_Lw0ZbN7cR1eH5yKmP8sVdJ2aGoUiE4xWzB";
  static final String TOKEN_RANDOM_PART = TOKEN.substring(4);

  InMemoryCredentialDirectory dir;
  final Route route = route("sendbird", PlatformConfig.withDefaults("sendbird"), require(CredentialKind.STATIC_TOKEN));

  @BeforeEach
  void setUp() {
    dir = new InMemoryCredentialDirectory().client("cli_1", "sendbird").staticToken("tok_1", "cli_1", TOKEN);
  }

  Verification verify(Headers headers) {
    return new StaticTokenVerifier(dir, CLOCK).verify(call(headers), route);
  }

  Verification verifyAuthorization(String value) {
    return verify(headers("Authorization", value));
  }

  static void assertDenied(Verification v, DenialCode code, String... alsoSecret) {
    assertThat(v.passed()).as("passed").isFalse();
    assertThat(v.code()).isEqualTo(code);
    assertThat(v.clientId()).isNull();
    assertThat(v.detail()).isNotBlank();
    assertNoLeak(v, TOKEN, TOKEN_RANDOM_PART);
    assertNoLeak(v, alsoSecret);
  }

  static void assertPassed(Verification v) {
    assertThat(v.passed()).as("passed: " + v.detail()).isTrue();
    assertThat(v.code()).isNull();
    assertThat(v.clientId()).isEqualTo("cli_1");
    assertThat(v.credentialId()).isEqualTo("tok_1");
    assertNoLeak(v, TOKEN, TOKEN_RANDOM_PART);
  }

  @Test
  void kindIsStaticToken() {
    assertThat(new StaticTokenVerifier(dir, CLOCK).kind()).isEqualTo(CredentialKind.STATIC_TOKEN);
  }

  @Test
  void validToken() {
    assertPassed(verifyAuthorization("Bearer " + TOKEN));
  }

  @ParameterizedTest
  @ValueSource(strings = {"authorization", "AUTHORIZATION", "aUtHoRiZaTiOn"})
  void headerNameIsCaseInsensitive(String name) {
    assertPassed(verify(headers(name, "Bearer " + TOKEN)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"bearer", "BEARER", "bEaReR"})
  void schemeIsCaseInsensitive(String scheme) {
    // RFC 7235 §2.1 / RFC 9110 §11.1: the auth-scheme is case-insensitive.
    assertPassed(verifyAuthorization(scheme + " " + TOKEN));
  }

  @Test
  void missingHeader() {
    assertDenied(verify(noHeaders()), DenialCode.TOKEN_MISSING);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t "})
  void emptyOrBlankHeader(String value) {
    assertDenied(verifyAuthorization(value), DenialCode.TOKEN_MISSING);
  }

  @Test
  void headerSentTwice() {
    assertDenied(verify(headers("Authorization", "Bearer " + TOKEN, "Authorization", "Bearer " + TOKEN)), DenialCode.TOKEN_INVALID);
    assertDenied(verify(headers("Authorization", "Bearer " + TOKEN, "authorization", "Bearer other")), DenialCode.TOKEN_INVALID);
  }

  @Test
  void basicScheme() {
    String basic = Base64.getEncoder().encodeToString("cli_1:secret-password".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertDenied(verifyAuthorization("Basic " + basic), DenialCode.TOKEN_INVALID, basic, "secret-password");
  }

  @Test
  void validTokenUnderAnotherSchemeIsRefused() {
    assertDenied(verifyAuthorization("Basic " + TOKEN), DenialCode.TOKEN_INVALID);
    assertDenied(verifyAuthorization("Token " + TOKEN), DenialCode.TOKEN_INVALID);
    assertDenied(verifyAuthorization("Bearers " + TOKEN), DenialCode.TOKEN_INVALID);
    assertDenied(verifyAuthorization("Beare " + TOKEN), DenialCode.TOKEN_INVALID);
    assertDenied(verifyAuthorization("DPoP " + TOKEN), DenialCode.TOKEN_INVALID);
  }

  @Test
  void tokenWithoutScheme() {
    assertDenied(verifyAuthorization(TOKEN), DenialCode.TOKEN_INVALID);
  }

  @Test
  void schemeWithoutToken() {
    assertDenied(verifyAuthorization("Bearer"), DenialCode.TOKEN_INVALID);
    assertDenied(verifyAuthorization("Bearer "), DenialCode.TOKEN_INVALID);
  }

  @Test
  void doubleSpaceAfterScheme() {
    assertDenied(verifyAuthorization("Bearer  " + TOKEN), DenialCode.TOKEN_INVALID);
  }

  @Test
  void tabOrNoSeparatorAfterScheme() {
    assertDenied(verifyAuthorization("Bearer\t" + TOKEN), DenialCode.TOKEN_INVALID);
    assertDenied(verifyAuthorization("Bearer" + TOKEN), DenialCode.TOKEN_INVALID);
  }

  @Test
  void trailingWhitespaceOfTheFieldValueIsIgnored() {
    // RFC 9110 §5.5: surrounding whitespace is not part of the field value.
    assertPassed(verifyAuthorization("Bearer " + TOKEN + " "));
  }

  @Test
  void prefixOfTheValidToken() {
    String prefix = TOKEN.substring(0, TOKEN.length() - 1);
    assertDenied(verifyAuthorization("Bearer " + prefix), DenialCode.TOKEN_INVALID, prefix);
    assertDenied(verifyAuthorization("Bearer tgt_"), DenialCode.TOKEN_INVALID);
    assertDenied(verifyAuthorization("Bearer " + TOKEN.substring(0, 20)), DenialCode.TOKEN_INVALID, TOKEN.substring(0, 20));
  }

  @ParameterizedTest
  @ValueSource(strings = {"x", "A", "0", "=", "==", "-", "~"})
  void tokenWithExtraCharacters(String extra) {
    assertDenied(verifyAuthorization("Bearer " + TOKEN + extra), DenialCode.TOKEN_INVALID);
  }

  @Test
  void tokenFollowedBySecondWord() {
    assertDenied(verifyAuthorization("Bearer " + TOKEN + " " + TOKEN), DenialCode.TOKEN_INVALID);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "tgt_abc!def", "tgt_abc,def", "tgt_abc;def", "tgt_abc\"def", "tgt_a b", "tgt_é", "tgt_abc=def",
      "=tgt_abc", "=", "tgt_abc\u0000", "tgt_abc\\def", "tgt_abc:def", "tgt_abc%41", "tgt_abc@x", "tgt_\u00a0x"})
  void charactersOutsideRfc6750B64token(String token) {
    // Register the odd token so that only the syntax check can refuse it.
    dir.staticToken("tok_odd", "cli_1", token);
    assertDenied(verifyAuthorization("Bearer " + token), DenialCode.TOKEN_INVALID, token);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "A-Za.z_~+/", "abc=", "abc==", "tgt_x/y+z"})
  void everyB64tokenCharacterIsAccepted(String token) {
    dir.staticToken("tok_syntax", "cli_1", token);
    Verification v = verifyAuthorization("Bearer " + token);
    assertThat(v.passed()).as(v.detail()).isTrue();
    assertThat(v.credentialId()).isEqualTo("tok_syntax");
  }

  @Test
  void unknownToken() {
    String other = "tgt_ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ";
    assertDenied(verifyAuthorization("Bearer " + other), DenialCode.TOKEN_INVALID, other);
  }

  @Test
  void revokedToken() {
    dir = new InMemoryCredentialDirectory().client("cli_1", "sendbird")
        .staticToken("tok_1", "cli_1", TOKEN, null, NOW.minusSeconds(3600));
    Verification v = verifyAuthorization("Bearer " + TOKEN);
    assertDenied(v, DenialCode.TOKEN_REVOKED);
    assertThat(v.credentialId()).isEqualTo("tok_1");
  }

  @Test
  void revokedAndExpiredTokenReportsRevoked() {
    dir = new InMemoryCredentialDirectory().client("cli_1", "sendbird")
        .staticToken("tok_1", "cli_1", TOKEN, NOW.minusSeconds(10), NOW.minusSeconds(3600));
    assertDenied(verifyAuthorization("Bearer " + TOKEN), DenialCode.TOKEN_REVOKED);
  }

  @Test
  void tokenExpiringExactlyNowIsExpired() {
    dir = new InMemoryCredentialDirectory().client("cli_1", "sendbird").staticToken("tok_1", "cli_1", TOKEN, NOW, null);
    Verification v = verifyAuthorization("Bearer " + TOKEN);
    assertDenied(v, DenialCode.TOKEN_EXPIRED);
    assertThat(v.credentialId()).isEqualTo("tok_1");
  }

  @Test
  void tokenExpiredInThePast() {
    dir = new InMemoryCredentialDirectory().client("cli_1", "sendbird").staticToken("tok_1", "cli_1", TOKEN, NOW.minusMillis(1), null);
    assertDenied(verifyAuthorization("Bearer " + TOKEN), DenialCode.TOKEN_EXPIRED);
  }

  @Test
  void tokenNotYetExpiredPasses() {
    dir = new InMemoryCredentialDirectory().client("cli_1", "sendbird").staticToken("tok_1", "cli_1", TOKEN, NOW.plusMillis(1), null);
    assertPassed(verifyAuthorization("Bearer " + TOKEN));
  }

  @Test
  void rotationTwoActiveTokensBothPass() {
    String next = "tgt_NEXTq9X-fT3u_Lw0ZbN7cR1eH5yKmP8sVdJ2aGoUi";
    dir.staticToken("tok_2", "cli_1", next, NOW.plusSeconds(86400), null);
    assertPassed(verifyAuthorization("Bearer " + TOKEN));
    Verification v = verifyAuthorization("Bearer " + next);
    assertThat(v.passed()).isTrue();
    assertThat(v.credentialId()).isEqualTo("tok_2");
  }

  @Test
  void challengeHasErrorOnlyWhenATokenWasSent() {
    StaticTokenVerifier verifier = new StaticTokenVerifier(dir, CLOCK);
    assertThat(verifier.challenge(route, verify(noHeaders()))).isEqualTo("Bearer realm=\"toolgate\"");
    assertThat(verifier.challenge(route, verifyAuthorization("Bearer nope")))
        .isEqualTo("Bearer realm=\"toolgate\", error=\"invalid_token\"");
    dir = new InMemoryCredentialDirectory().client("cli_1", "sendbird").staticToken("tok_1", "cli_1", TOKEN, NOW, null);
    assertThat(verifier.challenge(route, verifyAuthorization("Bearer " + TOKEN)))
        .isEqualTo("Bearer realm=\"toolgate\", error=\"invalid_token\"");
  }
}
