package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigTesting.SOURCE;
import static dev.toolgate.core.config.ConfigTesting.error;
import static dev.toolgate.core.config.ConfigTesting.lines;
import static dev.toolgate.core.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** server.tls, platforms.*.client_certificates, tools[].upstream_ca and policy.mtls: paths and rules, checked before any file is read. */
class TlsConfigTest {
  static final Path BASE = SOURCE.toAbsolutePath().getParent();

  static final String SERVER = """
      server:
        port: 8443
        tls:
          certificate: tls/fullchain.pem
          key: /etc/toolgate/privkey.pem
      """;

  static final String PLATFORM = """
      platforms:
        sendbird:
          client_certificates: {ca: client-ca.pem}
      """;

  static String tool(String policy) {
    return """
        tools:
          - name: orders
            method: GET
            path: /orders
            upstream: https://orders.internal:8443
            platform: sendbird
            policy: POLICY
        """.replace("POLICY", policy);
  }

  @Test
  void allFourLoadWithPathsResolvedAgainstTheFile() {
    GatewayConfig config = parse(SERVER + PLATFORM + tool("{require: [mtls], mtls: {subjects: [\"CN=agent, O=Example\"], spiffe_ids: [spiffe://example.org/agent]}}")
        + "    upstream_ca: upstream-ca.pem\n");
    ServerTls tls = config.server().tls();
    assertThat(tls.certificate().path()).isEqualTo(BASE.resolve("tls/fullchain.pem").toString());
    assertThat(tls.certificate().at()).isEqualTo(new ConfigLocation(SOURCE, 4, "server.tls.certificate"));
    assertThat(tls.key().path()).isEqualTo("/etc/toolgate/privkey.pem");
    assertThat(tls.reloadInterval()).isEqualTo(ServerTls.DEFAULT_RELOAD_INTERVAL);
    PemFile ca = config.platforms().get("sendbird").clientCertificates().ca();
    assertThat(ca.path()).isEqualTo(BASE.resolve("client-ca.pem").toString());
    assertThat(ca.at().field()).isEqualTo("platforms.sendbird.client_certificates.ca");
    ToolConfig orders = config.tools().get(0);
    assertThat(orders.upstreamCa().at()).isEqualTo(new ConfigLocation(SOURCE, 16, "tools[0].upstream_ca"));
    assertThat(orders.policy().mtls()).isEqualTo(new MtlsPolicy(List.of("CN=agent, O=Example"), List.of("spiffe://example.org/agent")));
    assertThat(orders.policy().requires(CredentialKind.MTLS)).isTrue();
    // With TLS, the default issuer is https.
    assertThat(config.authorizationServer().issuer().toString()).isEqualTo("https://127.0.0.1:8443");
  }

  @Test
  void withoutAnMtlsSectionAnyCertificateOfThePlatformsCa() {
    GatewayConfig config = parse(SERVER + PLATFORM + tool("{require: [mtls, api_key]}"));
    assertThat(config.tools().get(0).policy().mtls()).isEqualTo(MtlsPolicy.any());
    assertThat(config.tools().get(0).upstreamCa()).isNull();
    assertThat(parse(SERVER + "  # no reload\n" + ConfigTesting.ONE_TOOL).server().tls()).isNotNull();
  }

