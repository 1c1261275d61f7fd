package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigTesting.error;
import static dev.toolgate.core.config.ConfigTesting.lines;
import static dev.toolgate.core.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** tools[].user, tools[].owner, tools[].preset and the risk-tier keys of policy.user_token. */
class UserBindingConfigTest {

  /** Platform sendbird and one tool on /users/{user_id}/orders whose extra lines start at line 9. */
  private static String config(String toolLines) {
    return "platforms:\n"
        + "  sendbird: {}\n"
        + "tools:\n"
        + "  - name: t\n"
        + "    method: POST\n"
        + "    path: /users/{user_id}/orders\n"
        + "    upstream: http://127.0.0.1:9000\n"
        + "    platform: sendbird\n"
        + toolLines;
  }

  private static ToolConfig tool(String toolLines) {
    return parse(config(toolLines)).tools().get(0);
  }

  private static void assertError(String toolLines, int line, String field, String messagePart) {
    ConfigException e = error(config(toolLines));
    assertThat(lines(e)).as(e.getMessage()).hasSize(1);
    assertThat(e.line()).as(e.getMessage()).isEqualTo(line);
    assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
    assertThat(e.getMessage()).contains(messagePart);
  }

  @Test
  void everyKindAndPlaceIsRead() {
    ToolConfig t = tool("""
            policy: {require: [api_key]}
            user:
              platform_user_id: {path_param: user_id}
              opaque_id: {header: X-Customer-Id}
              user_id: {query_param: uid}
              forward: platform_user_id
            owner: {body_field: /order/customer, is: opaque_id}
        """);
    assertThat(t.user()).isEqualTo(new UserBinding(Map.of(
        IdentityKind.PLATFORM_USER_ID, IdentityLocation.path("user_id"),
        IdentityKind.OPAQUE_ID, IdentityLocation.header("x-customer-id"),
        IdentityKind.USER_ID, IdentityLocation.query("uid")), UserBinding.Forward.PLATFORM_USER_ID));
    assertThat(t.owner()).isEqualTo(new Ownership(IdentityLocation.body("/order/customer"), IdentityKind.OPAQUE_ID));
  }

  @Test
  void withoutASectionNothingIsBound() {
    ToolConfig t = tool("    policy: {require: [api_key]}\n");
    assertThat(t.user()).isNull();
    assertThat(t.owner()).isNull();
  }

  @Test
  void anEmptyBindingNeedsAUserToken() {
    assertThat(tool("    policy: {require: [user_token]}\n    user: {}\n").user())
        .isEqualTo(new UserBinding(Map.of(), UserBinding.Forward.OPAQUE_ID));
    assertError("    policy: {require: [api_key]}\n    user: {}\n", 10, "tools[0].user", "binds no identity");
  }

  @Test
  void badBindings() {
    assertError("    policy: {require: [api_key]}\n    user: {platform_user_id: {path_param: id}}\n", 10, "tools[0].user.platform_user_id.path_param",
        "{id} is not a parameter of path /users/{user_id}/orders (parameters: user_id)");
    assertError("    policy: {require: [api_key]}\n    user: {platform_user_id: {header: a, query_param: b}}\n", 10, "tools[0].user.platform_user_id",
        "name one place only, not header and query_param");
    assertError("    policy: {require: [api_key]}\n    user: {opaque_id: {}}\n", 10, "tools[0].user.opaque_id", "say where it is");
    assertError("    policy: {require: [api_key]}\n    user: {opaque_id: {body_field: user_id}}\n", 10, "tools[0].user.opaque_id.body_field",
        "starts with '/'");
    assertError("    policy: {require: [api_key]}\n    user: {email: {header: x}}\n", 10, "tools[0].user.email", "unknown key 'email'");
    assertError("    policy: {require: [api_key]}\n    user: {opaque_id: {header: x}, forward: platform_user_id}\n", 10, "tools[0].user.forward",
        "say where the call carries it");
    assertError("    policy: {require: [api_key]}\n    user: {opaque_id: {header: x}, forward: email}\n", 10, "tools[0].user.forward",
        "unknown value 'email' (known: opaque_id, user_id, platform_user_id)");
  }

