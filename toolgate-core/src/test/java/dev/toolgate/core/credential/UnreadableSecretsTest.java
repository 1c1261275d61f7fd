package dev.toolgate.core.credential;

import static dev.toolgate.core.credential.TestCalls.CLOCK;
import static dev.toolgate.core.credential.TestCalls.call;
import static dev.toolgate.core.credential.TestCalls.headers;
import static dev.toolgate.core.credential.TestCalls.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.SignatureEncoding;
import dev.toolgate.core.decision.DenialCode;
import org.junit.jupiter.api.Test;

/**
 * A signature that matches none of the secrets an instance can read, while some of the platform's
 * secrets cannot be decrypted there (a master key it lacks, after a rotation it missed), is 503
 * {@code unavailable}: the call may be genuine, so it is never 401. A match still passes, and other
 * platforms are unaffected.
 */
class UnreadableSecretsTest {
  @Test
  void sendbird() {
    InMemoryCredentialDirectory dir = new InMemoryCredentialDirectory().client("cli_sb", SendbirdSignatureVerifierTest.PLATFORM)
        .signingSecret("sec_1", "cli_sb", SendbirdSignatureVerifierTest.KEY);
    SendbirdSignatureVerifier verifier = new SendbirdSignatureVerifier(dir, CLOCK);
    var route = SendbirdSignatureVerifierTest.routeWith(SignatureEncoding.HEX_LOWER);
    byte[] body = utf8(SendbirdSignatureVerifierTest.BODY);
    String header = SendbirdSignatureVerifierTest.HEADER;
    String wrong = "0".repeat(64);

    assertThat(verifier.verify(call(headers(header, wrong), body), route).code()).isEqualTo(DenialCode.SIGNATURE_INVALID);
    dir.unreadable("elsewhere", 1);
    assertThat(verifier.verify(call(headers(header, wrong), body), route).code()).as("another platform's").isEqualTo(DenialCode.SIGNATURE_INVALID);
    dir.unreadable(SendbirdSignatureVerifierTest.PLATFORM, 2);

    Verification unsure = verifier.verify(call(headers(header, wrong), body), route);
    assertThat(unsure.code()).isEqualTo(DenialCode.UNAVAILABLE);
    assertThat(unsure.code().status()).isEqualTo(503);
    assertThat(unsure.detail()).contains("2 active signing secret(s) of this platform cannot be decrypted")
        .doesNotContain(SendbirdSignatureVerifierTest.KEY);
    assertThat(verifier.verify(call(headers(header, SendbirdSignatureVerifierTest.SIG), body), route).passed()).isTrue();
  }

  @Test
  void standardWebhooks() {
    TestReplayCache replays = new TestReplayCache();
    InMemoryCredentialDirectory dir = new InMemoryCredentialDirectory().client("cli_hooks", StandardWebhooksVerifierTest.PLATFORM)
        .signingSecret("sec_1", "cli_hooks", StandardWebhooksVerifierTest.SECRET);
    StandardWebhooksVerifier verifier = new StandardWebhooksVerifier(dir, replays.clock);
    long ts = StandardWebhooksVerifierTest.TS;
    String id = StandardWebhooksVerifierTest.ID;
    String body = StandardWebhooksVerifierTest.BODY;
    String other = StandardWebhooksVerifierTest.v1(StandardWebhooksVerifierTest.OTHER_SECRET, id, ts, body);

    assertThat(verify(verifier, replays, id, ts, other, body).code()).isEqualTo(DenialCode.SIGNATURE_INVALID);
    dir.unreadable(StandardWebhooksVerifierTest.PLATFORM, 1);
    assertThat(verify(verifier, replays, id, ts, other, body).code()).isEqualTo(DenialCode.UNAVAILABLE);
    assertThat(verify(verifier, replays, id, ts, StandardWebhooksVerifierTest.v1(id, ts, body), body).passed()).isTrue();
  }

  @Test
  void stripe() {
    TestReplayCache replays = new TestReplayCache();
    InMemoryCredentialDirectory dir = new InMemoryCredentialDirectory().client("cli_stripe", StripeSignatureVerifierTest.PLATFORM)
        .signingSecret("sec_1", "cli_stripe", StripeSignatureVerifierTest.SECRET);
    StripeSignatureVerifier verifier = new StripeSignatureVerifier(dir, replays.clock);
    long ts = StripeSignatureVerifierTest.TS;
    String body = StripeSignatureVerifierTest.BODY;
    String other = "t=" + ts + ",v1=" + StripeSignatureVerifierTest.v1(StripeSignatureVerifierTest.OTHER_SECRET, Long.toString(ts), body);
    var route = StripeSignatureVerifierTest.ROUTE;
    String header = StripeSignatureVerifierTest.HEADER;

    assertThat(replays.claimed(verifier.verify(call(headers(header, other), utf8(body)), route)).code()).isEqualTo(DenialCode.SIGNATURE_INVALID);
    dir.unreadable(StripeSignatureVerifierTest.PLATFORM, 1);
    assertThat(replays.claimed(verifier.verify(call(headers(header, other), utf8(body)), route)).code()).isEqualTo(DenialCode.UNAVAILABLE);
    assertThat(replays.claimed(verifier.verify(call(headers(header, StripeSignatureVerifierTest.signed(ts, body)), utf8(body)), route)).passed())
        .isTrue();
  }

  private static Verification verify(StandardWebhooksVerifier verifier, TestReplayCache replays, String id, long ts, String signature, String body) {
    return replays.claimed(verifier.verify(call(headers("webhook-id", id, "webhook-timestamp", Long.toString(ts), "webhook-signature", signature),
        utf8(body)), StandardWebhooksVerifierTest.ROUTE));
  }
}
