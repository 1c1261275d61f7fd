package dev.toolgate.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests an HTTP client library would tidy up, written by hand on a socket: bytes that are not
 * UTF-8 inside a secret, a field sent twice, broken escapes in the query and the path, oversized
 * bodies. Each is refused with a problem, nothing is stored, and no secret comes back.
 */
class CredentialsAdminHostileTest extends AdminApiTestBase {
  String client;

  @BeforeEach
  void start() {
    client = api.credentials.createClient("sendbird-prod", "sendbird").id();
  }

  record Answer(int status, String head, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** Sends {@code head} (request line and headers, CRLF-separated, without the blank line) and {@code body} as given. */
  Answer raw(String head, byte[] body) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", api.http.uri("/").getPort())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write((head + "\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + api.adminToken + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      in.transferTo(received);
      String text = received.toString(StandardCharsets.UTF_8);
      int split = text.indexOf("\r\n\r\n");
      assertThat(split).as(text).isPositive();
      String responseHead = text.substring(0, split);
      String responseBody = text.substring(split + 4);
      if (responseHead.toLowerCase().contains("transfer-encoding: chunked")) {
        responseBody = unchunk(responseBody);
      }
      return new Answer(Integer.parseInt(responseHead.substring(9, 12)), responseHead, responseBody);
    }
  }

  Answer post(String path, byte[] body) throws IOException {
    return raw("POST " + path + " HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: " + body.length, body);
  }

  Answer get(String target) throws IOException {
    return raw("GET " + target + " HTTP/1.1", new byte[0]);
  }

  static String unchunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (true) {
      int eol = chunked.indexOf("\r\n", at);
      int size = Integer.parseInt(chunked.substring(at, eol).strip(), 16);
      if (size == 0) {
        return out.toString();
      }
      out.append(chunked, eol + 2, eol + 2 + size);
      at = eol + 2 + size + 2;
    }
  }

  static void problem(Answer a, int status, String code, String detail) {
    assertThat(a.status()).as(a.head() + "\n" + a.body()).isEqualTo(status);
    assertThat(a.head().toLowerCase()).contains("content-type: application/problem+json");
    assertThat(a.json().getString("code")).isEqualTo(code);
    if (detail != null) {
      assertThat(a.json().getString("detail")).contains(detail);
    }
    assertThat(a.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  static byte[] concat(String before, byte[] middle, String after) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(middle);
    out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  @Test
  void aSecretThatIsNotUtf8IsRefusedNotStoredWithReplacementCharacters() throws IOException {
    String prefix = "{\"client_id\":\"" + client + "\",\"value\":\"master-";
    for (byte[] bad : new byte[][] {
        {(byte) 0xff, (byte) 0xfe},                      // never UTF-8
        {(byte) 0xc0, (byte) 0xaf},                      // an overlong '/'
        {(byte) 0xed, (byte) 0xa0, (byte) 0x80},         // a surrogate encoded directly
        {(byte) 0xe2, (byte) 0x82},                      // truncated
        {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}}) { // beyond U+10FFFF
      Answer a = post("/admin/signing-secrets", concat(prefix, bad, "token\"}"));
      problem(a, 400, "invalid_request", "the body is not valid UTF-8");
      assertThat(a.body()).doesNotContain("master-");
    }
    // Latin-1 bytes of a Latin-1 text: refused too, not guessed.
    problem(post("/admin/signing-secrets", (prefix + "caf\u00e9\"}").getBytes(StandardCharsets.ISO_8859_1)), 400, "invalid_request", "UTF-8");
    assertThat(api.credentials.listSigningSecrets(null)).isEmpty();
  }

  @Test
  void aFieldSentTwiceIsRefused() throws IOException {
    // A proxy that keeps the first value and Toolgate that keeps the last must never disagree about a secret or an owner.
    for (String body : new String[] {
        "{\"client_id\":\"" + client + "\",\"value\":\"first-value\",\"value\":\"second-value\"}",
        "{\"client_id\":\"cl_other\",\"client_id\":\"" + client + "\"}",
        "{\"client_id\":\"" + client + "\",\"expires_at\":\"2026-03-02T00:00:00Z\",\"expires_at\":null}"}) {
      Answer a = post("/admin/signing-secrets", body.getBytes(StandardCharsets.UTF_8));
      problem(a, 400, "invalid_request", "names a field twice");
      assertThat(a.body()).doesNotContain("first-value").doesNotContain("second-value");
    }
    problem(post("/admin/api-keys", ("{\"client_id\":\"" + client + "\",\"tools\":[\"order_status\"],\"tools\":[\"*\"]}")
        .getBytes(StandardCharsets.UTF_8)), 400, "invalid_request", "names a field twice");
    assertThat(api.credentials.listSigningSecrets(null)).isEmpty();
    assertThat(api.credentials.listApiKeys(null)).isEmpty();
  }

  @Test
  void everyAdminBodyIsReadAsStrictlyAsACredentials() throws IOException {
    // Users, passwords, platform mappings, opaque ids and audit pruning read their bodies like the credential routes.
    byte[] notUtf8 = concat("{\"username\":\"ad", new byte[] {(byte) 0xff}, "a\"}");
    problem(post("/admin/users", notUtf8), 400, "invalid_request", "the body is not valid UTF-8");
    problem(post("/admin/users", "{\"username\":\"ada\",\"pasword\":\"correct horse battery\"}".getBytes(StandardCharsets.UTF_8)),
        400, "invalid_request", "unknown field 'pasword' (this request takes username, password)");
    problem(post("/admin/users", "{\"username\":\"ada\",\"username\":\"root\"}".getBytes(StandardCharsets.UTF_8)),
        400, "invalid_request", "names a field twice");
    assertThat(api.users.listUsers()).isEmpty();
    String ada = api.users.createUser("ada", "x").id();
    Answer twice = post("/admin/users/" + ada + "/password",
        "{\"password\":\"first password 1\",\"password\":\"second password 2\"}".getBytes(StandardCharsets.UTF_8));
    problem(twice, 400, "invalid_request", "names a field twice");
    assertThat(twice.body()).doesNotContain("first password").doesNotContain("second password");
    problem(post("/admin/users/" + ada + "/opaque-id", "{\"platfrom\":\"asapp\"}".getBytes(StandardCharsets.UTF_8)),
        400, "invalid_request", "unknown field 'platfrom'");
    problem(post("/admin/audit/prune", "{\"before\":\"2020-01-01T00:00:00Z\",\"dry_run\":true}".getBytes(StandardCharsets.UTF_8)),
        400, "invalid_request", "unknown field 'dry_run'");
    // The Sendbird-shaped platform API ignores fields it does not use, as Sendbird's does, but not broken bytes or a field twice.
    problem(post("/admin/platforms/sendbird/users", "{\"user_id\":\"sb-1\",\"user_id\":\"sb-2\",\"username\":\"ada\"}"
        .getBytes(StandardCharsets.UTF_8)), 400, "invalid_request", "names a field twice");
    problem(post("/admin/platforms/sendbird/users", concat("{\"user_id\":\"sb-", new byte[] {(byte) 0xc0, (byte) 0xaf}, "\",\"username\":\"ada\"}")),
        400, "invalid_request", "the body is not valid UTF-8");
    assertThat(api.users.findPlatformUser("sendbird", "sb-1")).isEmpty();
    assertThat(post("/admin/platforms/sendbird/users", "{\"user_id\":\"sb-1\",\"username\":\"ada\",\"nickname\":\"Ada\"}"
        .getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
  }

  @Test
  void brokenQueriesAndPathsAreProblemsNeverErrors() throws IOException {
    problem(get("/admin/static-tokens?client_id=%"), 400, "invalid_request", "broken %-escape");
    problem(get("/admin/api-keys?client_id=%G1"), 400, "invalid_request", "broken %-escape");
    problem(get("/admin/signing-secrets?%zz=" + client), 400, "invalid_request", "broken %-escape");
    problem(get("/admin/static-tokens?client_id=" + client + "%00"), 404, "not_found", null);
    problem(get("/admin/static-tokens?client_id=cl_%E2%80%AE"), 404, "not_found", null);
    // Ids with an encoded slash or NUL are just unknown ids.
    problem(get("/admin/static-tokens/tok_x%2Frevoke"), 404, "not_found", null);
    problem(get("/admin/api-keys/key_%00"), 404, "not_found", null);
    // Dot segments are resolved before routing (the gateway refuses them earlier still): no credential route is reached.
    Answer dots = raw("POST /admin/api-keys/%2E%2E/revoke HTTP/1.1\r\nContent-Length: 0", new byte[0]);
    assertThat(dots.status()).isEqualTo(404);
    assertThat(dots.json().getString("code")).isEqualTo("route_not_found");
  }

  @Test
  void bodiesOverTheCapAre413HoweverTheyAreFramed() throws IOException {
    String value = "v".repeat(AdminJson.MAX_BODY_BYTES);
    byte[] big = ("{\"client_id\":\"" + client + "\",\"value\":\"" + value + "\"}").getBytes(StandardCharsets.UTF_8);
    Answer declared = post("/admin/signing-secrets", big);
    problem(declared, 413, "body_too_large", null);
    assertThat(declared.body()).doesNotContain(value.substring(0, 64));

    ByteArrayOutputStream chunked = new ByteArrayOutputStream();
    for (int at = 0; at < big.length; at += 4096) {
      int n = Math.min(4096, big.length - at);
      chunked.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      chunked.write(big, at, n);
      chunked.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    chunked.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    Answer streamed = raw("POST /admin/signing-secrets HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked",
        chunked.toByteArray());
    problem(streamed, 413, "body_too_large", null);
    assertThat(api.credentials.listSigningSecrets(null)).isEmpty();
  }

  @Test
  void deeplyNestedOrStrangeJsonIsA400() throws IOException {
    String nested = "[".repeat(5000) + "]".repeat(5000);
    problem(post("/admin/api-keys", ("{\"client_id\":\"" + client + "\",\"tools\":" + nested + "}").getBytes(StandardCharsets.UTF_8)),
        400, "invalid_request", null);
    problem(post("/admin/static-tokens", "\ufeff{\"client_id\":\"x\"}".getBytes(StandardCharsets.UTF_8)), 400, "invalid_request", null);
    problem(post("/admin/static-tokens", ("{\"client_id\":\"" + client + "\"} trailing").getBytes(StandardCharsets.UTF_8)),
        400, "invalid_request", null);
    problem(post("/admin/static-tokens", "{\"client_id\":\"x\"/*comment*/}".getBytes(StandardCharsets.UTF_8)), 400, "invalid_request", null);
    assertThat(api.credentials.listStaticTokens(null)).isEmpty();
    assertThat(api.credentials.listApiKeys(null)).isEmpty();
  }

  @Test
  void aReplayWithAnotherSecretUnderTheSameKeyIs422AndShowsNeither() throws IOException {
    byte[] first = ("{\"client_id\":\"" + client + "\",\"value\":\"first-secret\"}").getBytes(StandardCharsets.UTF_8);
    byte[] second = ("{\"client_id\":\"" + client + "\",\"value\":\"second-secret\"}").getBytes(StandardCharsets.UTF_8);
    String head = "POST /admin/signing-secrets HTTP/1.1\r\nContent-Type: application/json\r\nIdempotency-Key: same\r\nContent-Length: ";
    assertThat(raw(head + first.length, first).status()).isEqualTo(201);
    Answer reused = raw(head + second.length, second);
    problem(reused, 422, "idempotency_key_reused", null);
    assertThat(reused.body()).doesNotContain("first-secret").doesNotContain("second-secret");
    assertThat(api.credentials.listSigningSecrets(null)).hasSize(1);
  }
}
