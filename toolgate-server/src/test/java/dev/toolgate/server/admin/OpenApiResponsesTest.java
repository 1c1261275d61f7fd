package dev.toolgate.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.oauth.Pkce;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.OAuthClientStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Real answers of a real Toolgate, successes and errors, each checked against the schema and
 * headers docs/openapi.json gives for its operation and status ({@link OpenApiContract#check}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiResponsesTest {
  static final OpenApiContract DOC = OpenApiContract.document();
  static final String NATIVE_REDIRECT = "http://127.0.0.1:43110/callback";

  FullServer s;

  @BeforeAll
  void start() throws Exception {
    s = new FullServer("");
  }

  @AfterAll
  void stop() {
    if (s != null) {
      s.close();
    }
  }

  HttpResponse<String> check(HttpResponse<String> r, int status) {
    DOC.check(r);
    assertThat(r.statusCode()).as(r.request().method() + " " + r.request().uri() + ": " + r.body()).isEqualTo(status);
    return r;
  }

  static JsonObject json(HttpResponse<String> r) {
    return new JsonObject(r.body());
  }

  static String form(String... pairs) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      sb.append(sb.length() == 0 ? "" : "&").append(pairs[i]).append('=').append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
    }
    return sb.toString();
  }

  @Test
  void adminTokens() {
    String body = "{\"name\":\"ci\",\"role\":\"read_only\",\"expires_at\":\"2099-01-01T00:00:00Z\"}";
    JsonObject created = json(check(s.call("POST", "/admin/admin-tokens", body, s.admin(), "idempotency-key", "k-admin-1"), 201));
    String id = created.getString("id");
    check(s.call("POST", "/admin/admin-tokens", body, s.admin(), "idempotency-key", "k-admin-1"), 201); // replayed, without the secret
    check(s.call("POST", "/admin/admin-tokens", "{\"name\":\"other\"}", s.admin(), "idempotency-key", "k-admin-1"), 422);
    check(s.call("GET", "/admin/admin-tokens", null), 200);
    check(s.call("GET", "/admin/admin-tokens/" + id, null), 200);
    check(s.call("POST", "/admin/admin-tokens/" + id + "/revoke", null), 200);
    check(s.call("POST", "/admin/admin-tokens/" + id + "/revoke", null), 200);
    check(s.call("GET", "/admin/admin-tokens/adm_nope", null), 404);
    check(s.call("POST", "/admin/admin-tokens", "{\"name\":\"x\",\"role\":\"root\"}"), 400);
    check(s.call("POST", "/admin/admin-tokens", "{\"name\":5}"), 400);
    check(s.call("POST", "/admin/admin-tokens", "{\"name\":\"x\",\"rol\":\"read_only\"}"), 400);
    check(s.call("POST", "/admin/admin-tokens", "{\"name\":\"" + "x".repeat(20_000) + "\"}"), 413);
    check(s.call("GET", "/admin/admin-tokens", null, null), 401);
    check(s.call("GET", "/admin/admin-tokens", null, "tga_" + "A".repeat(43)), 401);
    check(s.call("GET", "/admin/admin-tokens", null, s.tokens.get(AdminRole.OPERATOR)), 403);
  }

  @Test
  void clients() {
    ClientRecord client = s.h.admin().createClient("app", "sendbird");
    s.h.refresh();
    check(s.call("GET", "/admin/clients", null), 200);
    check(s.call("GET", "/admin/clients?registration=admin", null, s.tokens.get(AdminRole.READ_ONLY)), 200);
    check(s.call("GET", "/admin/clients?registration=robot", null), 400);
    check(s.call("GET", "/admin/clients/" + client.id(), null), 200);
    check(s.call("POST", "/admin/clients/" + client.id() + "/disable", null), 200);
    check(s.call("POST", "/admin/clients/" + client.id() + "/enable", null), 200);
    check(s.call("POST", "/admin/clients/cl_nope/disable", null), 404);
    check(s.call("POST", "/admin/clients/" + client.id() + "/disable", null, s.tokens.get(AdminRole.READ_ONLY)), 403);
  }

  @Test
  void credentialsOfEachKind() {
    String create = "{\"name\":\"shop\",\"platform\":\"sendbird\"}";
    String id = json(check(s.call("POST", "/admin/clients", create, s.admin(), "idempotency-key", "k-client-1"), 201)).getString("id");
    check(s.call("POST", "/admin/clients", create, s.admin(), "idempotency-key", "k-client-1"), 201);
    check(s.call("POST", "/admin/clients", create), 409);
    check(s.call("POST", "/admin/clients", "{\"name\":\"shop2\",\"platform\":\"nowhere\"}"), 400);
    String forClient = "{\"client_id\":\"" + id + "\"}";

    String secret = json(check(s.call("POST", "/admin/signing-secrets", forClient), 201)).getString("id");
    check(s.call("POST", "/admin/signing-secrets", "{\"client_id\":\"" + id + "\",\"value\":\"the platform's own\"}"), 201);
    check(s.call("POST", "/admin/signing-secrets", "{\"client_id\":\"cl_nope\"}"), 404);
    check(s.call("POST", "/admin/signing-secrets", "{\"client_id\":\"" + id + "\",\"expire_at\":\"2099-01-01T00:00:00Z\"}"), 400);
    check(s.call("GET", "/admin/signing-secrets?client_id=" + id, null), 200);
    check(s.call("GET", "/admin/signing-secrets?client=" + id, null), 400);
    check(s.call("GET", "/admin/signing-secrets/" + secret, null), 200);
    check(s.call("POST", "/admin/signing-secrets/" + secret + "/revoke", null), 200);

    String token = json(check(s.call("POST", "/admin/static-tokens", forClient, s.admin(), "idempotency-key", "k-token-1"), 201)).getString("id");
    check(s.call("POST", "/admin/static-tokens", forClient, s.admin(), "idempotency-key", "k-token-1"), 201);
    check(s.call("GET", "/admin/static-tokens", null), 200);
    check(s.call("GET", "/admin/static-tokens/" + token, null), 200);
    String rotated = json(check(s.call("POST", "/admin/static-tokens/" + token + "/rotate", "{\"overlap_seconds\":60}"), 201)).getString("id");
    check(s.call("POST", "/admin/static-tokens/" + token + "/rotate", "{\"overlap_seconds\":-1}"), 400);
    check(s.call("POST", "/admin/static-tokens/" + rotated + "/revoke", null), 200);
    check(s.call("POST", "/admin/static-tokens/" + rotated + "/rotate", null), 409);
    check(s.call("POST", "/admin/static-tokens/tok_nope/revoke", null), 404);

    String key = json(check(s.call("POST", "/admin/api-keys", "{\"client_id\":\"" + id + "\",\"tools\":[\"orders\"]}"), 201)).getString("id");
    check(s.call("POST", "/admin/api-keys", "{\"client_id\":\"" + id + "\",\"tools\":[\"nope\"]}"), 400);
    check(s.call("GET", "/admin/api-keys?client_id=" + id, null, s.tokens.get(AdminRole.READ_ONLY)), 200);
    check(s.call("GET", "/admin/api-keys/" + key, null), 200);
    check(s.call("POST", "/admin/api-keys/" + key + "/rotate", "{\"overlap_seconds\":0,\"expires_at\":\"2099-01-01T00:00:00Z\"}"), 201);
    check(s.call("POST", "/admin/api-keys/" + key + "/revoke", null), 200);
    check(s.call("POST", "/admin/api-keys", "{\"client_id\":\"" + id + "\",\"tools\":[\"*\"]}", s.tokens.get(AdminRole.READ_ONLY)), 403);
  }

  @Test
  void usersAndCustomerTokens() {
    JsonObject ada = json(check(s.call("POST", "/admin/users", "{\"username\":\"ada\",\"password\":\"correct horse\"}"), 201));
    String id = ada.getString("id");
    check(s.call("POST", "/admin/users", "{\"username\":\"ada\"}"), 409);
    check(s.call("POST", "/admin/users", "{\"username\":\"bob\",\"password\":\"short\"}"), 400);
    check(s.call("GET", "/admin/users", null), 200);
    check(s.call("GET", "/admin/users/" + id, null), 200);
    check(s.call("POST", "/admin/users/" + id + "/password", "{\"password\":\"battery staple\"}"), 200);
    check(s.call("POST", "/admin/users/" + id + "/customer-token", null, s.tokens.get(AdminRole.TOKEN_MINTER)), 200);
    check(s.call("POST", "/admin/users/" + id + "/customer-token", "{\"tool\":\"orders\"}"), 400);
    check(s.call("POST", "/admin/users/" + id + "/customer-token", "{\"tol\":\"orders\"}"), 400);
    check(s.call("POST", "/admin/users/" + id + "/disable", null), 200);
    check(s.call("POST", "/admin/users/" + id + "/customer-token", null), 409);
    check(s.call("POST", "/admin/users/" + id + "/enable", null), 200);
    check(s.call("GET", "/admin/users/usr_nope", null), 404);

    // Customer login and logout with that user.
    HttpResponse<String> login = check(s.form("/auth/customer_authenticate", form("username", "ada", "password", "battery staple")), 200);
    check(s.form("/auth/customer_authenticate", form("username", "ada", "password", "wrong password")), 401);
    check(s.form("/auth/customer_authenticate", form("username", "ada")), 400);
    check(s.send(s.request("/auth/customer_authenticate").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
        .header("content-type", "application/json")), 400);
    String jwt = json(login).getString("JWT");
    check(s.send(s.request("/auth/logout").POST(java.net.http.HttpRequest.BodyPublishers.noBody()).header("authorization", "Bearer " + jwt)), 204);
    check(s.send(s.request("/auth/logout").POST(java.net.http.HttpRequest.BodyPublishers.noBody()).header("customer-auth", "JWT garbage")), 401);
  }

  @Test
  void platformUsersAndSessionTokens() {
    String base = "/admin/platforms/sendbird/users";
    check(s.call("POST", base, "{\"user_id\":\"sb-42\",\"username\":\"grace\"}"), 404);
    check(s.call("POST", "/admin/users", "{\"username\":\"grace\"}"), 201);
    check(s.call("POST", base, "{\"user_id\":\"sb-42\",\"username\":\"grace\"}"), 200);
    check(s.call("POST", base, "{\"user_id\":\"sb-43\",\"username\":\"grace\"}"), 409);
    check(s.call("POST", base, "{\"user_id\":\"sb-42\"}"), 400);
    check(s.call("GET", base + "/sb-42", null), 200);
    check(s.call("GET", base + "/sb-nope", null), 404);
    JsonObject token = json(check(s.call("POST", base + "/sb-42/token", null, s.tokens.get(AdminRole.TOKEN_MINTER)), 200));
    check(s.call("POST", base + "/sb-42/token", "{\"expires_at\":1}"), 400);
    check(s.call("GET", base + "/sb-42/token", null), 200);
    check(s.call("DELETE", base + "/sb-42/token/" + token.getString("token_id"), null), 200);
    check(s.call("POST", base + "/sb-42/token", null), 200);
    check(s.call("DELETE", base + "/sb-42/token", null), 200);
  }

  @Test
  void decisionsThroughTheDecisionApiAndTheAuditLog() {
    ClientRecord client = s.h.admin().createClient("decided", "sendbird");
    String key = s.h.admin().createApiKey(client.id(), Set.of("orders"), null).plaintext();
    s.h.refresh();
    HttpResponse<String> allowed = check(s.send(s.request("/decisions").GET()
        .header("X-Original-URI", "/orders/A-1").header("X-Original-Method", "GET").header("api-key", key)), 200);
    check(s.send(s.request("/decisions").GET().header("X-Original-URI", "/orders/A-1").header("X-Original-Method", "GET")
        .header("api-key", "tgk_wrong")), 401);
    check(s.send(s.request("/decisions").GET().header("X-Original-URI", "/orders/A-1").header("X-Original-Method", "GET")
        .header("X-Forwarded-Uri", "/public")), 400);
    check(s.send(s.request("/decisions").GET().header("X-Original-URI", "/nothing").header("X-Original-Method", "GET")), 404);
    check(s.send(s.request("/decisions").GET().header("X-Original-URI", "/orders/A-1").header("X-Original-Method", "POST")
        .header("api-key", key)), 405);

    s.h.flushAudit();
    String requestId = allowed.headers().firstValue("x-request-id").orElseThrow();
    JsonObject decision = json(check(s.call("GET", "/admin/decisions/" + requestId, null, s.tokens.get(AdminRole.READ_ONLY)), 200));
    assertThat(decision.getString("decision")).isEqualTo("allow");
    check(s.call("GET", "/admin/decisions/req_nope", null), 404);
  }

  @Test
  void auditLogPagesExportAndPrune() {
    for (int i = 0; i < 3; i++) {
      check(s.send(s.request("/decisions").GET().header("X-Original-URI", "/orders/P-" + i).header("X-Original-Method", "GET")), 401);
    }
    s.h.flushAudit();
    JsonObject page = json(check(s.call("GET", "/admin/decisions?decision=deny&limit=2", null, s.tokens.get(AdminRole.READ_ONLY)), 200));
    assertThat(page.getJsonArray("decisions")).hasSize(2);
    check(s.call("GET", "/admin/decisions?decision=deny&limit=2&cursor=" + page.getString("next_cursor"), null), 200);
    check(s.call("GET", "/admin/decisions?cursor=not-ours", null), 400);
    check(s.call("GET", "/admin/decisions?limit=0", null), 400);
    check(s.call("GET", "/admin/decisions?tool=orders&since=2020-01-01T00:00:00Z&until=2999-01-01T00:00:00Z", null), 200);
    HttpResponse<String> export = check(s.call("GET", "/admin/audit/export?code=api_key_missing", null), 200);
    assertThat(export.body().split("\n")).hasSizeGreaterThanOrEqualTo(3);
    check(s.call("GET", "/admin/audit/export?limit=5", null), 400);
    check(s.call("POST", "/admin/audit/prune", "{\"before\":\"2001-01-01T00:00:00Z\"}"), 200);
    check(s.call("POST", "/admin/audit/prune", "{\"before\":\"2999-01-01T00:00:00Z\"}"), 400);
    check(s.call("POST", "/admin/audit/prune", "{\"before\":\"2001-01-01T00:00:00Z\"}", s.tokens.get(AdminRole.OPERATOR)), 403);
  }

  @Test
  void opaqueCustomerIds() {
    String user = json(check(s.call("POST", "/admin/users", "{\"username\":\"opal\"}"), 201)).getString("id");
    JsonObject id = json(check(s.call("POST", "/admin/users/" + user + "/opaque-id", "{\"platform\":\"asapp\"}"), 200));
    check(s.call("POST", "/admin/users/" + user + "/opaque-id", null), 200);
    check(s.call("POST", "/admin/users/usr_nope/opaque-id", null), 404);
    check(s.call("GET", "/admin/opaque-ids/" + id.getString("opaque_id"), null, s.tokens.get(AdminRole.READ_ONLY)), 200);
    check(s.call("GET", "/admin/opaque-ids/nope", null), 404);
    check(s.call("GET", "/admin/opaque-id-keys", null), 200);
    JsonObject key = json(check(s.call("POST", "/admin/opaque-id-keys/rotate", null, s.admin(), "idempotency-key", "k-opaque-1"), 201));
    check(s.call("POST", "/admin/opaque-id-keys/rotate", null, s.admin(), "idempotency-key", "k-opaque-1"), 201);
    check(s.call("GET", "/admin/opaque-id-keys/" + key.getInteger("version"), null), 200);
    check(s.call("GET", "/admin/opaque-id-keys/999", null), 404);
  }

  @Test
  void oauthSettingsKeysAndClientSecrets() throws Exception {
    ClientRecord client = s.h.admin().createClient("oauthy", "sendbird");
    s.h.refresh();
    String base = "/admin/clients/" + client.id();
    HttpResponse<String> read = check(s.call("GET", base + "/oauth", null, s.tokens.get(AdminRole.READ_ONLY)), 200);
    String etag = read.headers().firstValue("etag").orElseThrow();
    JsonObject settings = json(read).put("scopes", new JsonArray().add("reports.read"));
    check(s.call("PUT", base + "/oauth", settings.encode(), s.admin(), "if-match", etag), 200);
    check(s.call("PUT", base + "/oauth", settings.encode(), s.admin(), "if-match", etag), 412);
    check(s.call("PUT", base + "/oauth", settings.copy().put("scope", "x").encode()), 400);
    check(s.call("PUT", base + "/oauth", settings.encode(), s.admin(), "if-match", "not-a-tag"), 400);
    check(s.call("GET", "/admin/clients/cl_nope/oauth", null), 404);

    JWK key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    String keysTag = check(s.call("GET", base + "/keys", null), 200).headers().firstValue("etag").orElseThrow();
    String add = new JsonObject().put("jwk", new JsonObject(key.toPublicJWK().toJSONObject())).encode();
    check(s.call("POST", base + "/keys", add, s.admin(), "if-match", keysTag), 201);
    check(s.call("POST", base + "/keys", add), 409);
    check(s.call("POST", base + "/keys", new JsonObject().put("jwk", new JsonObject(key.toJSONObject())).encode()), 400);
    check(s.call("DELETE", base + "/keys/k1", null, s.admin(), "if-match", keysTag), 412);
    check(s.call("GET", base + "/keys/k1", null), 200);
    check(s.call("GET", base + "/keys/k9", null), 404);
    check(s.call("PUT", base + "/oauth", settings.copy().put("auth_methods", new JsonArray().add("private_key_jwt"))
        .put("jwks", new JsonObject().put("keys", new JsonArray().add(new JsonObject(key.toPublicJWK().toJSONObject())))).encode()), 200);
    check(s.call("DELETE", base + "/keys/k1", null), 409);

    String secret = json(check(s.call("POST", "/admin/client-secrets", "{\"client_id\":\"" + client.id() + "\"}"), 201)).getString("id");
    check(s.call("POST", "/admin/client-secrets", "{\"client_id\":\"" + client.id() + "\",\"expire\":1}"), 400);
    check(s.call("GET", "/admin/client-secrets?client_id=" + client.id(), null), 200);
    check(s.call("GET", "/admin/client-secrets?client_id=cl_nope", null), 404);
    check(s.call("GET", "/admin/signing-secrets?client_id=cl_nope", null), 404);
    check(s.call("GET", "/admin/client-secrets/" + secret, null), 200);
    check(s.call("POST", "/admin/client-secrets/" + secret + "/revoke", null), 200);
  }

  @Test
  void signingKeys() {
    String before = json(check(s.call("GET", "/admin/signing-keys", null), 200)).getJsonArray("signing_keys").getJsonObject(0).getString("kid");
    String rotated = json(check(s.call("POST", "/admin/signing-keys/rotate", "{\"algorithm\":\"ES256\"}"), 201)).getString("kid");
    check(s.call("POST", "/admin/signing-keys/rotate", "{\"algorithm\":\"HS256\"}"), 400);
    check(s.call("GET", "/admin/signing-keys/" + rotated, null), 200);
    check(s.call("GET", "/admin/signing-keys/nope", null), 404);
    check(s.call("POST", "/admin/signing-keys/" + before + "/revoke", null), 200); // retired: no replacement
    check(s.call("POST", "/admin/signing-keys/" + before + "/revoke", null), 404);
    check(s.call("POST", "/admin/signing-keys/" + rotated + "/revoke", "{\"algorithm\":\"EdDSA\"}"), 200); // active: replaced
    check(s.call("POST", "/admin/signing-keys/rotate", null, s.tokens.get(AdminRole.READ_ONLY)), 403);
  }

  @Test
  void toolsAndTestCalls() {
    check(s.call("GET", "/admin/tools", null, s.tokens.get(AdminRole.READ_ONLY)), 200);
    check(s.call("GET", "/admin/tools/orders", null), 200);
    check(s.call("GET", "/admin/tools/shop_mcp", null), 200);
    check(s.call("GET", "/admin/tools/nope", null), 404);
    ClientRecord client = s.h.admin().createClient("tester", "sendbird");
    String key = s.h.admin().createApiKey(client.id(), Set.of("orders"), null).plaintext();
    s.h.refresh();
    JsonObject call = new JsonObject().put("tool", "orders").put("path", "/orders/A-7")
        .put("credential", new JsonObject().put("kind", "api_key").put("value", key));
    JsonObject tested = json(check(s.call("POST", "/admin/tool-calls/test", call.encode()), 200));
    assertThat(tested.getJsonObject("response").getInteger("status")).isEqualTo(200);
    JsonObject refused = json(check(s.call("POST", "/admin/tool-calls/test",
        call.copy().put("credential", new JsonObject().put("kind", "none")).encode()), 200));
    assertThat(refused.getJsonObject("response").getInteger("status")).isEqualTo(401);
    check(s.call("POST", "/admin/tool-calls/test", call.copy().put("tool", "nope").encode()), 404);
    check(s.call("POST", "/admin/tool-calls/test", call.copy().put("credential", new JsonObject().put("kind", "signature")).encode()), 400);
    check(s.call("POST", "/admin/tool-calls/test", call.copy().put("headrs", new JsonObject()).encode()), 400);
    check(s.call("POST", "/admin/tool-calls/test", call.encode(), s.tokens.get(AdminRole.READ_ONLY)), 403);
  }

  @Test
  void tokenEndpointsWithAConfidentialClient() {
    CredentialStore credentials = s.h.admin();
    OAuthClientStore oauth = new OAuthClientStore(s.h.adminDb());
    ClientRecord client = credentials.createClient("reporter", "sendbird");
    oauth.setOAuthSettings(client.id(), Set.of("reports.read"), Duration.ofMinutes(10), Set.of("client_secret_basic", "client_secret_post"), null);
    String secret = oauth.createClientSecret(client.id(), null).plaintext();
    s.h.refresh();
    String basic = "Basic " + Base64.getEncoder().encodeToString((client.id() + ":" + secret).getBytes(StandardCharsets.UTF_8));

    JsonObject issued = json(check(s.form("/oauth/token", form("grant_type", "client_credentials", "scope", "reports.read"), "authorization", basic), 200));
    check(s.form("/oauth/token", form("grant_type", "client_credentials", "client_id", client.id(), "client_secret", secret)), 200);
    check(s.form("/oauth/token", form("grant_type", "client_credentials", "scope", "admin"), "authorization", basic), 400);
    check(s.form("/oauth/token", form("grant_type", "password"), "authorization", basic), 400);
    check(s.form("/oauth/token", form("grant_type", "client_credentials", "client_id", client.id(), "client_secret", "wrong")), 401);
    check(s.form("/oauth/token", "grant_type=client_credentials&pad=" + "x".repeat(70_000), "authorization", basic), 413);
    check(s.form("/oauth/access_token?grant_type=client_credentials", "", "authorization", basic), 200);
    check(s.form("/oauth/access_token", form("grant_type", "authorization_code"), "authorization", basic), 400);

    String token = issued.getString("access_token");
    JsonObject active = json(check(s.form("/oauth/introspect", form("token", token), "authorization", basic), 200));
    assertThat(active.getBoolean("active")).isTrue();
    check(s.form("/oauth/introspect", form("token", "garbage"), "authorization", basic), 200);
    check(s.form("/oauth/introspect", form("token", token)), 401);
    check(s.form("/oauth/introspect", form("token_type_hint", "access_token"), "authorization", basic), 400);
    check(s.form("/oauth/revoke", form("token", token), "authorization", basic), 200);
    assertThat(json(check(s.form("/oauth/introspect", form("token", token), "authorization", basic), 200)).getBoolean("active")).isFalse();
  }

  @Test
  void registrationAndTheCodeFlowInABrowser() {
    JsonObject metadata = new JsonObject().put("client_name", "Desktop agent").put("redirect_uris", new JsonArray().add(NATIVE_REDIRECT))
        .put("token_endpoint_auth_method", "none").put("application_type", "native").put("scope", "mcp");
    String clientId = json(check(s.send(s.request("/oauth/register").POST(java.net.http.HttpRequest.BodyPublishers.ofString(metadata.encode()))
        .header("content-type", "application/json")), 201)).getString("client_id");
    check(s.send(s.request("/oauth/register").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"redirect_uris\": 5}"))
        .header("content-type", "application/json")), 400);
    check(s.send(s.request("/oauth/register").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
        new JsonObject().put("redirect_uris", new JsonArray().add("ftp://x")).encode())).header("content-type", "application/json")), 400);
    check(s.call("POST", "/admin/users", "{\"username\":\"lin\",\"password\":\"lin's password\"}"), 201);

    String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
    String authorize = "/oauth/authorize?" + form("client_id", clientId, "redirect_uri", NATIVE_REDIRECT, "response_type", "code",
        "code_challenge", Pkce.s256(verifier), "code_challenge_method", "S256", "resource", FullServer.MCP_RESOURCE, "scope", "mcp", "state", "s1");
    check(s.get(authorize.replace(clientId, "cl_nope")), 400);
    check(s.get("/oauth/authorize/style.css"), 200);
    HttpResponse<String> loginPage = check(s.get(authorize), 200);
    List<String> cookies = cookies(loginPage, new ArrayList<>());
    check(s.form("/oauth/authorize/login", form("request", hidden(loginPage, "request"), "csrf", "forged", "username", "lin", "password", "x"),
        "cookie", String.join("; ", cookies)), 403);
    HttpResponse<String> consentPage = check(s.form("/oauth/authorize/login", form("request", hidden(loginPage, "request"), "csrf",
        hidden(loginPage, "csrf"), "username", "lin", "password", "lin's password"), "cookie", String.join("; ", cookies)), 200);
    cookies(consentPage, cookies);
    check(s.form("/oauth/authorize/consent", form("request", hidden(consentPage, "request"), "csrf", hidden(consentPage, "csrf")),
        "cookie", String.join("; ", cookies)), 400);
    HttpResponse<String> redirected = check(s.form("/oauth/authorize/consent", form("request", hidden(consentPage, "request"), "csrf",
        hidden(consentPage, "csrf"), "decision", "allow"), "cookie", String.join("; ", cookies)), 303);
    String location = redirected.headers().firstValue("location").orElseThrow();
    Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(location);
    assertThat(code.find()).as(location).isTrue();

    JsonObject tokens = json(check(s.form("/oauth/token", form("grant_type", "authorization_code", "code", code.group(1), "redirect_uri",
        NATIVE_REDIRECT, "code_verifier", verifier, "resource", FullServer.MCP_RESOURCE, "client_id", clientId)), 200));
    JsonObject refreshed = json(check(s.form("/oauth/token", form("grant_type", "refresh_token", "refresh_token",
        tokens.getString("refresh_token"), "client_id", clientId)), 200));
    // A code used twice: refused, and what it issued is revoked.
    check(s.form("/oauth/token", form("grant_type", "authorization_code", "code", code.group(1), "redirect_uri",
        NATIVE_REDIRECT, "code_verifier", verifier, "resource", FullServer.MCP_RESOURCE, "client_id", clientId)), 400);
    check(s.form("/oauth/revoke", form("token", refreshed.getString("refresh_token"), "client_id", clientId)), 200);
  }

  @Test
  void discoveryDocuments() {
    check(s.get("/.well-known/oauth-authorization-server"), 200);
    check(s.get("/.well-known/openid-configuration"), 200);
    check(s.get("/.well-known/jwks.json"), 200);
    check(s.get("/.well-known/oauth-protected-resource"), 200);
    check(s.get("/.well-known/oauth-protected-resource/mcp"), 200);
  }

  @Test
  void aConsoleSessionWithItsCsrfTokenAsTheSecuritySchemesDescribe() {
    var schemes = DOC.root().at("/components/securitySchemes");
    String cookieName = schemes.at("/consoleSession/name").asString();
    String csrfHeader = schemes.at("/consoleCsrfToken/name").asString();
    assertThat(schemes.at("/consoleSession/in").asString()).isEqualTo("cookie");
    assertThat(schemes.at("/consoleCsrfToken/in").asString()).isEqualTo("header");

    HttpResponse<String> signedIn = s.call("POST", "/console/session", new JsonObject().put("token", s.admin()).encode(), null,
        "origin", s.h.base());
    assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
    String cookie = signedIn.headers().firstValue("set-cookie").orElseThrow().split(";", 2)[0];
    assertThat(cookie).startsWith(cookieName + "=");
    String csrf = json(signedIn).getString("csrf_token");

    check(s.call("GET", "/admin/users", null, null, "cookie", cookie, csrfHeader, csrf), 200);
    check(s.call("POST", "/admin/users", "{\"username\":\"from-the-console\"}", null, "cookie", cookie, csrfHeader, csrf,
        "origin", s.h.base()), 201);
    HttpResponse<String> noCsrf = check(s.call("GET", "/admin/users", null, null, "cookie", cookie), 403);
    assertThat(json(noCsrf).getString("code")).isEqualTo("csrf_token_invalid");
    HttpResponse<String> otherOrigin = check(s.call("POST", "/admin/users", "{\"username\":\"cross-site\"}", null, "cookie", cookie,
        csrfHeader, csrf, "origin", "https://evil.example"), 403);
    assertThat(json(otherOrigin).getString("code")).isEqualTo("csrf_token_invalid");
    HttpResponse<String> ended = check(s.call("GET", "/admin/users", null, null, "cookie", cookieName + "=not-a-session", csrfHeader, csrf), 401);
    assertThat(json(ended).getString("code")).isEqualTo("admin_token_invalid");
  }

  @Test
  void aKnownAdminPathWithAnotherMethodIsADocumentedProblem() {
    HttpResponse<String> r = s.call("DELETE", "/admin/users", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(405);
    assertThat(r.headers().firstValue("allow")).hasValue("GET, POST");
    assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
    DOC.assertValid("405", "/components/schemas/Problem", tools.jackson.databind.json.JsonMapper.builder().build().readTree(r.body()), r.body());
    assertThat(json(r).getString("code")).isEqualTo("method_not_allowed");
    assertThat(r.headers().firstValue("x-request-id")).hasValue(json(r).getString("request_id"));
  }

  @Test
  void theDocumentIsNotReachableAroundTheAdminTokenOverARawSocket() throws Exception {
    String token = s.tokens.get(AdminRole.READ_ONLY);
    assertThat(raw("GET /admin/openapi.json", "Authorization: Bearer " + token)).startsWith("HTTP/1.1 200").contains("\"openapi\"");
    // Spellings of the path a client might hope reach the document without the admin guard.
    for (String target : List.of("/admin/openapi.json", "/%61dmin/openapi.json", "/admin/%6fpenapi.json", "/admin/openapi%2ejson",
        "/admin/./openapi.json", "/admin/../admin/openapi.json", "//admin/openapi.json", "/ADMIN/openapi.json", "/admin/openapi.json/",
        "/admin/openapi.json;x", "/admin/openapi.json%00", "http://127.0.0.1/admin/openapi.json")) {
      String answer = raw("GET " + target);
      assertThat(answer).as(target).matches("(?s)HTTP/1\\.1 4\\d\\d .*").doesNotContain("\"openapi\"").doesNotContain("Exception");
    }
    assertThat(raw("GET /admin/openapi.json", "Authorization: Bearer " + token, "Authorization: Bearer tga_" + "A".repeat(43)))
        .as("two tokens").startsWith("HTTP/1.1 401").doesNotContain("\"openapi\"");
    assertThat(raw("GET /admin/openapi.json", "Authorization: Basic " + Base64.getEncoder().encodeToString((token + ":").getBytes(StandardCharsets.UTF_8))))
        .as("the token in another scheme").startsWith("HTTP/1.1 401");
    assertThat(raw("GET /admin/openapi.json", "Authorization: Bearer " + token, "If-None-Match: *")).startsWith("HTTP/1.1 304")
        .doesNotContain("\"openapi\"");
    assertThat(raw("GET /admin/openapi.json", "Authorization: Bearer " + token, "If-None-Match: " + "\"x\", ".repeat(8_000) + "\"y\""))
        .as("a long If-None-Match that matches nothing").startsWith("HTTP/1.1 200").contains("\"openapi\"");
  }

  /** One request over a fresh connection, exactly as written, and the whole answer (the server closes after it). */
  String raw(String requestLine, String... headers) throws java.io.IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", s.h.port())) {
      socket.setSoTimeout(20_000);
      StringBuilder head = new StringBuilder(requestLine).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
      for (String header : headers) {
        head.append(header).append("\r\n");
      }
      socket.getOutputStream().write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The {@code name=value} of every cookie the answer sets, added to {@code jar} (replacing one of the same name). */
  static List<String> cookies(HttpResponse<String> r, List<String> jar) {
    for (String header : r.headers().allValues("set-cookie")) {
      String pair = header.split(";", 2)[0];
      String name = pair.substring(0, pair.indexOf('='));
      jar.removeIf(c -> c.startsWith(name + "="));
      jar.add(pair);
    }
    return jar;
  }

  /** A hidden field's value on a page. */
  static String hidden(HttpResponse<String> page, String name) {
    Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"").matcher(page.body());
    assertThat(m.find()).as("field " + name + " on the page").isTrue();
    return m.group(1).replace("&amp;", "&");
  }
}
