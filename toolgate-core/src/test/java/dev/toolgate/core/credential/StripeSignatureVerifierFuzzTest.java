package dev.toolgate.core.credential;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.toolgate.core.FuzzInput;
import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.route.Route;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Fuzzes {@link StripeSignatureVerifier} with an arbitrary {@code stripe-signature} header and body,
 * against a fixed signing secret (and a {@code whpk_} public key that must never act as an HMAC key).
 * It never throws and never quotes the secret; it passes only a message the secret really signed
 * (checked here independently) with one {@code t=} inside the window; and it does pass
 * {@code t=<now>,v1=<correct>}.
 *
 * <p>Input layout: one line (the header), then the body. In the header {@code {v1}} stands for
 * {@code v1=} and the correct HMAC over the header's first {@code t=} value and the body, and
 * {@code {pk-as-hmac}} for one keyed with the public key.
 */
class StripeSignatureVerifierFuzzTest {
  static final String PLATFORM = "stripe";
  static final String SECRET = "whsec_test_5fa3c1e0b7d24a99a3e1f0c2d4b6a8e0";
  static final String PUBLIC_KEY = StandardWebhooksVerifierFuzzTest.PUBLIC_KEY;
  static final Route ROUTE = TestCalls.route(PLATFORM, PlatformConfig.withDefaults(PLATFORM), TestCalls.require(CredentialKind.STRIPE_SIGNATURE));

  @FuzzTest
  void verify(byte[] input) {
    FuzzInput parts = FuzzInput.split(input, 1);
    String headerLine = parts.line(0);
    byte[] body = parts.rest();
    String t = firstTimestamp(headerLine);
    byte[] content = StripeSignatureVerifier.signedContent(t, body);
    String header = headerLine
        .replace("{v1}", "v1=" + HexFormat.of().formatHex(SendbirdSignatureVerifier.hmac(utf8(SECRET), content)))
        .replace("{pk-as-hmac}", "v1=" + HexFormat.of().formatHex(SendbirdSignatureVerifier.hmac(utf8(PUBLIC_KEY), content)));

    InMemoryCredentialDirectory directory = new InMemoryCredentialDirectory().client("cli_stripe", PLATFORM)
        .signingSecret("sec_1", "cli_stripe", SECRET)
        .signingSecret("sec_pk", "cli_stripe", PUBLIC_KEY);
    TestReplayCache replays = new TestReplayCache();
    Verification v = new StripeSignatureVerifier(directory, replays.clock)
        .verify(TestCalls.call(TestCalls.headers(PlatformConfig.DEFAULT_STRIPE_SIGNATURE_HEADER, header), body), ROUTE);

    assertThat(v.detail()).isNotBlank();
    TestCalls.assertNoLeak(v, SECRET, SECRET.substring("whsec_".length()));
    if (!v.passed()) {
      assertThat(v.code()).isNotNull();
      boolean plainlyRight = headerLine.matches("t=[0-9]{1,18},\\{v1\\}") && StandardWebhooksVerifierFuzzTest.withinWindow(t);
      assertThat(plainlyRight).as("a correctly signed message is refused: %s", v.detail()).isFalse();
      return;
    }
    assertThat(v.clientId()).isEqualTo("cli_stripe");
    assertThat(v.credentialId()).as("a public key is never an HMAC key").isEqualTo("sec_1");
    assertThat(v.oneTime()).as("a passed message is used up").isNotNull();
    assertThat(timestampCount(header.strip())).as("exactly one t= in %s", header).isEqualTo(1);
    assertThat(StandardWebhooksVerifierFuzzTest.withinWindow(t)).as("t=%s inside the window", t).isTrue();
    assertThat(signedBySecret(header.strip(), content)).as("passed, but no v1 is the secret's").isTrue();
  }

  /** The value of the first item named t (items split at ',', stripped), or "" when there is none. */
  static String firstTimestamp(String header) {
    for (String raw : header.strip().split(",", -1)) {
      String item = raw.strip();
      if (item.startsWith("t=")) {
        return item.substring(2);
      }
    }
    return "";
  }

  static long timestampCount(String header) {
    long count = 0;
    for (String raw : header.split(",", -1)) {
      count += raw.strip().startsWith("t=") ? 1 : 0;
    }
    return count;
  }

  static boolean signedBySecret(String header, byte[] content) {
    byte[] mac = SendbirdSignatureVerifier.hmac(utf8(SECRET), content);
    for (String raw : header.split(",", -1)) {
      String item = raw.strip();
      if (item.startsWith("v1=") && item.length() == 3 + 64 && item.substring(3).matches("[0-9a-fA-F]{64}")
          && MessageDigest.isEqual(mac, HexFormat.of().parseHex(item.substring(3)))) {
        return true;
      }
    }
    return false;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
