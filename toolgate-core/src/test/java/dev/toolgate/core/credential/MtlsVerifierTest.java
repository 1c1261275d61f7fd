package dev.toolgate.core.credential;

import static dev.toolgate.core.credential.TestCalls.CLOCK;
import static dev.toolgate.core.credential.TestCalls.NOW;
import static dev.toolgate.core.credential.TestCalls.TOOL;
import static dev.toolgate.core.credential.TestCalls.TOOL_PATH;
import static dev.toolgate.core.credential.TestCalls.headers;
import static dev.toolgate.core.credential.TestCalls.noHeaders;
import static dev.toolgate.core.credential.TestCalls.route;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.MtlsPolicy;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.config.Policy;
import dev.toolgate.core.decision.Decision;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.engine.PolicyEngine;
import dev.toolgate.core.request.ClientCertificate;
import dev.toolgate.core.request.Headers;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.RequestPath;
import dev.toolgate.core.route.Route;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code mtls}: a certificate of the tool's platform's CA, within its dates, naming an allowed subject or SPIFFE id. */
class MtlsVerifierTest {
  static final String PLATFORM = "sendbird";
  static final String SPIFFE = "spiffe://example.org/agents/support";
  final MtlsVerifier verifier = new MtlsVerifier(CLOCK);

  static ClientCertificate certificate(String subject, List<String> uris, String platform, String problem) {
    return new ClientCertificate(subject, uris, List.of(), "q8Zt0Y1pFZ9nYkVw3HqkQ5n3x2dWk1m9fA4sT7uJ0bE", NOW.plus(Duration.ofDays(30)),
        platform, problem);
  }

  static final ClientCertificate AGENT = certificate("CN=support-agent,O=Example Corp", List.of(SPIFFE), PLATFORM, null);

  static Route tool(MtlsPolicy policy, CredentialKind... kinds) {
    Policy p = new Policy(List.of(kinds), false, null, null, null, policy);
    return route(PLATFORM, PlatformConfig.withDefaults(PLATFORM), p);
  }

  static ToolCall call(Headers headers, ClientCertificate certificate) {
    return new ToolCall("req-1", "POST", RequestPath.parse(TOOL_PATH).orElseThrow(), null, headers, new byte[0], "127.0.0.1", Map.of(),
        certificate);
  }

  Verification verify(MtlsPolicy policy, ClientCertificate certificate) {
    return verifier.verify(call(noHeaders(), certificate), tool(policy, CredentialKind.MTLS));
  }

  @Test
  void aCertificateOfThePlatformsCaPassesWithoutNamingAClient() {
    Verification v = verify(MtlsPolicy.any(), AGENT);
    assertThat(v.passed()).isTrue();
    assertThat(v.clientId()).isNull();
    assertThat(v.subject()).isNull();
    assertThat(v.credentialId()).isEqualTo("x5t#S256:" + AGENT.thumbprint());
    assertThat(v.detail()).isEqualTo("client certificate CN=support-agent,O=Example Corp (" + SPIFFE + ") issued under the CA of platform sendbird");
  }

  @Test
  void noCertificateIsMissing() {
    Verification v = verify(MtlsPolicy.any(), null);
    assertThat(v.code()).isEqualTo(DenialCode.CLIENT_CERTIFICATE_MISSING);
    assertThat(v.code().status()).isEqualTo(401);
    assertThat(verifier.challenge(tool(MtlsPolicy.any(), CredentialKind.MTLS), v)).isEqualTo("ClientCertificate realm=\"toolgate\"");
  }

