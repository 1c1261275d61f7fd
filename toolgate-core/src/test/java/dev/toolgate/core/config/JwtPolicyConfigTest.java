package dev.toolgate.core.config;

import static dev.toolgate.core.config.ConfigLoaderErrorsTest.assertError;
import static dev.toolgate.core.config.ConfigTesting.error;
import static dev.toolgate.core.config.ConfigTesting.lines;
import static dev.toolgate.core.config.ConfigTesting.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The client_token, user_token and external_jwt sections of a tool's policy. */
class JwtPolicyConfigTest {

  /** A trusted issuer okta, platform asapp, and one tool of platform asapp whose policy lines start at line 15. */
  private static final String HEAD = """
      trusted_issuers:
        okta:
          issuer: https://example.okta.com
          jwks_uri: https://example.okta.com/v1/keys
          audiences: [toolgate]
      platforms:
        asapp: {}
      tools:
        - name: get_profile
          method: POST
          path: /account/getprofile
          upstream: http://127.0.0.1:9000
          platform: asapp
          policy:
      """;

  /** The policy lines, each indented by 6 spaces in the text given. */
  private static String tool(String policy) {
    return HEAD + policy;
  }

  private static Policy policy(String policy) {
    return parse(tool(policy)).tools().get(0).policy();
  }

  // ------------------------------------------------------------------ defaults

  @Test
  void requiredKindsWithoutSectionsGetTheirDefaults() {
    Policy p = policy("      require: [client_token, user_token, api_key]\n");
    assertThat(p.clientToken()).isEqualTo(new ClientTokenPolicy(List.of(), "http://127.0.0.1:8080"));
    assertThat(p.userToken()).isEqualTo(new UserTokenPolicy("customer-auth", "JWT", null, null, "toolgate", List.of()));
    assertThat(p.userToken().issuedByToolgate()).isTrue();
    assertThat(p.externalJwt()).isNull();
    // The same as the convenience constructor builds.
    assertThat(p).isEqualTo(new Policy(List.of(CredentialKind.CLIENT_TOKEN, CredentialKind.USER_TOKEN, CredentialKind.API_KEY), false));
  }

  @Test
  void kindsNotRequiredHaveNoSettings() {
    Policy p = policy("      require: [api_key, static_token]\n");
    assertThat(p.clientToken()).isNull();
    assertThat(p.userToken()).isNull();
    assertThat(p.externalJwt()).isNull();
    assertThat(p).isEqualTo(new Policy(List.of(CredentialKind.API_KEY, CredentialKind.STATIC_TOKEN), false));
    // A section written with no value counts as absent.
    assertThat(policy("      require: [api_key]\n      client_token:\n")).isEqualTo(new Policy(List.of(CredentialKind.API_KEY), false));
  }

  @Test
  void sectionsMayBeSharedThroughAnAlias() {
    GatewayConfig config = parse(HEAD + """
              require: [client_token]
              client_token: &profile {scopes: [profile.read]}
          - name: b
            method: GET
            path: /b
            upstream: http://127.0.0.1:9000
            policy:
              require: [client_token]
              client_token: *profile
        """);
    assertThat(config.tools()).extracting(t -> t.policy().clientToken())
        .containsOnly(new ClientTokenPolicy(List.of("profile.read"), "http://127.0.0.1:8080"));
  }

  // ------------------------------------------------------------------ a section without its kind

  @Test
  void aSectionNeedsItsKindInRequire() {
    for (String kind : List.of("client_token", "user_token", "external_jwt")) {
      assertError(tool("      require: [api_key]\n      " + kind + ": {scopes: [a]}\n"), 16, "tools[0].policy." + kind,
          "policy." + kind + " is set but " + kind + " is not required: add " + kind + " to `require`, or remove the section");
    }
    assertError(tool("      anonymous: true\n      user_token:\n        header: customer-auth\n"), 16, "tools[0].policy.user_token",
        "policy.user_token is set but user_token is not required");
  }

  @Test
  void aMisspeltKindInRequireIsTheOnlyError() {
    ConfigException e = error(tool("      require: [client_tokn]\n      client_token: {scopes: [a]}\n"));
    assertThat(lines(e)).containsExactly("toolgate.yaml:15: tools[0].policy.require[0]: unknown credential kind 'client_tokn'"
        + " (known: sendbird_signature, static_token, api_key, client_token, user_token, external_jwt, standard_webhooks, stripe_signature, mtls)");
  }

