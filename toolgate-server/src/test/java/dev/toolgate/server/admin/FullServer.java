package dev.toolgate.server.admin;

import dev.toolgate.server.http.HarnessAccess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * A real Toolgate in-process with everything on that mounts routes of its own: customer login, the
 * code flow with open registration, an MCP route (its resource metadata), tools for the decision
 * API, and an admin token of each role. For the OpenAPI tests, which hold its real answers against
 * docs/openapi.json.
 */
final class FullServer implements AutoCloseable {
  static final String MCP_RESOURCE = "https://mcp.example.com/mcp";
  static final String TOOLS = """
        - name: orders
          platform: sendbird
          method: GET
          path: /orders/{order_id}
          upstream: UPSTREAM
          policy: { require: [api_key] }
        - name: reports
          method: GET
          path: /reports
          upstream: UPSTREAM
          policy:
            require: [client_token]
            client_token: { scopes: [reports.read] }
        - name: shop_mcp
          path: /mcp
          upstream: UPSTREAM
          policy:
            require: [client_token]
            client_token: { scopes: [mcp] }
          mcp: {}
      authorization_server:
        resources: [https://mcp.example.com/mcp]
        password_hash: { memory_kib: 8192, iterations: 1, parallelism: 1 }
        registration:
          mode: open
          max_per_hour: 1000
      """;

  final HarnessAccess h;
  final Map<AdminRole, String> tokens = new EnumMap<>(AdminRole.class);
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  /** @param serverYaml extra lines of the {@code server:} section, indented two spaces */
  FullServer(String serverYaml) throws Exception {
    h = HarnessAccess.create(TOOLS, serverYaml);
    AdminTokenStore store = new AdminTokenStore(h.adminDb());
    for (AdminRole role : AdminRole.values()) {
      tokens.put(role, store.create(role.value(), role, null).plaintext());
    }
    h.start();
  }

  String admin() {
    return tokens.get(AdminRole.ADMIN);
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(h.base() + path)).timeout(Duration.ofSeconds(20));
  }

  HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An admin API call; {@code headers}: name, value, name, value… */
  HttpResponse<String> call(String method, String path, String body, String bearer, String... headers) {
    HttpRequest.Builder b = request(path).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("content-type", "application/json");
    }
    if (bearer != null) {
      b.header("authorization", "Bearer " + bearer);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b);
  }

  HttpResponse<String> call(String method, String path, String body) {
    return call(method, path, body, admin());
  }

  /** A form POST ({@code application/x-www-form-urlencoded}). */
  HttpResponse<String> form(String path, String body, String... headers) {
    HttpRequest.Builder b = request(path).POST(HttpRequest.BodyPublishers.ofString(body))
        .header("content-type", "application/x-www-form-urlencoded");
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b);
  }

  HttpResponse<String> get(String path, String... headers) {
    HttpRequest.Builder b = request(path).GET();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b);
  }

  @Override
  public void close() {
    h.close();
  }
}
