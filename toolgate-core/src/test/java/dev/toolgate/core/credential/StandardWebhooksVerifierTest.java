package dev.toolgate.core.credential;

import static dev.toolgate.core.credential.TestCalls.assertNoLeak;
import static dev.toolgate.core.credential.TestCalls.call;
import static dev.toolgate.core.credential.TestCalls.headers;
import static dev.toolgate.core.credential.TestCalls.require;
import static dev.toolgate.core.credential.TestCalls.route;
import static dev.toolgate.core.credential.TestCalls.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.subtle.Ed25519Sign;
import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.decision.Decision;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.engine.PolicyEngine;
import dev.toolgate.core.request.Headers;
import dev.toolgate.core.route.Route;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StandardWebhooksVerifierTest {
  static final String PLATFORM = "hooks";
  static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(utf8("a 32-byte symmetric secret key!!"));
  static final String OTHER_SECRET = "whsec_" + Base64.getEncoder().encodeToString(utf8("another secret, also 32 bytes..."));
  static final String ID = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
  static final String BODY = "{\"type\":\"order.lookup\",\"data\":{\"id\":\"A-1\"}}";
  static final Instant NOW = TestCalls.NOW;
  static final long TS = NOW.getEpochSecond();

  TestReplayCache replays;
  InMemoryCredentialDirectory dir;

  @BeforeEach
  void setUp() {
    replays = new TestReplayCache();
    dir = new InMemoryCredentialDirectory().client("cli_hooks", PLATFORM).signingSecret("sec_1", "cli_hooks", SECRET);
  }

  static Route routeWith(Duration tolerance) {
    return route(PLATFORM, PlatformConfig.withDefaults(PLATFORM).withReplay(tolerance, null), require(CredentialKind.STANDARD_WEBHOOKS));
  }

  static final Route ROUTE = routeWith(PlatformConfig.DEFAULT_REPLAY_TOLERANCE);

  StandardWebhooksVerifier verifier() {
    return new StandardWebhooksVerifier(dir, replays.clock);
  }

  Verification verify(Headers headers, String body) {
    return replays.claimed(verifier().verify(call(headers, utf8(body)), ROUTE));
  }

  Verification verify(String id, String timestamp, String signature, String body) {
    return verify(headers("webhook-id", id, "webhook-timestamp", timestamp, "webhook-signature", signature), body);
  }

  /** {@code v1,<base64>} of the content under a {@code whsec_} secret. */
  static String v1(String secret, String id, long ts, String body) {
    byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
    byte[] mac = SendbirdSignatureVerifier.hmac(key, StandardWebhooksVerifier.signedContent(id, Long.toString(ts), utf8(body)));
    return "v1," + Base64.getEncoder().encodeToString(mac);
  }

  static String v1(String id, long ts, String body) {
    return v1(SECRET, id, ts, body);
  }

  static void assertDenied(Verification v, DenialCode code) {
    assertThat(v.passed()).as("passed: " + v.detail()).isFalse();
    assertThat(v.code()).as(v.detail()).isEqualTo(code);
    assertThat(v.clientId()).isNull();
    assertThat(v.detail()).isNotBlank();
    assertNoLeak(v, SECRET, SECRET.substring(6), OTHER_SECRET, OTHER_SECRET.substring(6));
  }

  static void assertPassed(Verification v, String clientId, String secretId) {
    assertThat(v.passed()).as("passed: " + v.detail()).isTrue();
    assertThat(v.clientId()).isEqualTo(clientId);
    assertThat(v.credentialId()).isEqualTo(secretId);
    assertThat(v.detail()).contains("signing secret " + secretId);
    assertNoLeak(v, SECRET, SECRET.substring(6), OTHER_SECRET, OTHER_SECRET.substring(6));
  }

  @Nested
  @DisplayName("the Standard Webhooks vector (shared/vectors/standard-webhooks)")
  class Vector {
    @SuppressWarnings("unchecked")
    final Map<String, Object> sign = (Map<String, Object>) TestVectors.load("/vectors/standard-webhooks/vectors.json").get("sign");
    final String secret = (String) sign.get("secret");
    final String id = (String) sign.get("msg_id");
    final long ts = ((Number) sign.get("timestamp")).longValue();
    final String payload = (String) sign.get("payload");
    final String expected = (String) sign.get("expected_signature_header");

    Verification verifyAt(Instant now, String signature) {
      replays = new TestReplayCache(now);
      dir = new InMemoryCredentialDirectory().client("cli_v", PLATFORM).signingSecret("sec_v", "cli_v", secret);
      return verify(id, Long.toString(ts), signature, payload);
    }

    @Test
    void ourSignatureIsTheVectors() {
      assertThat(v1(secret, id, ts, payload)).isEqualTo(expected);
    }

    @Test
    void theVectorVerifies() {
      assertPassed(verifyAt(Instant.ofEpochSecond(ts + 10), expected), "cli_v", "sec_v");
    }

    @Test
    void theKnownWrongSignatureIsRefused() {
      String wrong = (String) TestVectors.load("/vectors/standard-webhooks/vectors.json").get("known_wrong_signature");
      assertDenied(verifyAt(Instant.ofEpochSecond(ts + 10), wrong), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void theVectorIsTooOldToday() {
      Verification v = verifyAt(NOW, expected);
      assertThat(v.code()).isEqualTo(DenialCode.TIMESTAMP_OUT_OF_WINDOW);
      assertThat(v.credentialId()).isEqualTo("sec_v");
    }
  }

  @Nested
  class Passing {
    @Test
    void aSignedMessagePassesAndNamesTheSecret() {
      Verification v = verify(ID, Long.toString(TS), v1(ID, TS, BODY), BODY);
      assertPassed(v, "cli_hooks", "sec_1");
      assertThat(v.detail()).contains("v1 signature", ID);
    }

    @Test
    void severalSignaturesWithOneValid() {
      String sig = "v1," + Base64.getEncoder().encodeToString(new byte[32]) + " " + v1(OTHER_SECRET, ID, TS, BODY) + " " + v1(ID, TS, BODY);
      assertPassed(verify(ID, Long.toString(TS), sig, BODY), "cli_hooks", "sec_1");
    }

    @Test
    void unknownVersionsAreIgnored() {
      String sig = "v2,Zm9v v1b," + Base64.getEncoder().encodeToString(new byte[32]) + " garbage " + v1(ID, TS, BODY);
      assertPassed(verify(ID, Long.toString(TS), sig, BODY), "cli_hooks", "sec_1");
    }

    @Test
    void extraSpacesBetweenSignatures() {
      assertPassed(verify(ID, Long.toString(TS), "  v2,x   " + v1(ID, TS, BODY) + "  ", BODY), "cli_hooks", "sec_1");
    }

    @Test
    void duringARotationEitherSecretVerifies() {
      dir.signingSecret("sec_2", "cli_hooks", OTHER_SECRET);
      assertPassed(verify(ID, Long.toString(TS), v1(OTHER_SECRET, ID, TS, BODY), BODY), "cli_hooks", "sec_2");
    }

    @Test
    void anEmptyBodyIsSignedToo() {
      assertPassed(verify(ID, Long.toString(TS), v1(ID, TS, ""), ""), "cli_hooks", "sec_1");
      assertDenied(verify("msg_2", Long.toString(TS), v1("msg_2", TS, ""), "x"), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void nonStandardWebhooksSecretsAreSkipped() {
      dir = new InMemoryCredentialDirectory().client("cli_hooks", PLATFORM)
          .signingSecret("sec_sb", "cli_hooks", "a sendbird master token")
          .signingSecret("sec_1", "cli_hooks", SECRET);
      assertPassed(verify(ID, Long.toString(TS), v1(ID, TS, BODY), BODY), "cli_hooks", "sec_1");
    }
  }

  @Nested
  class MissingAndMalformedHeaders {
    @ParameterizedTest
    @ValueSource(strings = {"webhook-id", "webhook-timestamp", "webhook-signature"})
    void eachHeaderIsRequired(String missing) {
      List<String> pairs = new ArrayList<>(List.of("webhook-id", ID, "webhook-timestamp", Long.toString(TS), "webhook-signature", v1(ID, TS, BODY)));
      int at = pairs.indexOf(missing);
      pairs.remove(at + 1);
      pairs.remove(at);
      Verification v = verify(headers(pairs.toArray(String[]::new)), BODY);
      assertDenied(v, DenialCode.SIGNATURE_MISSING);
      assertThat(v.detail()).contains(missing);
    }

    @ParameterizedTest
    @ValueSource(strings = {"webhook-id", "webhook-timestamp", "webhook-signature"})
    void anEmptyHeaderIsMissing(String empty) {
      Verification v = verify(empty.equals("webhook-id") ? " " : ID, empty.equals("webhook-timestamp") ? "" : Long.toString(TS),
          empty.equals("webhook-signature") ? "  " : v1(ID, TS, BODY), BODY);
      assertDenied(v, DenialCode.SIGNATURE_MISSING);
    }

    @ParameterizedTest
    @ValueSource(strings = {"webhook-id", "webhook-timestamp", "webhook-signature"})
    void aRepeatedHeaderIsRefused(String repeated) {
      String value = repeated.equals("webhook-id") ? ID : repeated.equals("webhook-timestamp") ? Long.toString(TS) : v1(ID, TS, BODY);
      Verification v = verify(headers("webhook-id", ID, "webhook-timestamp", Long.toString(TS), "webhook-signature", v1(ID, TS, BODY),
          repeated, value), BODY);
      assertDenied(v, DenialCode.SIGNATURE_INVALID);
      assertThat(v.detail()).contains(repeated, "more than once");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-1772366400", "+1772366400", "1772366400.5", "1772366400s", "0x69A42A40", "1 772 366 400",
        "99999999999999999999", "1234567890123456789", "١٧٧٢٣٦٦٤٠٠"})
    void aTimestampThatIsNotWholeSecondsIsRefused(String timestamp) {
      Verification v = verify(ID, timestamp, v1(ID, TS, BODY), BODY);
      assertDenied(v, DenialCode.SIGNATURE_INVALID);
      assertThat(v.detail()).contains("webhook-timestamp");
    }

    @Test
    void aHugeButWellFormedTimestampIsOutOfTheWindow() {
      long huge = 999_999_999_999_999_999L;
      Verification v = verify(ID, Long.toString(huge), v1(ID, huge, BODY), BODY);
      assertThat(v.code()).isEqualTo(DenialCode.TIMESTAMP_OUT_OF_WINDOW);
      assertThat(v.detail()).contains("in the future");
      assertThat(replays.entries).isEmpty();
    }

    @Test
    void aTimestampWithLeadingZerosIsItsOwnSignedText() {
      String padded = "0" + TS;
      assertPassed(verify(ID, padded, "v1," + mac(ID + "." + padded + "." + BODY), BODY), "cli_hooks", "sec_1");
      assertDenied(verify("msg_x", padded, v1("msg_x", TS, BODY), BODY), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void anIdWithADotIsRefused() {
      // "msg.1772366400" + "." + ... could be read as another id and timestamp: the spec forbids '.'.
      String id = "msg." + TS;
      Verification v = verify(id, Long.toString(TS), v1(id, TS, BODY), BODY);
      assertDenied(v, DenialCode.SIGNATURE_INVALID);
      assertThat(v.detail()).contains("'.'");
    }

    @Test
    void anOverlongOrNonAsciiIdIsRefused() {
      String longId = "m".repeat(257);
      assertDenied(verify(longId, Long.toString(TS), v1(longId, TS, BODY), BODY), DenialCode.SIGNATURE_INVALID);
      assertDenied(verify("msg_é", Long.toString(TS), v1(ID, TS, BODY), BODY), DenialCode.SIGNATURE_INVALID);
      String maxId = "m".repeat(256);
      assertPassed(verify(maxId, Long.toString(TS), v1(maxId, TS, BODY), BODY), "cli_hooks", "sec_1");
    }

    @Test
    void onlyUnknownVersionsIsInvalid() {
      Verification v = verify(ID, Long.toString(TS), "v2," + v1(ID, TS, BODY).substring(3) + " v0,abc nocomma", BODY);
      assertDenied(v, DenialCode.SIGNATURE_INVALID);
      assertThat(v.detail()).contains("no usable v1 or v1a signature");
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1,", "v1", "v1,,", "v1,!!!!", "v1,Zm9v", "v1a,", "v1a,Zm9v"})
    void anEmptyOrMalformedSignatureIsInvalid(String signature) {
      Verification v = verify(ID, Long.toString(TS), signature, BODY);
      assertDenied(v, DenialCode.SIGNATURE_INVALID);
      assertThat(v.detail()).contains("1 malformed");
    }

    @Test
    void unpaddedBase64IsNotTheSignature() {
      String sig = v1(ID, TS, BODY);
      assertThat(sig).endsWith("=");
      assertDenied(verify(ID, Long.toString(TS), sig.substring(0, sig.length() - 1), BODY), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void tooManySignaturesAreRefusedBeforeAnyIsTried() {
      String sig = (v1(OTHER_SECRET, ID, TS, BODY) + " ").repeat(8) + v1(ID, TS, BODY);
      Verification v = verify(ID, Long.toString(TS), sig, BODY);
      assertDenied(v, DenialCode.SIGNATURE_INVALID);
      assertThat(v.detail()).contains("more than 8");
    }

    @Test
    void withoutTheBufferedBodyItIsAServerBug() {
      assertThatThrownBy(() -> verifier().verify(call(headers("webhook-id", ID, "webhook-timestamp", Long.toString(TS),
          "webhook-signature", v1(ID, TS, BODY)), null), ROUTE)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Nested
  class WrongSignatures {
    @Test
    void wrongSecret() {
      Verification v = verify(ID, Long.toString(TS), v1(OTHER_SECRET, ID, TS, BODY), BODY);
      assertDenied(v, DenialCode.SIGNATURE_INVALID);
      assertThat(v.detail()).contains("1 active whsec_ secret(s)");
    }

    @Test
    void bodyChanged() {
      assertDenied(verify(ID, Long.toString(TS), v1(ID, TS, BODY), BODY + " "), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void idOrTimestampChanged() {
      assertDenied(verify("msg_other", Long.toString(TS), v1(ID, TS, BODY), BODY), DenialCode.SIGNATURE_INVALID);
      assertDenied(verify(ID, Long.toString(TS + 1), v1(ID, TS, BODY), BODY), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void aSignatureOverTheBodyAloneIsRefused() {
      assertDenied(verify(ID, Long.toString(TS), "v1," + mac(BODY), BODY), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void revokedAndExpiredSecretsAreNotTried() {
      dir = new InMemoryCredentialDirectory().client("cli_hooks", PLATFORM)
          .signingSecret("sec_old", "cli_hooks", SECRET, null, NOW.minusSeconds(1))
          .signingSecret("sec_exp", "cli_hooks", SECRET, NOW, null);
      Verification v = verify(ID, Long.toString(TS), v1(ID, TS, BODY), BODY);
      assertDenied(v, DenialCode.SIGNATURE_INVALID);
      assertThat(v.detail()).contains("no active Standard Webhooks secret");
    }

    @Test
    void aSecretOfAnotherPlatformIsNotTried() {
      dir = new InMemoryCredentialDirectory().client("cli_else", "elsewhere").signingSecret("sec_else", "cli_else", SECRET);
      assertDenied(verify(ID, Long.toString(TS), v1(ID, TS, BODY), BODY), DenialCode.SIGNATURE_INVALID);
      assertThat(dir.signingSecretQueries).containsOnly(PLATFORM);
    }

    @Test
    void whsecWithBadBase64IsSkippedAndNamed() {
      dir = new InMemoryCredentialDirectory().client("cli_hooks", PLATFORM).signingSecret("sec_bad", "cli_hooks", "whsec_not*base64!");
      Verification v = verify(ID, Long.toString(TS), v1(ID, TS, BODY), BODY);
      assertDenied(v, DenialCode.SIGNATURE_INVALID);
      assertThat(v.detail()).contains("sec_bad is not valid base64 after whsec_").doesNotContain("not*base64");

      dir.signingSecret("sec_1", "cli_hooks", SECRET);
      assertPassed(verify(ID, Long.toString(TS), v1(ID, TS, BODY), BODY), "cli_hooks", "sec_1");
    }

    @Test
    void anEmptyWhsecOrAPrivateKeyIsUnusable() {
      dir = new InMemoryCredentialDirectory().client("cli_hooks", PLATFORM)
          .signingSecret("sec_empty", "cli_hooks", "whsec_")
          .signingSecret("sec_sk", "cli_hooks", "whsk_" + Base64.getEncoder().encodeToString(new byte[32]));
      Verification v = verify(ID, Long.toString(TS), v1(ID, TS, BODY), BODY);
      assertDenied(v, DenialCode.SIGNATURE_INVALID);
      assertThat(v.detail()).contains("sec_empty is empty after whsec_", "sec_sk is an Ed25519 private key");
    }
  }

  @Nested
  class Ed25519 {
    Ed25519Sign.KeyPair pair;
    String publicKey;

    @BeforeEach
    void keys() throws Exception {
      pair = Ed25519Sign.KeyPair.newKeyPair();
      publicKey = "whpk_" + Base64.getEncoder().encodeToString(pair.getPublicKey());
      dir = new InMemoryCredentialDirectory().client("cli_hooks", PLATFORM).signingSecret("sec_pk", "cli_hooks", publicKey);
    }

    String v1a(Ed25519Sign.KeyPair keys, String id, long ts, String body) throws Exception {
      byte[] sig = new Ed25519Sign(keys.getPrivateKey()).sign(StandardWebhooksVerifier.signedContent(id, Long.toString(ts), utf8(body)));
      return "v1a," + Base64.getEncoder().encodeToString(sig);
    }

    @Test
    void aV1aSignaturePasses() throws Exception {
      Verification v = verify(ID, Long.toString(TS), v1a(pair, ID, TS, BODY), BODY);
      assertPassed(v, "cli_hooks", "sec_pk");
      assertThat(v.detail()).contains("v1a signature");
    }

    @Test
    void v1AndV1aTogetherWithEitherKey() throws Exception {
      dir.signingSecret("sec_1", "cli_hooks", SECRET);
      String both = v1(OTHER_SECRET, ID, TS, BODY) + " " + v1a(pair, ID, TS, BODY);
      assertPassed(verify(ID, Long.toString(TS), both, BODY), "cli_hooks", "sec_pk");
    }

    @Test
    void anotherKeysSignatureOrAChangedBodyIsRefused() throws Exception {
      assertDenied(verify(ID, Long.toString(TS), v1a(Ed25519Sign.KeyPair.newKeyPair(), ID, TS, BODY), BODY), DenialCode.SIGNATURE_INVALID);
      assertDenied(verify(ID, Long.toString(TS), v1a(pair, ID, TS, BODY), BODY + "x"), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void aV1aSignatureListedAsV1IsNotTried() throws Exception {
      String asV1 = "v1," + v1a(pair, ID, TS, BODY).substring(4);
      Verification v = verify(ID, Long.toString(TS), asV1, BODY);
      assertDenied(v, DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void thePublicKeyIsNeverAnHmacKey() {
      // Anyone knows a public key: an HMAC keyed with it (its bytes, or its decoding) must not verify.
      String keyedWithText = "v1," + Base64.getEncoder().encodeToString(SendbirdSignatureVerifier.hmac(utf8(publicKey),
          StandardWebhooksVerifier.signedContent(ID, Long.toString(TS), utf8(BODY))));
      String keyedWithBytes = "v1," + Base64.getEncoder().encodeToString(SendbirdSignatureVerifier.hmac(pair.getPublicKey(),
          StandardWebhooksVerifier.signedContent(ID, Long.toString(TS), utf8(BODY))));
      assertDenied(verify(ID, Long.toString(TS), keyedWithText + " " + keyedWithBytes, BODY), DenialCode.SIGNATURE_INVALID);
    }

    @Test
    void aPublicKeyOfTheWrongLengthIsUnusable() {
      dir = new InMemoryCredentialDirectory().client("cli_hooks", PLATFORM)
          .signingSecret("sec_short", "cli_hooks", "whpk_" + Base64.getEncoder().encodeToString(new byte[31]));
      Verification v = verify(ID, Long.toString(TS), v1(ID, TS, BODY), BODY);
      assertDenied(v, DenialCode.SIGNATURE_INVALID);
      assertThat(v.detail()).contains("sec_short is not a 32-byte Ed25519 public key");
    }
  }

  @Nested
  class Window {
    Verification at(long offsetSeconds, Duration tolerance) {
      long ts = TS + offsetSeconds;
      return replays.claimed(verifier().verify(call(headers("webhook-id", "msg_" + offsetSeconds, "webhook-timestamp", Long.toString(ts),
          "webhook-signature", v1("msg_" + offsetSeconds, ts, BODY)), utf8(BODY)), routeWith(tolerance)));
    }

    @ParameterizedTest
    @ValueSource(longs = {-300, -1, 0, 1, 300})
    void insideTheDefaultFiveMinutesEitherWay(long offset) {
      assertPassed(at(offset, PlatformConfig.DEFAULT_REPLAY_TOLERANCE), "cli_hooks", "sec_1");
    }

    @ParameterizedTest
    @ValueSource(longs = {-301, 301, -86400, 86400})
    void outsideIsRefusedNamingTheSecretThatMatched(long offset) {
      Verification v = at(offset, PlatformConfig.DEFAULT_REPLAY_TOLERANCE);
      assertThat(v.passed()).isFalse();
      assertThat(v.code()).isEqualTo(DenialCode.TIMESTAMP_OUT_OF_WINDOW);
      assertThat(v.credentialId()).isEqualTo("sec_1");
      assertThat(v.detail()).contains(Math.abs(offset) + " s in the " + (offset < 0 ? "past" : "future"), "replay_tolerance is 300 s");
      assertNoLeak(v, SECRET);
      assertThat(replays.entries).as("nothing remembered for a refused message").isEmpty();
    }

    @Test
    void theEdgeIsAWholeSecondAsTheLibrariesCount() {
      replays.clock.set(NOW.plusMillis(999));
      assertThat(at(-300, PlatformConfig.DEFAULT_REPLAY_TOLERANCE).passed()).isTrue();
      replays.clock.set(NOW.plusMillis(1000));
      assertThat(at(-299, PlatformConfig.DEFAULT_REPLAY_TOLERANCE).passed()).isTrue();
      assertThat(at(-300, PlatformConfig.DEFAULT_REPLAY_TOLERANCE).code()).isEqualTo(DenialCode.TIMESTAMP_OUT_OF_WINDOW);
    }

    @Test
    void aConfiguredTolerance() {
      Duration thirty = Duration.ofSeconds(30);
      assertThat(at(-30, thirty).passed()).isTrue();
      assertThat(at(31, thirty).code()).isEqualTo(DenialCode.TIMESTAMP_OUT_OF_WINDOW);
    }
  }

  @Nested
  class Replay {
    Headers message(String id, long ts) {
      return headers("webhook-id", id, "webhook-timestamp", Long.toString(ts), "webhook-signature", v1(id, ts, BODY));
    }

    @Test
    void theSameMessageTwiceIsReplayed() {
      assertPassed(verify(message(ID, TS), BODY), "cli_hooks", "sec_1");
      replays.clock.advanceSeconds(299);
      Verification again = verify(message(ID, TS), BODY);
      assertDenied(again, DenialCode.REPLAYED);
      assertThat(again.credentialId()).isEqualTo("sec_1");
      assertThat(again.detail()).contains(ID, "cli_hooks", "sec_1");
    }

    @Test
    void theSameIdWithANewTimestampAndSignatureIsStillReplayedWithinTheWindow() {
      assertPassed(verify(message(ID, TS), BODY), "cli_hooks", "sec_1");
      replays.clock.advanceSeconds(5);
      assertDenied(verify(message(ID, TS + 5), BODY), DenialCode.REPLAYED);
    }

    @Test
    void theIdIsRememberedUntilItsTimestampLeavesTheWindow() {
      assertPassed(verify(message(ID, TS), BODY), "cli_hooks", "sec_1");
      String key = replays.entries.keySet().iterator().next();
      assertThat(key).startsWith("standard_webhooks:cli_hooks:").doesNotContain(ID);
      assertThat(replays.entries.get(key)).isEqualTo(NOW.plusSeconds(301));
    }

    @Test
    void afterTheWindowTheOldMessageIsTooOldAndANewOneWithTheIdPasses() {
      assertPassed(verify(message(ID, TS), BODY), "cli_hooks", "sec_1");
      replays.clock.advanceSeconds(301);
      assertThat(verify(message(ID, TS), BODY).code()).isEqualTo(DenialCode.TIMESTAMP_OUT_OF_WINDOW);
      assertPassed(verify(message(ID, TS + 301), BODY), "cli_hooks", "sec_1"); // the sender's retry, 5 minutes on
    }

    @Test
    void aFutureTimestampIsRememberedUntilItsOwnWindowEnds() {
      assertPassed(verify(message(ID, TS + 300), BODY), "cli_hooks", "sec_1");
      replays.clock.advanceSeconds(599);
      assertDenied(verify(message(ID, TS + 300), BODY), DenialCode.REPLAYED);
    }

    @Test
    void idsAreOncePerClient() {
      dir.client("cli_two", PLATFORM).signingSecret("sec_2", "cli_two", OTHER_SECRET);
      assertPassed(verify(message(ID, TS), BODY), "cli_hooks", "sec_1");
      Headers fromTwo = headers("webhook-id", ID, "webhook-timestamp", Long.toString(TS), "webhook-signature", v1(OTHER_SECRET, ID, TS, BODY));
      assertPassed(verify(fromTwo, BODY), "cli_two", "sec_2");
      assertDenied(verify(fromTwo, BODY), DenialCode.REPLAYED);
    }

    @Test
    void forgedMessagesNeverEnterTheCache() {
      verify(headers("webhook-id", ID, "webhook-timestamp", Long.toString(TS), "webhook-signature", v1(OTHER_SECRET, ID, TS, BODY)), BODY);
      assertThat(replays.entries).isEmpty();
      assertPassed(verify(message(ID, TS), BODY), "cli_hooks", "sec_1");
    }

    @Test
    void anUnreachableCacheIs503NeverAPass() {
      replays.unavailable = true;
      Verification v = verify(message(ID, TS), BODY);
      assertThat(v.passed()).isFalse();
      assertThat(v.code()).isEqualTo(DenialCode.SHARED_STATE_UNAVAILABLE);
      assertThat(v.code().status()).isEqualTo(503);
    }
  }

  @Nested
  class ThroughThePolicyEngine {
    @Test
    void allowThenReplayedWithAChallenge() {
      PolicyEngine engine = new PolicyEngine(List.of(verifier()), dir, (id, at) -> {}, replays.clock, replays,
          new dev.toolgate.core.net.ClientAddress(new dev.toolgate.core.net.CidrSet(List.of())), null);
      var call = call(headers("webhook-id", ID, "webhook-timestamp", Long.toString(TS), "webhook-signature", v1(ID, TS, BODY)), utf8(BODY));
      Decision first = engine.decide(call, ROUTE);
      assertThat(first.allowed()).as(first.detail()).isTrue();
      assertThat(first.clientId()).isEqualTo("cli_hooks");
      assertThat(first.credentialIds()).containsExactly("sec_1");

      Decision second = engine.decide(call, ROUTE);
      assertThat(second.allowed()).isFalse();
      assertThat(second.code()).isEqualTo(DenialCode.REPLAYED);
      assertThat(second.code().status()).isEqualTo(401);
      assertThat(second.challenges()).containsExactly("StandardWebhooks realm=\"toolgate\", header=\"webhook-signature\"");
      TestCalls.assertNoLeak(second, SECRET, SECRET.substring(6));
    }
  }

  /** Base64 HMAC of {@code content} under {@link #SECRET}. */
  static String mac(String content) {
    return Base64.getEncoder().encodeToString(SendbirdSignatureVerifier.hmac(Base64.getDecoder().decode(SECRET.substring(6)), utf8(content)));
  }
}