  // ------------------------------------------------------------------ client_token

  @Test
  void clientTokenSection() {
    Policy p = policy("""
              require: [client_token]
              client_token:
                scopes: [profile.read, "orders:write"]
                audience: https://api.example.com
        """);
    assertThat(p.clientToken()).isEqualTo(new ClientTokenPolicy(List.of("profile.read", "orders:write"), "https://api.example.com"));
    assertThat(policy("      require: [client_token]\n      client_token: {audience: \"urn:example:tools\"}\n").clientToken())
        .isEqualTo(new ClientTokenPolicy(List.of(), "urn:example:tools"));
  }

  @Test
  void clientTokenAudienceDefaultsToTheDefaultResource() {
    String yaml = tool("      require: [client_token]\n      client_token: {scopes: [a]}\n");
    assertThat(parse("authorization_server: {default_resource: \"https://api.example.com\"}\n" + yaml).tools().get(0).policy()
        .clientToken().audience()).isEqualTo("https://api.example.com");
    assertThat(parse("authorization_server: {issuer: \"https://gw.example.com/\"}\n" + yaml).tools().get(0).policy()
        .clientToken().audience()).isEqualTo("https://gw.example.com");
  }

  @Test
  void clientTokenRules() {
    String require = "      require: [client_token]\n";
    assertError(tool(require + "      client_token: {scopes: [\"profile read\"]}\n"), 16, "tools[0].policy.client_token.scopes[0]",
        "invalid scope 'profile read' (an RFC 6749 scope token: printable ASCII without spaces, '\"' or '\\')");
    assertError(tool(require + "      client_token:\n        scopes:\n          - a\n          - a\n"), 19,
        "tools[0].policy.client_token.scopes[1]", "'a' is listed twice (first at line 18)");
    assertError(tool(require + "      client_token: {scopes: profile.read}\n"), 16, "tools[0].policy.client_token.scopes",
        "expected a list, got a string ('profile.read') (write a list");
    assertError(tool(require + "      client_token:\n        audience: tools\n"), 17, "tools[0].policy.client_token.audience",
        "must be an absolute URI, with a scheme (an RFC 8707 resource indicator");
    assertError(tool(require + "      client_token:\n        audience: \"https://api.example.com#x\"\n"), 17,
        "tools[0].policy.client_token.audience", "must not have a fragment");
    assertError(tool(require + "      client_token:\n        scope: [a]\n"), 17, "tools[0].policy.client_token.scope",
        "unknown key 'scope' (allowed: scopes, audience; did you mean 'scopes'?)");
    assertError(tool(require + "      client_token: [profile.read]\n"), 16, "tools[0].policy.client_token",
        "expected a mapping (key: value lines), got a list");
  }

  // ------------------------------------------------------------------ user_token

  @Test
  void userTokenEveryKey() {
    Policy p = policy("""
              require: [user_token]
              user_token:
                header: Customer-Auth
                scheme: jwt
                body_field: /context/jwt
                query_param: jwt
                issuer: okta
                scopes: [profile.read]
        """);
    assertThat(p.userToken()).isEqualTo(new UserTokenPolicy("customer-auth", "jwt", "/context/jwt", "jwt", "okta", List.of("profile.read")));
    assertThat(p.userToken().issuedByToolgate()).isFalse();
  }

  @Test
  void userTokenLocations() {
    String require = "      require: [user_token]\n";
    assertThat(policy(require + "      user_token: {body_field: /context/user~1token}\n").userToken())
        .isEqualTo(new UserTokenPolicy(null, null, "/context/user~1token", null, "toolgate", List.of()));
    assertThat(policy(require + "      user_token: {query_param: jwt}\n").userToken())
        .isEqualTo(new UserTokenPolicy(null, null, null, "jwt", "toolgate", List.of()));
    assertThat(policy(require + "      user_token: {header: x-user-jwt}\n").userToken())
        .isEqualTo(new UserTokenPolicy("x-user-jwt", "JWT", null, null, "toolgate", List.of()));
    assertThat(policy(require + "      user_token: {header: x-user-jwt, scheme: \"\"}\n").userToken().scheme()).isEmpty();
    assertThat(policy(require + "      user_token: {header: authorization, scheme: Bearer}\n").userToken())
        .isEqualTo(new UserTokenPolicy("authorization", "Bearer", null, null, "toolgate", List.of()));
    assertThat(policy(require + "      user_token: {header: customer-auth, body_field: /jwt, issuer: toolgate}\n").userToken())
        .isEqualTo(new UserTokenPolicy("customer-auth", "JWT", "/jwt", null, "toolgate", List.of()));
  }

