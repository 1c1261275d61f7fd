package dev.toolgate.core.credential;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.crypto.tink.subtle.Ed25519Sign;
import com.google.crypto.tink.subtle.Ed25519Verify;
import dev.toolgate.core.FuzzInput;
import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.route.Route;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Fuzzes {@link StandardWebhooksVerifier} with arbitrary {@code webhook-id}, {@code webhook-timestamp},
 * {@code webhook-signature} headers and body, against a fixed HMAC secret and Ed25519 public key.
 * It never throws and never quotes a secret; it passes only a message one of those keys really
 * signed (checked here independently), with a usable id and a timestamp inside the window; and it
 * does pass such a message when that is all the header lists.
 *
 * <p>Input layout: three lines (id, timestamp, signature header), then the body. In the signature
 * line {@code {v1}} and {@code {v1a}} stand for the correct HMAC and Ed25519 entries over what was
 * sent, and {@code {pk-as-hmac}} for an HMAC keyed with the public key (never to be accepted), so
 * the fuzzer can reach what lies past the signature.
 */
class StandardWebhooksVerifierFuzzTest {
  static final String PLATFORM = "hooks";
  static final byte[] HMAC_KEY = "a 32-byte symmetric secret key!!".getBytes(StandardCharsets.US_ASCII);
  static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(HMAC_KEY);
  static final Ed25519Sign.KeyPair ED_KEYS = edKeys();
  static final String PUBLIC_KEY = "whpk_" + Base64.getEncoder().encodeToString(ED_KEYS.getPublicKey());
  static final Route ROUTE = TestCalls.route(PLATFORM, PlatformConfig.withDefaults(PLATFORM), TestCalls.require(CredentialKind.STANDARD_WEBHOOKS));
  static final long TOLERANCE = PlatformConfig.DEFAULT_REPLAY_TOLERANCE.getSeconds();

  @FuzzTest
  void verify(byte[] input) throws GeneralSecurityException {
    FuzzInput parts = FuzzInput.split(input, 3);
    String id = parts.line(0);
    String timestamp = parts.line(1);
    String signatureLine = parts.line(2);
    byte[] body = parts.rest();
    byte[] content = StandardWebhooksVerifier.signedContent(id.strip(), timestamp.strip(), body);
    String signature = signatureLine
        .replace("{v1}", "v1," + Base64.getEncoder().encodeToString(SendbirdSignatureVerifier.hmac(HMAC_KEY, content)))
        .replace("{v1a}", "v1a," + Base64.getEncoder().encodeToString(new Ed25519Sign(ED_KEYS.getPrivateKey()).sign(content)))
        .replace("{pk-as-hmac}", "v1," + Base64.getEncoder().encodeToString(SendbirdSignatureVerifier.hmac(ED_KEYS.getPublicKey(), content)));

    InMemoryCredentialDirectory directory = new InMemoryCredentialDirectory().client("cli_hooks", PLATFORM)
        .signingSecret("sec_hmac", "cli_hooks", SECRET)
        .signingSecret("sec_ed", "cli_hooks", PUBLIC_KEY)
        .signingSecret("sec_broken", "cli_hooks", "whsec_not*base64")
        .signingSecret("sec_other", "cli_hooks", "a secret of another scheme");
    TestReplayCache replays = new TestReplayCache();
    Verification v = new StandardWebhooksVerifier(directory, replays.clock)
        .verify(TestCalls.call(TestCalls.headers("webhook-id", id, "webhook-timestamp", timestamp, "webhook-signature", signature), body), ROUTE);

    assertThat(v.detail()).isNotBlank();
    TestCalls.assertNoLeak(v, SECRET, SECRET.substring("whsec_".length()), Base64.getEncoder().encodeToString(ED_KEYS.getPrivateKey()));
    boolean usable = usableId(id.strip()) && withinWindow(timestamp.strip());
    if (!v.passed()) {
      assertThat(v.code()).isNotNull();
      boolean onlyTheRightSignature = signatureLine.equals("{v1}") || signatureLine.equals("{v1a}");
      assertThat(usable && onlyTheRightSignature).as("a correctly signed message is refused: %s", v.detail()).isFalse();
      return;
    }
    assertThat(v.clientId()).isEqualTo("cli_hooks");
    assertThat(v.credentialId()).isIn("sec_hmac", "sec_ed");
    assertThat(v.oneTime()).as("a passed message is used up").isNotNull();
    assertThat(usable).as("passed with id %s and timestamp %s", id, timestamp).isTrue();
    assertThat(signedByOurKeys(signature.strip(), content)).as("passed, but no listed signature is one of ours").isTrue();
  }

  /** Visible ASCII without '.', at most 256 characters. */
  static boolean usableId(String id) {
    return !id.isEmpty() && id.length() <= 256 && id.chars().allMatch(c -> c >= 0x21 && c <= 0x7e && c != '.');
  }

  static boolean withinWindow(String timestamp) {
    if (!timestamp.matches("[0-9]{1,18}")) {
      return false;
    }
    return Math.abs(TestCalls.NOW.getEpochSecond() - Long.parseLong(timestamp)) <= TOLERANCE;
  }

  /** Whether an entry of the header verifies under the HMAC secret or the Ed25519 key (independent of the verifier). */
  static boolean signedByOurKeys(String header, byte[] content) throws GeneralSecurityException {
    byte[] mac = SendbirdSignatureVerifier.hmac(HMAC_KEY, content);
    for (String entry : header.split(" ")) {
      byte[] sig;
      try {
        sig = Base64.getDecoder().decode(entry.substring(entry.indexOf(',') + 1));
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (entry.startsWith("v1,") && MessageDigest.isEqual(mac, sig)) {
        return true;
      }
      if (entry.startsWith("v1a,") && sig.length == 64) {
        try {
          new Ed25519Verify(ED_KEYS.getPublicKey()).verify(sig, content);
          return true;
        } catch (GeneralSecurityException e) {
          // not this one
        }
      }
    }
    return false;
  }

  private static Ed25519Sign.KeyPair edKeys() {
    try {
      return Ed25519Sign.KeyPair.newKeyPairFromSeed("fixed 32-byte Ed25519 test seed!".getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
