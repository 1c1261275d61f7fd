package dev.toolgate.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
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
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The OAuth area of the admin API on a running Toolgate (SQLite): OAuth settings, client secrets,
 * private_key_jwt keys and signing keys changed over the API are what the token endpoint, the JWKS
 * and the gateway use on the first request after the answer, without waiting for the store poll.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OAuthThroughTheGatewayTest {
  static final String TOOLS = """
        - name: orders
          platform: sendbird
          method: GET
          path: /orders
          upstream: UPSTREAM
          policy:
            require: [client_token]
            client_token: { scopes: [orders.read] }
        """;

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

  HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.base() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .timeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonObject adminCall(String method, String path, JsonObject body, int status) throws Exception {
    HttpResponse<String> r = send(method, path, body == null ? null : body.encode(), "authorization", "Bearer " + admin,
        "content-type", "application/json");
    assertThat(r.statusCode()).as(method + " " + path + " " + r.body()).isEqualTo(status);
    return new JsonObject(r.body());
  }

  String client(String name) throws Exception {
    String id = adminCall("POST", "/admin/clients", new JsonObject().put("name", name).put("platform", "sendbird"), 201).getString("id");
    adminCall("PUT", "/admin/clients/" + id + "/oauth", new JsonObject().put("scopes", new JsonArray().add("orders.read"))
        .put("token_ttl_seconds", 120).put("auth_methods", new JsonArray().add("client_secret_basic")).put("redirect_uris", new JsonArray()), 200);
    return id;
  }

  HttpResponse<String> tokenRequest(String clientId, String secret) throws Exception {
    String basic = Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
    return send("POST", "/oauth/token", "grant_type=client_credentials&scope=orders.read",
        "content-type", "application/x-www-form-urlencoded", "authorization", "Basic " + basic);
  }

  String token(String clientId, String secret) throws Exception {
    HttpResponse<String> r = tokenRequest(clientId, secret);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getString("access_token");
  }

  int orders(String token) throws Exception {
    return send("GET", "/orders", null, "authorization", "Bearer " + token).statusCode();
  }

  @Test
  void clientSecretsAndSettingsAreUsedByTheTokenEndpointAtOnce() throws Exception {
    String client = client("oauth-secrets");
    JsonObject created = adminCall("POST", "/admin/client-secrets", new JsonObject().put("client_id", client), 201);
    String secret = created.getString("secret");
    HttpResponse<String> issued = tokenRequest(client, secret);
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
    assertThat(new JsonObject(issued.body()).getLong("expires_in")).isEqualTo(120);
    assertThat(orders(new JsonObject(issued.body()).getString("access_token"))).isEqualTo(200);

    // Settings: a shorter lifetime, then the scope taken away.
    String etag = send("GET", "/admin/clients/" + client + "/oauth", null, "authorization", "Bearer " + admin).headers().firstValue("etag").orElseThrow();
    JsonObject settings = adminCall("GET", "/admin/clients/" + client + "/oauth", null, 200).put("token_ttl_seconds", 60);
    HttpResponse<String> put = send("PUT", "/admin/clients/" + client + "/oauth", settings.encode(), "authorization", "Bearer " + admin,
        "content-type", "application/json", "if-match", etag);
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    assertThat(new JsonObject(tokenRequest(client, secret).body()).getLong("expires_in")).isEqualTo(60);
    adminCall("PUT", "/admin/clients/" + client + "/oauth", settings.put("scopes", new JsonArray()), 200);
    assertThat(tokenRequest(client, secret).statusCode()).as("orders.read is no longer allowed").isEqualTo(400);

    adminCall("POST", "/admin/client-secrets/" + created.getString("id") + "/revoke", null, 200);
    assertThat(tokenRequest(client, secret).statusCode()).isEqualTo(401);
  }

  @Test
  void aKeyAddedOverTheApiAuthenticatesAtOnceAndStopsWhenRemoved() throws Exception {
    String client = client("oauth-keys");
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("ci-1").generate();
    adminCall("POST", "/admin/clients/" + client + "/keys", new JsonObject().put("jwk", new JsonObject(key.toPublicJWK().toJSONObject())), 201);
    JsonObject settings = adminCall("GET", "/admin/clients/" + client + "/oauth", null, 200);
    adminCall("PUT", "/admin/clients/" + client + "/oauth", settings.put("auth_methods", new JsonArray().add("private_key_jwt")), 200);
    assertThat(assertionRequest(client, key).statusCode()).isEqualTo(200);

    // A second key, then the first removed: the first no longer authenticates.
    ECKey next = new ECKeyGenerator(Curve.P_256).keyID("ci-2").generate();
    adminCall("POST", "/admin/clients/" + client + "/keys", new JsonObject().put("jwk", new JsonObject(next.toPublicJWK().toJSONObject())), 201);
    adminCall("DELETE", "/admin/clients/" + client + "/keys/ci-1", null, 200);
    assertThat(assertionRequest(client, key).statusCode()).isEqualTo(401);
    assertThat(assertionRequest(client, next).statusCode()).isEqualTo(200);
  }

  HttpResponse<String> assertionRequest(String client, ECKey key) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), new JWTClaimsSet.Builder()
        .issuer(client).subject(client).audience(h.issuer() + "/oauth/token").jwtID(UUID.randomUUID().toString())
        .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(60))).build());
    jwt.sign(new ECDSASigner(key));
    return send("POST", "/oauth/token", "grant_type=client_credentials&scope=orders.read"
        + "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=" + jwt.serialize(),
        "content-type", "application/x-www-form-urlencoded");
  }

  @Test
  void aRotationSignsTheNextTokenAndARevocationRefusesTheTokensItSigned() throws Exception {
    String client = client("oauth-signing");
    String secret = adminCall("POST", "/admin/client-secrets", new JsonObject().put("client_id", client), 201).getString("secret");
    String before = token(client, secret);
    String oldKid = SignedJWT.parse(before).getHeader().getKeyID();
    assertThat(orders(before)).as("verified, and now cached").isEqualTo(200);

    JsonObject rotated = adminCall("POST", "/admin/signing-keys/rotate", new JsonObject().put("algorithm", "ES256"), 201);
    String after = token(client, secret);
    assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isEqualTo(rotated.getString("kid"));
    String jwks = send("GET", "/.well-known/jwks.json", null).body();
    assertThat(jwks).contains(rotated.getString("kid"), oldKid);
    assertThat(orders(before)).as("a rotation keeps the old key's tokens").isEqualTo(200);

    JsonObject revoked = adminCall("POST", "/admin/signing-keys/" + oldKid + "/revoke", null, 200);
    assertThat(revoked.getString("state")).isEqualTo("revoked");
    assertThat(orders(before)).as("refused on the first request after the answer, cached or not").isEqualTo(401);
    assertThat(send("GET", "/.well-known/jwks.json", null).body()).doesNotContain(oldKid);
    assertThat(orders(after)).isEqualTo(200);
  }
}
