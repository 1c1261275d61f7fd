package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigTesting.error;
import static dev.toolgate.core.config.ConfigTesting.lines;
import static dev.toolgate.core.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The examples in docs/configuration.md are what the loader accepts and says. */
class DocumentationExamplesTest {
  private static final Path DOC = Path.of("..", "docs", "configuration.md");
  private static final Pattern BLOCK = Pattern.compile("(?ms)^```(\\w*)\\n(.*?)^```$");
  private static String doc;

  @BeforeAll
  static void read() throws IOException {
    assumeTrue(Files.isRegularFile(DOC), "docs/configuration.md is next to the module when built from the repository");
    doc = Files.readString(DOC);
  }

  /** The code blocks of a section (from its heading to the next heading of the same level). */
  private static List<String> blocks(String heading, String language) {
    int start = doc.indexOf("\n" + heading + "\n");
    assertThat(start).as(heading).isNotNegative();
    String level = heading.substring(0, heading.indexOf(' ') + 1);
    int end = doc.indexOf("\n" + level, start + heading.length() + 1);
    String section = doc.substring(start, end < 0 ? doc.length() : end);
    List<String> found = new ArrayList<>();
    Matcher m = BLOCK.matcher(section);
    while (m.find()) {
      if (m.group(1).equals(language)) {
        found.add(m.group(2));
      }
    }
    return found;
  }

  @Test
  void theMinimalFileLoads() {
    assertThat(parse(blocks("## A minimal file", "yaml").get(0)).tools()).hasSize(1);
  }

  @Test
  void thePresetExampleLoadsAndBindsTheUser() {
    ToolConfig tool = parse(blocks("### `preset`", "yaml").get(0)).tools().get(0);
    assertThat(tool.policy().require()).containsExactly(CredentialKind.SENDBIRD_SIGNATURE);
    assertThat(tool.user().identities()).containsEntry(IdentityKind.PLATFORM_USER_ID, IdentityLocation.body("/user_id"));
    assertThat(tool.owner()).isEqualTo(new Ownership(IdentityLocation.path("user_id"), IdentityKind.PLATFORM_USER_ID));
  }

  @Test
  void theCompleteFileLoadsAndSetsTheNewSections() {
    GatewayConfig config = parse(blocks("## A complete file", "yaml").get(0));
    assertThat(config.authorizationServer()).isNotEqualTo(AuthServerSettings.defaults(config.server()));
    assertThat(config.trustedIssuers()).containsOnlyKeys("okta");
    assertThat(config.server().trustedProxies().clientIpHeader()).isEqualTo("x-real-ip");
    assertThat(config.server().trustedProxies().hops()).isEqualTo(2);
    assertThat(config.server().decisions()).isNotEqualTo(DecisionSource.defaults());
    assertThat(config.tools()).extracting(ToolConfig::name).contains("get_profile", "partner_orders");
    Policy profile = config.tools().stream().filter(t -> t.name().equals("get_profile")).findFirst().orElseThrow().policy();
    assertThat(profile.userToken().header()).isEqualTo("customer-auth");
    assertThat(profile.clientToken().audience()).isEqualTo("https://api.example.com/profile");
  }

  @Test
  void theCompleteFileAndTheExamplesSetTheManagementPortAndTheAccessLog() {
    GatewayConfig complete = parse(blocks("## A complete file", "yaml").get(0));
    assertThat(complete.management()).contains(new ManagementSettings("10.0.0.12", 9100));
    assertThat(complete.accessLog()).isEqualTo(new AccessLogSettings(true, AccessLogSettings.Format.JSON,
        java.nio.file.Path.of("/var/log/toolgate/access.log"), 50_000));
    String tools = "tools: [{name: t, method: GET, path: /t, upstream: 'http://127.0.0.1:9000', policy: {anonymous: true}}]\n";
    assertThat(parse(blocks("## `management`", "yaml").get(0) + tools).management()).contains(ManagementSettings.defaults());
    AccessLogSettings log = parse(blocks("## `access_log`", "yaml").get(0) + tools).accessLog();
    assertThat(log.format()).isEqualTo(AccessLogSettings.Format.JSON);
    assertThat(log.path()).isEqualTo(java.nio.file.Path.of("/var/log/toolgate/access.log"));
  }