  @Test
  void userTokenRules() {
    String require = "      require: [user_token]\n";
    assertError(tool(require + "      user_token: {issuer: toolgate}\n"), 16, "tools[0].policy.user_token",
        "say where the user token is: set at least one of header (e.g. `header: customer-auth`), body_field (a JSON Pointer,"
            + " e.g. `body_field: /context/jwt`) or query_param (e.g. `query_param: jwt`)");
    assertError(tool(require + "      user_token:\n        body_field: /jwt\n        scheme: JWT\n"), 18, "tools[0].policy.user_token.scheme",
        "applies to `header` only: in body_field or query_param the value is the bare token");
    assertError(tool(require + "      user_token:\n        header: customer-auth\n        scheme: J WT\n"), 18,
        "tools[0].policy.user_token.scheme", "invalid scheme 'J WT' (one word such as JWT or Bearer, matched in any case;");
    assertError(tool(require + "      user_token:\n        header: customer auth\n"), 17, "tools[0].policy.user_token.header",
        "invalid HTTP header name 'customer auth'");
    assertError(tool(require + "      user_token:\n        body_field: context/jwt\n"), 17, "tools[0].policy.user_token.body_field",
        "invalid JSON Pointer 'context/jwt': it starts with '/' (RFC 6901), e.g. /context/jwt");
    assertError(tool(require + "      user_token:\n        body_field: /a~2b\n"), 17, "tools[0].policy.user_token.body_field",
        "invalid JSON Pointer '/a~2b': '~' must be followed by 0 or 1 (RFC 6901: ~0 is '~', ~1 is '/')");
    assertError(tool(require + "      user_token:\n        body_field: /a~\n"), 17, "tools[0].policy.user_token.body_field",
        "'~' must be followed by 0 or 1");
    assertError(tool(require + "      user_token:\n        body_field: \"\"\n"), 17, "tools[0].policy.user_token.body_field",
        "must not be empty");
    assertError(tool(require + "      user_token:\n        query_param: \"j wt\"\n"), 17, "tools[0].policy.user_token.query_param",
        "invalid query parameter name 'j wt' (1 to 128 characters from letters, digits, '.', '_', '~' and '-')");
    assertError(tool(require + "      user_token:\n        header: customer-auth\n        issuer: auth0\n"), 18,
        "tools[0].policy.user_token.issuer",
        "unknown trusted issuer 'auth0' (declared: okta); `toolgate` means Toolgate's own customer tokens");
    assertError(tool(require + "      user_token:\n        header: customer-auth\n        scopes: [\"a\\\\b\"]\n"), 18,
        "tools[0].policy.user_token.scopes[0]", "invalid scope 'a\\b'");
    assertError(tool(require + "      user_token:\n        body_pointer: /jwt\n"), 17, "tools[0].policy.user_token.body_pointer",
        "unknown key 'body_pointer' (allowed: header, scheme, body_field, query_param, issuer, scopes");
  }

  @Test
  void userTokenIssuerWhenNoIssuersAreDeclared() {
    assertError("""
        tools:
          - name: a
            method: GET
            path: /a
            upstream: http://127.0.0.1:9000
            policy:
              require: [user_token]
              user_token: {header: customer-auth, issuer: okta}
        """, 8, "tools[0].policy.user_token.issuer",
        "unknown trusted issuer 'okta' (no trusted issuers are declared under `trusted_issuers:`)");
  }

  // ------------------------------------------------------------------ external_jwt

  @Test
  void externalJwtSection() {
    assertThat(policy("      require: [external_jwt]\n      external_jwt:\n        issuer: okta\n").externalJwt())
        .isEqualTo(new ExternalJwtPolicy("okta", "authorization", "Bearer", List.of()));
    assertThat(policy("""
              require: [external_jwt]
              external_jwt:
                issuer: okta
                header: X-Partner-JWT
                scheme: ""
                scopes: [orders.read]
        """).externalJwt()).isEqualTo(new ExternalJwtPolicy("okta", "x-partner-jwt", "", List.of("orders.read")));
  }

