package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigTesting.error;
import static dev.toolgate.core.config.ConfigTesting.lines;
import static dev.toolgate.core.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.core.route.RouteTable;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The replay-protected signature kinds and the platform keys that tune them. */
class ReplayConfigTest {

  /** Platform {@code hooks} with the given settings (lines from 3), and one tool of it requiring {@code kinds}. */
  private static String config(String platformLines, String kinds) {
    return "platforms:\n"
        + "  hooks:\n"
        + platformLines
        + "tools:\n"
        + "  - name: hook\n"
        + "    method: POST\n"
        + "    path: /hook\n"
        + "    upstream: http://127.0.0.1:9000\n"
        + "    platform: hooks\n"
        + "    policy:\n"
        + "      require: [" + kinds + "]\n";
  }

  private static PlatformConfig platform(String platformLines) {
    return parse(config(platformLines, "standard_webhooks")).platforms().get("hooks");
  }

  private static void assertError(String yaml, int line, String field, String message) {
    ConfigException e = error(yaml);
    assertThat(lines(e)).as(e.getMessage()).hasSize(1);
    assertThat(e.line()).as(e.getMessage()).isEqualTo(line);
    assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
    assertThat(e.getMessage()).isEqualTo("toolgate.yaml:" + line + ": " + field + ": " + message);
  }

  // ------------------------------------------------------------------ kinds

  @Test
  void theNewKindsAreRequirableAndNeedTheBody() {
    GatewayConfig config = parse(config("    {}\n", "standard_webhooks, api_key"));
    assertThat(config.tools().get(0).policy().require()).containsExactly(CredentialKind.STANDARD_WEBHOOKS, CredentialKind.API_KEY);
    assertThat(RouteTable.from(config).routes().get(0).needsBody()).isTrue();

    config = parse(config("    {}\n", "stripe_signature"));
    assertThat(config.tools().get(0).policy().require()).containsExactly(CredentialKind.STRIPE_SIGNATURE);
    assertThat(RouteTable.from(config).routes().get(0).needsBody()).isTrue();
  }

  @Test
  void theUnknownKindMessageListsThem() {
    assertError(config("    {}\n", "standard_webhook"), 11, "tools[0].policy.require[0]",
        "unknown credential kind 'standard_webhook' (known: sendbird_signature, static_token, api_key, client_token, user_token,"
            + " external_jwt, standard_webhooks, stripe_signature, mtls)");
  }

  // ------------------------------------------------------------------ platform keys

  @Test
  void defaults() {
    PlatformConfig p = platform("    {}\n");
    assertThat(p.replayTolerance()).isEqualTo(Duration.ofMinutes(5));
    assertThat(p.sendbirdReplayWindow()).isNull();
    assertThat(p.stripeSignatureHeader()).isEqualTo("stripe-signature");
    assertThat(p).isEqualTo(PlatformConfig.withDefaults("hooks"));
  }

  @Test
  void everyKeySet() {
    PlatformConfig p = platform("""
            replay_tolerance: 90s
            sendbird_replay_window: 10m
            stripe_signature_header: X-Partner-Signature
        """);
    assertThat(p.replayTolerance()).isEqualTo(Duration.ofSeconds(90));
    assertThat(p.sendbirdReplayWindow()).isEqualTo(Duration.ofMinutes(10));
    assertThat(p.stripeSignatureHeader()).isEqualTo("x-partner-signature");
  }

  @Test
  void theLimitsAreAccepted() {
    assertThat(platform("    replay_tolerance: 1s\n    sendbird_replay_window: 1h\n").replayTolerance()).isEqualTo(Duration.ofSeconds(1));
    assertThat(platform("    replay_tolerance: 3600000ms\n").replayTolerance()).isEqualTo(Duration.ofHours(1));
  }

  @ParameterizedTest
  @CsvSource(delimiterString = "##", quoteCharacter = '"', value = {
      "replay_tolerance: 1500ms ## platforms.hooks.replay_tolerance ## must be a whole number of seconds (signed timestamps are counted in seconds), got 1500ms",
      "replay_tolerance: 61m ## platforms.hooks.replay_tolerance ## must be at most 1h, got 61m: a signed timestamp may be this far from now, and every accepted message is remembered this long",
      "replay_tolerance: 0s ## platforms.hooks.replay_tolerance ## duration must be positive, got '0s'",
      "replay_tolerance: 300 ## platforms.hooks.replay_tolerance ## duration '300' has no unit (use a whole number followed by ms, s, m or h, e.g. 250ms, 10s, 2m)",
      "sendbird_replay_window: 2h ## platforms.hooks.sendbird_replay_window ## must be at most 1h, got 2h: every accepted body is remembered this long",
      "sendbird_replay_window: 250ms ## platforms.hooks.sendbird_replay_window ## must be a whole number of seconds (signed timestamps are counted in seconds), got 250ms",
      "sendbird_replay_window: off ## platforms.hooks.sendbird_replay_window ## invalid duration 'off' (use a whole number followed by ms, s, m or h, e.g. 250ms, 10s, 2m)",
      "stripe_signature_header: 'stripe signature' ## platforms.hooks.stripe_signature_header ## invalid HTTP header name 'stripe signature' (letters, digits and !#$%&'*+.^_`|~-, no spaces or ':')",
      "stripe_signature_header: Api-Key ## platforms.hooks.stripe_signature_header ## stripe_signature_header and api_key_header must be different headers (both are 'api-key')",
      "stripe_signature_header: x-sendbird-signature ## platforms.hooks.stripe_signature_header ## stripe_signature_header and signature_header must be different headers (both are 'x-sendbird-signature')",
      "replay_tolernce: 5m ## platforms.hooks.replay_tolernce ## unknown key 'replay_tolernce' (allowed: signature_header, signature_encoding, api_key_header, replay_tolerance, sendbird_replay_window, stripe_signature_header, allowed_ips, user, client_certificates; did you mean 'replay_tolerance'?)",
  })
  void wrongValues(String line, String field, String message) {
    assertError(config("    " + line + "\n", "standard_webhooks"), 3, field, message);
  }

