package dev.toolgate.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.toolgate.core.config.ConfigLoader;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.decision.Check;
import dev.toolgate.core.pki.TestCertificates;
import dev.toolgate.core.port.ApiKey;
import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.port.SigningSecret;
import dev.toolgate.core.port.StaticToken;
import dev.toolgate.core.route.RouteTable;
import dev.toolgate.core.token.SigningAlgorithm;
import dev.toolgate.server.store.ClientKind;
import dev.toolgate.server.store.ClientOverview;
import dev.toolgate.server.store.ClientSecret;
import dev.toolgate.server.store.IssuedSecret;
import dev.toolgate.server.store.OAuthSettings;
import dev.toolgate.server.store.SigningKeyInfo;
import dev.toolgate.server.users.OpaqueIds;
import dev.toolgate.server.users.User;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every shape of {@link AdminResources} is exactly its schema in docs/openapi.json: the same field
 * names (the schema closed, every field required unless the shape may leave it out), and the
 * shape validates both with every optional value set and with every one null. A field added to a
 * shape, or a null where the schema says there is none, fails here before a client meets it.
 */
class AdminResourcesSchemaTest {
  static final OpenApiContract DOC = OpenApiContract.document();
  static final JsonMapper JSON = new JsonMapper();
  static final Instant T = Instant.parse("2026-03-01T09:00:00.123Z");

  static void assertShape(String schema, JsonObject... instances) {
    String pointer = "/components/schemas/" + schema;
    JsonNode node = DOC.root().at(pointer);
    assertThat(node.isMissingNode()).as(schema + " is in components/schemas").isFalse();
    assertThat(node.path("additionalProperties").asBoolean(true)).as(schema + " is closed").isFalse();
    Set<String> properties = new LinkedHashSet<>(node.get("properties").propertyNames());
    Set<String> required = new LinkedHashSet<>();
    node.get("required").forEach(r -> required.add(r.asString()));
    for (JsonObject instance : instances) {
      assertThat(instance.fieldNames()).as(schema + ": the shape's fields are the schema's properties").isSubsetOf(properties)
          .containsAll(required);
      DOC.assertValid(schema, pointer, JSON.readTree(instance.encode()), instance.encode());
    }
    List<String> everyField = new ArrayList<>();
    for (JsonObject instance : instances) {
      everyField.addAll(instance.fieldNames());
    }
    assertThat(everyField).as(schema + ": every property appears in some shape").containsAll(properties);
  }

  @Test
  void adminToken() {
    AdminToken full = new AdminToken("adm_1", "ops", AdminRole.READ_ONLY, "d", T, T.plusSeconds(60), T.plusSeconds(5), T.plusSeconds(1));
    AdminToken bare = new AdminToken("adm_2", "ops", AdminRole.ADMIN, "d", T, null, null, null);
    assertShape("AdminToken", AdminResources.adminToken(full), AdminResources.adminToken(bare));
    assertShape("AdminTokenCreated", AdminResources.issued(new IssuedSecret<>(bare, "tga_x"), AdminResources::adminToken));
  }

  @Test
  void client() throws Exception {
    JWKSet jwks = new JWKSet(new ECKeyGenerator(Curve.P_256).keyID("k1").generate().toPublicJWK());
    OAuthSettings settings = new OAuthSettings(Set.of("orders.read"), Duration.ofHours(1), Set.of("client_secret_basic", "private_key_jwt"), jwks,
        List.of("https://app.example.com/cb"));
    ClientRecord record = new ClientRecord("cli_1", "app", "sendbird", true, T);
    assertShape("Client",
        AdminResources.client(new ClientOverview(record, ClientKind.ADMIN, settings)),
        AdminResources.client(new ClientOverview(record, new ClientKind(ClientKind.Registration.DYNAMIC, ClientKind.ApplicationType.NATIVE), null)));
    assertShape("OAuthSettings", AdminResources.oauthSettings("cli_1", settings), AdminResources.oauthSettings("cli_1", OAuthSettings.DEFAULT));
  }