  @Test
  void aPlatformUserIdNeedsThePlatform() {
    ConfigException e = error("""
        tools:
          - name: t
            method: GET
            path: /t
            upstream: http://127.0.0.1:9000
            policy: {require: [api_key]}
            user: {platform_user_id: {header: x-user}}
        """);
    assertThat(e.getMessage()).contains("tools[0].user.platform_user_id: a platform's user id is resolved per platform");
  }

  @Test
  void ownership() {
    assertError("    policy: {require: [api_key]}\n    owner: {path_param: user_id, is: platform_user_id}\n", 10, "tools[0].owner",
        "declare `user` too");
    assertError("    policy: {require: [api_key]}\n    user: {opaque_id: {header: x}}\n    owner: {path_param: user_id}\n", 11, "tools[0].owner.is",
        "required");
    assertError("    policy: {require: [api_key]}\n    user: {opaque_id: {header: x}}\n    owner: {path_param: user_id, is: email}\n", 11,
        "tools[0].owner.is", "unknown identity kind 'email'");
  }

  @Test
  void presetsSupplyPolicyAndBinding() {
    ToolConfig sendbird = tool("    preset: sendbird\n");
    assertThat(sendbird.policy().require()).containsExactly(CredentialKind.SENDBIRD_SIGNATURE);
    assertThat(sendbird.user().identities()).containsEntry(IdentityKind.PLATFORM_USER_ID, IdentityLocation.body("/user_id"));

    ToolConfig jwt = tool("    preset: sendbird_jwt\n");
    assertThat(jwt.policy().require()).containsExactly(CredentialKind.SENDBIRD_SIGNATURE, CredentialKind.USER_TOKEN);
    assertThat(jwt.policy().userToken().bodyPointer()).isEqualTo("/context/jwt");
    assertThat(jwt.policy().userToken().header()).isNull();

    ToolConfig asapp = tool("    preset: asapp\n");
    assertThat(asapp.policy().require()).containsExactly(CredentialKind.CLIENT_TOKEN, CredentialKind.USER_TOKEN, CredentialKind.API_KEY);
    assertThat(asapp.policy().userToken()).isEqualTo(UserTokenPolicy.defaults());
    assertThat(asapp.user().identities()).isEmpty();

    // A section the tool writes replaces the preset's.
    ToolConfig own = tool("    preset: sendbird\n    user: {platform_user_id: {path_param: user_id}, forward: user_id}\n");
    assertThat(own.policy().require()).containsExactly(CredentialKind.SENDBIRD_SIGNATURE);
    assertThat(own.user()).isEqualTo(new UserBinding(Map.of(IdentityKind.PLATFORM_USER_ID, IdentityLocation.path("user_id")), UserBinding.Forward.USER_ID));
  }

  @Test
  void badPresets() {
    assertError("    preset: sendbrid\n", 9, "tools[0].preset", "unknown preset 'sendbrid' (known: sendbird, sendbird_jwt, asapp)");
    ConfigException e = error("""
        tools:
          - name: t
            method: GET
            path: /t
            upstream: http://127.0.0.1:9000
            preset: sendbird
        """);
    assertThat(e.getMessage()).contains("tools[0].preset: preset sendbird binds the platform's user ids to users: name the tool's platform too");
  }

  @Test
  void aPlatformsBindingIsTheDefaultOfItsTools() {
    GatewayConfig c = parse("""
        platforms:
          sendbird:
            user: {platform_user_id: {body_field: /sender/id}}
          other: {}
        tools:
          - {name: inherits, method: POST, path: /a, upstream: "http://127.0.0.1:9000", platform: sendbird, policy: {require: [api_key]}}
          - name: own
            method: POST
            path: /b
            upstream: "http://127.0.0.1:9000"
            platform: sendbird
            policy: {require: [api_key]}
            user: {platform_user_id: {query_param: uid}}
          - {name: preset, method: POST, path: /c, upstream: "http://127.0.0.1:9000", platform: sendbird, preset: sendbird}
          - {name: elsewhere, method: POST, path: /d, upstream: "http://127.0.0.1:9000", platform: other, policy: {require: [api_key]}}
        """);
    Map<String, ToolConfig> tools = new java.util.HashMap<>();
    c.tools().forEach(t -> tools.put(t.name(), t));
    assertThat(tools.get("inherits").user().identities()).containsEntry(IdentityKind.PLATFORM_USER_ID, IdentityLocation.body("/sender/id"));
    assertThat(tools.get("own").user().identities()).containsEntry(IdentityKind.PLATFORM_USER_ID, IdentityLocation.query("uid"));
    assertThat(tools.get("preset").user().identities()).containsEntry(IdentityKind.PLATFORM_USER_ID, IdentityLocation.body("/user_id"));
    assertThat(tools.get("elsewhere").user()).isNull();
  }

