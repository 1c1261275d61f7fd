package dev.toolgate.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StarterConfigTest {

  @Test
  void starterLoadsAndShowsTheDefaults(@TempDir Path dir) throws Exception {
    Path file = dir.resolve(StarterConfig.DEFAULT_FILE_NAME);
    Files.writeString(file, StarterConfig.text());

    GatewayConfig config = ConfigLoader.load(file);

    assertThat(config.server()).isEqualTo(ServerSettings.defaults());
    assertThat(config.audit()).isEqualTo(AuditSettings.defaults());
    StoreSettings d = StoreSettings.defaults();
    assertThat(config.store()).isEqualTo(new StoreSettings(d.kind(), dir.resolve(d.path()).toString(), null, null, null,
        dir.resolve(d.masterKeyFile()).toString()));
    assertThat(config.platforms()).containsOnlyKeys("sendbird", "asapp");
    assertThat(config.platforms().get("sendbird")).isEqualTo(PlatformConfig.withDefaults("sendbird"));
    assertThat(config.platforms().get("asapp")).isEqualTo(PlatformConfig.withDefaults("asapp"));
    assertThat(config.authorizationServer()).isEqualTo(AuthServerSettings.defaults(ServerSettings.defaults()));
    assertThat(config.trustedIssuers()).isEmpty();
    assertThat(config.failedAuthLimit()).isEqualTo(java.util.Optional.of(GatewayConfig.DEFAULT_FAILED_AUTH_LIMIT));
    assertThat(config.tools().get(0).rateLimits()).extracting(l -> l.per().get(0).yamlName()).containsExactly("client", "tool");
  }

  @Test
  void starterHasTheExampleTools() {
    List<ToolConfig> tools = ConfigLoader.parse(StarterConfig.text(), Path.of("toolgate.yaml")).tools();
    assertThat(tools).extracting(ToolConfig::name).containsExactly("order_status", "customer_profile", "get_profile", "service_health");
    assertThat(tools.get(0).platform()).isEqualTo("sendbird");
    assertThat(tools.get(0).policy().require()).containsExactly(CredentialKind.SENDBIRD_SIGNATURE);
    assertThat(tools.get(1).policy().require()).containsExactlyInAnyOrder(CredentialKind.API_KEY, CredentialKind.STATIC_TOKEN);
    assertThat(tools.get(3).policy().anonymous()).isTrue();
    assertThat(tools.get(3).policy().require()).isEmpty();
  }

  @Test
  void starterHasTheAsappGetProfileExample() {
    ToolConfig profile = ConfigLoader.parse(StarterConfig.text(), Path.of("toolgate.yaml")).tools().get(2);
    assertThat(profile.name()).isEqualTo("get_profile");
    assertThat(profile.method()).isEqualTo("POST");
    assertThat(profile.path()).isEqualTo("/account/getprofile");
    assertThat(profile.platform()).isEqualTo("asapp");
    Policy policy = profile.policy();
    assertThat(policy.require()).containsExactly(CredentialKind.CLIENT_TOKEN, CredentialKind.USER_TOKEN, CredentialKind.API_KEY);
    assertThat(policy.clientToken()).isEqualTo(new ClientTokenPolicy(List.of("profile.read"), "http://127.0.0.1:8080"));
    assertThat(policy.userToken()).isEqualTo(UserTokenPolicy.defaults());
    assertThat(policy.externalJwt()).isNull();
  }

  /** The commented trusted_issuers and external_jwt examples are valid once uncommented. */
  @Test
  void commentedExamplesAreValidWhenUncommented() {
    String text = uncomment(uncomment(StarterConfig.text(), "# trusted_issuers:"), "  # - name: partner_orders");
    GatewayConfig config = ConfigLoader.parse(text, Path.of("toolgate.yaml"));
    assertThat(config.trustedIssuers()).containsOnlyKeys("okta");
    TrustedIssuer okta = config.trustedIssuers().get("okta");
    assertThat(okta.issuer()).isEqualTo("https://example.okta.com/oauth2/default");
    assertThat(okta.audiences()).containsExactly("api://toolgate");
    assertThat(config.tools()).extracting(ToolConfig::name).contains("partner_orders");
    ToolConfig partner = config.tools().stream().filter(t -> t.name().equals("partner_orders")).findFirst().orElseThrow();
    assertThat(partner.policy().externalJwt()).isEqualTo(new ExternalJwtPolicy("okta", "authorization", "Bearer", List.of("orders.read")));
  }

  /** The commented redis section is valid once uncommented, and the file without it has no Redis. */
  @Test
  void theRedisSectionIsValidWhenUncommented() {
    assertThat(ConfigLoader.parse(StarterConfig.text(), Path.of("toolgate.yaml")).redis()).isEmpty();
    GatewayConfig config = ConfigLoader.parse(uncomment(StarterConfig.text(), "# redis:"), Path.of("toolgate.yaml"));
    RedisSettings redis = config.redis().orElseThrow();
    assertThat(redis.describe()).isEqualTo("standalone redis://127.0.0.1:6379/0, with a password");
    assertThat(redis.password().orElseThrow().name()).isEqualTo("TOOLGATE_REDIS_PASSWORD");
    assertThat(redis.timeout()).isEqualTo(RedisSettings.DEFAULT_TIMEOUT);
    assertThat(redis.connectTimeout()).isEqualTo(RedisSettings.DEFAULT_CONNECT_TIMEOUT);
    assertThat(redis.whenUnavailable()).isEqualTo(RedisFallbacks.defaults());
  }

  /** The commented tracing section is valid once uncommented, and the file without it leaves tracing to the environment. */
  @Test
  void theTracingSectionIsValidWhenUncommented() {
    assertThat(ConfigLoader.parse(StarterConfig.text(), Path.of("toolgate.yaml")).tracing()).isEqualTo(TracingSettings.unset());
    TracingSettings tracing = ConfigLoader.parse(uncomment(StarterConfig.text(), "# tracing:"), Path.of("toolgate.yaml")).tracing();
    assertThat(tracing.enabled()).isTrue();
    assertThat(tracing.endpoint()).hasToString("http://localhost:4318");
    assertThat(tracing.sampleRatio()).isEqualTo(1.0);
    assertThat(tracing.serviceName()).isEqualTo(TracingSettings.DEFAULT_SERVICE_NAME);
    assertThat(tracing.trustedCallers().isEmpty()).isTrue();
  }

  /** Removes "# " from the block of commented lines that starts with {@code firstLine}. */
  private static String uncomment(String text, String firstLine) {
    int start = text.indexOf("\n" + firstLine) + 1;
    assertThat(start).as(firstLine).isPositive();
    int end = start;
    Matcher commented = Pattern.compile("(?m)^[ ]*#.*$").matcher(text);
    while (commented.find(end) && commented.start() == end) {
      end = commented.end() + 1;
    }
    String block = text.substring(start, end).replaceAll("(?m)^( *)# ?", "$1");
    return text.substring(0, start) + block + text.substring(end);
  }

  @Test
  void starterMentionsEveryKey() {
    String text = StarterConfig.text();
    Stream.of(ConfigReader.ROOT_KEYS, ServerReader.KEYS, StoreReader.KEYS, AuditReader.KEYS,
            AuthorizationServerReader.KEYS, AuthorizationServerReader.CUSTOMER_TOKEN_KEYS, AuthorizationServerReader.PASSWORD_HASH_KEYS,
            LimitsReader.LOGIN_THROTTLE_KEYS, TrustedIssuersReader.KEYS,
            PlatformsReader.KEYS, ToolsReader.KEYS, PolicyReader.KEYS,
            PolicyReader.CLIENT_TOKEN_KEYS, PolicyReader.USER_TOKEN_KEYS, PolicyReader.EXTERNAL_JWT_KEYS,
            RedisReader.REDIS_KEYS, RedisReader.SENTINEL_KEYS, RedisReader.CLUSTER_KEYS, RedisReader.WHEN_UNAVAILABLE_KEYS,
            ManagementReader.KEYS, AccessLogReader.KEYS, TracingReader.KEYS, McpReader.KEYS, McpReader.STREAM_KEYS, McpReader.RULE_KEYS)
        .flatMap(List::stream)
        .forEach(key -> assertThat(text).as(key).containsPattern("(?m)^[ #]*(- )?" + key + ":"));
  }
}