  @Test
  void aCertificateTheCaRefusedOrOfAnotherPlatformOrPastItsDatesIsInvalid() {
    Verification foreign = verify(MtlsPolicy.any(), certificate("CN=x", List.of(), PLATFORM, "it was not issued by the CA of platform sendbird"));
    assertThat(foreign.code()).isEqualTo(DenialCode.CLIENT_CERTIFICATE_INVALID);
    assertThat(foreign.detail()).isEqualTo("client certificate CN=x is refused: it was not issued by the CA of platform sendbird");
    assertThat(foreign.credentialId()).startsWith("x5t#S256:");

    Verification otherPlatform = verify(MtlsPolicy.any(), certificate("CN=x", List.of(), "asapp", null));
    assertThat(otherPlatform.code()).isEqualTo(DenialCode.CLIENT_CERTIFICATE_INVALID);
    assertThat(otherPlatform.detail()).contains("checked against platform asapp, not sendbird");

    ClientCertificate lapsed = new ClientCertificate("CN=x", List.of(), List.of(), "t", NOW.minusSeconds(1), PLATFORM, null);
    Verification expired = verify(MtlsPolicy.any(), lapsed);
    assertThat(expired.code()).isEqualTo(DenialCode.CLIENT_CERTIFICATE_INVALID);
    assertThat(expired.detail()).contains("its chain expired at " + NOW.minusSeconds(1));
  }

  @Test
  void listedSubjectsMatchInAnySpellingAndSpiffeIdsExactly() {
    assertThat(verify(new MtlsPolicy(List.of("cn=Support-Agent, o=example corp"), List.of()), AGENT).passed()).isTrue();
    assertThat(verify(new MtlsPolicy(List.of(), List.of(SPIFFE)), AGENT).passed()).isTrue();
    assertThat(verify(new MtlsPolicy(List.of("CN=other"), List.of(SPIFFE)), AGENT).passed()).isTrue();

    Verification wrongId = verify(new MtlsPolicy(List.of(), List.of("spiffe://example.org/agents/billing")), AGENT);
    assertThat(wrongId.code()).isEqualTo(DenialCode.CLIENT_CERTIFICATE_NOT_ALLOWED);
    assertThat(wrongId.code().status()).isEqualTo(403);
    assertThat(wrongId.detail()).isEqualTo("client certificate CN=support-agent,O=Example Corp (" + SPIFFE + ") is valid, but tool " + TOOL
        + " allows only SPIFFE ids spiffe://example.org/agents/billing");
    assertThat(verify(new MtlsPolicy(List.of(), List.of(SPIFFE.toUpperCase())), AGENT).passed()).isFalse();

    // An X.509-SVID carries exactly one URI: with two, neither is its SPIFFE id.
    ClientCertificate twoUris = certificate("CN=a", List.of(SPIFFE, "https://example.org"), PLATFORM, null);
    assertThat(verify(new MtlsPolicy(List.of(), List.of(SPIFFE)), twoUris).code()).isEqualTo(DenialCode.CLIENT_CERTIFICATE_NOT_ALLOWED);
  }

  @Test
  void withAClientCredentialTheClientComesFromThatOne() {
    InMemoryCredentialDirectory dir = new InMemoryCredentialDirectory().client("cli_1", PLATFORM)
        .apiKey("key_1", "cli_1", ApiKeyVerifierTest.KEY, Set.of(TOOL));
    PolicyEngine engine = new PolicyEngine(List.of(verifier, new ApiKeyVerifier(dir, CLOCK)), dir, (id, at) -> { }, CLOCK);
    Route both = tool(MtlsPolicy.any(), CredentialKind.MTLS, CredentialKind.API_KEY);

    Decision allowed = engine.decide(call(headers("api-key", ApiKeyVerifierTest.KEY), AGENT), both);
    assertThat(allowed.allowed()).isTrue();
    assertThat(allowed.clientId()).isEqualTo("cli_1");
    assertThat(allowed.credentialIds()).containsExactly("x5t#S256:" + AGENT.thumbprint(), "key_1");

    Decision alone = engine.decide(call(noHeaders(), AGENT), tool(MtlsPolicy.any(), CredentialKind.MTLS));
    assertThat(alone.allowed()).isTrue();
    assertThat(alone.clientId()).isNull();

    Decision none = engine.decide(call(headers("api-key", ApiKeyVerifierTest.KEY), null), both);
    assertThat(none.code()).isEqualTo(DenialCode.CLIENT_CERTIFICATE_MISSING);
    assertThat(none.challenges()).containsExactly("ClientCertificate realm=\"toolgate\"");
  }
}