  @Test
  void theCompleteFileSetsTheTlsKeys() {
    GatewayConfig complete = parse(blocks("## A complete file", "yaml").get(0));
    assertThat(complete.server().tls().reloadInterval()).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(complete.platforms().get("sendbird").clientCertificates().ca().path()).endsWith("tls/sendbird-agents-ca.pem");
    assertThat(complete.tools().get(0).upstreamCa().path()).endsWith("tls/internal-ca.pem");
    ToolConfig report = complete.tools().stream().filter(t -> t.name().equals("agent_report")).findFirst().orElseThrow();
    assertThat(report.policy().mtls().spiffeIds()).containsExactly("spiffe://example.org/agents/support");
    assertThat(complete.authorizationServer().issuer().toString()).isEqualTo("https://gateway.example.com");
  }
  @Test
  void theCompleteFileSetsRedisAndTheRedisExamplesLoad() {
    GatewayConfig complete = parse(blocks("## A complete file", "yaml").get(0));
    RedisSettings redis = complete.redis().orElseThrow();
    assertThat(redis.describe()).isEqualTo("standalone rediss://redis.internal:6380/1, user toolgate, with a password");
    assertThat(redis.whenUnavailable()).isNotEqualTo(RedisFallbacks.defaults());
    assertThat(complete.tools().get(0).whenLimitsUnavailable()).contains(WhenUnavailable.ALLOW);

    List<String> examples = blocks("## `redis`", "yaml");
    assertThat(examples).hasSize(3);
    assertThat(examples.stream().map(yaml -> parse(yaml + ConfigTesting.ONE_TOOL).redis().orElseThrow().topology()))
        .containsExactly(RedisSettings.Topology.STANDALONE, RedisSettings.Topology.SENTINEL, RedisSettings.Topology.CLUSTER);
  }

  @Test
  void theTracingExampleLoads() {
    TracingSettings tracing = parse(blocks("## `tracing`", "yaml").get(0) + ConfigTesting.ONE_TOOL).tracing();
    assertThat(tracing.enabled()).isTrue();
    assertThat(tracing.endpoint()).hasToString("http://otel-collector:4318");
    assertThat(tracing.sampleRatio()).isEqualTo(0.25);
    assertThat(tracing.trustedCallers().contains("10.20.3.4")).isTrue();
  }

  @Test
  void theTrustedIssuersExampleLoads() {
    String issuers = blocks("## `trusted_issuers`", "yaml").get(0);
    assertThat(parse(issuers + ConfigTesting.ONE_TOOL).trustedIssuers()).containsOnlyKeys("okta", "auth0");
  }

  @Test
  void theAllowInPathExampleLoadsAndTheCompleteFileSetsTheHeadTimeout() {
    String tool = blocks("### `allow_in_path`: ambiguous request paths", "yaml").get(0);
    assertThat(parse("tools:\n" + tool).tools().get(0).allowInPath())
        .containsExactlyInAnyOrder(dev.toolgate.core.route.PathAmbiguity.values());
    assertThat(parse(blocks("## A complete file", "yaml").get(0)).server().requestHeadTimeout()).isEqualTo(java.time.Duration.ofSeconds(5));
  }

  @Test
  void theErrorExampleGivesExactlyTheDocumentedErrors() {
    String yaml = blocks("## Errors", "yaml").get(0);
    List<String> documented = blocks("## Errors", "").get(1).lines().toList();
    assertThat(lines(error(yaml))).containsExactlyElementsOf(documented);
  }
}
