package dev.toolgate.server.oauth.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientMetadataDocumentTest {
  static final String ID = "https://app.example.com/oauth/client.json";

  static JsonObject minimal() {
    return new JsonObject().put("client_id", ID).put("redirect_uris", new JsonArray().add("https://app.example.com/callback"));
  }

  static ClientMetadataDocument.Result parse(JsonObject doc) {
    return ClientMetadataDocument.parse(ID, doc.encode().getBytes(StandardCharsets.UTF_8));
  }

  static ClientMetadataDocument.Result parse(String raw) {
    return ClientMetadataDocument.parse(ID, raw.getBytes(StandardCharsets.UTF_8));
  }

  static String problem(JsonObject doc) {
    ClientMetadataDocument.Result r = parse(doc);
    assertThat(r.ok()).as("accepted: " + doc.encode()).isFalse();
    assertThat(r.client()).isNull();
    assertThat(r.problem()).startsWith("client metadata document: ").doesNotContain("\"").doesNotContain("\\");
    return r.problem();
  }

  @Test
  void aMinimalDocumentIsAPublicClient() {
    ClientMetadataDocument.Result r = parse(minimal());
    assertThat(r.ok()).as(r.problem()).isTrue();
    AuthorizationClient c = r.client();
    assertThat(c.clientId()).isEqualTo(ID);
    assertThat(c.redirectUris()).containsExactly("https://app.example.com/callback");
    assertThat(c.authMethods()).containsExactly("none");
    assertThat(c.isPublic()).isTrue();
    assertThat(c.name()).isNull();
    assertThat(c.jwks()).isNull();
    assertThat(c.scopes()).isNull();
    assertThat(c.source()).isEqualTo(AuthorizationClient.Source.METADATA_DOCUMENT);
  }

  @Test
  void aFullNativeClientDocumentIsRead() {
    JsonObject doc = minimal()
        .put("client_name", "Visual Studio Code — Insiders")
        .put("redirect_uris", new JsonArray().add("http://127.0.0.1:33418/").add("http://[::1]/cb").add("http://localhost:8080/cb")
            .add("com.example.app:/oauth2redirect").add("cursor://anysphere.cursor-retrieval/oauth/callback"))
        .put("grant_types", new JsonArray().add("authorization_code").add("refresh_token"))
        .put("response_types", new JsonArray().add("code"))
        .put("token_endpoint_auth_method", "none")
        .put("scope", "orders:read  profile")
        .put("logo_uri", "https://app.example.com/logo.png")
        .put("application_type", "native");
    ClientMetadataDocument.Result r = parse(doc);
    assertThat(r.ok()).as(r.problem()).isTrue();
    assertThat(r.client().name()).isEqualTo("Visual Studio Code — Insiders");
    assertThat(r.client().redirectUris()).hasSize(5);
    assertThat(r.client().scopes()).containsExactlyInAnyOrder("orders:read", "profile");
  }

  @Test
  void privateKeyJwtNeedsInlinePublicKeys() throws Exception {
    ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
    JsonObject jwks = new JsonObject().put("keys", new JsonArray().add(new JsonObject(key.toPublicJWK().toJSONObject())));
    ClientMetadataDocument.Result r = parse(minimal().put("token_endpoint_auth_method", "private_key_jwt").put("jwks", jwks));
    assertThat(r.ok()).as(r.problem()).isTrue();
    assertThat(r.client().authMethods()).containsExactly("private_key_jwt");
    assertThat(r.client().isPublic()).isFalse();
    assertThat(r.client().jwks().getKeyByKeyId("k1")).isNotNull();

    assertThat(problem(minimal().put("token_endpoint_auth_method", "private_key_jwt"))).contains("needs the client's public keys inline in jwks");
    assertThat(problem(minimal().put("token_endpoint_auth_method", "private_key_jwt").put("jwks_uri", "https://app.example.com/jwks")))
        .contains("jwks_uri is not supported");
    // A private key in the document: the draft forbids it, and it is never echoed.
    JsonObject withPrivate = new JsonObject().put("keys", new JsonArray().add(new JsonObject(key.toJSONObject())));
    String p = problem(minimal().put("token_endpoint_auth_method", "private_key_jwt").put("jwks", withPrivate));
    assertThat(p).contains("private").doesNotContain(key.getD().toString());
    assertThat(problem(minimal().put("jwks", "not an object"))).contains("jwks is not a JSON object");
    assertThat(problem(minimal().put("token_endpoint_auth_method", "private_key_jwt").put("jwks", new JsonObject().put("keys", new JsonArray()))))
        .contains("no keys");
  }

  @ParameterizedTest
  @ValueSource(strings = {"client_secret_basic", "client_secret_post", "client_secret_jwt"})
  void sharedSecretMethodsAreRefused(String method) {
    assertThat(problem(minimal().put("token_endpoint_auth_method", method))).contains(method).contains("shared secret");
  }

  @Test
  void otherProblemsWithTheAuthMethod() {
    assertThat(problem(minimal().put("token_endpoint_auth_method", "tls_client_auth"))).contains("not supported");
    assertThat(problem(minimal().put("token_endpoint_auth_method", 7))).contains("not a string");
    assertThat(problem(minimal().put("client_secret", "s3cr3t-value"))).contains("must not contain client_secret").doesNotContain("s3cr3t");
    assertThat(problem(minimal().put("client_secret_expires_at", 0))).contains("client_secret_expires_at");
  }

  @Test
  void theClientIdMustBeTheUrlCharacterForCharacter() {
    assertThat(problem(minimal().put("client_id", "https://evil.example.com/oauth/client.json"))).contains("does not match");
    assertThat(problem(minimal().put("client_id", "https://APP.example.com/oauth/client.json"))).contains("does not match");
    assertThat(problem(minimal().put("client_id", "https://app.example.com:443/oauth/client.json"))).contains("does not match");
    assertThat(problem(minimal().put("client_id", ID + "/"))).contains("does not match");
    assertThat(problem(minimal().put("client_id", 5))).contains("client_id is missing or not a string");
    assertThat(problem(minimal().putNull("client_id"))).contains("client_id is missing");
    JsonObject none = minimal();
    none.remove("client_id");
    assertThat(problem(none)).contains("client_id is missing");
  }

  @Test
  void aRepeatedMemberIsRefusedWhereverItIs() {
    String twice = "{\"client_id\":\"https://evil.example/x\",\"client_id\":\"" + ID + "\",\"redirect_uris\":[\"https://a.example/cb\"]}";
    assertThat(parse(twice).problem()).contains("names the same member twice");
    String nested = "{\"client_id\":\"" + ID + "\",\"redirect_uris\":[\"https://a.example/cb\"],\"jwks\":{\"keys\":[],\"keys\":[]}}";
    assertThat(parse(nested).problem()).contains("names the same member twice");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "null", "[]", "\"text\"", "{", "{\"client_id\": }", "{} {}", "{\"client_id\":\"x\"} trailing",
      "<html>hello</html>", "{'client_id': 'x'}"})
  void aBodyThatIsNotOneJsonObjectIsRefused(String body) {
    ClientMetadataDocument.Result r = parse(body);
    assertThat(r.ok()).isFalse();
    assertThat(r.problem()).containsAnyOf("not a JSON object", "more than one JSON value");
  }

  @Test
  void malformedUtf8IsRefused() {
    byte[] overlong = ("{\"client_id\":\"" + ID + "\",\"client_name\":\"a").getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[overlong.length + 4];
    System.arraycopy(overlong, 0, body, 0, overlong.length);
    body[overlong.length] = (byte) 0xC1; // overlong encoding of 'A'
    body[overlong.length + 1] = (byte) 0x81;
    body[overlong.length + 2] = '"';
    body[overlong.length + 3] = '}';
    assertThat(ClientMetadataDocument.parse(ID, body).problem()).contains("not UTF-8");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "http://app.example.com/cb               | allowed only for the loopback interface",
      "http://127.0.0.2/cb                     | allowed only for the loopback interface",
      "http://localhost.evil.com/cb            | allowed only for the loopback interface",
      "https://app.example.com/cb#frag         | must not contain a fragment",
      "https://app.example.com/cb#             | must not contain a fragment",
      "/relative/cb                            | not an absolute URI",
      "javascript:alert(1)                     | javascript scheme",
      "JavaScript://x/%0aalert(1)              | javascript scheme",
      "data:text/html,hi                       | data scheme",
      "file:///etc/passwd                      | file scheme",
      "https://good.example@evil.example/cb    | user name or password",
      "https:///cb                             | has no valid host",
      "https://app.example.com/c b             | printable ASCII",
      "https://app.example.com/%zz             | not a valid URI",
  })
  void aHostileRedirectUriIsRefusedByPosition(String uri, String reason) {
    JsonObject doc = minimal().put("redirect_uris", new JsonArray().add("https://app.example.com/ok").add(uri));
    String p = problem(doc);
    assertThat(p).contains("redirect_uris[1]").contains(reason);
  }

  @Test
  void redirectUrisMustBeANonEmptyArrayOfStrings() {
    JsonObject none = minimal();
    none.remove("redirect_uris");
    assertThat(problem(none)).contains("redirect_uris is missing");
    assertThat(problem(minimal().put("redirect_uris", new JsonArray()))).contains("non-empty array");
    assertThat(problem(minimal().put("redirect_uris", "https://app.example.com/cb"))).contains("non-empty array");
    assertThat(problem(minimal().put("redirect_uris", new JsonArray().add(42)))).contains("redirect_uris[0] is not a string");
    assertThat(problem(minimal().put("redirect_uris", new JsonArray().add("")))).contains("redirect_uris[0] must be 1 to");
    JsonArray many = new JsonArray();
    for (int i = 0; i <= ClientMetadataDocument.MAX_REDIRECT_URIS; i++) {
      many.add("https://app.example.com/cb" + i);
    }
    assertThat(problem(minimal().put("redirect_uris", many))).contains("more than " + ClientMetadataDocument.MAX_REDIRECT_URIS);
  }

  @Test
  void grantAndResponseTypesMustIncludeTheCodeFlow() {
    assertThat(problem(minimal().put("grant_types", new JsonArray().add("client_credentials")))).contains("grant_types must include authorization_code");
    assertThat(problem(minimal().put("grant_types", "authorization_code"))).contains("grant_types must be an array of strings");
    assertThat(problem(minimal().put("grant_types", new JsonArray().add("authorization_code").add(1)))).contains("array of strings");
    assertThat(problem(minimal().put("response_types", new JsonArray().add("token")))).contains("response_types must include code");
  }

  @Test
  void clientNameIsBoundedAndFreeOfControlAndFormatCharacters() {
    assertThat(problem(minimal().put("client_name", "x".repeat(ClientMetadataDocument.MAX_NAME_LENGTH + 1)))).contains("1 to 200 characters");
    assertThat(problem(minimal().put("client_name", "   "))).contains("not blank");
    assertThat(problem(minimal().put("client_name", 3))).contains("client_name is not a string");
    for (String hostile : List.of("Good\nApp", "Good\u0000App", "Good\u202eppA", "Good\u200bApp", "Good\u2028App", "Evil\uE000")) {
      assertThat(problem(minimal().put("client_name", hostile))).as(hostile).contains("control, format or unassigned character");
    }
    assertThat(parse(minimal().put("client_name", "Orders 😀 App")).client().name()).isEqualTo("Orders 😀 App");
  }

  @Test
  void scopeIsOptionalAndMustBeScopeTokens() {
    assertThat(parse(minimal().put("scope", "")).client().scopes()).isEmpty();
    assertThat(problem(minimal().put("scope", "a \"b\""))).contains("not an RFC 6749 scope token");
    assertThat(problem(minimal().put("scope", "a\\b"))).contains("not an RFC 6749 scope token");
    assertThat(problem(minimal().put("scope", "caf\u00e9"))).contains("not an RFC 6749 scope token");
    assertThat(problem(minimal().put("scope", new JsonArray().add("a")))).contains("space-separated string");
    assertThat(problem(minimal().put("scope", "a".repeat(ClientMetadataDocument.MAX_SCOPE_LENGTH + 1)))).contains("space-separated string");
  }

  @Test
  void theClientValueIsImmutable() {
    AuthorizationClient c = parse(minimal().put("scope", "a b")).client();
    assertThat(c.scopes()).isEqualTo(Set.of("a", "b"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.redirectUris().add("https://evil.example/cb"))
        .isInstanceOf(UnsupportedOperationException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.scopes().add("admin")).isInstanceOf(UnsupportedOperationException.class);
  }
}
