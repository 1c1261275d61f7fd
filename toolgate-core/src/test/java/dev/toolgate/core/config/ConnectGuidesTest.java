package dev.toolgate.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.toolgate.core.decision.DenialCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The platform guides, docs/connect-sendbird.md and docs/connect-asapp.md: every YAML example is a
 * whole toolgate.yaml the loader accepts, the examples configure what the prose says, and the
 * denial codes their tables name exist.
 */
class ConnectGuidesTest {
  private static final Path SENDBIRD = Path.of("..", "docs", "connect-sendbird.md");
  private static final Path ASAPP = Path.of("..", "docs", "connect-asapp.md");
  private static final Pattern BLOCK = Pattern.compile("(?ms)^```(\\w*)\\n(.*?)^```$");
  private static final Pattern CODE = Pattern.compile("`([a-z_]+)`");
  private static final Set<String> DENIAL_CODES =
      Arrays.stream(DenialCode.values()).map(DenialCode::code).collect(Collectors.toUnmodifiableSet());

  private static String read(Path doc) throws IOException {
    assumeTrue(Files.isRegularFile(doc), doc + " is next to the module when built from the repository");
    return Files.readString(doc);
  }

  /** The text from {@code heading} to the next heading of the same level (or the end). */
  private static String section(String doc, String heading) {
    int start = doc.indexOf("\n" + heading + "\n");
    assertThat(start).as(heading).isNotNegative();
    String level = heading.substring(0, heading.indexOf(' ') + 1);
    int end = doc.indexOf("\n" + level, start + heading.length() + 1);
    return doc.substring(start, end < 0 ? doc.length() : end);
  }