  @Test
  void aPlatformHeaderMovedOntoTheStripeHeaderIsReportedThere() {
    assertError(config("    signature_header: stripe-signature\n", "sendbird_signature"), 3, "platforms.hooks.signature_header",
        "stripe_signature_header and signature_header must be different headers (both are 'stripe-signature')");
  }

  @Test
  void aNullValueKeepsTheDefault() {
    PlatformConfig p = platform("    replay_tolerance:\n    sendbird_replay_window:\n");
    assertThat(p.replayTolerance()).isEqualTo(PlatformConfig.DEFAULT_REPLAY_TOLERANCE);
    assertThat(p.sendbirdReplayWindow()).isNull();
  }

  // ------------------------------------------------------------------ one header, one credential

  @Test
  void aUserTokenInTheStripeHeaderIsRefusedEvenWhenStripeIsNotRequired() {
    String yaml = config("    {}\n", "api_key, user_token") + "      user_token: {header: Stripe-Signature}\n";
    assertError(yaml, 12, "tools[0].policy.user_token.header",
        "user_token reads the header 'stripe-signature', which is the stripe_signature_header of platform 'hooks', where the platform"
            + " sends its request signature: set user_token.header to another header");
  }

  @Test
  void aUserTokenInAWebhookHeaderCompetesWithStandardWebhooks() {
    String yaml = config("    {}\n", "standard_webhooks, user_token") + "      user_token: {header: webhook-id, scheme: \"\"}\n";
    assertError(yaml, 12, "tools[0].policy.user_token.header",
        "standard_webhooks and user_token both read `webhook-id ...`: they would compete for one header (a request carries one"
            + " webhook-id value); set user_token.header to another header");
  }

  @Test
  void webhookHeadersAreFreeForAToolWithoutStandardWebhooks() {
    String yaml = config("    {}\n", "api_key, user_token") + "      user_token: {header: webhook-id, scheme: \"\"}\n";
    assertThat(parse(yaml).tools().get(0).policy().userToken().header()).isEqualTo("webhook-id");
  }

  @Test
  void allThreeSignatureKindsTogetherLoad() {
    Policy p = parse(config("    {}\n", "sendbird_signature, standard_webhooks, stripe_signature")).tools().get(0).policy();
    assertThat(p.require()).hasSize(3);
  }

  // ------------------------------------------------------------------ the starter file

  @Test
  void theStarterShowsTheDefaultsAndItsCommentedWebhookToolLoads() {
    String text = StarterConfig.text();
    assertThat(text).contains("    replay_tolerance: 5m\n", "    # sendbird_replay_window: 5m\n", "    stripe_signature_header: stripe-signature\n");
    int start = text.indexOf("  # - name: order_events\n");
    assertThat(start).isPositive();
    int end = text.indexOf("\n\n", start);
    String block = text.substring(start, end).replaceAll("(?m)^( *)# ?", "$1");
    GatewayConfig config = parse(text.substring(0, start) + block + text.substring(end));
    ToolConfig events = config.tools().stream().filter(t -> t.name().equals("order_events")).findFirst().orElseThrow();
    assertThat(events.policy().require()).containsExactly(CredentialKind.STANDARD_WEBHOOKS);
  }

  // ------------------------------------------------------------------ the record

  @Test
  void theRecordRefusesOutOfRangeValues() {
    PlatformConfig d = PlatformConfig.withDefaults("p");
    assertThatThrownBy(() -> d.withReplay(Duration.ZERO, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withReplay(Duration.ofHours(2), null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withReplay(Duration.ofMinutes(5), Duration.ofMillis(10))).isInstanceOf(IllegalArgumentException.class);
    assertThat(d.withReplay(Duration.ofMinutes(5), Duration.ofMinutes(5)).sendbirdReplayWindow()).isEqualTo(Duration.ofMinutes(5));
    assertThat(new PlatformConfig("p", "x-sendbird-signature", SignatureEncoding.HEX_LOWER, "api-key")).isEqualTo(d);
    assertThat(List.of(d.replayTolerance(), d.stripeSignatureHeader())).containsExactly(Duration.ofMinutes(5), "stripe-signature");
  }
}
