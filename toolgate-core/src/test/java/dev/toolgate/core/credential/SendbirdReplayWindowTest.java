package dev.toolgate.core.credential;

import static dev.toolgate.core.credential.TestCalls.assertNoLeak;
import static dev.toolgate.core.credential.TestCalls.call;
import static dev.toolgate.core.credential.TestCalls.headers;
import static dev.toolgate.core.credential.TestCalls.require;
import static dev.toolgate.core.credential.TestCalls.route;
import static dev.toolgate.core.credential.TestCalls.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.engine.PolicyEngine;
import java.util.List;
import dev.toolgate.core.route.Route;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code sendbird_replay_window}: the same (client, body) passes once within the window; off by default. */
class SendbirdReplayWindowTest {
  static final String PLATFORM = "sendbird";
  static final String KEY = "api-token-123";
  static final String OTHER_KEY = "api-token-456";
  static final String BODY = "{\"tool\":\"lookup_order\",\"args\":{\"id\":\"A-1\"}}";
  static final Route OFF = route(PLATFORM, PlatformConfig.withDefaults(PLATFORM), require(CredentialKind.SENDBIRD_SIGNATURE));
  static final Route FIVE_MINUTES = route(PLATFORM, PlatformConfig.withDefaults(PLATFORM).withReplay(PlatformConfig.DEFAULT_REPLAY_TOLERANCE,
      Duration.ofMinutes(5)), require(CredentialKind.SENDBIRD_SIGNATURE));

  TestReplayCache replays;
  InMemoryCredentialDirectory dir;

  @BeforeEach
  void setUp() {
    replays = new TestReplayCache();
    dir = new InMemoryCredentialDirectory().client("cli_sb", PLATFORM).signingSecret("sec_1", "cli_sb", KEY)
        .client("cli_sb2", PLATFORM).signingSecret("sec_2", "cli_sb2", OTHER_KEY);
  }

  static String sig(String key, String body) {
    return HexFormat.of().formatHex(SendbirdSignatureVerifier.hmac(utf8(key), utf8(body)));
  }

  Verification verify(Route route, String key, String body) {
    return replays.claimed(new SendbirdSignatureVerifier(dir, replays.clock)
        .verify(call(headers(PlatformConfig.DEFAULT_SIGNATURE_HEADER, sig(key, body)), utf8(body)), route));
  }

  @Test
  void offByDefault() {
    assertThat(PlatformConfig.withDefaults(PLATFORM).sendbirdReplayWindow()).isNull();
    assertThat(verify(OFF, KEY, BODY).passed()).isTrue();
    assertThat(verify(OFF, KEY, BODY).passed()).isTrue();
    assertThat(replays.entries).isEmpty();
  }

  @Test
  void theSameBodyWithinTheWindowIsReplayed() {
    Verification first = verify(FIVE_MINUTES, KEY, BODY);
    assertThat(first.passed()).as(first.detail()).isTrue();
    assertThat(first.credentialId()).isEqualTo("sec_1");
    replays.clock.advanceSeconds(299);
    Verification again = verify(FIVE_MINUTES, KEY, BODY);
    assertThat(again.passed()).isFalse();
    assertThat(again.code()).isEqualTo(DenialCode.REPLAYED);
    assertThat(again.credentialId()).isEqualTo("sec_1");
    assertThat(again.detail()).contains("sendbird_replay_window", "cli_sb", "sec_1");
    assertNoLeak(again, KEY, sig(KEY, BODY));
  }

  @Test
  void afterTheWindowTheBodyPassesAgain() {
    assertThat(verify(FIVE_MINUTES, KEY, BODY).passed()).isTrue();
    replays.clock.advanceSeconds(300);
    assertThat(verify(FIVE_MINUTES, KEY, BODY).passed()).isTrue();
    replays.clock.advanceSeconds(1);
    assertThat(verify(FIVE_MINUTES, KEY, BODY).code()).isEqualTo(DenialCode.REPLAYED);
  }

  @Test
  void anotherBodyOrAnotherClientIsAnotherKey() {
    assertThat(verify(FIVE_MINUTES, KEY, BODY).passed()).isTrue();
    assertThat(verify(FIVE_MINUTES, KEY, BODY + " ").passed()).isTrue();
    assertThat(verify(FIVE_MINUTES, OTHER_KEY, BODY).clientId()).isEqualTo("cli_sb2");
    assertThat(replays.entries).hasSize(3);
  }

  @Test
  void aForgedSignatureNeverEntersTheCache() {
    Verification v = verify(FIVE_MINUTES, "not-a-secret", BODY);
    assertThat(v.code()).isEqualTo(DenialCode.SIGNATURE_INVALID);
    assertThat(replays.entries).isEmpty();
  }

  @Test
  void anUnreachableCacheIs503() {
    replays.unavailable = true;
    assertThat(verify(FIVE_MINUTES, KEY, BODY).code()).isEqualTo(DenialCode.SHARED_STATE_UNAVAILABLE);
    assertThat(verify(OFF, KEY, BODY).passed()).as("no window: the cache is not asked").isTrue();
  }

  @Test
  void anEngineWithoutAOnceStoreRefusesAWindowedCallNeverPassesIt() {
    PolicyEngine engine = new PolicyEngine(List.of(new SendbirdSignatureVerifier(dir, replays.clock)), dir, (id, at) -> { }, replays.clock);
    var call = call(headers(PlatformConfig.DEFAULT_SIGNATURE_HEADER, sig(KEY, BODY)), utf8(BODY));
    assertThat(engine.decide(call, FIVE_MINUTES).code()).isEqualTo(DenialCode.SHARED_STATE_UNAVAILABLE);
    assertThat(engine.decide(call, OFF).allowed()).isTrue();
  }

  @Test
  void aStandardWebhooksPublicKeyIsNeverAnHmacKey() {
    String publicKey = "whpk_" + Base64.getEncoder().encodeToString(new byte[32]);
    dir = new InMemoryCredentialDirectory().client("cli_sb", PLATFORM).signingSecret("sec_pk", "cli_sb", publicKey);
    Verification v = verify(OFF, publicKey, BODY);
    assertThat(v.code()).isEqualTo(DenialCode.SIGNATURE_INVALID);
    assertThat(v.detail()).contains("no active signing secret");
  }
}
