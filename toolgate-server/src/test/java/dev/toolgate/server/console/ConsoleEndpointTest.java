package dev.toolgate.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.server.admin.AdminRole;
import dev.toolgate.server.admin.AdminToken;
import dev.toolgate.server.store.IssuedSecret;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The console's pages and files on a real server: on only while an admin token is active, the
 * security headers on every answer, files by exact name only (no traversal, no listing).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleEndpointTest {
  private ConsoleServer server;

  @BeforeAll
  void start() throws Exception {
    server = ConsoleServer.start();
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  /** An admin token the running server knows now. */
  private String activeToken(AdminRole role) {
    return server.adminToken(role).plaintext();
  }

  private static void assertNoEndpoint(HttpResponse<String> r, String method, String path) {
    assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isEqualTo(404);
    JsonObject problem = new JsonObject(r.body());
    assertThat(problem.getString("code")).isEqualTo("route_not_found");
    assertThat(problem.getString("detail")).isEqualTo("no endpoint " + method + " " + path);
  }

  private static void assertOff(HttpResponse<String> r, String method, String path) {
    assertNoEndpoint(r, method, path);
    assertThat(r.headers().firstValue("content-security-policy")).as("an endpoint that is off says nothing about itself").isEmpty();
  }

  @Test
  void offWithoutAnActiveAdminTokenLikeAPathNothingServesThenOnThenOffAgain() throws Exception {
    try (ConsoleServer fresh = ConsoleServer.start()) {
      for (String path : List.of("/console", "/console/", "/console/app.js", "/console/session")) {
        HttpResponse<String> r = fresh.get(path);
        assertOff(r, "GET", path);
      }
      assertOff(fresh.call("POST", "/console/session", "{\"token\":\"tga_x\"}"), "POST", "/console/session");
      // The same answer as a path under a reserved prefix that nothing was ever mounted on.
      HttpResponse<String> never = fresh.get("/admin/nothing-here", "authorization", "Bearer x");
      assertThat(never.statusCode()).isIn(401, 404);

      IssuedSecret<AdminToken> first = fresh.adminToken(AdminRole.READ_ONLY); // used once: known to the server now
      assertThat(fresh.get("/console/").statusCode()).isEqualTo(200);

      IssuedSecret<AdminToken> admin = fresh.adminToken(AdminRole.ADMIN);
      for (String id : List.of(first.record().id(), admin.record().id())) {
        HttpResponse<String> revoked = fresh.call("POST", "/admin/admin-tokens/" + id + "/revoke", "{}", "authorization", "Bearer " + admin.plaintext());
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
      }
      assertOff(fresh.get("/console/"), "GET", "/console/");
    }
  }

  @Test
  void theIndexAndItsFilesCarryTheSecurityHeadersAndTheirTypes() {
    activeToken(AdminRole.ADMIN);
    HttpResponse<String> index = server.get("/console/");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(index.headers().firstValue("cache-control")).hasValue("no-store");
    assertThat(index.body()).contains("<script type=\"module\" src=\"app.js\"></script>");
    for (String path : List.of("/console/", "/console/index.html", "/console/app.js", "/console/pages/test-call.js", "/console/style.css",
        "/console/favicon.svg")) {
      HttpResponse<String> r = server.get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.headers().firstValue("content-security-policy")).as(path).hasValue("default-src 'none'; script-src 'self'; style-src 'self'; "
          + "img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; "
          + "require-trusted-types-for 'script'; trusted-types 'none'");
      assertThat(r.headers().firstValue("x-content-type-options")).as(path).hasValue("nosniff");
      assertThat(r.headers().firstValue("referrer-policy")).as(path).hasValue("no-referrer");
      assertThat(r.headers().firstValue("x-frame-options")).as(path).hasValue("DENY");
    }
    assertThat(server.get("/console/app.js").headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
    assertThat(server.get("/console/style.css").headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");
    assertThat(server.get("/console/favicon.svg").headers().firstValue("content-type")).hasValue("image/svg+xml");
    HttpResponse<String> script = server.get("/console/app.js");
    assertThat(script.headers().firstValue("cache-control")).hasValue("no-cache");
    String etag = script.headers().firstValue("etag").orElseThrow();
    HttpResponse<String> again = server.get("/console/app.js", "if-none-match", etag);
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
  }

  @Test
  void consoleWithoutItsSlashRedirects() {
    activeToken(AdminRole.ADMIN);
    HttpResponse<String> r = server.get("/console");
    assertThat(r.statusCode()).isEqualTo(301);
    assertThat(r.headers().firstValue("location")).hasValue("/console/");
    assertThat(r.headers().firstValue("content-security-policy")).isPresent();
  }

  @Test
  void onlyFilesByTheirExactNameNoTraversalNoListingNoOtherMethods() throws Exception {
    activeToken(AdminRole.ADMIN);
    for (String path : List.of("/console/pages", "/console/pages/", "/console/nothing.js", "/console/APP.JS", "/console/app.js/",
        "/console/index", "/console/app.js.map", "/console/sessionx")) {
      assertNoEndpoint(server.get(path), "GET", path);
    }
    assertThat(server.call("PUT", "/console/app.js", "{}").statusCode()).isEqualTo(404);
    assertThat(server.call("DELETE", "/console/", null).statusCode()).isEqualTo(404);
    // Written by hand: an HTTP client would resolve the dots or re-encode the path before sending it.
    for (String path : List.of("/console/../admin/clients", "/console/./app.js", "/console/%2e%2e/admin/clients", "/console/%2E%2e/",
        "/console/pages/..%2fapp.js", "/console//app.js", "/console/app.js%00", "/console/app.js;.css", "/console/.%2e/.%2e/etc/passwd",
        "/console/..\\..\\toolgate.yaml", "/console/%252e%252e/app.js", "/console/pages/%2e%2e/app.js")) {
      String answer = server.raw("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      assertThat(answer).as(path).startsWith("HTTP/1.1 404 ");
      assertThat(answer).as(path).contains("route_not_found").doesNotContain("admin_token").doesNotContain("export function");
    }
  }

  @Test
  void theConsolesPathsAreNotToolRoutesAndNeighboursAreNotTheConsole() {
    activeToken(AdminRole.ADMIN);
    HttpResponse<String> neighbour = server.get("/consoles");
    assertThat(neighbour.statusCode()).isEqualTo(404);
    assertThat(neighbour.headers().firstValue("content-security-policy")).isEmpty();
    assertThat(new JsonObject(neighbour.body()).getString("code")).isEqualTo("route_not_found");
  }
}
