package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigLoaderErrorsTest.assertError;
import static dev.toolgate.core.config.ConfigTesting.ONE_TOOL;
import static dev.toolgate.core.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The code-flow keys of {@code authorization_server:}: resources, authorization_code, client_metadata_documents, registration. */
class CodeFlowConfigTest {

  /** An authorization_server section whose lines start at line 2. */
  private static String auth(String body) {
    return "authorization_server:\n" + body + ONE_TOOL;
  }

  private static CodeFlowSettings read(String yaml) {
    return parse(yaml).authorizationServer().codeFlow();
  }

  @Test
  void defaults() {
    CodeFlowSettings c = read(ONE_TOOL);
    assertThat(c).isEqualTo(CodeFlowSettings.defaults());
    assertThat(c.codeTtl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.refreshTokenTtl()).isEqualTo(Duration.ofHours(24));
    assertThat(c.clientMetadata().enabled()).isTrue();
    assertThat(c.clientMetadata().allowPrivateAddresses()).isFalse();
    assertThat(c.registration().mode()).isEqualTo(RegistrationSettings.Mode.OFF);
    // A shorter max_token_ttl shortens the default refresh lifetime with it.
    assertThat(read(auth("  max_token_ttl: 10h\n")).refreshTokenTtl()).isEqualTo(Duration.ofHours(10));
  }

  @Test
  void everythingWritten() {
    CodeFlowSettings c = read(auth("""
          max_token_ttl: 720h
          resources: [https://mcp.example.com/mcp, "urn:example:mcp"]
          authorization_code:
            code_ttl: 30s
            refresh_token_ttl: 168h
            refresh_reuse_grace: 5s
          client_metadata_documents:
            enabled: false
            allow_domains: [Example.COM]
            deny_domains: [bad.example.com]
            allow_private_addresses: true
            trust_ca_file: ca.pem
            max_bytes: 4096
            timeout: 2s
            cache_min: 10s
            cache_max: 1h
          registration:
            mode: initial_access_token
            initial_access_token_env: MY_REG_TOKEN
            max_per_hour: 3
        """));
    assertThat(c.resources()).containsExactly("https://mcp.example.com/mcp", "urn:example:mcp");
    assertThat(c.codeTtl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.refreshTokenTtl()).isEqualTo(Duration.ofHours(168));
    assertThat(c.refreshReuseGrace()).isEqualTo(Duration.ofSeconds(5));
    ClientMetadataSettings m = c.clientMetadata();
    assertThat(m.enabled()).isFalse();
    assertThat(m.allowDomains()).isEqualTo(List.of("example.com"));
    assertThat(m.denyDomains()).isEqualTo(List.of("bad.example.com"));
    assertThat(m.allowPrivateAddresses()).isTrue();
    assertThat(m.trustCaFile()).isNotNull().hasFileName("ca.pem").isAbsolute();
    assertThat(m.maxBytes()).isEqualTo(4096);
    assertThat(m.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(m.cacheMin()).isEqualTo(Duration.ofSeconds(10));
    assertThat(m.cacheMax()).isEqualTo(Duration.ofHours(1));
    assertThat(c.registration()).isEqualTo(new RegistrationSettings(RegistrationSettings.Mode.INITIAL_ACCESS_TOKEN, "MY_REG_TOKEN", 3));
  }

  @Test
  void registrationModesAsWritten() {
    assertThat(read(auth("  registration:\n    mode: off\n")).registration().mode()).isEqualTo(RegistrationSettings.Mode.OFF);
    assertThat(read(auth("  registration:\n    mode: open\n")).registration().mode()).isEqualTo(RegistrationSettings.Mode.OPEN);
  }

  @Test
  void wrongValuesAreNamed() {
    assertError(auth("  resources: [\"https://mcp.example.com/mcp#x\"]\n"), 2, "authorization_server.resources[0]", "must not have a fragment");
    assertError(auth("  authorization_code:\n    code_ttl: 1h\n"), 3, "authorization_server.authorization_code.code_ttl", "must be at most 10m");
    assertError(auth("  authorization_code:\n    refresh_reuse_grace: 5m\n"), 3, "authorization_server.authorization_code.refresh_reuse_grace",
        "must be at most 60s");
    assertError(auth("  authorization_code:\n    refresh_token_ttl: 48h\n"), 3, "authorization_server.authorization_code.refresh_token_ttl",
        "must not exceed authorization_server.max_token_ttl");
    assertError(auth("  authorization_code:\n    code_tll: 1m\n"), 3, "authorization_server.authorization_code.code_tll", "did you mean 'code_ttl'");
    assertError(auth("  client_metadata_documents:\n    allow_domains: [\"https://example.com\"]\n"), 3,
        "authorization_server.client_metadata_documents.allow_domains[0]", "must be a domain name");
    assertError(auth("  client_metadata_documents:\n    max_bytes: 10\n"), 3, "authorization_server.client_metadata_documents.max_bytes", "256");
    assertError(auth("  client_metadata_documents:\n    cache_min: 2h\n    cache_max: 1h\n"), 3,
        "authorization_server.client_metadata_documents.cache_min", "must not exceed cache_max");
    assertError(auth("  registration:\n    mode: Open\n"), 3, "authorization_server.registration.mode", "unknown registration mode");
    assertError(auth("  registration:\n    initial_access_token_env: \"MY-TOKEN\"\n"), 3,
        "authorization_server.registration.initial_access_token_env", "environment variable name");
    assertError(auth("  registration:\n    max_per_hour: 0\n"), 3, "authorization_server.registration.max_per_hour", "1");
  }
}
