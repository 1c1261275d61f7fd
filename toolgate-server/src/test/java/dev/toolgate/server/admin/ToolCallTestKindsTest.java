package dev.toolgate.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.users.User;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code POST /admin/tool-calls/test} with each credential kind against a real Toolgate and a real
 * upstream: Toolgate signs or mints the credential server-side, the call is allowed and reaches the
 * upstream; after the credential is revoked (or its client or user disabled) the same test is refused,
 * and the trace names the check that failed. The answer never shows a credential.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ToolCallTestKindsTest {
  TestCallHarness h;

  @BeforeAll
  void start() throws Exception {
    h = new TestCallHarness(TestCallHarness.TOOLS);
  }

  @AfterAll
  void stop() {
    h.close();
  }

  @Test
  void aSignedCallIsAllowedThenRefusedOnceTheSecretIsRevoked() {
    ClientRecord client = h.credentials.createClient("sendbird-bot", "sendbird");
    String secretId = h.credentials.addSigningSecret(client.id(), "sendbird-master-token".getBytes(StandardCharsets.UTF_8), null).id();
    h.refresh();
    JsonObject call = new JsonObject().put("tool", "signed").put("client_id", client.id())
        .put("credential", new JsonObject().put("kind", "signature")).put("body", "{\"message\":\"hi\"}");

    JsonObject allowed = h.tested(call);
    assertAllowed(allowed, "signed");
    assertThat(allowed.getJsonObject("decision").getString("client_id")).isEqualTo(client.id());
    assertThat(allowed.getJsonObject("decision").getJsonArray("credential_ids").getList()).contains(secretId);
    assertThat(allowed.getJsonObject("request").getJsonObject("headers").getString("x-sendbird-signature")).isEqualTo("[redacted]");
    JsonObject seen = upstreamSaw(allowed);
    assertThat(seen.getString("body")).isEqualTo("{\"message\":\"hi\"}");
    assertThat(seen.getJsonObject("headers").containsKey("x-sendbird-signature")).isFalse();
    assertThat(seen.getJsonObject("headers").getString("x-toolgate-client")).isEqualTo(client.id());

    h.credentials.revokeSigningSecret(secretId);
    h.refresh();
    JsonObject refused = h.tested(call);
    assertRefused(refused, 401, "signature_invalid");
  }

  @Test
  void theConsoleFlowOverTheAdminApiAlone() {
    // What the console does: a client and a signing secret, a signed test call, revoke, the same test refused.
    String clientId = created(h.call("POST", "/admin/clients", "{\"name\":\"console-bot\",\"platform\":\"sendbird\"}", AdminRole.OPERATOR))
        .getString("id");
    JsonObject secret = created(h.call("POST", "/admin/signing-secrets", new JsonObject().put("client_id", clientId).encode(), AdminRole.OPERATOR));
    JsonObject call = new JsonObject().put("tool", "signed").put("client_id", clientId)
        .put("credential", new JsonObject().put("kind", "signature")).put("body", "{\"order\":7}");
    var allowed = h.test(call);
    assertThat(allowed.body()).doesNotContain(secret.getString("secret"));
    assertAllowed(new JsonObject(allowed.body()), "signed");

    assertThat(h.call("POST", "/admin/signing-secrets/" + secret.getString("id") + "/revoke", null, AdminRole.OPERATOR).statusCode()).isEqualTo(200);
    JsonObject refused = h.tested(call);
    assertRefused(refused, 401, "signature_invalid");
    assertThat(refused.getJsonObject("decision").getString("detail")).containsAnyOf("signature matches none", "no active signing secret");
  }

  private static JsonObject created(java.net.http.HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new JsonObject(r.body());
  }

  @Test
  void aSendbirdJwtCallCarriesAFreshCustomerTokenInTheSignedBody() {
    ClientRecord client = h.credentials.createClient("sendbird-jwt-bot", "sendbird");
    h.credentials.addSigningSecret(client.id(), "another-master-token".getBytes(StandardCharsets.UTF_8), null);
    h.refresh();
    User user = h.users.createUser("sb-ann", User.NO_PASSWORD);
    h.users.mapPlatformUser("sendbird", "sb-ann-42", "sb-ann");
    JsonObject answer = h.tested(new JsonObject().put("tool", "sendbird_jwt").put("client_id", client.id())
        .put("credential", new JsonObject().put("kind", "signature").put("user_id", user.id()))
        .put("body", "{\"user_id\":\"sb-ann-42\",\"context\":{\"channel\":\"web\"}}"));
    assertAllowed(answer, "sendbird_jwt");
    // The token went into /context/jwt, under the signature; the answer shows it redacted.
    JsonObject sent = new JsonObject(answer.getJsonObject("request").getString("body"));
    assertThat(sent.getJsonObject("context").getString("jwt")).isEqualTo("[redacted]");
    assertThat(sent.getJsonObject("context").getString("channel")).isEqualTo("web");
    assertThat(answer.getJsonObject("decision").getJsonArray("checks").stream().map(c -> ((JsonObject) c).getString("check")))
        .contains("user_binding");
  }

  @Test
  void aStaticTokenCallIsAllowedThenRefusedOnceTheTokenIsRevoked() {
    ClientRecord client = h.credentials.createClient("static-bot", "sendbird");
    var token = h.credentials.createStaticToken(client.id(), null);
    h.refresh();
    JsonObject call = new JsonObject().put("tool", "static").put("path", "/static/42")
        .put("credential", new JsonObject().put("kind", "static_token").put("value", token.plaintext())).put("body", "{}")
        .put("headers", new JsonObject().put("X-Copy", "copy of " + token.plaintext())); // the upstream echoes it back
    var r = h.test(call);
    assertThat(r.body()).doesNotContain(token.plaintext()); // never echoed, neither as sent nor as the upstream answered
    JsonObject allowed = new JsonObject(r.body());
    assertAllowed(allowed, "static");
    assertThat(allowed.getJsonObject("request").getJsonObject("headers").getString("authorization")).isEqualTo("[redacted]");
    assertThat(upstreamSaw(allowed).getString("uri")).isEqualTo("/static/42");
    assertThat(upstreamSaw(allowed).getJsonObject("headers").getString("x-copy")).isEqualTo("copy of [redacted]");
    assertThat(allowed.getJsonObject("request").getJsonObject("headers").getString("x-copy")).isEqualTo("copy of [redacted]");

    h.credentials.revokeStaticToken(token.record().id());
    h.refresh();
    var again = h.test(call);
    assertThat(again.body()).doesNotContain(token.plaintext());
    assertRefused(new JsonObject(again.body()), 401, "token_revoked");
  }

  @Test
  void anApiKeyCallIsAllowedThenRefusedOnceTheKeyIsRevoked() {
    ClientRecord client = h.credentials.createClient("keyed-bot", "sendbird");
    var key = h.credentials.createApiKey(client.id(), Set.of("keyed"), null);
    h.refresh();
    JsonObject call = new JsonObject().put("tool", "keyed").put("credential", new JsonObject().put("kind", "api_key").put("value", key.plaintext()));
    var r = h.test(call);
    assertThat(r.body()).doesNotContain(key.plaintext());
    assertAllowed(new JsonObject(r.body()), "keyed");

    h.credentials.revokeApiKey(key.record().id());
    h.refresh();
    var again = h.test(call);
    assertThat(again.body()).doesNotContain(key.plaintext());
    assertRefused(new JsonObject(again.body()), 401, "api_key_revoked");
  }

  @Test
  void aClientTokenIsMintedForTheRouteThenRefusedOnceTheClientIsDisabled() {
    ClientRecord client = h.credentials.createClient("reports-app", "sendbird");
    h.oauth.setOAuthSettings(client.id(), Set.of("reports.read", "other"), Duration.ofMinutes(10), Set.of("client_secret_basic"), null);
    h.refresh();
    JsonObject call = new JsonObject().put("tool", "reports").put("client_id", client.id()).put("credential", new JsonObject().put("kind", "client_token"));
    JsonObject allowed = h.tested(call);
    assertAllowed(allowed, "reports");
    assertThat(allowed.getJsonObject("decision").getString("client_id")).isEqualTo(client.id());
    assertThat(allowed.encode()).doesNotContain("eyJ"); // no JWT anywhere in the answer

    h.credentials.setClientEnabled(client.id(), false);
    h.refresh();
    assertRefused(h.tested(call), 403, "client_disabled");
  }

  @Test
  void aClientTokenCarriesOnlyTheScopesTheClientIsAllowedAsTheTokenEndpointWould() {
    ClientRecord client = h.credentials.createClient("narrow-app", "sendbird");
    h.oauth.setOAuthSettings(client.id(), Set.of("other"), Duration.ofMinutes(10), Set.of("client_secret_basic"), null);
    h.refresh();
    JsonObject refused = h.tested(new JsonObject().put("tool", "reports").put("client_id", client.id())
        .put("credential", new JsonObject().put("kind", "client_token")));
    assertRefused(refused, 403, "insufficient_scope");
  }

  @Test
  void aCustomerTokenIsMintedForTheUserAndTheTraceShowsAnotherUsersPathRefused() {
    User ann = h.users.createUser("ann", User.NO_PASSWORD);
    User bob = h.users.createUser("bob", User.NO_PASSWORD);
    JsonObject call = new JsonObject().put("tool", "customer").put("path", "/customer/" + ann.id() + "/orders")
        .put("credential", new JsonObject().put("kind", "customer_token").put("user_id", ann.id())).put("body", "{}");
    JsonObject allowed = h.tested(call);
    assertAllowed(allowed, "customer");
    assertThat(allowed.getJsonObject("request").getJsonObject("headers").getString("customer-auth")).isEqualTo("[redacted]");

    JsonObject mismatch = h.tested(call.copy().put("path", "/customer/" + bob.id() + "/orders"));
    assertRefused(mismatch, 403, "user_mismatch");
  }

  @Test
  void aDisabledUsersCustomerTokenIsRefusedByTheGateway() {
    User carol = h.users.createUser("carol", User.NO_PASSWORD);
    h.users.setUserDisabled(carol.id(), true);
    JsonObject refused = h.tested(new JsonObject().put("tool", "customer").put("path", "/customer/" + carol.id() + "/orders")
        .put("credential", new JsonObject().put("kind", "customer_token").put("user_id", carol.id())).put("body", "{}"));
    assertRefused(refused, 401, "user_token_revoked");
  }

  @Test
  void aUserDisabledOverTheAdminApiIsRefusedAtOnceThoughTheGatewayHadCachedThem() {
    User dan = h.users.createUser("dan", User.NO_PASSWORD);
    JsonObject call = new JsonObject().put("tool", "customer").put("path", "/customer/" + dan.id() + "/orders")
        .put("credential", new JsonObject().put("kind", "customer_token").put("user_id", dan.id())).put("body", "{}");
    assertAllowed(h.tested(call), "customer"); // the gateway now holds dan in its user cache (30 s on SQLite)
    assertThat(h.call("POST", "/admin/users/" + dan.id() + "/disable", null, AdminRole.OPERATOR).statusCode()).isEqualTo(200);
    assertRefused(h.tested(call), 401, "user_token_revoked");
  }

  @Test
  void noCredentialShowsTheRefusalAndItsTrace() {
    JsonObject refused = h.tested(new JsonObject().put("tool", "signed").put("credential", new JsonObject().put("kind", "none")).put("body", "{}"));
    assertRefused(refused, 401, "signature_missing");
    assertThat(refused.getJsonObject("response").getJsonObject("headers").getString("www-authenticate")).contains("x-sendbird-signature");
  }

  @Test
  void testCallsCountAgainstRateLimits() {
    JsonObject call = new JsonObject().put("tool", "limited").put("credential", new JsonObject().put("kind", "none"));
    assertAllowed(h.tested(call), "limited");
    assertRefused(h.tested(call), 429, "rate_limited");
  }

  @Test
  void aLongAnswerIsCutAt64KiB() {
    JsonObject answer = h.tested(new JsonObject().put("tool", "big").put("credential", new JsonObject().put("kind", "none")));
    JsonObject response = answer.getJsonObject("response");
    assertThat(response.getInteger("status")).isEqualTo(200);
    assertThat(response.getBoolean("truncated")).isTrue();
    assertThat(response.getString("body")).hasSize(64 * 1024);
  }

  @Test
  void theDecisionIsTheAuditRecordOfTheCall() {
    JsonObject answer = h.tested(new JsonObject().put("tool", "signed").put("credential", new JsonObject().put("kind", "none")).put("body", "{}"));
    String requestId = answer.getString("request_id");
    assertThat(answer.getJsonObject("response").getJsonObject("headers").getString("x-request-id")).isEqualTo(requestId);
    var stored = h.call("GET", "/admin/decisions/" + requestId, null, AdminRole.READ_ONLY);
    assertThat(stored.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(stored.body())).isEqualTo(answer.getJsonObject("decision"));
  }

  static void assertAllowed(JsonObject answer, String tool) {
    assertThat(answer.getJsonObject("response").getInteger("status")).as(answer.encodePrettily()).isEqualTo(200);
    JsonObject decision = answer.getJsonObject("decision");
    assertThat(decision).as(answer.encodePrettily()).isNotNull();
    assertThat(decision.getString("decision")).isEqualTo("allow");
    assertThat(decision.getString("tool")).isEqualTo(tool);
    assertThat(decision.getString("request_id")).isEqualTo(answer.getString("request_id"));
    assertThat(decision.getJsonArray("checks")).isNotEmpty();
    assertThat(decision.getJsonArray("checks").stream().allMatch(c -> ((JsonObject) c).getBoolean("passed"))).isTrue();
  }

  /** Refused with this status and code; the trace ends in a check that failed. */
  static void assertRefused(JsonObject answer, int status, String code) {
    assertThat(answer.getJsonObject("response").getInteger("status")).as(answer.encodePrettily()).isEqualTo(status);
    JsonObject decision = answer.getJsonObject("decision");
    assertThat(decision.getString("decision")).isEqualTo("deny");
    assertThat(decision.getString("code")).isEqualTo(code);
    JsonArray checks = decision.getJsonArray("checks");
    assertThat(checks).as(answer.encodePrettily()).isNotEmpty();
    assertThat(checks.getJsonObject(checks.size() - 1).getBoolean("passed")).as(answer.encodePrettily()).isFalse();
  }

  /** What the upstream answered it saw: the echo of the call it got. */
  static JsonObject upstreamSaw(JsonObject answer) {
    return new JsonObject(answer.getJsonObject("response").getString("body"));
  }
}