  @Test
  void theReloadIntervalCanBeSetButNotBelowOneSecond() {
    String yaml = SERVER + "    reload_interval: 30s\n" + ConfigTesting.ONE_TOOL;
    assertThat(parse(yaml).server().tls().reloadInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(error(SERVER + "    reload_interval: 100ms\n" + ConfigTesting.ONE_TOOL).getMessage())
        .isEqualTo(SOURCE + ":6: server.tls.reload_interval: must be at least 1s, got 100ms");
  }

  @Test
  void serverTlsNeedsBothFilesAndNeverTheirContents() {
    assertThat(error("server:\n  tls: {certificate: a.pem}\n" + ConfigTesting.ONE_TOOL).getMessage())
        .startsWith(SOURCE + ":2: server.tls.key: required: the PEM file of the certificate's private key");
    assertThat(error("server:\n  tls:\n    certificate: a.pem\n    key: \"-----BEGIN PRIVATE KEY-----\\nMIGH\"\n" + ConfigTesting.ONE_TOOL).getMessage())
        .isEqualTo(SOURCE + ":4: server.tls.key: must be the path of a PEM file, not its contents: write the PEM text to a file and name that file here");
    assertThat(error("server:\n  tls: {certificate: a.pem, key: b.pem, ciphers: all}\n" + ConfigTesting.ONE_TOOL).getMessage())
        .contains("server.tls.ciphers: unknown key 'ciphers' (allowed: certificate, key, reload_interval)");
  }

  @Test
  void clientCertificatesAreAskedInTheHandshakeSoNeedServerTls() {
    ConfigException e = error(PLATFORM + ConfigTesting.ONE_TOOL);
    assertThat(e.getMessage()).isEqualTo(SOURCE + ":3: platforms.sendbird.client_certificates: client certificates are presented in the TLS"
        + " handshake, and this server speaks plain HTTP: configure `server.tls` (certificate and key)");
    assertThat(error(SERVER + "platforms:\n  sendbird:\n    client_certificates: {}\n" + ConfigTesting.ONE_TOOL).getMessage())
        .contains("platforms.sendbird.client_certificates.ca: required");
  }

  @Test
  void mtlsNeedsThePlatformsCa() {
    String noPlatform = tool("{require: [mtls]}").replace("    platform: sendbird\n", "");
    assertThat(error(SERVER + PLATFORM + noPlatform).getMessage())
        .isEqualTo(SOURCE + ":14: tools[0].policy.require[0]: mtls checks the client certificate against the CA of the tool's platform:"
            + " name the tool's `platform`, and give that platform `client_certificates: {ca: FILE}`");
    assertThat(error(SERVER + "platforms:\n  sendbird: {}\n" + tool("{require: [mtls]}")).getMessage())
        .contains("tools[0].policy.require[0]: mtls checks the client certificate against the CA of platform 'sendbird', which names none:"
            + " add `client_certificates: {ca: FILE}` under platforms.sendbird");
    assertThat(error(SERVER + PLATFORM + tool("{require: [api_key], mtls: {spiffe_ids: [spiffe://x/y]}}")).getMessage())
        .contains("tools[0].policy.mtls: policy.mtls is set but mtls is not required: add mtls to `require`, or remove the section");
  }

  @Test
  void subjectsAndSpiffeIdsAreChecked() {
    List<String> errors = lines(error(SERVER + PLATFORM + tool(
        "{require: [mtls], mtls: {subjects: [\"not a dn\", \"CN=a,O=b\", \"cn=A, o=B\"], spiffe_ids: [\"https://x\", \"spiffe://Example.org/a\", \"spiffe://e.org/a/\", []]}}")));
    assertThat(errors).anyMatch(l -> l.contains("subjects[0]: invalid distinguished name 'not a dn'"));
    assertThat(errors).anyMatch(l -> l.contains("subjects[2]: 'cn=A, o=B' is listed twice"));
    assertThat(errors).anyMatch(l -> l.contains("spiffe_ids[0]: invalid SPIFFE id 'https://x': it starts with spiffe://"));
    assertThat(errors).anyMatch(l -> l.contains("spiffe_ids[1]: invalid SPIFFE id 'spiffe://Example.org/a': spiffe://, a lower-case trust domain"));
    assertThat(errors).anyMatch(l -> l.contains("spiffe_ids[2]: invalid SPIFFE id"));
    assertThat(errors).anyMatch(l -> l.contains("spiffe_ids[3]: "));
    assertThat(error(SERVER + PLATFORM + tool("{require: [mtls], mtls: {spiffe_ids: []}}")).getMessage())
        .contains("tools[0].policy.mtls.spiffe_ids: an empty list would refuse every certificate");
  }

  @Test
  void upstreamCaIsForHttpsUpstreams() {
    String plain = tool("{anonymous: true}").replace("https://orders.internal:8443", "http://127.0.0.1:9000").replace("    platform: sendbird\n", "")
        + "    upstream_ca: ca.pem\n";
    assertThat(error(plain).getMessage()).isEqualTo(SOURCE + ":7: tools[0].upstream_ca: applies to an https upstream only: this tool's upstream"
        + " is plain http, where no certificate is checked");
  }
}
