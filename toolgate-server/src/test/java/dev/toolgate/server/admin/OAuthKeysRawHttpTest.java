package dev.toolgate.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OAuth area's hostile requests as written on the wire, where an HTTP client would have tidied
 * them: oversized keys (declared and chunked), repeated If-Match lines, duplicate JSON members that
 * would smuggle a private key, bytes that are not UTF-8, encoded separators and NULs in a kid.
 */
class OAuthKeysRawHttpTest extends AdminApiTestBase {
  String client;
  ECKey key;

  @BeforeEach
  void start() throws Exception {
    client = api.credentials.createClient("raw", "asapp").id();
    key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
  }

  String request(String method, String path, String extraHeaders, byte[] body) {
    String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + api.adminToken + "\r\n"
        + "Content-Type: application/json\r\nConnection: close\r\n" + extraHeaders
        + (body == null ? "" : "Content-Length: " + body.length + "\r\n") + "\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[headBytes.length + (body == null ? 0 : body.length)];
    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
    if (body != null) {
      System.arraycopy(body, 0, all, headBytes.length, body.length);
    }
    return api.raw(new String(all, StandardCharsets.ISO_8859_1));
  }

  static int status(String response) {
    return Integer.parseInt(response.substring(9, 12));
  }

  static String body(String response) {
    return response.substring(response.indexOf("\r\n\r\n") + 4);
  }

  String keysPath() {
    return "/admin/clients/" + client + "/keys";
  }

  @Test
  void aMegabyteKeyIsRefusedBeforeItIsReadWhetherDeclaredOrChunked() {
    String d = key.getD().toString();
    String huge = new JsonObject().put("jwk", new JsonObject(key.toJSONObject()).put("pad", "A".repeat(1 << 20))).encode();
    String declared = request("POST", keysPath(), "", huge.getBytes(StandardCharsets.UTF_8));
    assertThat(status(declared)).isEqualTo(413);
    assertThat(declared).contains("body_too_large").doesNotContain(d);

    StringBuilder chunked = new StringBuilder("POST " + keysPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + api.adminToken
        + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
    for (int i = 0; i < huge.length(); i += 8192) {
      String piece = huge.substring(i, Math.min(huge.length(), i + 8192));
      chunked.append(Integer.toHexString(piece.length())).append("\r\n").append(piece).append("\r\n");
    }
    chunked.append("0\r\n\r\n");
    String answer = api.raw(chunked.toString());
    assertThat(status(answer)).isEqualTo(413);
    assertThat(answer).doesNotContain(d);
    assertThat(api.oauth.oauthSettings(client).jwks()).isNull();
  }

  @Test
  void aDuplicateMemberIsRefusedSoNoPrivateKeyCanHideBehindIt() {
    String d = key.getD().toString();
    String publicJwk = key.toPublicJWK().toJSONString();
    String privateJwk = key.toJSONString();
    // Two readers of one body must not see two keys: a repeated member is refused wherever it is.
    List<String> bodies = List.of(
        "{\"jwk\":" + publicJwk + ",\"jwk\":" + privateJwk + "}",
        "{\"jwk\":" + privateJwk + ",\"jwk\":" + publicJwk + "}",
        "{\"jwk\":" + publicJwk.substring(0, publicJwk.length() - 1) + ",\"kty\":\"oct\",\"k\":\"" + d + "\"}}");
    for (String duplicated : bodies) {
      String answer = request("POST", keysPath(), "", duplicated.getBytes(StandardCharsets.UTF_8));
      assertThat(status(answer)).isEqualTo(400);
      assertThat(body(answer)).contains("twice").doesNotContain(d);
    }
    assertThat(api.oauth.oauthSettings(client).jwks()).isNull();
  }

  @Test
  void repeatedIfMatchLinesAreOneList() {
    String path = "/admin/clients/" + client + "/oauth";
    String etag = api.call("GET", path, null).headers().firstValue("etag").orElseThrow();
    byte[] body = new JsonObject().put("scopes", new io.vertx.core.json.JsonArray().add("a")).put("token_ttl_seconds", 60)
        .put("auth_methods", new io.vertx.core.json.JsonArray().add("client_secret_basic")).put("redirect_uris", new io.vertx.core.json.JsonArray())
        .encode().getBytes(StandardCharsets.UTF_8);
    String bothStale = request("PUT", path, "If-Match: \"stale1\"\r\nIf-Match: \"stale2\"\r\n", body);
    assertThat(status(bothStale)).isEqualTo(412);
    String oneCurrent = request("PUT", path, "If-Match: \"stale1\"\r\nIf-Match:   " + etag + "  \r\n", body);
    assertThat(status(oneCurrent)).as(oneCurrent).isEqualTo(200);
    String empty = request("PUT", path, "If-Match: \r\n", body);
    assertThat(status(empty)).isEqualTo(400);
    assertThat(body(empty)).contains("If-Match");
  }

  @Test
  void bytesThatAreNotUtf8AndOddKidsAreRefusedCleanly() {
    String publicJwk = key.toPublicJWK().toJSONString().replace("\"kid\":\"k1\"", "\"kid\":\"k\u00ff\"");
    byte[] latin1 = ("{\"jwk\":" + publicJwk + "}").getBytes(StandardCharsets.ISO_8859_1); // \u00ff alone is not UTF-8
    String answer = request("POST", keysPath(), "", latin1);
    assertThat(status(answer)).isEqualTo(400);
    assertThat(body(answer)).contains("UTF-8");
    // As UTF-8 it is a kid a path cannot carry as it is.
    answer = request("POST", keysPath(), "", ("{\"jwk\":" + publicJwk + "}").getBytes(StandardCharsets.UTF_8));
    assertThat(status(answer)).isEqualTo(400);
    assertThat(body(answer)).contains("kid");

    for (String kid : new String[] {"%00", "..%2F..%2Foauth", "k%0d%0aX-Injected:%201", "%ZZ", "%u0000"}) {
      String get = request("GET", keysPath() + "/" + kid, "", null);
      assertThat(status(get)).as(kid).isIn(400, 404);
      assertThat(get.substring(0, get.indexOf("\r\n\r\n"))).as(kid).doesNotContainIgnoringCase("x-injected");
      assertThat(get).as(kid).doesNotContain("internal_error");
      String delete = request("DELETE", keysPath() + "/" + kid, "", null);
      assertThat(status(delete)).as(kid).isIn(400, 404);
    }
    // Encoded dot segments are removed before routing (RFC 3986 5.2.4), as a browser would: this is the client itself, not a key.
    String dots = request("GET", keysPath() + "/%2e%2e", "", null);
    assertThat(status(dots)).isEqualTo(200);
    assertThat(new JsonObject(body(dots)).getString("id")).isEqualTo(client);
    assertThat(status(request("DELETE", keysPath() + "/%2e%2e", "", null))).isIn(404, 405);
    assertThat(api.oauth.oauthSettings(client).jwks()).isNull();
  }
}
