package dev.toolgate.core.credential;

import static dev.toolgate.core.credential.TestCalls.assertNoLeak;
import static dev.toolgate.core.credential.TestCalls.call;
import static dev.toolgate.core.credential.TestCalls.headers;
import static dev.toolgate.core.credential.TestCalls.require;
import static dev.toolgate.core.credential.TestCalls.route;
import static dev.toolgate.core.credential.TestCalls.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.config.SignatureEncoding;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.request.Headers;
import dev.toolgate.core.route.Route;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StripeSignatureVerifierTest {
  static final String PLATFORM = "stripe";
  /** Stripe shows its secrets as whsec_...; the whole string is the HMAC key. */
  static final String SECRET = "whsec_test_5fa3c1e0b7d24a99a3e1f0c2d4b6a8e0";
  static final String OTHER_SECRET = "whsec_test_0000000000000000000000000000other";
  static final String BODY = "{\"id\":\"evt_1\",\"type\":\"order.lookup\",\"data\":{\"id\":\"A-1\"}}";
  static final Instant NOW = TestCalls.NOW;
  static final long TS = NOW.getEpochSecond();
  static final String HEADER = PlatformConfig.DEFAULT_STRIPE_SIGNATURE_HEADER;

  TestReplayCache replays;
  InMemoryCredentialDirectory dir;

  @BeforeEach
  void setUp() {
    replays = new TestReplayCache();
    dir = new InMemoryCredentialDirectory().client("cli_stripe", PLATFORM).signingSecret("sec_1", "cli_stripe", SECRET);
  }

  static Route routeWith(PlatformConfig platform) {
    return route(PLATFORM, platform, require(CredentialKind.STRIPE_SIGNATURE));
  }

  static final Route ROUTE = routeWith(PlatformConfig.withDefaults(PLATFORM));

  Verification verify(Route route, Headers headers, String body) {
    return replays.claimed(new StripeSignatureVerifier(dir, replays.clock).verify(call(headers, utf8(body)), route));
  }

  Verification verify(String header, String body) {
    return verify(ROUTE, headers(HEADER, header), body);
  }

  static String v1(String secret, String t, String body) {
    return HexFormat.of().formatHex(SendbirdSignatureVerifier.hmac(utf8(secret), utf8(t + "." + body)));
  }

  static String v1(long t, String body) {
    return v1(SECRET, Long.toString(t), body);
  }

  static String signed(long t, String body) {
    return "t=" + t + ",v1=" + v1(t, body);
  }

  static void assertDenied(Verification v, DenialCode code) {
    assertThat(v.passed()).as("passed: " + v.detail()).isFalse();
    assertThat(v.code()).as(v.detail()).isEqualTo(code);
    assertThat(v.clientId()).isNull();
    assertNoLeak(v, SECRET, OTHER_SECRET);
  }

  static void assertPassed(Verification v, String secretId) {
    assertThat(v.passed()).as("passed: " + v.detail()).isTrue();
    assertThat(v.clientId()).isEqualTo("cli_stripe");
    assertThat(v.credentialId()).isEqualTo(secretId);
    assertThat(v.detail()).contains("signing secret " + secretId);
    assertNoLeak(v, SECRET, OTHER_SECRET);
  }

  @Nested
  class Passing {
    @Test
    void stripesFormat() {
      assertPassed(verify(signed(TS, BODY), BODY), "sec_1");
    }

    @Test
    void severalV1WithOneValidAndOtherSchemesIgnored() {
      String header = "t=" + TS + ",v1=" + v1(OTHER_SECRET, Long.toString(TS), BODY) + ",v0=" + "ab".repeat(32) + ",v1=" + v1(TS, BODY)
          + ",v2=whatever,novalue";
      assertPassed(verify(header, BODY), "sec_1");
    }

    @Test
    void orderSpacesAndHexCase() {
      assertPassed(verify(" v1=" + v1(TS, BODY).toUpperCase(Locale.ROOT) + " , t=" + TS + " ", BODY), "sec_1");
    }

    @Test
    void aConfiguredHeader() {
      Route custom = routeWith(new PlatformConfig(PLATFORM, PlatformConfig.DEFAULT_SIGNATURE_HEADER, SignatureEncoding.HEX_LOWER,
          PlatformConfig.DEFAULT_API_KEY_HEADER, PlatformConfig.DEFAULT_REPLAY_TOLERANCE, null, "x-partner-signature"));
      assertPassed(verify(custom, headers("X-Partner-Signature", signed(TS, BODY)), BODY), "sec_1");
      assertDenied(verify(custom, headers(HEADER, signed(TS, BODY)), BODY), DenialCode.SIGNATURE_MISSING);
    }

    @Test
    void duringARotationEitherSecret() {
      dir.signingSecret("sec_2", "cli_stripe", OTHER_SECRET);
      assertPassed(verify("t=" + TS + ",v1=" + v1(OTHER_SECRET, Long.toString(TS), BODY), BODY), "sec_2");
    }
  }

  @Nested
  class Malformed {
    @Test
    void missingOrEmptyHeader() {
      assertDenied(verify(ROUTE, TestCalls.noHeaders(), BODY), DenialCode.SIGNATURE_MISSING);
      assertDenied(verify("  ", BODY), DenialCode.SIGNATURE_MISSING);
    }

    @Test
    void repeatedHeader() {
      Verification v = verify(ROUTE, headers(HEADER, signed(TS, BODY), HEADER, signed(TS, BODY)), BODY);
      assertDenied(v, DenialCode.SIGNATURE_INVALID);
      assertThat(v.detail()).contains("more than once");
    }

    @Test
    void noTimestamp() {
      Verification v = verify("v1=" + v1(TS, BODY), BODY);
      assertDenied(v, DenialCode.SIGNATURE_INVALID);
      assertThat(v.detail()).contains("no t=");
    }

    @Test
    void twoTimestamps() {
      Verification v = verify("t=" + TS + ",t=" + (TS + 1) + ",v1=" + v1(TS, BODY), BODY);
      assertDenied(v, DenialCode.SIGNATURE_INVALID);
      assertThat(v.detail()).contains("more than once");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "-1772366400", "+1772366400", "1772366400.0", "1e9", "99999999999999999999"})
    void aTimestampThatIsNotWholeSeconds(String t) {
      Verification v = verify("t=" + t + ",v1=" + v1(TS, BODY), BODY);
      assertDenied(v, DenialCode.SIGNATURE_INVALID);
      assertThat(v.detail()).contains("t=");
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1=", "v1=xyz", "v1=g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0g0",
        "v0=abababababababababababababababababababababababababababababababab", "v1"})
    void noUsableV1(String item) {
      Verification v = verify("t=" + TS + "," + item, BODY);
      assertDenied(v, DenialCode.SIGNATURE_INVALID);
      assertThat(v.detail()).contains("no usable v1");
    }

    @Test
    void nonAsciiDigitsAreNotHex() {
      String sig = v1(TS, BODY);
      String arabic = "\u0660" + sig.substring(1); // ARABIC-INDIC DIGIT ZERO in place of the first digit
      assertDenied(verify("t=" + TS + ",v1=" + arabic, BODY), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void tooManySignatures() {
      String header = "t=" + TS + (",v1=" + "00".repeat(32)).repeat(8) + ",v1=" + v1(TS, BODY);
      Verification v = verify(header, BODY);
      assertDenied(v, DenialCode.SIGNATURE_INVALID);
      assertThat(v.detail()).contains("more than 8");
    }

    @Test
    void tooManyItems() {
      assertDenied(verify(signed(TS, BODY) + ",x=1".repeat(40), BODY), DenialCode.SIGNATURE_INVALID);
    }
  }

  @Nested
  class Wrong {
    @Test
    void wrongSecret() {
      assertDenied(verify("t=" + TS + ",v1=" + v1(OTHER_SECRET, Long.toString(TS), BODY), BODY), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void bodyOrTimestampChanged() {
      assertDenied(verify(signed(TS, BODY), BODY + "\n"), DenialCode.SIGNATURE_INVALID);
      assertDenied(verify("t=" + (TS + 1) + ",v1=" + v1(TS, BODY), BODY), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void theBase64DecodedSecretIsNotTheKey() {
      // Unlike Standard Webhooks, Stripe keys the HMAC with the whole secret string.
      byte[] decoded = Base64.getDecoder().decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
      dir = new InMemoryCredentialDirectory().client("cli_stripe", PLATFORM).signingSecret("sec_1", "cli_stripe",
          "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
      String keyedWithDecoded = HexFormat.of().formatHex(SendbirdSignatureVerifier.hmac(decoded, utf8(TS + "." + BODY)));
      assertDenied(verify("t=" + TS + ",v1=" + keyedWithDecoded, BODY), DenialCode.SIGNATURE_INVALID);
      assertPassed(verify("t=" + TS + ",v1=" + v1("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Long.toString(TS), BODY), BODY), "sec_1");
    }

    @Test
    void aPublicKeyIsNeverAnHmacKey() {
      String publicKey = "whpk_" + Base64.getEncoder().encodeToString(new byte[32]);
      dir = new InMemoryCredentialDirectory().client("cli_stripe", PLATFORM).signingSecret("sec_pk", "cli_stripe", publicKey);
      Verification v = verify("t=" + TS + ",v1=" + v1(publicKey, Long.toString(TS), BODY), BODY);
      assertDenied(v, DenialCode.SIGNATURE_INVALID);
      assertThat(v.detail()).contains("no active signing secret");
    }
  }

  @Nested
  class WindowAndReplay {
    @ParameterizedTest
    @ValueSource(longs = {-300, 0, 300})
    void inside(long offset) {
      assertPassed(verify(signed(TS + offset, BODY), BODY), "sec_1");
    }

    @ParameterizedTest
    @ValueSource(longs = {-301, 301})
    void outside(long offset) {
      Verification v = verify(signed(TS + offset, BODY), BODY);
      assertThat(v.code()).isEqualTo(DenialCode.TIMESTAMP_OUT_OF_WINDOW);
      assertThat(v.credentialId()).isEqualTo("sec_1");
      assertThat(v.detail()).contains("t=" + (TS + offset), "replay_tolerance is 300 s");
    }

    @Test
    void aConfiguredTolerance() {
      Route tight = routeWith(PlatformConfig.withDefaults(PLATFORM).withReplay(Duration.ofSeconds(10), null));
      assertThat(verify(tight, headers(HEADER, signed(TS - 10, BODY)), BODY).passed()).isTrue();
      assertThat(verify(tight, headers(HEADER, signed(TS - 11, BODY)), BODY).code()).isEqualTo(DenialCode.TIMESTAMP_OUT_OF_WINDOW);
    }

    @Test
    void theSameMessageTwiceIsReplayed() {
      assertPassed(verify(signed(TS, BODY), BODY), "sec_1");
      replays.clock.advanceSeconds(300);
      Verification again = verify(signed(TS, BODY), BODY);
      assertDenied(again, DenialCode.REPLAYED);
      assertThat(again.credentialId()).isEqualTo("sec_1");
    }

    @Test
    void afterTheWindowItIsTooOld() {
      assertPassed(verify(signed(TS, BODY), BODY), "sec_1");
      replays.clock.advanceSeconds(301);
      assertThat(verify(signed(TS, BODY), BODY).code()).isEqualTo(DenialCode.TIMESTAMP_OUT_OF_WINDOW);
    }

    @Test
    void aResendWithANewTimestampIsANewMessage() {
      assertPassed(verify(signed(TS, BODY), BODY), "sec_1");
      replays.clock.advanceSeconds(60);
      assertPassed(verify(signed(TS + 60, BODY), BODY), "sec_1");
    }

    @Test
    void aReplayKeepingOnlyTheOtherRotationSignatureIsStillReplayed() {
      dir.signingSecret("sec_2", "cli_stripe", OTHER_SECRET);
      String both = "t=" + TS + ",v1=" + v1(TS, BODY) + ",v1=" + v1(OTHER_SECRET, Long.toString(TS), BODY);
      assertPassed(verify(both, BODY), "sec_1");
      Verification onlyOther = verify("t=" + TS + ",v1=" + v1(OTHER_SECRET, Long.toString(TS), BODY), BODY);
      assertDenied(onlyOther, DenialCode.REPLAYED);
      assertThat(onlyOther.credentialId()).isEqualTo("sec_2");
    }

    @Test
    void theKeyIsClientTimestampAndBodyDigest() {
      assertPassed(verify(signed(TS, BODY), BODY), "sec_1");
      assertThat(replays.entries).containsOnlyKeys("stripe_signature:cli_stripe:" + TS + ":" + ReplayGuard.digest(utf8(BODY)));
      assertThat(replays.entries.values()).containsExactly(NOW.plusSeconds(301));
    }

    @Test
    void anUnreachableCacheIs503() {
      replays.unavailable = true;
      assertThat(verify(signed(TS, BODY), BODY).code()).isEqualTo(DenialCode.SHARED_STATE_UNAVAILABLE);
    }
  }
}