  @Test
  void credentials() {
    assertShape("SigningSecret",
        AdminResources.signingSecret(new SigningSecret("sec_1", "cli_1", new byte[32], T, T.plusSeconds(9), T.plusSeconds(3))),
        AdminResources.signingSecret(new SigningSecret("sec_2", "cli_1", new byte[32], T, null, null)));
    assertShape("StaticToken",
        AdminResources.staticToken(new StaticToken("tok_1", "cli_1", "d", T, T.plusSeconds(9), T.plusSeconds(3), T.plusSeconds(1))),
        AdminResources.staticToken(new StaticToken("tok_2", "cli_1", "d", T, null, null, null)));
    assertShape("ApiKey",
        AdminResources.apiKey(new ApiKey("key_1", "cli_1", "d", Set.of("b", "a"), T, T.plusSeconds(9), T.plusSeconds(3), T.plusSeconds(1))),
        AdminResources.apiKey(new ApiKey("key_2", "cli_1", "d", Set.of("*"), T, null, null, null)));
    StaticToken token = new StaticToken("tok_3", "cli_1", "d", T, null, null, null);
    StaticToken replaced = new StaticToken("tok_1", "cli_1", "d", T, T.plusSeconds(60), null, T);
    assertShape("StaticTokenCreated", AdminResources.issued(new IssuedSecret<>(token, "tgt_x"), AdminResources::staticToken));
    assertShape("StaticTokenRotated", AdminResources.rotated(new IssuedSecret<>(token, "tgt_x"), replaced, AdminResources::staticToken));
    ApiKey key = new ApiKey("key_3", "cli_1", "d", Set.of("a"), T, null, null, null);
    ApiKey oldKey = new ApiKey("key_1", "cli_1", "d", Set.of("a"), T, T.plusSeconds(60), null, null);
    assertShape("ApiKeyCreated", AdminResources.issued(new IssuedSecret<>(key, "tgk_x"), AdminResources::apiKey));
    assertShape("ApiKeyRotated", AdminResources.rotated(new IssuedSecret<>(key, "tgk_x"), oldKey, AdminResources::apiKey));
    assertShape("SigningSecretCreated", AdminResources.issued(new IssuedSecret<>(new SigningSecret("sec_3", "cli_1", new byte[32], T, null, null),
        "tgs_x"), AdminResources::signingSecret));
    ClientSecret secret = new ClientSecret("cs_3", "cli_1", "d", T, null, null, null);
    assertShape("ClientSecretCreated", AdminResources.issued(new IssuedSecret<>(secret, "tgc_x"), AdminResources::clientSecret));
    assertShape("ClientSecret",
        AdminResources.clientSecret(new ClientSecret("cs_1", "cli_1", "d", T, T.plusSeconds(9), T.plusSeconds(3), T.plusSeconds(1))),
        AdminResources.clientSecret(new ClientSecret("cs_2", "cli_1", "d", T, null, null, null)));
  }

  @Test
  void signingKey() {
    SigningKeyInfo published = new SigningKeyInfo("k1", SigningAlgorithm.EDDSA, "mk1", T, T, T.plusSeconds(9), SigningKeyInfo.State.PUBLISHED);
    SigningKeyInfo pending = new SigningKeyInfo("k2", SigningAlgorithm.RS256, "mk1", T, null, null, SigningKeyInfo.State.PENDING);
    SigningKeyInfo unknown = new SigningKeyInfo("k3", null, "mk1", T, T, null, SigningKeyInfo.State.ACTIVE);
    assertShape("SigningKey", AdminResources.signingKey(published), AdminResources.signingKey(pending), AdminResources.signingKey(unknown));
    SigningKeyInfo revoked = new SigningKeyInfo("k4", SigningAlgorithm.ES256, "mk1", T, T, T.plusSeconds(9), SigningKeyInfo.State.REVOKED);
    assertShape("SigningKeyRevoked", AdminResources.revokedSigningKey(revoked, unknown), AdminResources.revokedSigningKey(revoked, null));
  }

  @Test
  void clientKeys() throws Exception {
    JWKSet jwks = new JWKSet(List.of(new ECKeyGenerator(Curve.P_256).keyID("k1").generate().toPublicJWK(),
        new ECKeyGenerator(Curve.P_256).generate().toPublicJWK()));
    OAuthSettings settings = new OAuthSettings(Set.of(), Duration.ofHours(1), Set.of("private_key_jwt"), jwks, List.of());
    assertShape("ClientKeys", AdminResources.clientKeys(settings), AdminResources.clientKeys(OAuthSettings.DEFAULT));
    for (var key : jwks.getKeys()) {
      JsonObject jwk = AdminResources.jwk(key);
      DOC.assertValid("Jwk", "/components/schemas/Jwk", JSON.readTree(jwk.encode()), jwk.encode());
      assertThat(jwk.containsKey("d")).as("no private member").isFalse();
    }
  }

  @Test
  void user() {
    assertShape("User",
        AdminResources.user(new User("usr_1", "ada", User.NO_PASSWORD, false, T, T)),
        AdminResources.user(new User("usr_2", "bob", "$argon2id$x", true, T, T.plusSeconds(1))));
  }

  @Test
  void opaqueIds() {
    User user = new User("usr_1", "ada", User.NO_PASSWORD, false, T, T);
    assertShape("OpaqueId", AdminResources.opaqueId(new OpaqueIds.OpaqueId("oc_1", "asapp", "usr_1", 2), user),
        AdminResources.opaqueId(new OpaqueIds.OpaqueId("oc_2", "asapp", "usr_9", 1), null));
    assertShape("OpaqueIdKey", AdminResources.opaqueIdKey(new OpaqueIds.KeyInfo(1, "mk1", T, true)));
  }