  @Test
  void externalJwtRules() {
    assertError(tool("      require:\n        - api_key\n        - external_jwt\n"), 17, "tools[0].policy.external_jwt",
        "required: external_jwt needs a section naming the trusted issuer of its tokens, e.g. `external_jwt: {issuer: okta}`"
            + " (declared: okta)");
    assertError(tool("      require: [external_jwt]\n      external_jwt: {scopes: [a]}\n"), 16, "tools[0].policy.external_jwt.issuer",
        "required: the name of the trusted issuer of its tokens, declared under `trusted_issuers` (declared: okta)");
    assertError(tool("      require: [external_jwt]\n      external_jwt:\n        issuer: toolgate\n"), 17,
        "tools[0].policy.external_jwt.issuer", "'toolgate' is Toolgate itself, not an external issuer: for Toolgate's access tokens"
            + " require client_token, for its customer tokens user_token");
    assertError(tool("      require: [external_jwt]\n      external_jwt:\n        issuer: Okta\n"), 17,
        "tools[0].policy.external_jwt.issuer", "unknown trusted issuer 'Okta' (declared: okta)");
    assertError(tool("      require: [external_jwt]\n      external_jwt:\n        issuer: okta\n        scheme: \"Bearer \"\n"), 18,
        "tools[0].policy.external_jwt.scheme", "invalid scheme 'Bearer '");
    assertError(tool("      require: [external_jwt]\n      external_jwt:\n        issuer: okta\n        audience: x\n"), 18,
        "tools[0].policy.external_jwt.audience", "unknown key 'audience' (allowed: issuer, header, scheme, scopes)");
  }

  @Test
  void anInvalidTrustedIssuerNameGivesNoSecondErrorInPolicies() {
    ConfigException e = error(HEAD.replace("  okta:", "  Okta:")
        + "      require: [external_jwt]\n      external_jwt: {issuer: Okta}\n");
    assertThat(lines(e)).singleElement().asString().contains("trusted_issuers.Okta: invalid trusted issuer name 'Okta'");
  }

  // ------------------------------------------------------------------ two credentials, one header

  @Test
  void clientTokenAndStaticTokenCompeteForAuthorization() {
    assertError(tool("      require: [client_token, static_token]\n"), 15, "tools[0].policy.require[1]",
        "client_token and static_token both read `Authorization: Bearer ...`: they would compete for one header"
            + " (a request carries one Authorization value); require only one of them");
    assertError(tool("      require:\n        - static_token\n        - api_key\n        - client_token\n"), 18, "tools[0].policy.require[2]",
        "static_token and client_token both read `Authorization: Bearer ...`");
  }

  @Test
  void externalJwtInAuthorizationCompetesWithTheOtherBearerTokens() {
    assertError(tool("      require: [static_token, external_jwt]\n      external_jwt: {issuer: okta}\n"), 16, "tools[0].policy.external_jwt",
        "static_token and external_jwt both read `Authorization: Bearer ...`: they would compete for one header"
            + " (a request carries one Authorization value); set external_jwt.header to another header");
    assertError(tool("""
              require: [external_jwt, client_token]
              external_jwt:
                issuer: okta
                header: Authorization
                scheme: JWT
        """), 18, "tools[0].policy.external_jwt.header",
        "client_token (`Authorization: Bearer ...`) and external_jwt (`Authorization: JWT ...`) both read the Authorization header:"
            + " they would compete for one header (a request carries one Authorization value); set external_jwt.header to another header");
    // In its own header, it goes with either.
    Policy p = policy("      require: [client_token, external_jwt]\n      external_jwt: {issuer: okta, header: x-partner-jwt}\n");
    assertThat(p.externalJwt().header()).isEqualTo("x-partner-jwt");
  }

