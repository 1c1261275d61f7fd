package dev.toolgate.core.credential;

import static dev.toolgate.core.credential.TestCalls.CLOCK;
import static dev.toolgate.core.credential.TestCalls.NOW;
import static dev.toolgate.core.credential.TestCalls.assertNoLeak;
import static dev.toolgate.core.credential.TestCalls.call;
import static dev.toolgate.core.credential.TestCalls.headers;
import static dev.toolgate.core.credential.TestCalls.noHeaders;
import static dev.toolgate.core.credential.TestCalls.require;
import static dev.toolgate.core.credential.TestCalls.route;
import static dev.toolgate.core.credential.TestCalls.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.config.SignatureEncoding;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.request.Headers;
import dev.toolgate.core.route.Route;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SendbirdSignatureVerifierTest {
  // The case of ../shared/vectors/sendbird/vectors.json (computed with node:crypto and CPython).
  static final String KEY = "api-token-123";
  static final String BODY = "{\"tool\":\"lookup_order\",\"args\":{\"id\":\"A-1\"}}";
  static final String SIG = "84fbd3d10478496e8de1148660262851b60a2979231baf240cbeddbcbff57439";
  static final String HEADER = PlatformConfig.DEFAULT_SIGNATURE_HEADER;
  static final String PLATFORM = "sendbird";

  InMemoryCredentialDirectory dir;

  @BeforeEach
  void setUp() {
    dir = new InMemoryCredentialDirectory().client("cli_sb", PLATFORM).signingSecret("sec_1", "cli_sb", KEY);
  }

  static Route routeWith(SignatureEncoding encoding) {
    return route(PLATFORM, new PlatformConfig(PLATFORM, HEADER, encoding, PlatformConfig.DEFAULT_API_KEY_HEADER),
        require(CredentialKind.SENDBIRD_SIGNATURE));
  }

  Verification verify(Route route, Headers headers, byte[] body) {
    return new SendbirdSignatureVerifier(dir, CLOCK).verify(call(headers, body), route);
  }

  Verification verify(Headers headers, byte[] body) {
    return verify(routeWith(SignatureEncoding.HEX_LOWER), headers, body);
  }

  Verification verifySignature(String signature) {
    return verify(headers(HEADER, signature), utf8(BODY));
  }

  static String base64Sig() {
    return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(SIG));
  }

  static void assertDenied(Verification v, DenialCode code) {
    assertThat(v.passed()).as("passed").isFalse();
    assertThat(v.code()).isEqualTo(code);
    assertThat(v.clientId()).isNull();
    assertThat(v.detail()).isNotBlank();
    assertNoLeak(v, KEY, SIG, SIG.toUpperCase(Locale.ROOT), base64Sig(), "key2-secret", "other-platform-key");
  }

  static void assertPassed(Verification v, String clientId, String secretId) {
    assertThat(v.passed()).as("passed: " + v.detail()).isTrue();
    assertThat(v.code()).isNull();
    assertThat(v.clientId()).isEqualTo(clientId);
    assertThat(v.credentialId()).isEqualTo(secretId);
    assertNoLeak(v, KEY, SIG, "key2-secret");
  }

  @Test
  void kindIsSendbirdSignature() {
    assertThat(new SendbirdSignatureVerifier(dir, CLOCK).kind()).isEqualTo(CredentialKind.SENDBIRD_SIGNATURE);
  }

  @Test
  @DisplayName("every case of vectors.json verifies and reports client and secret id")
  void vendorVectorsPass() {
    Map<String, Object> file = TestVectors.load("/vectors/vectors.json");
    List<Map<String, Object>> cases = TestVectors.list(file, "cases");
    assertThat(cases).isNotEmpty();
    int n = 0;
    for (Map<String, Object> c : cases) {
      String token = (String) c.get("api_token");
      String body = (String) c.get("raw_body");
      String signature = (String) c.get("x-sendbird-signature");
      dir = new InMemoryCredentialDirectory().client("cli_vec", PLATFORM).signingSecret("sec_vec_" + n, "cli_vec", token);
      Verification v = verify(headers(HEADER, signature), utf8(body));
      assertPassed(v, "cli_vec", "sec_vec_" + n);
      assertThat(HexFormat.of().formatHex(SendbirdSignatureVerifier.hmac(utf8(token), utf8(body)))).isEqualTo(signature);
      n++;
    }
    // The constants the other tests use are that vector.
    assertThat(cases.get(0)).containsEntry("api_token", KEY).containsEntry("raw_body", BODY).containsEntry("x-sendbird-signature", SIG);
  }

  @Test
  void validSignaturePasses() {
    assertPassed(verifySignature(SIG), "cli_sb", "sec_1");
  }

  @Nested
  class HeaderPresence {
    @Test
    void missingHeader() {
      assertDenied(verify(noHeaders(), utf8(BODY)), DenialCode.SIGNATURE_MISSING);
    }

    @Test
    void emptyHeader() {
      assertDenied(verifySignature(""), DenialCode.SIGNATURE_MISSING);
    }

    @ParameterizedTest
    @ValueSource(strings = {" ", "   ", "\t", " \t "})
    void whitespaceOnlyHeader(String value) {
      assertDenied(verifySignature(value), DenialCode.SIGNATURE_MISSING);
    }

    @Test
    void headerSentTwiceWithTheSameValue() {
      assertDenied(verify(headers(HEADER, SIG, HEADER, SIG), utf8(BODY)), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void headerSentTwiceOneValidOneNot() {
      assertDenied(verify(headers(HEADER, SIG, HEADER, "0".repeat(64)), utf8(BODY)), DenialCode.SIGNATURE_INVALID);
      assertDenied(verify(headers(HEADER, "0".repeat(64), HEADER, SIG), utf8(BODY)), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void headerSentTwiceUnderDifferentlyCasedNames() {
      assertDenied(verify(headers("X-Sendbird-Signature", SIG, "x-sendbird-signature", SIG), utf8(BODY)),
          DenialCode.SIGNATURE_INVALID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Sendbird-Signature", "X-SENDBIRD-SIGNATURE", "x-SendBird-signature"})
    void headerNameIsCaseInsensitive(String name) {
      assertPassed(verify(headers(name, SIG), utf8(BODY)), "cli_sb", "sec_1");
    }

    @Test
    void surroundingWhitespaceOfTheFieldValueIsIgnored() {
      // RFC 9110 §5.5: leading and trailing whitespace is not part of a field value.
      assertPassed(verifySignature(" " + SIG + "\t"), "cli_sb", "sec_1");
    }

    @Test
    void platformCanNameAnotherSignatureHeader() {
      Route custom = route(PLATFORM, new PlatformConfig(PLATFORM, "X-Agent-Signature", SignatureEncoding.HEX_LOWER, "api-key"),
          require(CredentialKind.SENDBIRD_SIGNATURE));
      assertPassed(verify(custom, headers("x-agent-signature", SIG), utf8(BODY)), "cli_sb", "sec_1");
      assertDenied(verify(custom, headers(HEADER, SIG), utf8(BODY)), DenialCode.SIGNATURE_MISSING);
    }
  }

  @Nested
  class SignatureSyntax {
    @Test
    void truncatedByOneCharacter() {
      assertDenied(verifySignature(SIG.substring(0, 63)), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void truncatedByOneByte() {
      assertDenied(verifySignature(SIG.substring(0, 62)), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void halfLengthTag() {
      assertDenied(verifySignature(SIG.substring(0, 32)), DenialCode.SIGNATURE_INVALID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "a", "f", "g", "="})
    void oneExtraCharacter(String extra) {
      assertDenied(verifySignature(SIG + extra), DenialCode.SIGNATURE_INVALID);
      assertDenied(verifySignature(extra + SIG), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void extraByte() {
      assertDenied(verifySignature(SIG + "00"), DenialCode.SIGNATURE_INVALID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"g", "G", "z", "-", "+", "é", " "})
    void nonHexCharacter(String bad) {
      assertDenied(verifySignature(bad + SIG.substring(1)), DenialCode.SIGNATURE_INVALID);
      assertDenied(verifySignature(SIG.substring(0, 40) + bad + SIG.substring(41)), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void prefixedWithAlgorithmName() {
      assertDenied(verifySignature("sha256=" + SIG), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void allZeroTagOfTheRightLength() {
      assertDenied(verifySignature("0".repeat(64)), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void everySingleHexDigitChangedIsRefused() {
      for (int i = 0; i < SIG.length(); i++) {
        char c = SIG.charAt(i);
        char other = c == '0' ? '1' : '0';
        String modified = SIG.substring(0, i) + other + SIG.substring(i + 1);
        assertDenied(verifySignature(modified), DenialCode.SIGNATURE_INVALID);
      }
    }
  }

  @Nested
  class Encodings {
    @Test
    void upperCaseHexRefusedWhenHexLower() {
      assertDenied(verify(routeWith(SignatureEncoding.HEX_LOWER), headers(HEADER, SIG.toUpperCase(Locale.ROOT)), utf8(BODY)),
          DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void upperAndMixedCaseHexAcceptedWhenHex() {
      Route hex = routeWith(SignatureEncoding.HEX);
      assertPassed(verify(hex, headers(HEADER, SIG.toUpperCase(Locale.ROOT)), utf8(BODY)), "cli_sb", "sec_1");
      assertPassed(verify(hex, headers(HEADER, SIG), utf8(BODY)), "cli_sb", "sec_1");
      String mixed = SIG.substring(0, 32).toUpperCase(Locale.ROOT) + SIG.substring(32);
      assertPassed(verify(hex, headers(HEADER, mixed), utf8(BODY)), "cli_sb", "sec_1");
    }

    @Test
    void nonHexStillRefusedWhenHex() {
      assertDenied(verify(routeWith(SignatureEncoding.HEX), headers(HEADER, "G" + SIG.substring(1)), utf8(BODY)),
          DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void base64OfTheCorrectMacRefusedWhenHex() {
      assertDenied(verify(routeWith(SignatureEncoding.HEX_LOWER), headers(HEADER, base64Sig()), utf8(BODY)), DenialCode.SIGNATURE_INVALID);
      assertDenied(verify(routeWith(SignatureEncoding.HEX), headers(HEADER, base64Sig()), utf8(BODY)), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void base64OfTheCorrectMacAcceptedWhenBase64() {
      assertPassed(verify(routeWith(SignatureEncoding.BASE64), headers(HEADER, base64Sig()), utf8(BODY)), "cli_sb", "sec_1");
    }

    @Test
    void hexRefusedWhenBase64() {
      // 64 hex characters are valid base64 too, but decode to 48 bytes, not a 32-byte MAC.
      assertDenied(verify(routeWith(SignatureEncoding.BASE64), headers(HEADER, SIG), utf8(BODY)), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void brokenBase64RefusedWhenBase64() {
      Route b64 = routeWith(SignatureEncoding.BASE64);
      String good = base64Sig();
      assertDenied(verify(b64, headers(HEADER, good.substring(0, good.length() - 4)), utf8(BODY)), DenialCode.SIGNATURE_INVALID);
      assertDenied(verify(b64, headers(HEADER, "!" + good.substring(1)), utf8(BODY)), DenialCode.SIGNATURE_INVALID);
      assertDenied(verify(b64, headers(HEADER, good + "AAAA"), utf8(BODY)), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void decodeRoundTrips() {
      byte[] mac = HexFormat.of().parseHex(SIG);
      assertThat(SendbirdSignatureVerifier.decode(SIG, SignatureEncoding.HEX_LOWER)).isEqualTo(mac);
      assertThat(SendbirdSignatureVerifier.decode(SIG.toUpperCase(Locale.ROOT), SignatureEncoding.HEX)).isEqualTo(mac);
      assertThat(SendbirdSignatureVerifier.decode(SIG.toUpperCase(Locale.ROOT), SignatureEncoding.HEX_LOWER)).isNull();
      assertThat(SendbirdSignatureVerifier.decode(base64Sig(), SignatureEncoding.BASE64)).isEqualTo(mac);
    }
  }

  @Nested
  class Body {
    @Test
    void everyByteOfTheBodyChangedIsRefused() {
      byte[] body = utf8(BODY);
      for (int i = 0; i < body.length; i++) {
        byte[] modified = body.clone();
        modified[i] ^= 0x01;
        assertDenied(verify(headers(HEADER, SIG), modified), DenialCode.SIGNATURE_INVALID);
      }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"tool\": \"lookup_order\", \"args\": {\"id\": \"A-1\"}}",
        "{\"args\":{\"id\":\"A-1\"},\"tool\":\"lookup_order\"}",
        "{\n  \"tool\": \"lookup_order\",\n  \"args\": {\n    \"id\": \"A-1\"\n  }\n}",
        "{\"tool\":\"lookup_order\",\"args\":{\"id\":\"A-1\"}}\n",
        " {\"tool\":\"lookup_order\",\"args\":{\"id\":\"A-1\"}}",
        "{\"tool\":\"lookup_order\",\"args\":{\"id\":\"A\\u002d1\"}}",
    })
    void sameJsonReserialisedIsRefused(String reserialised) {
      assertDenied(verify(headers(HEADER, SIG), utf8(reserialised)), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void truncatedAndExtendedBodiesAreRefused() {
      byte[] body = utf8(BODY);
      assertDenied(verify(headers(HEADER, SIG), java.util.Arrays.copyOf(body, body.length - 1)), DenialCode.SIGNATURE_INVALID);
      assertDenied(verify(headers(HEADER, SIG), java.util.Arrays.copyOf(body, body.length + 1)), DenialCode.SIGNATURE_INVALID);
      assertDenied(verify(headers(HEADER, SIG), new byte[0]), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void unbufferedBodyIsAProgrammingError() {
      assertThatThrownBy(() -> verify(headers(HEADER, SIG), null))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("buffer");
    }
  }

  @Nested
  class Secrets {
    static final String KEY2 = "key2-secret";

    @Test
    void rotationEitherActiveSecretWorksAndTheMatchedIdIsReported() {
      dir.signingSecret("sec_2", "cli_sb", KEY2);
      String sig2 = HexFormat.of().formatHex(SendbirdSignatureVerifier.hmac(utf8(KEY2), utf8(BODY)));
      assertPassed(verifySignature(SIG), "cli_sb", "sec_1");
      assertPassed(verifySignature(sig2), "cli_sb", "sec_2");
      assertDenied(verifySignature(SIG.replace('8', '9')), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void rotationAcrossClientsOfThePlatformReportsTheOwningClient() {
      dir.client("cli_sb2", PLATFORM).signingSecret("sec_other_client", "cli_sb2", KEY2);
      String sig2 = HexFormat.of().formatHex(SendbirdSignatureVerifier.hmac(utf8(KEY2), utf8(BODY)));
      assertPassed(verifySignature(sig2), "cli_sb2", "sec_other_client");
    }

    @Test
    void revokedSecretIsRefused() {
      dir = new InMemoryCredentialDirectory().client("cli_sb", PLATFORM)
          .signingSecret("sec_1", "cli_sb", KEY, null, NOW.minusSeconds(60));
      Verification v = verifySignature(SIG);
      assertDenied(v, DenialCode.SIGNATURE_INVALID);
      assertThat(v.credentialId()).isNull();
    }

    @Test
    void revokedSecretIsRefusedEvenWhileAnotherIsActive() {
      dir = new InMemoryCredentialDirectory().client("cli_sb", PLATFORM)
          .signingSecret("sec_1", "cli_sb", KEY, null, NOW.minusSeconds(60))
          .signingSecret("sec_2", "cli_sb", KEY2);
      assertDenied(verifySignature(SIG), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void expiredSecretIsRefused() {
      dir = new InMemoryCredentialDirectory().client("cli_sb", PLATFORM)
          .signingSecret("sec_1", "cli_sb", KEY, NOW.minusSeconds(1), null);
      assertDenied(verifySignature(SIG), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void secretExpiringExactlyNowIsRefused() {
      dir = new InMemoryCredentialDirectory().client("cli_sb", PLATFORM)
          .signingSecret("sec_1", "cli_sb", KEY, NOW, null);
      assertDenied(verifySignature(SIG), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void secretExpiringLaterPasses() {
      dir = new InMemoryCredentialDirectory().client("cli_sb", PLATFORM)
          .signingSecret("sec_1", "cli_sb", KEY, NOW.plusSeconds(1), null);
      assertPassed(verifySignature(SIG), "cli_sb", "sec_1");
    }

    @Test
    void noSecretsAtAll() {
      dir = new InMemoryCredentialDirectory().client("cli_sb", PLATFORM);
      Verification v = verifySignature(SIG);
      assertDenied(v, DenialCode.SIGNATURE_INVALID);
      assertThat(v.detail()).contains("no active signing secret");
    }

    @Test
    void secretOfAnotherPlatformIsNotTriedWhenTheToolHasAPlatform() {
      dir = new InMemoryCredentialDirectory().client("cli_sb", PLATFORM).client("cli_asapp", "asapp")
          .signingSecret("sec_asapp", "cli_asapp", "other-platform-key");
      String sig = HexFormat.of().formatHex(SendbirdSignatureVerifier.hmac(utf8("other-platform-key"), utf8(BODY)));
      assertDenied(verifySignature(sig), DenialCode.SIGNATURE_INVALID);
      assertThat(dir.signingSecretQueries).containsExactly(PLATFORM);
    }

    @Test
    void toolWithoutPlatformTriesSecretsOfEveryPlatform() {
      dir = new InMemoryCredentialDirectory().client("cli_asapp", "asapp")
          .signingSecret("sec_asapp", "cli_asapp", "other-platform-key");
      String sig = HexFormat.of().formatHex(SendbirdSignatureVerifier.hmac(utf8("other-platform-key"), utf8(BODY)));
      Route noPlatform = route(null, PlatformConfig.withDefaults("default"), require(CredentialKind.SENDBIRD_SIGNATURE));
      assertPassed(verify(noPlatform, headers(HEADER, sig), utf8(BODY)), "cli_asapp", "sec_asapp");
      assertThat(dir.signingSecretQueries).containsExactly((String) null);
    }

    @Test
    void secretOfADisabledClientIsNotOffered() {
      dir = new InMemoryCredentialDirectory().client("cli_sb", PLATFORM, false).signingSecret("sec_1", "cli_sb", KEY);
      assertDenied(verifySignature(SIG), DenialCode.SIGNATURE_INVALID);
    }
  }

  @Test
  void challengeNamesTheHeaderAndNoSecret() {
    SendbirdSignatureVerifier verifier = new SendbirdSignatureVerifier(dir, CLOCK);
    Route route = routeWith(SignatureEncoding.HEX_LOWER);
    Verification failure = verifySignature("0".repeat(64));
    String challenge = verifier.challenge(route, failure);
    assertThat(challenge).isEqualTo("HMAC-SHA256 realm=\"toolgate\", header=\"x-sendbird-signature\"");
    assertThat(challenge).doesNotContain(KEY).doesNotContain(SIG);
  }

  @Test
  void hmacMatchesTheVendorVector() {
    assertThat(HexFormat.of().formatHex(SendbirdSignatureVerifier.hmac(utf8(KEY), utf8(BODY)))).isEqualTo(SIG);
  }

  @Test
  void emptySigningSecretIsReportedAsSuch() {
    assertThatThrownBy(() -> SendbirdSignatureVerifier.hmac(new byte[0], utf8(BODY)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("empty signing secret");
  }

  @Test
  void hmacIsReusableAcrossKeysOnOneThread() {
    byte[] a = SendbirdSignatureVerifier.hmac(utf8("k1"), utf8(BODY));
    byte[] b = SendbirdSignatureVerifier.hmac(utf8("k2"), utf8(BODY));
    assertThat(a).isNotEqualTo(b);
    assertThat(SendbirdSignatureVerifier.hmac(utf8("k1"), utf8(BODY))).isEqualTo(a);
  }
}
