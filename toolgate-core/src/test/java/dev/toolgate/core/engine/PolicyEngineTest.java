package dev.toolgate.core.engine;

import static dev.toolgate.core.credential.TestCalls.CLOCK;
import static dev.toolgate.core.credential.TestCalls.NOW;
import static dev.toolgate.core.credential.TestCalls.TOOL;
import static dev.toolgate.core.credential.TestCalls.assertNoLeak;
import static dev.toolgate.core.credential.TestCalls.call;
import static dev.toolgate.core.credential.TestCalls.headers;
import static dev.toolgate.core.credential.TestCalls.noHeaders;
import static dev.toolgate.core.credential.TestCalls.require;
import static dev.toolgate.core.credential.TestCalls.route;
import static dev.toolgate.core.credential.TestCalls.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.config.Policy;
import dev.toolgate.core.credential.ApiKeyVerifier;
import dev.toolgate.core.credential.InMemoryCredentialDirectory;
import dev.toolgate.core.credential.SendbirdSignatureVerifier;
import dev.toolgate.core.credential.StaticTokenVerifier;
import dev.toolgate.core.decision.Check;
import dev.toolgate.core.decision.Decision;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.port.UsageSink;
import dev.toolgate.core.request.Headers;
import dev.toolgate.core.route.Route;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {
  static final String PLATFORM = "sendbird";
  static final String SIGNING_KEY = "api-token-123";
  static final String BODY = "{\"tool\":\"lookup_order\",\"args\":{\"id\":\"A-1\"}}";
  static final String SIG = "84fbd3d10478496e8de1148660262851b60a2979231baf240cbeddbcbff57439";
  static final String KEY_1 = "tgk_client1-key-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  static final String KEY_2 = "tgk_client2-key-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
  static final String KEY_OFF = "tgk_disabled-key-CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC";
  static final String KEY_ASAPP = "tgk_asapp-key-DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD";
  static final String KEY_GHOST = "tgk_ghost-key-EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE";
  static final String TOKEN_OFF = "tgt_disabled-token-FFFFFFFFFFFFFFFFFFFFFFFFFFFFFF";
  static final String TOKEN_ASAPP = "tgt_asapp-token-GGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGG";
  static final String[] SECRETS = {SIGNING_KEY, SIG, KEY_1, KEY_2, KEY_OFF, KEY_ASAPP, KEY_GHOST, TOKEN_OFF, TOKEN_ASAPP};

  record Use(String credentialId, Instant at) {}

  final List<Use> uses = new ArrayList<>();
  final UsageSink usage = (id, at) -> uses.add(new Use(id, at));
  InMemoryCredentialDirectory dir;
  PolicyEngine engine;

  @BeforeEach
  void setUp() {
    dir = new InMemoryCredentialDirectory()
        .client("cli_1", PLATFORM).signingSecret("sec_1", "cli_1", SIGNING_KEY).apiKey("key_1", "cli_1", KEY_1, Set.of(TOOL))
        .client("cli_2", PLATFORM).apiKey("key_2", "cli_2", KEY_2, Set.of("*"))
        .client("cli_off", PLATFORM, false).apiKey("key_off", "cli_off", KEY_OFF, Set.of("*")).staticToken("tok_off", "cli_off", TOKEN_OFF)
        .client("cli_asapp", "asapp").apiKey("key_asapp", "cli_asapp", KEY_ASAPP, Set.of("*")).staticToken("tok_asapp", "cli_asapp", TOKEN_ASAPP)
        .apiKey("key_ghost", "cli_ghost", KEY_GHOST, Set.of("*")); // owner not in the directory
    engine = new PolicyEngine(List.of(
        new SendbirdSignatureVerifier(dir, CLOCK), new StaticTokenVerifier(dir, CLOCK), new ApiKeyVerifier(dir, CLOCK)),
        dir, usage, CLOCK);
  }

  static Route toolRoute(String platform, Policy policy) {
    return route(platform, PlatformConfig.withDefaults(platform == null ? "default" : platform), policy);
  }

  static final Route SIG_AND_KEY = toolRoute(PLATFORM, require(CredentialKind.SENDBIRD_SIGNATURE, CredentialKind.API_KEY));
  static final Route TOKEN_AND_KEY = toolRoute(PLATFORM, require(CredentialKind.STATIC_TOKEN, CredentialKind.API_KEY));

  Decision decide(Route route, Headers headers) {
    return engine.decide(call(headers, utf8(BODY)), route);
  }

  static List<String> names(Decision d) {
    return d.trace().stream().map(Check::name).toList();
  }

  static List<Boolean> outcomes(Decision d) {
    return d.trace().stream().map(Check::passed).toList();
  }

  void assertDenied(Decision d, DenialCode code) {
    assertThat(d.allowed()).as("allowed").isFalse();
    assertThat(d.code()).isEqualTo(code);
    assertThat(d.status()).isEqualTo(code.status());
    assertThat(d.detail()).isNotBlank();
    assertThat(uses).as("usage is recorded on allow only").isEmpty();
    assertNoLeak(d, SECRETS);
  }

  @Test
  void anonymousPolicyAllowsWithNoClient() {
    Route open = toolRoute(PLATFORM, new Policy(List.of(), true));
    Decision d = decide(open, noHeaders());
    assertThat(d.allowed()).isTrue();
    assertThat(d.status()).isEqualTo(200);
    assertThat(d.code()).isNull();
    assertThat(d.clientId()).isNull();
    assertThat(d.credentialIds()).isEmpty();
    assertThat(d.challenges()).isEmpty();
    assertThat(names(d)).containsExactly("route", "policy");
    assertThat(outcomes(d)).containsOnly(true);
    assertThat(uses).isEmpty();
  }

  @Test
  void signatureAndApiKeyBothPass() {
    Decision d = decide(SIG_AND_KEY, headers("x-sendbird-signature", SIG, "api-key", KEY_1));
    assertThat(d.allowed()).as(d.toString()).isTrue();
    assertThat(d.status()).isEqualTo(200);
    assertThat(d.code()).isNull();
    assertThat(d.clientId()).isEqualTo("cli_1");
    assertThat(d.credentialIds()).containsExactly("sec_1", "key_1");
    assertThat(d.challenges()).isEmpty();
    assertThat(names(d)).containsExactly("route", "sendbird_signature", "api_key", "client");
    assertThat(outcomes(d)).containsOnly(true);
    assertThat(d.trace().get(0).detail()).contains("POST").contains("/tools/lookup_order").contains(TOOL);
    assertThat(uses).containsExactly(new Use("sec_1", NOW), new Use("key_1", NOW));
    assertNoLeak(d, SECRETS);
  }

  @Test
  void requiredKindsRunInPolicyOrder() {
    Route keyFirst = toolRoute(PLATFORM, require(CredentialKind.API_KEY, CredentialKind.SENDBIRD_SIGNATURE));
    Decision d = decide(keyFirst, headers("x-sendbird-signature", SIG, "api-key", KEY_1));
    assertThat(d.allowed()).isTrue();
    assertThat(names(d)).containsExactly("route", "api_key", "sendbird_signature", "client");
    assertThat(d.credentialIds()).containsExactly("key_1", "sec_1");
    assertThat(uses).extracting(Use::credentialId).containsExactly("key_1", "sec_1");
  }

  @Test
  void firstCredentialFailsWithItsCodeAndChallenge() {
    Decision d = decide(SIG_AND_KEY, headers("x-sendbird-signature", "0".repeat(64), "api-key", KEY_1));
    assertDenied(d, DenialCode.SIGNATURE_INVALID);
    assertThat(d.status()).isEqualTo(401);
    assertThat(d.challenges()).containsExactly("HMAC-SHA256 realm=\"toolgate\", header=\"x-sendbird-signature\"");
    assertThat(d.clientId()).isNull();
    assertThat(d.credentialIds()).isEmpty();
    assertThat(names(d)).containsExactly("route", "sendbird_signature");
    assertThat(outcomes(d)).containsExactly(true, false);
  }

  @Test
  void firstCredentialMissing() {
    Decision d = decide(SIG_AND_KEY, headers("api-key", KEY_1));
    assertDenied(d, DenialCode.SIGNATURE_MISSING);
    assertThat(d.challenges()).containsExactly("HMAC-SHA256 realm=\"toolgate\", header=\"x-sendbird-signature\"");
    assertThat(names(d)).containsExactly("route", "sendbird_signature");
  }

  @Test
  void secondCredentialFailsWithItsCodeAndChallenge() {
    Decision d = decide(SIG_AND_KEY, headers("x-sendbird-signature", SIG));
    assertDenied(d, DenialCode.API_KEY_MISSING);
    assertThat(d.status()).isEqualTo(401);
    assertThat(d.challenges()).containsExactly("ApiKey realm=\"toolgate\", header=\"api-key\"");
    assertThat(d.credentialIds()).containsExactly("sec_1");
    assertThat(names(d)).containsExactly("route", "sendbird_signature", "api_key");
    assertThat(outcomes(d)).containsExactly(true, true, false);
  }

  @Test
  void secondCredentialInvalid() {
    Decision d = decide(SIG_AND_KEY, headers("x-sendbird-signature", SIG, "api-key", "tgk_nobody"));
    assertDenied(d, DenialCode.API_KEY_INVALID);
    assertThat(d.challenges()).containsExactly("ApiKey realm=\"toolgate\", header=\"api-key\"");
    assertNoLeak(d, "tgk_nobody");
  }

  @Test
  void forbiddenFailureHasNoChallenge() {
    dir.apiKey("key_narrow", "cli_1", "tgk_narrow-scope-key-HHHHHHHHHHHHHHHHHHHHHHHHHHH", Set.of("other_tool"));
    Decision d = decide(SIG_AND_KEY, headers("x-sendbird-signature", SIG, "api-key", "tgk_narrow-scope-key-HHHHHHHHHHHHHHHHHHHHHHHHHHH"));
    assertDenied(d, DenialCode.NOT_ALLOWED);
    assertThat(d.status()).isEqualTo(403);
    assertThat(d.challenges()).isEmpty();
    assertNoLeak(d, "tgk_narrow-scope-key-HHHHHHHHHHHHHHHHHHHHHHHHHHH");
  }

  @Test
  void credentialsOfTwoClientsAreAMismatch() {
    Decision d = decide(SIG_AND_KEY, headers("x-sendbird-signature", SIG, "api-key", KEY_2));
    assertDenied(d, DenialCode.CLIENT_MISMATCH);
    assertThat(d.status()).isEqualTo(403);
    assertThat(d.challenges()).isEmpty();
    assertThat(names(d)).containsExactly("route", "sendbird_signature", "api_key", "same_client");
    assertThat(outcomes(d)).containsExactly(true, true, true, false);
    assertThat(d.detail()).contains("cli_1").contains("cli_2");
  }

  @Test
  void disabledClient() {
    Decision d = decide(TOKEN_AND_KEY, headers("Authorization", "Bearer " + TOKEN_OFF, "api-key", KEY_OFF));
    assertDenied(d, DenialCode.CLIENT_DISABLED);
    assertThat(d.status()).isEqualTo(403);
    assertThat(d.challenges()).isEmpty();
    assertThat(d.clientId()).isEqualTo("cli_off");
    assertThat(names(d)).containsExactly("route", "static_token", "api_key", "client");
    assertThat(outcomes(d)).containsExactly(true, true, true, false);
  }

  @Test
  void clientMissingFromTheDirectoryIsRefusedLikeADisabledOne() {
    Route keyOnly = toolRoute(PLATFORM, require(CredentialKind.API_KEY));
    Decision d = decide(keyOnly, headers("api-key", KEY_GHOST));
    assertDenied(d, DenialCode.CLIENT_DISABLED);
  }

  @Test
  void clientOfAnotherPlatformThanTheTools() {
    Decision d = decide(TOKEN_AND_KEY, headers("Authorization", "Bearer " + TOKEN_ASAPP, "api-key", KEY_ASAPP));
    assertDenied(d, DenialCode.NOT_ALLOWED);
    assertThat(d.status()).isEqualTo(403);
    assertThat(d.challenges()).isEmpty();
    assertThat(names(d)).containsExactly("route", "static_token", "api_key", "platform");
    assertThat(outcomes(d)).containsExactly(true, true, true, false);
    assertThat(d.detail()).contains("asapp").contains(PLATFORM);
  }

  @Test
  void toolWithoutPlatformAcceptsAClientOfAnyPlatform() {
    Route anyPlatform = toolRoute(null, require(CredentialKind.STATIC_TOKEN, CredentialKind.API_KEY));
    Decision d = decide(anyPlatform, headers("Authorization", "Bearer " + TOKEN_ASAPP, "api-key", KEY_ASAPP));
    assertThat(d.allowed()).as(d.toString()).isTrue();
    assertThat(d.clientId()).isEqualTo("cli_asapp");
    assertThat(d.credentialIds()).containsExactly("tok_asapp", "key_asapp");
    assertThat(names(d)).containsExactly("route", "static_token", "api_key", "client");
    assertThat(uses).extracting(Use::credentialId).containsExactly("tok_asapp", "key_asapp");
  }

  @Test
  void singleCredentialPolicyAllows() {
    Route keyOnly = toolRoute(PLATFORM, require(CredentialKind.API_KEY));
    Decision d = decide(keyOnly, headers("api-key", KEY_2));
    assertThat(d.allowed()).isTrue();
    assertThat(d.clientId()).isEqualTo("cli_2");
    assertThat(d.credentialIds()).containsExactly("key_2");
    assertThat(names(d)).containsExactly("route", "api_key", "client");
    assertThat(uses).containsExactly(new Use("key_2", NOW));
  }

  @Test
  void signatureComputedWithTheKeyPasses() {
    // Guard for the constants: SIG is HMAC(SIGNING_KEY, BODY).
    assertThat(HexFormat.of().formatHex(SendbirdSignatureVerifier.hmac(utf8(SIGNING_KEY), utf8(BODY)))).isEqualTo(SIG);
  }

  @Test
  void nonAnonymousPolicyWithNothingRequiredFailsClosed() {
    // Config validation refuses this policy; the engine must still not allow it.
    Route nothing = toolRoute(PLATFORM, new Policy(List.of(), false));
    Decision d = decide(nothing, noHeaders());
    assertDenied(d, DenialCode.NOT_ALLOWED);
  }

  @Test
  void anonymousFlagDoesNotWaiveListedCredentials() {
    Policy contradictory;
    try {
      contradictory = new Policy(List.of(CredentialKind.API_KEY), true);
    } catch (IllegalArgumentException refused) {
      return; // a Policy that refuses the combination is a fix too
    }
    Decision d = decide(toolRoute(PLATFORM, contradictory), noHeaders());
    assertThat(d.allowed()).isFalse();
    assertThat(d.code()).isEqualTo(DenialCode.API_KEY_MISSING);
  }

  @Test
  void checkCoversThrowsWhenAVerifierIsMissing() {
    PolicyEngine signatureOnly = new PolicyEngine(List.of(new SendbirdSignatureVerifier(dir, CLOCK)), dir, UsageSink.NONE, CLOCK);
    Route needsKey = route("needs_key", PLATFORM, PlatformConfig.withDefaults(PLATFORM), require(CredentialKind.SENDBIRD_SIGNATURE, CredentialKind.API_KEY));
    Route open = route("open", PLATFORM, PlatformConfig.withDefaults(PLATFORM), new Policy(List.of(), true));
    Route sigOnly = route("sig_only", PLATFORM, PlatformConfig.withDefaults(PLATFORM), require(CredentialKind.SENDBIRD_SIGNATURE));

    assertThatThrownBy(() -> signatureOnly.checkCovers(List.of(sigOnly, needsKey, open)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs_key")
        .hasMessageContaining("api_key");
    assertThatCode(() -> signatureOnly.checkCovers(List.of(sigOnly, open))).doesNotThrowAnyException();
    assertThatCode(() -> signatureOnly.checkCovers(List.of())).doesNotThrowAnyException();
    assertThatCode(() -> engine.checkCovers(List.of(needsKey, open, sigOnly, TOKEN_AND_KEY))).doesNotThrowAnyException();
  }
}