  @Test
  void userTokenInAHeaderAnotherCredentialReads() {
    assertError(tool("      require: [static_token, user_token]\n      user_token:\n        header: authorization\n"), 17,
        "tools[0].policy.user_token.header",
        "static_token (`Authorization: Bearer ...`) and user_token (`Authorization: JWT ...`) both read the Authorization header:"
            + " they would compete for one header (a request carries one Authorization value); set user_token.header to another header");
    assertError(tool("""
              require: [user_token, external_jwt]
              user_token: {header: x-jwt}
              external_jwt: {issuer: okta, header: x-jwt}
        """), 17, "tools[0].policy.external_jwt.header",
        "user_token (`x-jwt: JWT ...`) and external_jwt (`x-jwt: Bearer ...`) both read the x-jwt header");
    // Alone in Authorization, or in the body next to a bearer token, a user token is fine.
    assertThat(policy("      require: [user_token]\n      user_token: {header: authorization, scheme: Bearer}\n").userToken().header())
        .isEqualTo("authorization");
    assertThat(policy("      require: [static_token, user_token]\n      user_token: {body_field: /jwt}\n").userToken().bodyPointer())
        .isEqualTo("/jwt");
  }

  @Test
  void userTokenStaysOutOfThePlatformsHeaders() {
    assertError(tool("      require: [user_token]\n      user_token:\n        header: Api-Key\n"), 17, "tools[0].policy.user_token.header",
        "user_token reads the header 'api-key', which is the api_key_header of platform 'asapp', where the platform sends its"
            + " API keys: set user_token.header to another header");
    // Reported once when api_key is required too.
    ConfigException both = error(tool("      require: [api_key, user_token]\n      user_token:\n        header: api-key\n"));
    assertThat(lines(both)).hasSize(1);
    assertThat(both.field()).isEqualTo("tools[0].policy.user_token.header");
    assertError(tool("      require: [external_jwt]\n      external_jwt: {issuer: okta, header: x-sendbird-signature}\n"), 16,
        "tools[0].policy.external_jwt.header",
        "external_jwt reads the header 'x-sendbird-signature', which is the signature_header of platform 'asapp', where the"
            + " platform sends its request signature: set external_jwt.header to another header");
    assertError("""
        tools:
          - name: a
            method: GET
            path: /a
            upstream: http://127.0.0.1:9000
            policy:
              require: [user_token]
              user_token: {header: x-sendbird-signature}
        """, 8, "tools[0].policy.user_token.header",
        "which is the default signature_header (the tool names no platform), where the platform sends its request signature");
  }

  @Test
  void theDefaultUserTokenHeaderIsCheckedToo() {
    assertError("""
        platforms:
          asapp:
            api_key_header: customer-auth
        tools:
          - name: a
            method: GET
            path: /a
            upstream: http://127.0.0.1:9000
            platform: asapp
            policy:
              require: [api_key, user_token]
        """, 11, "tools[0].policy.require[1]",
        "user_token reads the header 'customer-auth', which is the api_key_header of platform 'asapp'");
  }

  @Test
  void aPlatformHeaderInAuthorizationCompetesWithBearerTokens() {
    assertError("""
        platforms:
          p:
            api_key_header: Authorization
        tools:
          - name: a
            method: GET
            path: /a
            upstream: http://127.0.0.1:9000
            platform: p
            policy:
              require: [api_key, static_token]
        """, 11, "tools[0].policy.require[1]",
        "api_key (`Authorization ...`) and static_token (`Authorization: Bearer ...`) both read the Authorization header");
  }

  // ------------------------------------------------------------------ the records, built by hand

  @Test
  void convenienceConstructorsFillTheNewComponents() {
    Policy p = new Policy(List.of(CredentialKind.USER_TOKEN, CredentialKind.CLIENT_TOKEN), false);
    assertThat(p.userToken()).isEqualTo(UserTokenPolicy.defaults());
    assertThat(p.clientToken()).isEqualTo(ClientTokenPolicy.defaults("http://127.0.0.1:8080"));
    assertThat(p.externalJwt()).isNull();
    assertThat(new Policy(List.of(CredentialKind.API_KEY), false).clientToken()).isNull();
    assertThatThrownBy(() -> new Policy(List.of(CredentialKind.EXTERNAL_JWT), false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trusted issuer");

    GatewayConfig config = new GatewayConfig(null, null, null, null, Map.of(), List.of());
    assertThat(config.authorizationServer()).isEqualTo(AuthServerSettings.defaults(ServerSettings.defaults()));
    assertThat(config.trustedIssuers()).isEmpty();
    ServerSettings s = new ServerSettings("0.0.0.0", 9000, 1, java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1));
    assertThat(new GatewayConfig(null, s, null, null, Map.of(), List.of()).authorizationServer().issuer())
        .hasToString("http://127.0.0.1:9000");
  }
}
