package dev.toolgate.server.oauth.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.toolgate.core.pki.TestCertificates;
import dev.toolgate.server.http.HarnessAccess;
import dev.toolgate.server.oauth.Pkce;
import dev.toolgate.server.store.AuthorizationStore;
import dev.toolgate.server.users.User;
import dev.toolgate.server.users.UserStore;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Clients known by their Client ID Metadata Document, through a real server: a document on an https
 * host of its own (trusted by {@code trust_ca_file}) makes a client of the authorization page and of
 * the token endpoint, including one authenticating with {@code private_key_jwt} and the keys its
 * document lists. The fetcher's own rules are in {@link ClientMetadataFetcherTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetadataDocumentClientTest {
  static final String MCP = "https://mcp.example.com/mcp";
  static final String REDIRECT = "http://127.0.0.1:40123/callback";

  Vertx vertx;
  String base;
  HarnessAccess h;
  ECKey key;
  User alice;
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    Path dir = Files.createTempDirectory("toolgate-cimd-");
    TestCertificates.Issued cert = TestCertificates.selfSigned(TestCertificates.spec().subject("CN=localhost").dns("localhost").serverAuth());
    Path ca = cert.writeChain(dir.resolve("ca.pem"));
    key = new ECKeyGenerator(Curve.P_256).keyID("doc-key").generate();
    vertx = Vertx.vertx();
    HttpServer host = vertx.createHttpServer(new HttpServerOptions().setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(cert.chainPem())).setKeyValue(Buffer.buffer(cert.keyPem()))));
    host.requestHandler(req -> {
      JsonObject doc = new JsonObject().put("client_id", base + req.path()).put("client_name", "Document agent")
          .put("redirect_uris", new JsonArray(List.of(REDIRECT)));
      if (req.path().equals("/keyed.json")) {
        doc.put("token_endpoint_auth_method", "private_key_jwt").put("jwks", new JsonObject(new JWKSet(key.toPublicJWK()).toString()));
      } else {
        doc.put("token_endpoint_auth_method", "none");
      }
      req.response().putHeader("content-type", "application/json").end(doc.encode());
    });
    base = "https://localhost:" + host.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    h = HarnessAccess.create("""
          - name: orders
            method: GET
            path: /orders
            upstream: UPSTREAM
            policy:
              require: [client_token]
              client_token: { scopes: [orders.read] }
        authorization_server:
          resources: [https://mcp.example.com/mcp]
          client_metadata_documents: { allow_private_addresses: true, trust_ca_file: "CA" }
        """.replace("CA", ca.toString()));
    alice = new UserStore(h.adminDb()).createUser("alice", User.NO_PASSWORD);
    h.start();
  }

  @AfterAll
  void stop() {
    h.close();
    vertx.close();
  }

  HttpResponse<String> get(String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(h.base() + pathAndQuery)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  static String query(Map<String, String> params) {
    StringBuilder sb = new StringBuilder();
    params.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : "&").append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return sb.toString();
  }

  String authorize(String clientId) {
    return "/oauth/authorize?" + query(Map.of("response_type", "code", "client_id", clientId, "redirect_uri", REDIRECT, "state", "s1",
        "code_challenge", Pkce.s256("v".repeat(43)), "code_challenge_method", "S256", "resource", MCP));
  }

  @Test
  void aDocumentMakesAClientOfTheLoginPage() throws Exception {
    HttpResponse<String> r = get(authorize(base + "/public.json"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("action=\"/oauth/authorize/login\"");
  }

  @Test
  void anUnreachableOrForeignDocumentIsAnErrorPageNeverARedirect() throws Exception {
    for (String clientId : List.of(base + "/public.json#frag", "https://127.0.0.1:1/client.json", base.replace("localhost", "127.0.0.1") + "/public.json")) {
      HttpResponse<String> r = get(authorize(clientId));
      assertThat(r.statusCode()).as(clientId).isEqualTo(400);
      assertThat(r.headers().firstValue("location")).isEmpty();
      assertThat(r.body()).doesNotContain("Exception");
    }
  }

  @Test
  void aDocumentsKeysAuthenticateItsClientAtTheTokenEndpoint() throws Exception {
    String clientId = base + "/keyed.json";
    AuthorizationStore codes = new AuthorizationStore(h.adminDb(), Clock.systemUTC());
    String verifier = "w".repeat(43);
    String code = codes.issueCode(new AuthorizationStore.NewCode(clientId, alice.id(), REDIRECT, Pkce.s256(verifier), MCP, Set.of(),
        Instant.now().plusSeconds(60)));
    String form = query(Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT, "code_verifier", verifier,
        "resource", MCP, "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"));
    ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID("doc-key").generate();
    HttpResponse<String> refused = post(form + "&client_assertion=" + assertion(clientId, stranger));
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
    // The refused attempt did not reach the code: the right key still gets it.
    HttpResponse<String> r = post(form + "&client_assertion=" + assertion(clientId, key));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JWTClaimsSet claims = SignedJWT.parse(new JsonObject(r.body()).getString("access_token")).getJWTClaimsSet();
    assertThat(claims.getStringClaim("client_id")).isEqualTo(clientId);
    assertThat(claims.getSubject()).isEqualTo(alice.id());
    // A public document's client may not pretend to hold keys, nor use client credentials.
    HttpResponse<String> none = post(query(Map.of("grant_type", "client_credentials", "client_id", base + "/public.json")));
    assertThat(none.statusCode()).as(none.body()).isEqualTo(400);
    assertThat(none.body()).contains("unauthorized_client");
  }

  HttpResponse<String> post(String form) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(h.base() + "/oauth/token")).header("content-type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
  }

  String assertion(String clientId, ECKey signer) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("doc-key").build(), new JWTClaimsSet.Builder()
        .issuer(clientId).subject(clientId).audience(h.issuer() + "/oauth/token").jwtID(UUID.randomUUID().toString())
        .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(60))).build());
    jwt.sign(new ECDSASigner(signer));
    return jwt.serialize();
  }
}
