package dev.toolgate.server.oauth.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.server.Toolgate;
import dev.toolgate.server.http.HarnessAccess;
import dev.toolgate.server.http.ServerLog;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Who may register: {@code initial_access_token} (a bearer token from the environment, checked
 * before anything else), {@code off} (no endpoint), and a server that cannot have the token it needs
 * (it does not start). Plus malformed requests on a raw socket.
 */
class ClientRegistrationAccessTest {
  static final String TOKEN = "reg-token-0123456789abcdefghijklmnopqrstuvwxyz";
  static final String TOOLS = """
        - name: orders
          method: GET
          path: /orders
          upstream: UPSTREAM
          policy:
            require: [client_token]
            client_token: { scopes: [orders.read] }
      authorization_server:
        registration:
          mode: initial_access_token
          initial_access_token_env: TEST_REGISTRATION_TOKEN
      """;
  static final String METADATA = new JsonObject().put("redirect_uris", new JsonArray().add("http://127.0.0.1/callback"))
      .put("token_endpoint_auth_method", "none").encode();

  final HttpClient http = HttpClient.newHttpClient();

  static Function<String, String> env(String token) {
    return name -> name.equals("TEST_REGISTRATION_TOKEN") ? token : System.getenv(name);
  }

  HttpResponse<String> register(HarnessAccess h, String authorization, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.base() + "/oauth/register")).POST(HttpRequest.BodyPublishers.ofString(body))
        .header("content-type", "application/json");
    if (authorization != null) {
      b.header("authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static void invalidToken(HttpResponse<String> r, String challenge) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
    assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("invalid_token");
    assertThat(r.headers().firstValue("www-authenticate")).hasValue(challenge);
    assertThat(r.body()).doesNotContain(TOKEN);
  }

  @Test
  void theInitialAccessTokenIsRequiredAndCheckedFirst() throws Exception {
    try (HarnessAccess h = HarnessAccess.create(TOOLS)) {
      h.start(env(TOKEN));
      invalidToken(register(h, null, METADATA), "Bearer realm=\"toolgate\"");
      invalidToken(register(h, "Bearer " + TOKEN.substring(0, TOKEN.length() - 1), METADATA), "Bearer realm=\"toolgate\", error=\"invalid_token\"");
      invalidToken(register(h, "Bearer " + TOKEN + "x", METADATA), "Bearer realm=\"toolgate\", error=\"invalid_token\"");
      invalidToken(register(h, "Basic " + TOKEN, METADATA), "Bearer realm=\"toolgate\", error=\"invalid_token\"");
      // Without the token nothing about the body is told: not even that it is no JSON.
      invalidToken(register(h, null, "not json"), "Bearer realm=\"toolgate\"");

      HttpResponse<String> ok = register(h, "Bearer " + TOKEN, METADATA);
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
      assertThat(new JsonObject(ok.body()).getString("client_id")).startsWith("cl_");
      HttpResponse<String> lowerCase = register(h, "bearer " + TOKEN, METADATA);
      assertThat(lowerCase.statusCode()).as(lowerCase.body()).isEqualTo(201);
      // With the token, the body is checked as usual.
      HttpResponse<String> bad = register(h, "Bearer " + TOKEN, "[]");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(new JsonObject(bad.body()).getString("error")).isEqualTo("invalid_client_metadata");
    }
  }

  @Test
  void aServerThatNeedsTheTokenAndHasNoneDoesNotStart() throws Exception {
    try (HarnessAccess h = HarnessAccess.create(TOOLS)) {
      assertThatThrownBy(() -> Toolgate.start(h.config(), env(null)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("TEST_REGISTRATION_TOKEN")
          .hasMessageContaining("not set");
      assertThatThrownBy(() -> Toolgate.start(h.config(), env("short")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("fewer than 32 characters")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("short\""));
    }
  }

  @Test
  void registrationOffMeansNoEndpoint() throws Exception {
    try (HarnessAccess h = HarnessAccess.create(TOOLS.replace("mode: initial_access_token", "mode: \"off\""))) {
      h.start(env(null)); // off needs no token
      HttpResponse<String> r = register(h, "Bearer " + TOKEN, METADATA);
      assertThat(r.statusCode()).isEqualTo(404);
      HttpResponse<String> metadata = http.send(HttpRequest.newBuilder(URI.create(h.base() + "/.well-known/oauth-authorization-server")).GET()
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(new JsonObject(metadata.body()).containsKey("registration_endpoint")).isFalse();
    }
  }

  @Test
  void malformedRequestsOnARawSocketGet400WithoutAStackTrace() throws Exception {
    try (HarnessAccess h = HarnessAccess.create(TOOLS); ServerLog log = ServerLog.capture()) {
      h.start(env(TOKEN));
      String head = "POST /oauth/register HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN + "\r\n"
          + "Content-Type: application/json\r\n";
      byte[] broken = "{\"redirect_uris\": [\"http://127.0.0.1/cb\",".getBytes(StandardCharsets.UTF_8);
      String malformed = raw(h.port(), head + "Content-Length: " + broken.length + "\r\nConnection: close\r\n\r\n", broken);
      assertThat(malformed).startsWith("HTTP/1.1 400").contains("invalid_client_metadata").doesNotContain("Exception").doesNotContain("\tat ");

      for (String length : new String[] {"abc", "-1", "5, 7", "99999999999999999999"}) {
        String answer = raw(h.port(), head + "Content-Length: " + length + "\r\nConnection: close\r\n\r\n", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(answer).as("Content-Length: " + length).matches("(?s)HTTP/1\\.1 (400|413) .*").doesNotContain("Exception").doesNotContain("\tat ");
      }
      // A body shorter than its Content-Length, then the client gives up sending: no answer but a closed connection, nothing logged as an error.
      String truncated = raw(h.port(), head + "Content-Length: 100\r\n\r\n", broken, true);
      assertThat(truncated).doesNotContain("Exception");
      // The log is the JVM's: a JWKS fetch another test's server started may still end (and warn) now.
      assertThat(log.lines().stream().filter(line -> !line.contains(" ExternalJwks - ")))
          .noneMatch(line -> line.contains("Exception") || line.startsWith("\tat ") || line.contains(" ERROR "));
    }
  }

  static String raw(int port, String head, byte[] body) throws Exception {
    return raw(port, head, body, false);
  }

  /** Sends the bytes as they are; {@code halfClose}: then stops sending. Returns everything read until the server closes. */
  static String raw(int port, String head, byte[] body, boolean halfClose) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      if (halfClose) {
        s.shutdownOutput();
      }
      InputStream in = s.getInputStream();
      ByteArrayOutputStream read = new ByteArrayOutputStream();
      byte[] buffer = new byte[4096];
      try {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          read.write(buffer, 0, n);
        }
      } catch (java.net.SocketException e) {
        // reset after the answer: what was read is the answer
      }
      return read.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
