package dev.toolgate.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.credential.SendbirdSignatureVerifier;
import dev.toolgate.server.http.HarnessAccess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Credentials managed over the admin API of a running Toolgate (SQLite), used at once through its
 * gateway: each works on the first call after its creation answer, and a revoked one is refused on
 * the first call after its revocation answer, without waiting for the store poll.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CredentialsThroughTheGatewayTest {
  static final String TOOLS = """
        - name: signed
          platform: sendbird
          method: POST
          path: /signed
          upstream: UPSTREAM
          policy: { require: [sendbird_signature] }
        - name: profile
          platform: sendbird
          method: GET
          path: /profile
          upstream: UPSTREAM
          policy: { require: [static_token] }
        - name: search
          platform: sendbird
          method: GET
          path: /search
          upstream: UPSTREAM
          policy: { require: [api_key] }
        - name: refund
          platform: sendbird
          method: GET
          path: /refund
          upstream: UPSTREAM
          policy: { require: [api_key] }
        """;
  static final String BODY = "{\"tool\":\"lookup_order\",\"args\":{\"id\":\"A-1\"}}";

  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  HarnessAccess h;
  String admin;

  @BeforeAll
  void start() throws Exception {
    h = HarnessAccess.create(TOOLS);
    h.start();
    admin = new AdminTokenStore(h.adminDb(), Clock.systemUTC()).create("ops", AdminRole.OPERATOR, null).plaintext();
  }

  @AfterAll
  void stop() {
    h.close();
  }

  JsonObject adminCall(String path, JsonObject body, int status) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(h.base() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body.encode()))
        .header("authorization", "Bearer " + admin).header("content-type", "application/json")
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(status);
    return new JsonObject(r.body());
  }

  String client(String name) throws Exception {
    return adminCall("/admin/clients", new JsonObject().put("name", name).put("platform", "sendbird"), 201).getString("id");
  }

  /** A tool call: the status, and the denial code when refused. */
  String call(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 200) {
      assertThat(r.headers().firstValue("x-upstream")).hasValue("yes");
      return "200";
    }
    return r.statusCode() + " " + new JsonObject(r.body()).getString("code");
  }

  String signed(String secret) throws Exception {
    byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
    String signature = HexFormat.of().formatHex(SendbirdSignatureVerifier.hmac(secret.getBytes(StandardCharsets.UTF_8), body));
    return call(HttpRequest.newBuilder(URI.create(h.base() + "/signed")).POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .header("content-type", "application/json").header("x-sendbird-signature", signature));
  }

  String withToken(String token) throws Exception {
    return call(HttpRequest.newBuilder(URI.create(h.base() + "/profile")).header("authorization", "Bearer " + token));
  }

  String withKey(String tool, String key) throws Exception {
    return call(HttpRequest.newBuilder(URI.create(h.base() + "/" + tool)).header("api-key", key));
  }

  @Test
  void signingSecretsGivenOrGeneratedWorkAtOnceAndStopAtOnce() throws Exception {
    String client = client("sendbird-signing");
    String platformSecret = "sendbird-master-api-token-" + System.nanoTime();
    assertThat(signed(platformSecret)).isEqualTo("401 signature_invalid");

    JsonObject given = adminCall("/admin/signing-secrets", new JsonObject().put("client_id", client).put("value", platformSecret), 201);
    assertThat(signed(platformSecret)).isEqualTo("200");
    JsonObject generated = adminCall("/admin/signing-secrets", new JsonObject().put("client_id", client), 201);
    assertThat(signed(generated.getString("secret"))).isEqualTo("200");

    adminCall("/admin/signing-secrets/" + given.getString("id") + "/revoke", null, 200);
    assertThat(signed(platformSecret)).isEqualTo("401 signature_invalid");
    assertThat(signed(generated.getString("secret"))).as("the other secret still works").isEqualTo("200");
  }

  @Test
  void staticTokensWorkAtOnceRotateWithTheirOverlapAndStopAtOnce() throws Exception {
    String client = client("sendbird-tokens");
    JsonObject first = adminCall("/admin/static-tokens", new JsonObject().put("client_id", client), 201);
    String firstValue = first.getString("secret");
    assertThat(withToken(firstValue)).isEqualTo("200");

    // The default overlap: both work.
    JsonObject second = adminCall("/admin/static-tokens/" + first.getString("id") + "/rotate", new JsonObject(), 201);
    assertThat(withToken(firstValue)).isEqualTo("200");
    assertThat(withToken(second.getString("secret"))).isEqualTo("200");

    // No overlap: the replaced token stops at once.
    JsonObject third = adminCall("/admin/static-tokens/" + second.getString("id") + "/rotate", new JsonObject().put("overlap_seconds", 0), 201);
    assertThat(withToken(second.getString("secret"))).isEqualTo("401 token_expired");
    assertThat(withToken(third.getString("secret"))).isEqualTo("200");

    adminCall("/admin/static-tokens/" + third.getString("id") + "/revoke", null, 200);
    assertThat(withToken(third.getString("secret"))).isEqualTo("401 token_revoked");
    adminCall("/admin/static-tokens/" + first.getString("id") + "/revoke", null, 200);
    assertThat(withToken(firstValue)).isEqualTo("401 token_revoked");
  }

  @Test
  void apiKeysWorkForTheirToolsAtOnceRotateAndStopAtOnce() throws Exception {
    String client = client("sendbird-keys");
    JsonObject key = adminCall("/admin/api-keys", new JsonObject().put("client_id", client).put("tools", new JsonArray().add("search")), 201);
    assertThat(withKey("search", key.getString("secret"))).isEqualTo("200");
    assertThat(withKey("refund", key.getString("secret"))).isEqualTo("403 not_allowed");

    JsonObject rotated = adminCall("/admin/api-keys/" + key.getString("id") + "/rotate", new JsonObject().put("overlap_seconds", 0), 201);
    assertThat(withKey("search", key.getString("secret"))).isEqualTo("401 api_key_expired");
    assertThat(withKey("search", rotated.getString("secret"))).isEqualTo("200");
    assertThat(withKey("refund", rotated.getString("secret"))).as("the same tools").isEqualTo("403 not_allowed");

    JsonObject all = adminCall("/admin/api-keys", new JsonObject().put("client_id", client).put("tools", new JsonArray().add("*")), 201);
    assertThat(withKey("refund", all.getString("secret"))).isEqualTo("200");
    adminCall("/admin/api-keys/" + all.getString("id") + "/revoke", null, 200);
    assertThat(withKey("refund", all.getString("secret"))).isEqualTo("401 api_key_revoked");
    assertThat(withKey("search", rotated.getString("secret"))).isEqualTo("200");
  }

  @Test
  void aDisabledClientsNewCredentialWorksOnceItIsEnabled() throws Exception {
    String client = client("sendbird-paused");
    adminCall("/admin/clients/" + client + "/disable", null, 200);
    JsonObject token = adminCall("/admin/static-tokens", new JsonObject().put("client_id", client), 201);
    assertThat(withToken(token.getString("secret"))).isEqualTo("403 client_disabled");
    adminCall("/admin/clients/" + client + "/enable", null, 200);
    assertThat(withToken(token.getString("secret"))).isEqualTo("200");
  }

  @Test
  void thePlatformsAndToolsAreThoseOfTheRunningConfiguration() throws Exception {
    JsonObject refused = adminCall("/admin/clients", new JsonObject().put("name", "x").put("platform", "stripe"), 400);
    assertThat(refused.getString("detail")).contains("known: asapp, oauth, sendbird");
    String client = client("sendbird-names");
    JsonObject unknownTool = adminCall("/admin/api-keys", new JsonObject().put("client_id", client).put("tools", new JsonArray().add("order_status")), 400);
    assertThat(unknownTool.getString("detail")).contains("known: profile, refund, search, signed");
  }
}