  private static List<String> blocks(String text, String language) {
    List<String> found = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      if (m.group(1).equals(language)) {
        found.add(m.group(2));
      }
    }
    return found;
  }

  private static GatewayConfig parse(String yaml) {
    return ConfigLoader.parse(yaml, Path.of("toolgate.yaml"));
  }

  private static ToolConfig tool(GatewayConfig config, String name) {
    return config.tools().stream().filter(t -> t.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no tool " + name + " in the example"));
  }

  private static void everyYamlBlockLoads(String doc, int atLeast) {
    List<String> yaml = blocks(doc, "yaml");
    assertThat(yaml).hasSizeGreaterThanOrEqualTo(atLeast);
    for (String block : yaml) {
      assertThatCode(() -> parse(block)).as(block).doesNotThrowAnyException();
      assertThat(parse(block).tools()).as("a whole toolgate.yaml, with its tools:\n" + block).isNotEmpty();
    }
  }

  /** Every code in the first backticks of each row's code column is a real denial code. */
  private static void denialTableNamesRealCodes(String doc) {
    List<String> named = new ArrayList<>();
    for (String row : section(doc, "## Denial codes").lines().filter(l -> l.startsWith("| ")).toList()) {
      String[] cells = row.split("\\|");
      if (cells.length < 4 || cells[2].isBlank() || cells[2].contains("---") || cells[2].strip().equals("code")) {
        continue;
      }
      Matcher m = CODE.matcher(cells[2]);
      while (m.find()) {
        named.add(m.group(1));
      }
    }
    assertThat(named).isNotEmpty();
    assertThat(DENIAL_CODES).containsAll(named);
  }

  // ------------------------------------------------------------------ Sendbird

  @Test
  void sendbirdExamplesAllLoad() throws IOException {
    everyYamlBlockLoads(read(SENDBIRD), 5);
  }

  @Test
  void sendbirdPresetChecksTheSignatureAndBindsTheBodyUserId() throws IOException {
    String doc = read(SENDBIRD);
    GatewayConfig config = parse(blocks(section(doc, "## 1. The platform and the tool"), "yaml").get(0));
    ToolConfig tool = tool(config, "order_status");
    assertThat(tool.platform()).isEqualTo("sendbird");
    assertThat(tool.policy().require()).containsExactly(CredentialKind.SENDBIRD_SIGNATURE);
    assertThat(tool.user().identities()).containsExactlyEntriesOf(
        java.util.Map.of(IdentityKind.PLATFORM_USER_ID, IdentityLocation.body("/user_id")));
    assertThat(tool.user().forward()).isEqualTo(UserBinding.Forward.OPAQUE_ID);
    assertThat(config.platforms().get("sendbird").signatureHeader()).isEqualTo("x-sendbird-signature");
  }

  @Test
  void sendbirdForwardExampleSendsTheSendbirdId() throws IOException {
    ToolConfig tool = tool(parse(blocks(section(read(SENDBIRD), "## 5. What the upstream receives"), "yaml").get(0)), "order_status");
    assertThat(tool.policy().require()).containsExactly(CredentialKind.SENDBIRD_SIGNATURE);
    assertThat(tool.user().forward()).isEqualTo(UserBinding.Forward.PLATFORM_USER_ID);
    assertThat(tool.user().identities()).containsEntry(IdentityKind.PLATFORM_USER_ID, IdentityLocation.body("/user_id"));
  }

  @Test
  void sendbirdJwtToolWantsTheContextJwtNamingTheSameUser() throws IOException {
    GatewayConfig config = parse(blocks(section(read(SENDBIRD), "## 6. Try it with curl"), "yaml").get(0));
    ToolConfig refund = tool(config, "refund_order");
    assertThat(refund.policy().require()).containsExactly(CredentialKind.SENDBIRD_SIGNATURE, CredentialKind.USER_TOKEN);
    assertThat(refund.policy().userToken().bodyPointer()).isEqualTo("/context/jwt");
    assertThat(refund.policy().userToken().header()).isNull();
    assertThat(refund.policy().userToken().issuedByToolgate()).isTrue();
    assertThat(refund.user().identities()).containsEntry(IdentityKind.PLATFORM_USER_ID, IdentityLocation.body("/user_id"));
    // The walk-through's paths are ones the sample upstream serves.
    assertThat(config.tools()).extracting(ToolConfig::path).containsExactly("/orders/status", "/orders/refund");
  }

  @Test
  void sendbirdHardenedExampleSetsRiskTiersOwnershipLimitsAllowlistAndWindow() throws IOException {
    GatewayConfig config = parse(blocks(section(read(SENDBIRD), "## Risk tiers, ownership, limits, allowlist, replay window"), "yaml").get(0));
    PlatformConfig sendbird = config.platforms().get("sendbird");
    assertThat(sendbird.sendbirdReplayWindow()).isEqualTo(Duration.ofMinutes(5));
    assertThat(sendbird.allowedIps()).isNotNull();
    assertThat(sendbird.allowedIps().contains("127.0.0.1")).isFalse();

    ToolConfig refund = tool(config, "refund_order");
    UserTokenPolicy token = refund.policy().userToken();
    assertThat(token.bodyPointer()).isEqualTo("/context/jwt");
    assertThat(token.maxAge()).isEqualTo(Duration.ofMinutes(10));
    assertThat(token.singleUse()).isTrue();
    assertThat(token.audienceIsTool()).isTrue();
    // The preset still binds the body's user_id although the tool writes its own policy.
    assertThat(refund.user().identities()).containsEntry(IdentityKind.PLATFORM_USER_ID, IdentityLocation.body("/user_id"));
    assertThat(refund.owner()).isEqualTo(new Ownership(IdentityLocation.path("user_id"), IdentityKind.PLATFORM_USER_ID));
    assertThat(refund.rateLimits()).hasSize(2);
    assertThat(tool(config, "order_status").rateLimits()).hasSize(1);
  }

  @Test
  void sendbirdStaticTokenExampleKeepsTheUserBinding() throws IOException {
    ToolConfig tool = tool(parse(blocks(section(read(SENDBIRD), "## The static token instead of the signature"), "yaml").get(0)), "order_status");
    assertThat(tool.policy().require()).containsExactly(CredentialKind.STATIC_TOKEN);
    assertThat(tool.user().identities()).containsEntry(IdentityKind.PLATFORM_USER_ID, IdentityLocation.body("/user_id"));
  }

  @Test
  void sendbirdDenialTableNamesRealCodes() throws IOException {
    denialTableNamesRealCodes(read(SENDBIRD));
  }

  // ------------------------------------------------------------------ ASAPP

  @Test
  void asappExamplesAllLoad() throws IOException {
    everyYamlBlockLoads(read(ASAPP), 2);
  }

  @Test
  void asappPresetRequiresTheThreeCredentialsAndBindsTheTokenSubject() throws IOException {
    GatewayConfig config = parse(blocks(section(read(ASAPP), "## 1. The platform and the tool"), "yaml").get(0));
    ToolConfig tool = tool(config, "getprofile");
    assertThat(tool.method()).isEqualTo("POST");
    assertThat(tool.path()).isEqualTo("/account/getprofile");
    assertThat(tool.platform()).isEqualTo("asapp");
    assertThat(tool.policy().require())
        .containsExactlyInAnyOrder(CredentialKind.CLIENT_TOKEN, CredentialKind.USER_TOKEN, CredentialKind.API_KEY);
    assertThat(tool.policy().userToken().header()).isEqualTo("customer-auth");
    assertThat(tool.policy().userToken().scheme()).isEqualTo("JWT");
    assertThat(tool.policy().clientToken().scopes()).isEmpty();
    assertThat(tool.user().identities()).isEmpty();
    assertThat(tool.user().forward()).isEqualTo(UserBinding.Forward.OPAQUE_ID);
    assertThat(config.platforms().get("asapp").apiKeyHeader()).isEqualTo("api-key");
  }

  @Test
  void asappScopesExampleRequiresTheScopeAndMovesTheApiKeyHeader() throws IOException {
    GatewayConfig config = parse(blocks(section(read(ASAPP), "## Scopes and the API key header"), "yaml").get(0));
    ToolConfig tool = tool(config, "getprofile");
    assertThat(tool.policy().require())
        .containsExactlyInAnyOrder(CredentialKind.CLIENT_TOKEN, CredentialKind.USER_TOKEN, CredentialKind.API_KEY);
    assertThat(tool.policy().clientToken().scopes()).containsExactly("profile.read");
    assertThat(tool.policy().userToken().header()).isEqualTo("customer-auth");
    assertThat(tool.user()).as("the preset's binding stays when the tool writes its policy").isNotNull();
    assertThat(config.platforms().get("asapp").apiKeyHeader()).isEqualTo("x-api-key");
    assertThat(config.authorizationServer().customerToken().ttl()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void asappDenialTableNamesRealCodes() throws IOException {
    denialTableNamesRealCodes(read(ASAPP));
  }
}