  /** Every credential kind, identity place, limit and MCP rule a tool can have, in one configuration. */
  static final String TOOLS = """
      server:
        tls: {certificate: DIR/chain.pem, key: DIR/key.pem}
      redis: {url: "redis://127.0.0.1:9"}
      platforms:
        sendbird:
          allowed_ips: [192.0.2.0/24]
          client_certificates: {ca: DIR/ca.pem}
      trusted_issuers:
        okta: {issuer: https://example.okta.com/oauth2/default, jwks_uri: https://example.okta.com/keys, audiences: [api://toolgate]}
      tools:
        - name: signed
          method: POST
          path: /users/{user_id}/orders
          upstream: https://orders.internal:8443/v1/users/{user_id}/orders
          upstream_ca: DIR/ca.pem
          platform: sendbird
          policy:
            require: [sendbird_signature, user_token, api_key]
            user_token: {body_field: /context/jwt, scopes: [profile.read]}
          allowed_ips: [192.0.2.16/28]
          user:
            platform_user_id: {body_field: /user_id}
            forward: user_id
          owner: {path_param: user_id, is: platform_user_id}
          rate_limits:
            - {per: [client, user], limit: 10, period: 1m}
            - {per: ip, limit: 100, period: 2s}
          when_limits_unavailable: refuse
          allow_in_path: [trailing_dot, encoded_percent]
          forward_headers: [X-HTTP-Method-Override]
        - name: profile
          method: "*"
          path: /profile/**
          upstream: http://127.0.0.1:9000
          policy:
            require: [client_token, external_jwt]
            client_token: {scopes: [profile.read], audience: https://api.example.com/profile}
            external_jwt: {issuer: okta, header: X-Partner-JWT, scheme: "", scopes: [orders.read]}
        - name: static
          method: GET
          path: /static
          upstream: http://127.0.0.1:9000
          policy: {require: [static_token]}
        - name: hooks
          method: POST
          path: /hooks
          upstream: http://127.0.0.1:9000
          platform: sendbird
          policy: {require: [standard_webhooks, stripe_signature, mtls], mtls: {subjects: ["CN=agent"], spiffe_ids: [spiffe://example.org/a]}}
        - name: open
          method: GET
          path: /status
          upstream: http://127.0.0.1:9000
          policy: {anonymous: true}
        - name: shop_mcp
          path: /mcp
          upstream: http://127.0.0.1:9000/mcp
          policy:
            require: [client_token]
            client_token: {scopes: [mcp]}
          mcp:
            allowed_origins: [https://app.example.com]
            unlisted_tools: deny
            filter_tools_list: true
            methods:
              prompts/get: {deny: true}
            tools:
              refund_order:
                policy: {require: [client_token, user_token], client_token: {scopes: [mcp]}}
                scopes: [orders.refund]
                user: {user_id: {header: X-User}, forward: opaque_id}
                owner: {body_field: /customer_id, is: user_id}
                rate_limits: [{per: user, limit: 3, period: 1h}]
      """;

  @Test
  void toolsOfEveryKind() throws Exception {
    Path dir = Files.createTempDirectory("toolgate-tool-shapes-");
    TestCertificates.Issued ca = TestCertificates.ca("Shapes CA");
    Files.writeString(dir.resolve("ca.pem"), ca.chainPem());
    TestCertificates.Issued server = TestCertificates.server(ca);
    server.writeChain(dir.resolve("chain.pem"));
    server.writeKey(dir.resolve("key.pem"));
    GatewayConfig config = ConfigLoader.parse(TOOLS.replace("DIR", dir.toString()), dir.resolve("toolgate.yaml"));
    List<JsonObject> tools = RouteTable.from(config).routes().stream().map(r -> AdminResources.tool(r, config)).toList();
    assertThat(tools).hasSize(6);
    assertShape("Tool", tools.toArray(JsonObject[]::new));
    assertShape("ToolCredentials", tools.stream().map(t -> t.getJsonObject("policy").getJsonObject("credentials")).toArray(JsonObject[]::new));
    JsonObject mcp = tools.get(5).getJsonObject("mcp");
    assertShape("McpRoute", mcp);
    assertShape("McpRule", mcp.getJsonObject("tools").getJsonObject("refund_order"), mcp.getJsonObject("methods").getJsonObject("prompts/get"));
    assertShape("RateLimit", tools.get(0).getJsonArray("rate_limits").getJsonObject(0), tools.get(0).getJsonArray("rate_limits").getJsonObject(1));
    assertShape("UserBinding", tools.get(0).getJsonObject("user"));
  }

  @Test
  void decision() {
    AuditEvent full = new AuditEvent(T, "req_1", "GET", "/orders/1", "127.0.0.1", "orders", "cli_1", List.of("key_1"), "deny",
        "api_key_invalid", 401, 1234, "wrong key", List.of(new Check("api_key", false, "no such key"), new Check("route", true, null)), "0123456789ab");
    AuditEvent bare = new AuditEvent(T, "req_2", null, null, null, null, null, List.of(), null, null, 404, 0, null, List.of(), null);
    assertShape("Decision", AdminResources.decision(full), AdminResources.decision(bare));
    assertShape("DecisionCheck", AdminResources.decision(full).getJsonArray("checks").getJsonObject(0),
        AdminResources.decision(full).getJsonArray("checks").getJsonObject(1));
  }
}
