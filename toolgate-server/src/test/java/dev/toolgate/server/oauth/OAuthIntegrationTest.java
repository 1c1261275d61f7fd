package dev.toolgate.server.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.token.JwtIssuer;
import dev.toolgate.core.token.KeyRing;
import dev.toolgate.server.http.HarnessAccess;
import dev.toolgate.server.store.MasterKey;
import dev.toolgate.server.store.SecretBox;
import dev.toolgate.server.users.OpaqueIds;
import dev.toolgate.server.users.UserStore;
import dev.toolgate.server.store.OAuthClientStore;
import dev.toolgate.server.store.SigningKeyStore;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The authorization server end to end over real HTTP: token, ASAPP token, introspection, revocation, metadata, and tokens at the gateway. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OAuthIntegrationTest {
  static final String TOOLS = """
        - name: orders
          method: GET
          path: /orders
          upstream: UPSTREAM
          policy:
            require: [client_token]
            client_token: { scopes: [orders.read] }
        - name: getprofile
          platform: asapp
          method: POST
          path: /account/getprofile
          upstream: UPSTREAM
          policy:
            require: [client_token, user_token, api_key]
            client_token: { scopes: [profile.read] }
        """;

  HarnessAccess h;
  ClientRecord client;
  String secret;
  ECKey clientKey;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    h = HarnessAccess.create(TOOLS);
    OAuthClientStore oauth = new OAuthClientStore(h.adminDb());
    client = h.admin().createClient("asapp-prod", "asapp");
    clientKey = new ECKeyGenerator(Curve.P_256).keyID("client-key-1").generate();
    oauth.setOAuthSettings(client.id(), Set.of("orders.read", "profile.read"), Duration.ofMinutes(30),
        Set.of("client_secret_basic", "client_secret_post", "private_key_jwt"), new JWKSet(clientKey.toPublicJWK()).toString());
    secret = oauth.createClientSecret(client.id(), null).plaintext();
    h.start();
  }

  @AfterAll
  void stop() {
    h.close();
  }

  HttpResponse<String> post(String path, String form, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.base() + path)).POST(HttpRequest.BodyPublishers.ofString(form))
        .header("content-type", "application/x-www-form-urlencoded");
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.base() + path)).GET();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  String basic(String password) {
    return "Basic " + Base64.getEncoder().encodeToString((client.id() + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  String token(String scope) throws Exception {
    HttpResponse<String> r = post("/oauth/token", "grant_type=client_credentials&scope=" + scope, "authorization", basic(secret));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getString("access_token");
  }

  // ---- token endpoint ----

  @Test
  void clientCredentialsGrantIssuesAnRfc9068AccessToken() throws Exception {
    HttpResponse<String> r = post("/oauth/token", "grant_type=client_credentials&scope=orders.read", "authorization", basic(secret));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("token_type")).isEqualTo("Bearer");
    assertThat(body.getLong("expires_in")).isEqualTo(1800);
    assertThat(body.getString("scope")).isEqualTo("orders.read");
    SignedJWT jwt = SignedJWT.parse(body.getString("access_token"));
    assertThat(jwt.getHeader().getType()).isEqualTo(new JOSEObjectType("at+jwt"));
    assertThat(jwt.getHeader().getKeyID()).isNotBlank();
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertThat(claims.getIssuer()).isEqualTo(h.issuer());
    assertThat(claims.getSubject()).isEqualTo(client.id());
    assertThat(claims.getStringClaim("client_id")).isEqualTo(client.id());
    assertThat(claims.getAudience()).containsExactly(h.issuer());
    assertThat(claims.getJWTID()).isNotBlank();
    assertThat(claims.getIssueTime()).isNotNull();
    assertThat(claims.getExpirationTime()).isNotNull();
  }

  @Test
  void clientSecretPostAndResourceIndicator() throws Exception {
    HttpResponse<String> r = post("/oauth/token", "grant_type=client_credentials&client_id=" + client.id() + "&client_secret=" + secret
        + "&resource=" + URLEncoder.encode(h.issuer(), StandardCharsets.UTF_8));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getString("scope")).contains("orders.read").contains("profile.read");
  }

  @Test
  void everyTokenEndpointErrorHasItsRfc6749Shape() throws Exception {
    HttpResponse<String> wrongSecret = post("/oauth/token", "grant_type=client_credentials", "authorization", basic("wrong"));
    assertError(wrongSecret, 401, "invalid_client");
    assertThat(wrongSecret.headers().firstValue("www-authenticate").orElse("")).startsWith("Basic realm=");
    assertError(post("/oauth/token", "grant_type=client_credentials"), 401, "invalid_client");
    assertError(post("/oauth/token", "grant_type=client_credentials&client_id=nobody&client_secret=" + secret), 401, "invalid_client");
    assertError(post("/oauth/token", "scope=orders.read", "authorization", basic(secret)), 400, "invalid_request");
    assertError(post("/oauth/token", "grant_type=password&username=a&password=b", "authorization", basic(secret)), 400, "unsupported_grant_type");
    assertError(post("/oauth/token", "grant_type=client_credentials&scope=admin", "authorization", basic(secret)), 400, "invalid_scope");
    assertError(post("/oauth/token", "grant_type=client_credentials&resource=https%3A%2F%2Fevil.example", "authorization", basic(secret)), 400, "invalid_target");
    assertError(post("/oauth/token", "grant_type=client_credentials&grant_type=client_credentials", "authorization", basic(secret)), 400, "invalid_request");
    assertError(post("/oauth/token", "grant_type=client_credentials&client_id=" + client.id() + "&client_secret=" + secret, "authorization", basic(secret)), 400, "invalid_request");
    HttpResponse<String> json = http.send(HttpRequest.newBuilder(URI.create(h.base() + "/oauth/token"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"client_credentials\"}")).header("content-type", "application/json")
        .header("authorization", basic(secret)).build(), HttpResponse.BodyHandlers.ofString());
    assertError(json, 400, "invalid_request");
  }

  @Test
  void asappAccessTokenFormAcceptsGrantTypeInTheQuery() throws Exception {
    HttpResponse<String> r = post("/oauth/access_token?grant_type=client_credentials", "client_id=" + client.id() + "&client_secret=" + secret);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonObject body = new JsonObject(r.body());
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("token_type", "issued_at", "client_id", "access_token", "scope", "expires_in");
    assertThat(body.getValue("issued_at")).isInstanceOf(String.class);
    assertThat(body.getValue("expires_in")).isEqualTo("1800");
    assertThat(body.getString("client_id")).isEqualTo(client.id());

    // Basic authentication and no body at all: an empty form, not a wrong one.
    HttpResponse<String> bare = http.send(HttpRequest.newBuilder(URI.create(h.base() + "/oauth/access_token?grant_type=client_credentials"))
        .POST(HttpRequest.BodyPublishers.noBody()).header("authorization", basic(secret)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(bare.statusCode()).as(bare.body()).isEqualTo(200);
    HttpResponse<String> twice = post("/oauth/access_token?grant_type=client_credentials&grant_type=client_credentials",
        "client_id=" + client.id() + "&client_secret=" + secret);
    assertError(twice, 400, "invalid_request");
    assertThat(twice.body()).contains("grant_type is sent more than once");
  }

  // ---- tokens at the gateway ----

  @Test
  void accessTokenOpensTheToolAndScopesAreEnforced() throws Exception {
    int before = h.upstreamHits();
    assertThat(get("/orders", "authorization", "Bearer " + token("orders.read")).statusCode()).isEqualTo(200);
    assertThat(h.upstreamHits()).isEqualTo(before + 1);
    HttpResponse<String> narrow = get("/orders", "authorization", "Bearer " + token("profile.read"));
    assertThat(narrow.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(narrow.body()).getString("code")).isEqualTo("insufficient_scope");
    assertThat(narrow.headers().firstValue("www-authenticate").orElse("")).contains("error=\"insufficient_scope\"").contains("scope=\"orders.read\"");
    HttpResponse<String> none = get("/orders");
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("www-authenticate").orElse("")).contains("resource_metadata=\"" + h.issuer() + "/.well-known/oauth-protected-resource\"");
    assertThat(h.upstreamHits()).isEqualTo(before + 1);
  }

  @Test
  void forgedAndBrokenTokensAreRefusedWithoutReachingTheUpstream() throws Exception {
    String good = token("orders.read");
    String[] parts = good.split("\\.");
    SignedJWT parsed = SignedJWT.parse(good);
    String noneHeader = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"at+jwt\"}".getBytes());
    SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("at+jwt")).keyID(parsed.getHeader().getKeyID()).build(),
        parsed.getJWTClaimsSet());
    hs.sign(new MACSigner(new byte[32]));
    String tamperedPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
        parsed.getJWTClaimsSet().toString().replace("orders.read", "orders.write").getBytes(StandardCharsets.UTF_8));
    int before = h.upstreamHits();
    String kid = parsed.getHeader().getKeyID();
    // An attacker's own RSA key under our kid, and tokens pointing at keys we must never fetch.
    com.nimbusds.jose.jwk.RSAKey attackerKey = new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048).keyID(kid).generate();
    List<String> signedByAttacker = new java.util.ArrayList<>();
    for (JWSHeader header : List.of(
        new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType("at+jwt")).keyID(kid).build(),
        new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType("at+jwt")).keyID(kid).jwk(attackerKey.toPublicJWK()).build(),
        new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType("at+jwt")).keyID(kid).jwkURL(URI.create("http://127.0.0.1:9/jwks")).build(),
        new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType("at+jwt")).keyID(kid).x509CertURL(URI.create("http://127.0.0.1:9/x5u")).build(),
        new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType("at+jwt")).keyID("unknown-kid").build())) {
      SignedJWT jwt = new SignedJWT(header, parsed.getJWTClaimsSet());
      jwt.sign(new com.nimbusds.jose.crypto.RSASSASigner(attackerKey));
      signedByAttacker.add(jwt.serialize());
    }
    String ecZeroSignature = Base64.getUrlEncoder().withoutPadding().encodeToString(
        ("{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":\"" + kid + "\"}").getBytes()) + "." + parts[1] + "."
        + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[64]);
    String unknownCrit = Base64.getUrlEncoder().withoutPadding().encodeToString(
        ("{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"" + kid + "\",\"crit\":[\"exp2\"],\"exp2\":1}").getBytes()) + "." + parts[1] + "." + parts[2];
    String hugeHeader = Base64.getUrlEncoder().withoutPadding().encodeToString(
        ("{\"alg\":\"RS256\",\"kid\":\"" + kid + "\",\"x\":\"" + "a".repeat(64 * 1024) + "\"}").getBytes()) + "." + parts[1] + "." + parts[2];
    List<String> forgeries = new java.util.ArrayList<>(List.of(noneHeader + "." + parts[1] + ".", noneHeader + "." + parts[1], hs.serialize(),
        parts[0] + "." + tamperedPayload + "." + parts[2], parts[0] + "." + parts[1] + ".", parts[0] + "." + parts[1],
        good + ".x", "not-a-jwt", "a".repeat(7000), parts[0] + ".%%%." + parts[2], ecZeroSignature, unknownCrit, hugeHeader));
    forgeries.addAll(signedByAttacker);
    for (String forged : forgeries) {
      HttpResponse<String> r = get("/orders", "authorization", "Bearer " + forged);
      assertThat(r.statusCode()).as(forged.length() > 80 ? forged.substring(0, 80) : forged).isEqualTo(401);
      assertThat(r.body()).doesNotContain(parts[2]);
    }
    assertThat(h.upstreamHits()).isEqualTo(before);
  }

  @Test
  void asappExampleNeedsAccessTokenUserJwtAndApiKeyTogether() throws Exception {
    String key = h.admin().createApiKey(client.id(), Set.of("getprofile"), null).plaintext();
    h.refresh();
    String access = token("profile.read");
    // A customer token as customer login issues it: the subject is the user's opaque id (for platform asapp).
    var ada = new UserStore(h.adminDb()).createUser("ada-" + UUID.randomUUID().toString().substring(0, 8), "$argon2id$not-used-here");
    String adaOpaque = new OpaqueIds(h.adminDb(), new SecretBox(MasterKey.load(h.config().store()))).idFor("asapp", ada.id());
    String user = customerJwt(adaOpaque, Instant.now().plusSeconds(600));
    HttpResponse<String> ok = http.send(getprofile().header("authorization", "Bearer " + access).header("customer-auth", "JWT " + user)
        .header("X-Api-Key", key).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(h.lastUpstreamHeader("x-toolgate-user")).isEqualTo(adaOpaque);
    assertThat(h.lastUpstreamHeader("x-toolgate-client")).isEqualTo(client.id());
    assertThat(h.lastUpstreamHeader("customer-auth")).isNull();
    assertThat(h.lastUpstreamHeader("authorization")).isNull();
    HttpResponse<String> noUser = http.send(getprofile().header("authorization", "Bearer " + access).header("X-Api-Key", key).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(noUser.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(noUser.body()).getString("code")).isEqualTo("user_token_missing");
    String expired = customerJwt(adaOpaque, Instant.now().minusSeconds(120));
    HttpResponse<String> old = http.send(getprofile().header("authorization", "Bearer " + access).header("customer-auth", "JWT " + expired)
        .header("X-Api-Key", key).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(new JsonObject(old.body()).getString("code")).isEqualTo("user_token_expired");
  }

  HttpRequest.Builder getprofile() {
    return HttpRequest.newBuilder(URI.create(h.base() + "/account/getprofile")).POST(HttpRequest.BodyPublishers.ofString("{}"))
        .header("content-type", "application/json");
  }

  // ---- introspection and revocation ----

  @Test
  void introspectionAndRevocationTakeEffectAtTheGatewayAtOnce() throws Exception {
    String access = token("orders.read");
    JsonObject active = new JsonObject(post("/oauth/introspect", "token=" + access, "authorization", basic(secret)).body());
    assertThat(active.getBoolean("active")).isTrue();
    assertThat(active.getString("client_id")).isEqualTo(client.id());
    assertThat(active.getString("scope")).isEqualTo("orders.read");
    for (String garbage : List.of("garbage", "a.b.c", customerJwt("x", Instant.now().minusSeconds(60)))) {
      assertThat(new JsonObject(post("/oauth/introspect", "token=" + garbage, "authorization", basic(secret)).body()).getBoolean("active")).isFalse();
    }
    assertError(post("/oauth/introspect", "token=" + access), 401, "invalid_client");
    assertThat(get("/orders", "authorization", "Bearer " + access).statusCode()).isEqualTo(200);

    assertThat(post("/oauth/revoke", "token=" + access, "authorization", basic(secret)).statusCode()).isEqualTo(200);
    assertThat(new JsonObject(post("/oauth/introspect", "token=" + access, "authorization", basic(secret)).body()).getBoolean("active")).isFalse();
    HttpResponse<String> revoked = get("/orders", "authorization", "Bearer " + access);
    assertThat(revoked.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(revoked.body()).getString("code")).isEqualTo("token_revoked");
    assertThat(post("/oauth/revoke", "token=unknown-token", "authorization", basic(secret)).statusCode()).isEqualTo(200);
  }

  @Test
  void introspectingAgainStillSeesARevocationMadeByAnotherProcess() throws Exception {
    String access = token("orders.read");
    for (int i = 0; i < 3; i++) { // the answer is remembered after the first call
      assertThat(new JsonObject(post("/oauth/introspect", "token=" + access, "authorization", basic(secret)).body()).getBoolean("active")).isTrue();
    }
    String jti = SignedJWT.parse(access).getJWTClaimsSet().getJWTID();
    new OAuthClientStore(h.adminDb()).revokeToken(jti, client.id(), Instant.now().plusSeconds(3600)); // as the CLI does
    h.refresh(); // what the server's one-second poll does
    assertThat(new JsonObject(post("/oauth/introspect", "token=" + access, "authorization", basic(secret)).body()).getBoolean("active")).isFalse();
  }

  @Test
  void aClientLearnsNothingAboutAnotherClientsTokens() throws Exception {
    ClientRecord other = h.admin().createClient("other-co", "sendbird");
    OAuthClientStore oauth = new OAuthClientStore(h.adminDb());
    oauth.setOAuthSettings(other.id(), Set.of("orders.read"), Duration.ofMinutes(5), Set.of("client_secret_basic"), null);
    String otherSecret = oauth.createClientSecret(other.id(), null).plaintext();
    h.refresh();
    String otherBasic = "Basic " + Base64.getEncoder().encodeToString((other.id() + ":" + otherSecret).getBytes(StandardCharsets.UTF_8));
    String mine = token("orders.read");
    assertThat(new JsonObject(post("/oauth/introspect", "token=" + mine, "authorization", otherBasic).body()).getBoolean("active")).isFalse();
    assertThat(new JsonObject(post("/oauth/introspect", "token=" + mine, "authorization", basic(secret)).body()).getBoolean("active")).isTrue();
    assertThat(new JsonObject(post("/oauth/introspect", "token=" + mine, "authorization", otherBasic).body()).getBoolean("active"))
        .as("remembered as valid, still not the other client's to see").isFalse();
    assertThat(new JsonObject(post("/oauth/introspect", "token=" + customerJwt("usr_x", Instant.now().plusSeconds(60)), "authorization", basic(secret)).body())
        .getBoolean("active")).isFalse();
    assertThat(post("/oauth/revoke", "token=" + mine, "authorization", otherBasic).statusCode()).isEqualTo(200);
    assertThat(get("/orders", "authorization", "Bearer " + mine).statusCode()).as("another client cannot revoke my token").isEqualTo(200);
  }

  @Test
  void aRevokedSigningKeyLeavesTheJwksAndItsTokensAreRefusedEvenWhenCached() throws Exception {
    String access = token("orders.read");
    String kid = com.nimbusds.jwt.SignedJWT.parse(access).getHeader().getKeyID();
    assertThat(get("/orders", "authorization", "Bearer " + access).statusCode()).as("verified, and now cached").isEqualTo(200);

    SigningKeyStore keys = new SigningKeyStore(h.adminDb(), MasterKey.load(h.config().store()));
    assertThat(keys.revoke(kid, dev.toolgate.core.token.SigningAlgorithm.RS256)).as("it was the active key").isNotNull();
    h.refresh();

    int before = h.upstreamHits();
    HttpResponse<String> refused = get("/orders", "authorization", "Bearer " + access);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
    assertThat(h.upstreamHits()).isEqualTo(before);
    assertThat(get("/.well-known/jwks.json").body()).doesNotContain(kid);
    assertThat(new JsonObject(post("/oauth/introspect", "token=" + access, "authorization", basic(secret)).body()).getBoolean("active")).isFalse();
    String fresh = token("orders.read");
    assertThat(com.nimbusds.jwt.SignedJWT.parse(fresh).getHeader().getKeyID()).isNotEqualTo(kid);
    assertThat(get("/orders", "authorization", "Bearer " + fresh).statusCode()).as("the replacement key signs").isEqualTo(200);
  }

  @Test
  void aTokenSignedByToolgateButNotACustomerTokenIsNoUserToken() throws Exception {
    String key = h.admin().createApiKey(client.id(), Set.of("getprofile"), null).plaintext();
    h.refresh();
    KeyRing ring = new SigningKeyStore(h.adminDb(), MasterKey.load(h.config().store())).loadKeyRing(Duration.ofHours(24));
    String notCustomer = new JwtIssuer(() -> ring).sign(new JWTClaimsSet.Builder().issuer(h.issuer()).subject("usr_x").audience("toolgate")
        .jwtID(UUID.randomUUID().toString()).expirationTime(Date.from(Instant.now().plusSeconds(60))).build(), JOSEObjectType.JWT);
    HttpResponse<String> r = http.send(getprofile().header("authorization", "Bearer " + token("profile.read"))
        .header("customer-auth", "JWT " + notCustomer).header("X-Api-Key", key).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(new JsonObject(r.body()).getString("code")).isEqualTo("user_token_invalid");
  }

  // ---- private_key_jwt ----

  @Test
  void privateKeyJwtClientAuthenticationAndReplayProtection() throws Exception {
    SignedJWT assertion = assertion(clientKey, h.issuer() + "/oauth/token");
    String form = "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=";
    HttpResponse<String> ok = post("/oauth/token", form + assertion.serialize());
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertError(post("/oauth/token", form + assertion.serialize()), 401, "invalid_client"); // the same assertion again
    ECKey attacker = new ECKeyGenerator(Curve.P_256).keyID("client-key-1").generate();
    assertError(post("/oauth/token", form + assertion(attacker, h.issuer()).serialize()), 401, "invalid_client");
  }

  SignedJWT assertion(ECKey key, String audience) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("client-key-1").build(), new JWTClaimsSet.Builder()
        .issuer(client.id()).subject(client.id()).audience(audience).jwtID(UUID.randomUUID().toString())
        .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(60))).build());
    jwt.sign(new ECDSASigner(key));
    return jwt;
  }

  // ---- metadata ----

  @Test
  void discoveryDocumentsDescribeTheServerAndPublishOnlyPublicKeys() throws Exception {
    JsonObject as = new JsonObject(get("/.well-known/oauth-authorization-server").body());
    assertThat(as.getString("issuer")).isEqualTo(h.issuer());
    assertThat(as.getString("token_endpoint")).isEqualTo(h.issuer() + "/oauth/token");
    assertThat(as.getJsonArray("grant_types_supported").getList()).containsExactly("authorization_code", "refresh_token", "client_credentials");
    String jwks = get("/.well-known/jwks.json").body();
    JWKSet set = JWKSet.parse(jwks);
    assertThat(set.getKeys()).isNotEmpty().allMatch(k -> !k.isPrivate() && k.getKeyID() != null);
    assertThat(jwks).doesNotContain("\"d\"").doesNotContain("\"p\"");
    JsonObject pr = new JsonObject(get("/.well-known/oauth-protected-resource").body());
    assertThat(pr.getString("resource")).isEqualTo(h.issuer());
    assertThat(pr.getJsonArray("authorization_servers").getList()).containsExactly(h.issuer());
    assertThat(pr.getJsonArray("scopes_supported").getList()).contains("orders.read", "profile.read");
    HttpResponse<String> missing = get("/.well-known/nothing");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("content-type")).hasValue("application/problem+json");
  }

  // ---- helpers ----

  String customerJwt(String subject, Instant exp) throws Exception {
    KeyRing ring = new SigningKeyStore(h.adminDb(), MasterKey.load(h.config().store())).loadKeyRing(Duration.ofHours(24));
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(h.issuer()).subject(subject).audience("toolgate").jwtID(UUID.randomUUID().toString())
        .issueTime(Date.from(exp.minusSeconds(600))).expirationTime(Date.from(exp)).claim("token_use", "customer").build();
    return new JwtIssuer(() -> ring).sign(claims, JOSEObjectType.JWT);
  }

  static void assertError(HttpResponse<String> r, int status, String error) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(new JsonObject(r.body()).getString("error")).isEqualTo(error);
    assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
  }
}
