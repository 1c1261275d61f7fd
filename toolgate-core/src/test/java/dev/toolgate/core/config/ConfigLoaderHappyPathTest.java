package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigTesting.ONE_TOOL;
import static dev.toolgate.core.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.token.SigningAlgorithm;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderHappyPathTest {

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(ConfigLoaderHappyPathTest.class.getResource("/config/" + name).toURI());
  }

  @Test
  void everyKeySet() throws Exception {
    Path file = resource("full.yaml");
    GatewayConfig config = ConfigLoader.load(file);

    assertThat(config.source()).isEqualTo(file);
    assertThat(config.server()).isEqualTo(new ServerSettings("0.0.0.0", 9443, 512 * 1024, Duration.ofMillis(2500), Duration.ofMinutes(1)));
    assertThat(config.store().kind()).isEqualTo(StoreSettings.Kind.POSTGRESQL);
    assertThat(config.store().path()).isNull();
    assertThat(config.store().url()).isEqualTo("jdbc:postgresql://db.internal:5432/toolgate");
    assertThat(config.store().user()).isEqualTo("toolgate");
    assertThat(config.store().passwordEnv()).isEqualTo("TOOLGATE_DB_PASSWORD");
    assertThat(config.store().masterKeyFile()).isEqualTo(file.getParent().resolve("keys/toolgate.key").toString());
    assertThat(config.audit()).isEqualTo(new AuditSettings(1000, Duration.ofSeconds(1))
        .withDurability(AuditDurability.DURABLE, AuditSettings.DEFAULT_BATCH_DELAY));

    assertThat(config.platforms()).containsOnlyKeys("sendbird", "asapp");
    assertThat(config.platforms().get("sendbird"))
        .isEqualTo(new PlatformConfig("sendbird", "x-sendbird-signature", SignatureEncoding.HEX, "api-key"));
    assertThat(config.platforms().get("asapp")).isEqualTo(PlatformConfig.withDefaults("asapp"));

    List<ToolConfig> tools = config.tools();
    assertThat(tools).extracting(ToolConfig::name).containsExactly("order_status", "profile", "health", "get_profile", "partner_orders");
    ToolConfig order = tools.get(0);
    assertThat(order.method()).isEqualTo("GET");
    assertThat(order.path()).isEqualTo("/orders/{order_id}");
    assertThat(order.upstream().getScheme()).isEqualTo("https");
    assertThat(order.upstream().getHost()).isEqualTo("orders.internal");
    assertThat(order.upstream().getPort()).isEqualTo(8443);
    assertThat(order.upstream().getPath()).isEqualTo("/api/orders/{order_id}");
    assertThat(order.platform()).isEqualTo("sendbird");
    assertThat(order.policy()).isEqualTo(new Policy(List.of(CredentialKind.SENDBIRD_SIGNATURE, CredentialKind.API_KEY), false));
    assertThat(order.line()).isEqualTo(24);

    ToolConfig profile = tools.get(1);
    assertThat(profile.method()).isEqualTo("*");
    assertThat(profile.upstream().toString()).isEqualTo("http://127.0.0.1:9000");
    assertThat(profile.platform()).isEqualTo("asapp");
    assertThat(profile.policy()).isEqualTo(new Policy(List.of(CredentialKind.STATIC_TOKEN), false));
    assertThat(profile.line()).isEqualTo(32);

    ToolConfig health = tools.get(2);
    assertThat(health.platform()).isNull();
    assertThat(health.upstream().getHost()).isEqualTo("[::1]");
    assertThat(health.policy()).isEqualTo(new Policy(List.of(), true));
    assertThat(health.line()).isEqualTo(40);

    ToolConfig getProfile = tools.get(3);
    assertThat(getProfile.line()).isEqualTo(46);
    assertThat(getProfile.policy()).isEqualTo(new Policy(
        List.of(CredentialKind.CLIENT_TOKEN, CredentialKind.USER_TOKEN, CredentialKind.API_KEY), false,
        new ClientTokenPolicy(List.of("profile.read"), "https://api.example.com"),
        new UserTokenPolicy("customer-auth", "JWT", "/context/jwt", "jwt", "okta", List.of("profile.read")),
        null));
    assertThat(tools.get(4).policy()).isEqualTo(new Policy(List.of(CredentialKind.EXTERNAL_JWT), false, null, null,
        new ExternalJwtPolicy("okta", "x-partner-jwt", "", List.of("orders.read"))));

    assertThat(config.authorizationServer()).isEqualTo(new AuthServerSettings(
        URI.create("https://gateway.example.com"),
        SigningAlgorithm.ES256,
        Duration.ofMinutes(30),
        Duration.ofHours(12),
        "https://api.example.com",
        new CustomerTokenSettings(Duration.ofHours(2), List.of("toolgate", "asapp"), List.of("profile.read"),
            CustomerTokenSettings.Subject.USER_ID),
        new PasswordHashSettings(47104, 1, 2),
        new LoginThrottleSettings(10, 50, Duration.ofMinutes(30)),
        new CodeFlowSettings(List.of(), Duration.ofSeconds(60), Duration.ofHours(12), Duration.ofSeconds(10),
            ClientMetadataSettings.defaults(), RegistrationSettings.defaults())));
    assertThat(config.trustedIssuers()).containsOnlyKeys("okta");
    assertThat(config.trustedIssuers().get("okta")).isEqualTo(new TrustedIssuer("okta",
        "https://example.okta.com/oauth2/default", URI.create("https://example.okta.com/oauth2/default/v1/keys"),
        List.of("api://toolgate"), Set.of("RS256", "ES256"), Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMinutes(1), 92));
  }

  @Test
  void onlyToolsGivesDefaultsEverywhereElse() {
    GatewayConfig config = parse(ONE_TOOL);
    Path dir = Path.of("toolgate.yaml").toAbsolutePath().getParent();

    assertThat(config.server()).isEqualTo(ServerSettings.defaults());
    assertThat(config.audit()).isEqualTo(AuditSettings.defaults());
    assertThat(config.platforms()).isEmpty();
    assertThat(config.authorizationServer()).isEqualTo(AuthServerSettings.defaults(ServerSettings.defaults()));
    assertThat(config.trustedIssuers()).isEmpty();
    StoreSettings d = StoreSettings.defaults();
    assertThat(config.store()).isEqualTo(new StoreSettings(StoreSettings.Kind.SQLITE,
        dir.resolve(d.path()).toString(), null, null, null, dir.resolve(d.masterKeyFile()).toString()));
    assertThat(config.tools()).singleElement().satisfies(t -> {
      assertThat(t.name()).isEqualTo("health");
      assertThat(t.line()).isEqualTo(2);
      assertThat(t.policy().anonymous()).isTrue();
    });
  }

  @Test
  void emptySectionsMeanDefaults() {
    GatewayConfig config = parse("server:\nstore: {}\naudit:\nplatforms:\n  sendbird:\n" + ONE_TOOL);
    assertThat(config.server()).isEqualTo(ServerSettings.defaults());
    assertThat(config.audit()).isEqualTo(AuditSettings.defaults());
    assertThat(config.store().kind()).isEqualTo(StoreSettings.Kind.SQLITE);
    assertThat(config.platforms()).containsExactlyEntriesOf(java.util.Map.of("sendbird", PlatformConfig.withDefaults("sendbird")));
  }

  @Test
  void relativeStorePathsResolveAgainstTheConfigFileDirectoryAbsoluteOnesAreKept(@TempDir Path dir) throws IOException, URISyntaxException {
    Path file = dir.resolve("conf/toolgate.yaml");
    Files.createDirectories(file.getParent());
    Files.copy(resource("sqlite-relative.yaml"), file);

    StoreSettings store = ConfigLoader.load(file).store();

    assertThat(store.kind()).isEqualTo(StoreSettings.Kind.SQLITE);
    assertThat(store.path()).isEqualTo(dir.resolve("conf/data/toolgate.db").toString());
    assertThat(store.masterKeyFile()).isEqualTo("/etc/toolgate/master.key");
  }

  @Test
  void toolWithoutPlatformRequiringSignatureOrApiKeyIsFine() {
    GatewayConfig config = parse("""
        tools:
          - name: signed
            method: POST
            path: /signed
            upstream: http://127.0.0.1:9000
            policy:
              require: [sendbird_signature, api_key, static_token]
        """);
    assertThat(config.tools().get(0).platform()).isNull();
    assertThat(config.tools().get(0).policy().require())
        .containsExactly(CredentialKind.SENDBIRD_SIGNATURE, CredentialKind.API_KEY, CredentialKind.STATIC_TOKEN);
  }

  @Test
  void sizesAndDurationsInEveryAcceptedForm() {
    GatewayConfig config = parse("""
        server:
          max_body_bytes: 1048576
          upstream_timeout: 250ms
          shutdown_grace: 2m
        audit:
          flush_interval: 1h
        """ + ONE_TOOL);
    assertThat(config.server().maxBodyBytes()).isEqualTo(1_048_576L);
    assertThat(config.server().upstreamTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.server().shutdownGrace()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.audit().flushInterval()).isEqualTo(Duration.ofHours(1));
    assertThat(parse("server: {max_body_bytes: 2MiB}\n" + ONE_TOOL).server().maxBodyBytes()).isEqualTo(2L << 20);
    assertThat(parse("server: {max_body_bytes: \"100B\"}\n" + ONE_TOOL).server().maxBodyBytes()).isEqualTo(100L);
    assertThat(parse("server: {port: 0}\n" + ONE_TOOL).server().port()).isZero();
  }

  @Test
  void portLimitsAreInclusive() {
    assertThat(parse("server: {port: 65535}\n" + ONE_TOOL).server().port()).isEqualTo(65535);
    assertThat(parse("audit: {batch_size: 1}\n" + ONE_TOOL).audit().batchSize()).isEqualTo(1);
    assertThat(parse("audit: {batch_size: 100000}\n" + ONE_TOOL).audit().batchSize()).isEqualTo(100_000);
  }

  @Test
  void anchorsAndAliasesMayShareAPolicy() {
    GatewayConfig config = parse("""
        tools:
          - name: a
            method: GET
            path: /a
            upstream: http://127.0.0.1:9000
            policy: &signed
              require: [sendbird_signature]
          - name: b
            method: GET
            path: /b
            upstream: http://127.0.0.1:9000
            policy: *signed
        """);
    assertThat(config.tools()).extracting(ToolConfig::policy).containsOnly(new Policy(List.of(CredentialKind.SENDBIRD_SIGNATURE), false));
  }

  @Test
  void byteOrderMarkIsIgnored() {
    assertThat(parse("\uFEFF" + ONE_TOOL).tools()).hasSize(1);
  }

  @Test
  void nothingIsReadFromTheEnvironment() {
    // password_env is only a name; the loader never looks it up, so a variable that does not exist is fine.
    GatewayConfig config = parse("""
        store:
          kind: postgresql
          url: jdbc:postgresql://127.0.0.1:5432/toolgate
          password_env: TOOLGATE_TEST_VARIABLE_THAT_IS_NEVER_SET
        """ + ONE_TOOL);
    assertThat(System.getenv("TOOLGATE_TEST_VARIABLE_THAT_IS_NEVER_SET")).isNull();
    assertThat(config.store().passwordEnv()).isEqualTo("TOOLGATE_TEST_VARIABLE_THAT_IS_NEVER_SET");
  }
}