  @Test
  void aPlatformsBindingNamesAnIdentityAndNoPathParameter() {
    ConfigException empty = error("platforms:\n  sendbird:\n    user: {forward: user_id}\n" + ConfigTesting.ONE_TOOL);
    assertThat(empty.getMessage()).contains("platforms.sendbird.user: binds no identity");
    ConfigException path = error("platforms:\n  sendbird:\n    user: {platform_user_id: {path_param: user_id}}\n" + ConfigTesting.ONE_TOOL);
    assertThat(path.getMessage()).contains("platforms.sendbird.user: path_param names a parameter of one tool's path");
  }

  @Test
  void anAnonymousToolBindsNoUserAndInheritsNone() {
    assertError("    policy: {anonymous: true}\n    user: {platform_user_id: {query_param: uid}}\n", 10, "tools[0].user",
        "an anonymous tool cannot bind users");
    GatewayConfig c = parse("""
        platforms:
          sendbird:
            user: {platform_user_id: {body_field: /user_id}}
        tools:
          - {name: open, method: GET, path: /open, upstream: "http://127.0.0.1:9000", platform: sendbird, policy: {anonymous: true}}
        """);
    assertThat(c.tools().get(0).user()).isNull();
  }

  @Test
  void aTrustedIssuersUserTokenCannotBeBoundHoweverTheBindingComes() {
    String issuers = "trusted_issuers:\n  okta: {issuer: \"https://okta.example/\", jwks_uri: \"https://okta.example/keys\", audiences: [toolgate]}\n";
    ConfigException viaPlatform = error(issuers + """
        platforms:
          sendbird:
            user: {platform_user_id: {body_field: /user_id}}
        tools:
          - name: t
            method: POST
            path: /t
            upstream: "http://127.0.0.1:9000"
            platform: sendbird
            policy: {require: [user_token], user_token: {body_field: /jwt, issuer: okta}}
        """);
    assertThat(viaPlatform.getMessage()).contains("tools[0].policy: binding a user token from trusted issuer 'okta' is not supported");
  }

  @Test
  void riskTierKeys() {
    UserTokenPolicy p = tool("""
            policy:
              require: [user_token]
              user_token: {header: customer-auth, max_age: 5m, single_use: true, audience: tool}
        """).policy().userToken();
    assertThat(p.maxAge()).isEqualTo(Duration.ofMinutes(5));
    assertThat(p.singleUse()).isTrue();
    assertThat(p.audienceIsTool()).isTrue();
    assertThat(UserTokenPolicy.defaults().maxAge()).isNull();
    assertThat(UserTokenPolicy.defaults().singleUse()).isFalse();

    assertError("    policy:\n      require: [user_token]\n      user_token: {header: customer-auth, audience: orders}\n", 11,
        "tools[0].policy.user_token.audience", "the only value is `tool`");
    assertError("    policy:\n      require: [user_token]\n      user_token: {header: customer-auth, max_age: 0s}\n", 11,
        "tools[0].policy.user_token.max_age", "must be positive");
  }

  @Test
  void riskTiersAreForToolgatesOwnTokens() {
    ConfigException e = error("""
        trusted_issuers:
          okta: {issuer: "https://okta.example/", jwks_uri: "https://okta.example/keys", audiences: [toolgate]}
        tools:
          - name: t
            method: GET
            path: /t
            upstream: http://127.0.0.1:9000
            policy:
              require: [user_token]
              user_token: {header: customer-auth, issuer: okta, single_use: true}
        """);
    assertThat(e.getMessage()).contains("single_use: applies to Toolgate's own customer tokens (issuer toolgate) only");
  }

  @Test
  void theStarterConfigShowsTheNewKeysAndStillLoads() {
    assertThat(List.of(UserBindingReader.KEYS, UserBindingReader.OWNER_KEYS).stream().flatMap(List::stream))
        .allSatisfy(key -> assertThat(StarterConfig.text()).containsPattern("(?m)^[ #]*(- )?[^\\n]*\\b" + key + ":"));
  }
}
