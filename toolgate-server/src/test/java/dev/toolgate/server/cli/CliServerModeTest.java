package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.server.Toolgate;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --server URL}: the command is one call (or a lookup and a call) to a running server's admin
 * API, with the admin token from {@code TOOLGATE_ADMIN_TOKEN}; it prints what store mode prints and
 * reads no configuration. The server runs in-process on this test's store, so both modes can be
 * compared on the same data.
 */
class CliServerModeTest extends CliTestSupport {
  private final InputStream originalIn = System.in;
  private Toolgate server;
  private String url;
  private String adminToken;
  /** A configuration file that does not exist: server mode must not need one. */
  private Path noConfig;

  @BeforeEach
  void startServer() throws Exception {
    Files.writeString(config, CONFIG + "server: { host: 127.0.0.1, port: 0 }\n", StandardCharsets.UTF_8);
    adminToken = CliJsonOutputTest.json(cmd("admin-token", "create", "--name", "cli-test", "-o", "json")).getString("secret");
    server = Toolgate.start(loadedConfig());
    url = "http://127.0.0.1:" + server.port();
    noConfig = dir.resolve("absent/toolgate.yaml");
  }

  @AfterEach
  void stopServer() {
    System.setIn(originalIn);
    if (server != null) {
      server.close();
    }
  }

  /** {@code toolgate ARGS... --server URL -c <no such file>} with the admin token in the environment. */
  private Run remote(String... args) {
    return remoteWith(Map.of(AdminClient.TOKEN_ENV, adminToken), args);
  }

  private Run remoteWith(Map<String, String> env, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--server", url, "-c", noConfig.toString()));
    return runWithEnv(env, all.toArray(String[]::new));
  }

  /** The same, for a command that reads no configuration at all (it has no {@code -c}). */
  private Run remoteWithoutConfigOption(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--server", url));
    return runWithEnv(Map.of(AdminClient.TOKEN_ENV, adminToken), all.toArray(String[]::new));
  }

  private static JsonObject json(Run r) {
    return CliJsonOutputTest.json(r);
  }

  private Run withStdin(String text, java.util.function.Supplier<Run> command) {
    System.setIn(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    return command.get();
  }

  @Test
  void readsAndChangesPrintWhatStoreModePrints() {
    String clientId = createClient("sendbird-prod");
    // reads: the same JSON and the same text as store mode
    assertThat(json(remote("client", "list", "-o", "json"))).isEqualTo(json(cmd("client", "list", "-o", "json")));
    assertThat(remote("client", "list").ok().out()).isEqualTo(cmd("client", "list").ok().out());
    assertThat(json(remote("client", "list", "--registration", "dynamic", "-o", "json")).getJsonArray("clients")).isEmpty();

    // changes: what the server answers is what store mode shows afterwards
    JsonObject disabled = json(remote("client", "disable", "sendbird-prod", "-o", "json"));
    assertThat(disabled.getBoolean("enabled")).isFalse();
    assertThat(json(cmd("client", "list", "-o", "json")).getJsonArray("clients")).containsExactly(disabled);
    assertThat(remote("client", "enable", clientId).ok().out()).isEqualTo("Enabled client " + clientId + " (sendbird-prod)\n");

    JsonObject ada = json(withStdin("a long password\n", () -> remote("user", "create", "Ada", "-o", "json")));
    assertThat(ada.getBoolean("has_password")).isTrue();
    assertThat(json(remote("user", "list", "-o", "json"))).isEqualTo(json(cmd("user", "list", "-o", "json")));
    assertThat(json(remote("user", "disable", "ada", "-o", "json")).getBoolean("disabled")).isTrue();
    assertThat(json(remote("user", "enable", ada.getString("id"), "-o", "json"))).isEqualTo(ada);
    JsonObject newPassword = json(withStdin("another long password\n", () -> remote("user", "reset-password", "ada", "-o", "json")));
    assertThat(newPassword.getString("password_changed_at")).isNotEqualTo(ada.getString("password_changed_at"));

    JsonObject mapped = json(remote("user", "map", "ada", "--platform", "sendbird", "--platform-user-id", "sb-ada", "-o", "json"));
    assertThat(mapped).isEqualTo(json(cmd("user", "map", "ada", "--platform", "sendbird", "--platform-user-id", "sb-ada", "-o", "json")));

    JsonObject session = json(remote("session", "create", "--platform", "sendbird", "--user", "sb-ada", "--expires", "1d", "-o", "json"));
    assertThat(session.fieldNames()).containsExactlyInAnyOrder("token", "token_id", "expires_at");
    JsonObject tokens = json(remote("session", "list", "--platform", "sendbird", "--user", "sb-ada", "-o", "json"));
    assertThat(tokens).isEqualTo(json(cmd("session", "list", "--platform", "sendbird", "--user", "sb-ada", "-o", "json")));
    assertThat(json(remote("session", "revoke", session.getString("token_id"), "--platform", "sendbird", "--user", "sb-ada", "-o", "json")))
        .isEqualTo(new JsonObject().put("token_id", session.getString("token_id")).put("revoked", true));
    remote("session", "revoke", session.getString("token_id")).invalid("with --server, session revoke needs --platform and --user");
    assertThat(json(remote("session", "revoke-all", "--platform", "sendbird", "--user", "sb-ada", "-o", "json")).getInteger("revoked")).isZero();

    JsonObject minted = json(remote("admin-token", "create", "--name", "ci", "--role", "operator", "--expires", "1d", "-o", "json"));
    assertThat(minted.getString("secret")).startsWith("tga_");
    JsonObject listed = json(remote("admin-token", "list", "-o", "json"));
    assertThat(listed.getJsonArray("admin_tokens").stream().map(t -> ((JsonObject) t).getString("id"))).contains(minted.getString("id"));
    assertThat(json(remote("admin-token", "revoke", minted.getString("id"), "-o", "json")).getString("revoked_at")).isNotNull();
  }

  @Test
  void clientsAndTheirCredentialsThroughTheServer() {
    JsonObject client = json(remote("client", "create", "sendbird-prod", "--platform", "sendbird", "-o", "json"));
    assertThat(json(cmd("client", "list", "-o", "json")).getJsonArray("clients")).containsExactly(client);
    remote("client", "create", "sendbird-prod", "--platform", "sendbird").conflict("already exists");
    remote("client", "create", "other", "--platform", "sendbrid").invalid("'sendbrid' is not used in the configuration");
    remote("client", "create", "bad name", "--platform", "sendbird").invalid("client name must be");

    JsonObject given = json(withStdin("the platform's secret\n", () -> remote("secret", "add", "--client", "sendbird-prod", "--from-stdin", "-o", "json")));
    assertThat(given.getString("secret")).isEqualTo("the platform's secret");
    Run generated = remote("secret", "add", "--client", client.getString("id"), "--generate", "--expires", "30d").ok();
    assertThat(generated.out()).startsWith("Added signing secret sec_").contains(" to client sendbird-prod, expires ")
        .contains("Secret (shown once, store it now): tgs_");
    assertThat(json(remote("secret", "list", "--client", "sendbird-prod", "-o", "json")))
        .isEqualTo(json(cmd("secret", "list", "--client", "sendbird-prod", "-o", "json")));
    assertThat(remote("secret", "list", "--client", "sendbird-prod").ok().out()).isEqualTo(cmd("secret", "list", "--client", "sendbird-prod").ok().out());
    JsonObject revoked = json(remote("secret", "revoke", given.getString("id"), "-o", "json"));
    assertThat(json(cmd("secret", "revoke", given.getString("id"), "-o", "json"))).as("revoked once, the same resource").isEqualTo(revoked);

    JsonObject token = json(remote("token", "create", "--client", "sendbird-prod", "--expires", "90d", "-o", "json"));
    assertThat(token.getString("secret")).startsWith("tgt_");
    assertThat(json(remote("token", "list", "--client", "sendbird-prod", "-o", "json"))).isEqualTo(json(cmd("token", "list", "-o", "json")));
    JsonObject rotated = json(remote("token", "rotate", token.getString("id"), "--overlap", "30m", "-o", "json"));
    assertThat(rotated.getJsonObject("replaces").getString("id")).isEqualTo(token.getString("id"));
    assertThat(remote("token", "revoke", token.getString("id")).ok().out()).isEqualTo("Revoked static token " + token.getString("id") + "\n");
    remote("token", "rotate", token.getString("id")).conflict("is revoked");
    remote("token", "revoke", "tok_nope").notFound("no static token with id 'tok_nope'");

    JsonObject key = json(remote("apikey", "create", "--client", "sendbird-prod", "--tools", "catalog_search", "-o", "json"));
    assertThat(key.getJsonArray("tools")).containsExactly("catalog_search");
    remote("apikey", "create", "--client", "sendbird-prod", "--tools", "catalog_serach").invalid("'catalog_serach' is not a tool");
    Run keyRotated = remote("apikey", "rotate", key.getString("id"), "--overlap", "0").ok();
    assertThat(keyRotated.out()).startsWith("Created API key key_").contains("Old key " + key.getString("id") + " stays valid until ");
    assertThat(json(remote("apikey", "list", "-o", "json"))).isEqualTo(json(cmd("apikey", "list", "--client", "sendbird-prod", "-o", "json")));
    assertThat(json(remote("apikey", "revoke", key.getString("id"), "-o", "json")).getString("revoked_at")).isNotNull();
  }

  @Test
  void oauthSettingsClientSecretsAndSigningKeysThroughTheServer() throws Exception {
    createClient("asapp-prod");
    assertThat(json(remote("client-oauth", "asapp-prod", "-o", "json"))).isEqualTo(json(cmd("client-oauth", "asapp-prod", "-o", "json")));
    assertThat(remote("client-oauth", "asapp-prod").ok().out()).isEqualTo(cmd("client-oauth", "asapp-prod").ok().out())
        .contains("Note: the client has no usable client secret");
    // a change keeps what it does not name, as in store mode
    cmd("client-oauth", "asapp-prod", "--ttl", "30m").ok();
    JsonObject changed = json(remote("client-oauth", "asapp-prod", "--scopes", "profile.read", "--redirect-uris", "http://127.0.0.1/cb", "-o", "json"));
    assertThat(changed.getLong("token_ttl_seconds")).isEqualTo(1800);
    assertThat(changed.getJsonArray("scopes")).containsExactly("profile.read");
    assertThat(changed).isEqualTo(json(cmd("client-oauth", "asapp-prod", "-o", "json")));
    Path publicKey = dir.resolve("jwks.json");
    Files.writeString(publicKey, new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).keyID("k1").generate()
        .toPublicJWK().toJSONString());
    JsonObject withKey = json(remote("client-oauth", "asapp-prod", "--jwks-file", publicKey.toString(), "--auth-methods", "private_key_jwt", "-o", "json"));
    assertThat(withKey.getJsonObject("jwks").getJsonArray("keys")).hasSize(1);
    assertThat(remote("client-oauth", "asapp-prod").ok().out()).contains("jwks:          1 public key(s): k1 EC").doesNotContain("Note:");
    Path privateKey = dir.resolve("private.json");
    Files.writeString(privateKey, new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).keyID("oops").generate().toJSONString());
    remote("client-oauth", "asapp-prod", "--jwks-file", privateKey.toString()).invalid("private");
    remote("client-oauth", "asapp-prod", "--auth-methods", "client_secret_jwt").invalid("client_secret_jwt");
    remote("client-oauth", "nope").notFound("no client with id or name 'nope'");

    JsonObject secret = json(remote("client-secret", "create", "--client", "asapp-prod", "--expires", "90d", "-o", "json"));
    assertThat(secret.getString("secret")).startsWith("tgc_");
    assertThat(json(remote("client-secret", "list", "--client", "asapp-prod", "-o", "json")))
        .isEqualTo(json(cmd("client-secret", "list", "--client", "asapp-prod", "-o", "json")));
    assertThat(remote("client-secret", "revoke", secret.getString("id")).ok().out()).isEqualTo("Revoked client secret " + secret.getString("id") + "\n");
    remote("client-secret", "revoke", "cs_missing").notFound("no client secret with id 'cs_missing'");

    JsonObject key = json(remote("keys", "rotate", "--algorithm", "ES256", "-o", "json"));
    assertThat(json(remote("keys", "list", "-o", "json"))).isEqualTo(json(cmd("keys", "list", "-o", "json")));
    assertThat(remote("keys", "list").ok().out()).isEqualTo(cmd("keys", "list").ok().out());
    Run rotated = remote("keys", "rotate").ok(); // no algorithm sent: the server's configured one (RS256 by default), as in store mode
    assertThat(rotated.out()).contains("(RS256) is now active").contains("Previous key " + key.getString("kid") + " is retired");
    remote("keys", "list", "--max-token-lifetime", "1h").invalid("--max-token-lifetime works on the store only");
    JsonObject revoked = json(remote("keys", "revoke", key.getString("kid"), "-o", "json"));
    assertThat(revoked.getString("state")).isEqualTo("revoked");
    remote("keys", "revoke", key.getString("kid")).notFound("no signing key with kid '" + key.getString("kid") + "'", "toolgate keys list");
  }

  @Test
  void keysRotateWithoutAlgorithmMakesTheServersConfiguredKind() throws Exception {
    server.close();
    Files.writeString(config, CONFIG.replace("authorization_server:\n", "authorization_server:\n  signing_algorithm: EdDSA\n")
        + "server: { host: 127.0.0.1, port: 0 }\n", StandardCharsets.UTF_8);
    server = Toolgate.start(loadedConfig());
    url = "http://127.0.0.1:" + server.port();
    // The CLI reads no configuration here (-c names no file): the algorithm is the server's.
    assertThat(remote("keys", "rotate").ok().out()).contains("(EdDSA) is now active");
    JsonObject replaced = json(remote("keys", "revoke", json(remote("keys", "list", "-o", "json")).getJsonArray("signing_keys")
        .getJsonObject(0).getString("kid"), "-o", "json"));
    assertThat(replaced.getJsonObject("replacement").getString("algorithm")).isEqualTo("EdDSA");
  }

  @Test
  void explainReadsTheDecisionFromTheServer() {
    AuditEvent denied = new AuditEvent(Instant.now().truncatedTo(ChronoUnit.MILLIS), "req_deny1", "POST", "/orders/status", "10.0.0.7",
        "order_status", null, List.of(), "deny", "signature_invalid", 401, 87, "signature matches none of the 1 active signing secret(s)");
    withAudit(log -> {
      log.appendBatch(List.of(denied));
      return null;
    });
    assertThat(json(remote("explain", "req_deny1", "-o", "json"))).isEqualTo(json(cmd("explain", "req_deny1", "-o", "json")));
    assertThat(remote("explain", "req_deny1").ok().out()).isEqualTo(cmd("explain", "req_deny1").ok().out());
    remote("explain", "req_nope").notFound("no decision with request id 'req_nope'");
  }

  @Test
  void theAuditLogThroughTheServerPageByPage() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<AuditEvent> events = new ArrayList<>();
    for (int i = 0; i < 1_205; i++) { // more than one page of the API (1,000)
      events.add(new AuditEvent(now.minusSeconds(3_600).plusMillis(i), "req_" + i, "GET", "/status", "127.0.0.1", "service_status", null,
          List.of(), i % 2 == 0 ? "allow" : "deny", i % 2 == 0 ? "ok" : "route_not_found", i % 2 == 0 ? 200 : 404, 10, null));
    }
    withAudit(log -> {
      log.appendBatch(events);
      return null;
    });
    JsonObject local = json(cmd("audit", "--limit", "1100", "-o", "json"));
    JsonObject viaServer = json(remote("audit", "--limit", "1100", "-o", "json"));
    assertThat(viaServer.getJsonArray("decisions")).hasSize(1_100);
    assertThat(viaServer.getJsonArray("decisions")).isEqualTo(local.getJsonArray("decisions"));
    assertThat(viaServer.getString("next_cursor")).isNotNull();
    JsonObject rest = json(remote("audit", "--limit", "1100", "--cursor", viaServer.getString("next_cursor"), "-o", "json"));
    assertThat(rest).isEqualTo(json(cmd("audit", "--limit", "1100", "--cursor", local.getString("next_cursor"), "-o", "json")));
    assertThat(rest.getJsonArray("decisions")).hasSize(105);
    assertThat(rest.getValue("next_cursor")).isNull();
    assertThat(remote("audit", "--decision", "deny", "--limit", "5").ok().out()).isEqualTo(cmd("audit", "--decision", "deny", "--limit", "5").ok().out());
    remote("audit", "--cursor", "bm9wZQ").invalid("cursor");

    assertThat(remote("audit", "export", "--decision", "allow").ok().out()).isEqualTo(cmd("audit", "export", "--decision", "allow").ok().out())
        .satisfies(out -> assertThat(out.lines()).hasSize(603));
    JsonObject pruned = json(remote("audit", "prune", "--before", "2026-01-01T00:00:00Z", "-o", "json"));
    assertThat(pruned).isEqualTo(json(cmd("audit", "prune", "--before", "2026-01-01T00:00:00Z", "-o", "json")));
    assertThat(pruned).isEqualTo(new JsonObject().put("deleted", 0L).put("before", "2026-01-01T00:00:00Z"));
    String operator = json(cmd("admin-token", "create", "--name", "op", "--role", "operator", "-o", "json")).getString("secret");
    remoteWith(Map.of(AdminClient.TOKEN_ENV, operator), "audit", "prune", "--before", "30d").notAuthorized("role is operator");
  }

  @Test
  void opaqueIdsThroughTheServer() {
    remote("user", "create", "ada", "--no-password").ok();
    JsonObject viaServer = json(remote("user", "opaque-id", "ada", "--platform", "asapp", "-o", "json"));
    assertThat(viaServer).isEqualTo(json(cmd("user", "opaque-id", "ada", "-o", "json")));
    assertThat(json(remote("user", "resolve", viaServer.getString("opaque_id"), "-o", "json"))).isEqualTo(viaServer);
    assertThat(remote("user", "resolve", viaServer.getString("opaque_id")).ok().out())
        .isEqualTo(cmd("user", "resolve", viaServer.getString("opaque_id")).ok().out());
    JsonObject key = json(remote("user", "rotate-opaque-key", "-o", "json"));
    assertThat(key.getInteger("version")).isEqualTo(viaServer.getInteger("key_version") + 1);
    assertThat(key.getBoolean("active")).isTrue();
    remote("user", "opaque-id", "ada", "--platform", "Not A Platform").invalid("platform must be");
  }

  @Test
  void theAdminTokenComesFromTheEnvironmentOnly() {
    remoteWith(Map.of(), "client", "list").notAuthorized("TOOLGATE_ADMIN_TOKEN", "never on the command line");
    remoteWith(Map.of(AdminClient.TOKEN_ENV, "tga_" + "x".repeat(43)), "client", "list").notAuthorized("the admin token is unknown");
    remoteWith(Map.of(AdminClient.TOKEN_ENV, "not a token\n"), "client", "list").notAuthorized("TOOLGATE_ADMIN_TOKEN does not hold an admin token");
    for (String option : List.of("--token", "--admin-token", "--bearer")) {
      remote("client", "list", option, adminToken).rejected(option);
    }
    JsonObject refused = remoteWith(Map.of(), "client", "list", "-o", "json").jsonError(5, "not_authorized");
    assertThat(refused.getString("message")).contains("TOOLGATE_ADMIN_TOKEN");

    String readOnly = json(cmd("admin-token", "create", "--name", "viewer", "--role", "read_only", "-o", "json")).getString("secret");
    Map<String, String> viewer = Map.of(AdminClient.TOKEN_ENV, readOnly);
    remoteWith(viewer, "user", "list").ok();
    remoteWith(viewer, "admin-token", "list").notAuthorized("role is read_only");
    Run write = remoteWith(viewer, "user", "create", "eve", "--no-password");
    write.notAuthorized("role is read_only");
    assertThat(write.err()).doesNotContain(readOnly);
  }

  @Test
  void theServerComesFromTheEnvironmentWhenNotGiven() {
    createClient("sendbird-prod");
    Run r = runWithEnv(Map.of(AdminClient.SERVER_ENV, url, AdminClient.TOKEN_ENV, adminToken), "client", "list", "-c", noConfig.toString()).ok();
    assertThat(r.out()).contains("sendbird-prod");
    // without either, the store: here the missing configuration file
    runWithEnv(Map.of(AdminClient.TOKEN_ENV, adminToken), "client", "list", "-c", noConfig.toString()).invalid("does not exist");
  }

  @Test
  void problemsBecomeExitCodesWithTheServersDetail() {
    remote("admin-token", "revoke", "adm_nope").notFound("no admin token with id 'adm_nope'");
    remote("client", "disable", "nobody").notFound("no client with id or name 'nobody'");
    remote("user", "disable", "nobody").notFound("no user with id or name 'nobody'");
    remote("admin-token", "create", "--name", "bad name").invalid("admin token name");
    remote("user", "create", "dave", "--no-password").ok();
    remote("user", "create", "dave", "--no-password").conflict("a user named 'dave' already exists");
    JsonObject conflict = remote("user", "create", "dave", "--no-password", "-o", "json").jsonError(4, "conflict");
    assertThat(conflict.getString("message")).isEqualTo("a user named 'dave' already exists");
    // an id is one path segment, whatever it holds; the server refuses one with an encoded '/'
    remote("admin-token", "revoke", "../admin-tokens").invalid("encoded '/'");
    remote("admin-token", "revoke", "adm_x?y#z").notFound("no admin token with id 'adm_x?y#z'");
    remote("admin-token", "revoke", "..").invalid("'..' is not an id");
  }

  @Test
  void anUnreachableOrBrokenServerIsAFailure() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    runWithEnv(Map.of(AdminClient.TOKEN_ENV, adminToken), "client", "list", "--server", "http://127.0.0.1:" + closed)
        .userError("cannot reach the server at http://127.0.0.1:" + closed);
    runWithEnv(Map.of(AdminClient.TOKEN_ENV, adminToken), "client", "list", "--server", "ftp://127.0.0.1/")
        .invalid("--server must be the server's base URL");
    runWithEnv(Map.of(AdminClient.TOKEN_ENV, adminToken), "client", "list", "--server", "http://user:pw@127.0.0.1:1/")
        .invalid("--server must be the server's base URL");

    List<String> seen = new CopyOnWriteArrayList<>();
    HttpServer fake = fakeServer(exchange -> {
      seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + exchange.getRequestHeaders().getFirst("authorization"));
      byte[] body;
      switch (exchange.getRequestURI().getPath()) {
        case "/base/admin/users" -> {
          body = "{\"type\":\"x\",\"status\":503,\"code\":\"store_unavailable\",\"detail\":\"the store cannot be reached now\"}".getBytes();
          exchange.getResponseHeaders().add("content-type", "application/problem+json");
          exchange.sendResponseHeaders(503, body.length);
        }
        case "/base/admin/admin-tokens" -> {
          body = "<html>not json</html>".getBytes();
          exchange.sendResponseHeaders(200, body.length);
        }
        case "/base/admin/signing-keys" -> { // an endless answer: read up to the cap, no further
          exchange.sendResponseHeaders(200, 0);
          byte[] chunk = new byte[1024 * 1024];
          java.util.Arrays.fill(chunk, (byte) ' ');
          try (java.io.OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < 64; i++) {
              out.write(chunk);
            }
          } catch (java.io.IOException closedByTheCli) {
            // expected: the CLI stops reading past its cap
          }
          exchange.close();
          return;
        }
        default -> {
          body = new byte[0];
          exchange.getResponseHeaders().add("location", "http://127.0.0.1:" + closed + "/elsewhere");
          exchange.sendResponseHeaders(302, -1);
        }
      }
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    try {
      String base = "http://127.0.0.1:" + fake.getAddress().getPort() + "/base/";
      Map<String, String> env = Map.of(AdminClient.TOKEN_ENV, adminToken);
      runWithEnv(env, "user", "list", "--server", base).userError("the store cannot be reached now");
      runWithEnv(env, "admin-token", "list", "--server", base).userError("did not answer with JSON");
      runWithEnv(env, "keys", "list", "--server", base).userError("sent an answer larger than 32 MiB");
      Run redirected = runWithEnv(env, "client", "list", "--server", base, "-o", "json");
      assertThat(redirected.jsonError(1, "failure").getString("message")).contains("HTTP 302");
      assertThat(seen).containsExactly("GET /base/admin/users Bearer " + adminToken, "GET /base/admin/admin-tokens Bearer " + adminToken,
          "GET /base/admin/signing-keys Bearer " + adminToken, "GET /base/admin/clients Bearer " + adminToken);
    } finally {
      fake.stop(0);
    }
  }

  /**
   * The admin token is a bearer credential: over plain HTTP it may only go to this machine. Beyond
   * loopback, http:// is refused before anything is sent, and https:// is the way.
   */
  @Test
  void plainHttpBeyondLoopbackIsRefusedBeforeTheTokenIsSent() {
    Map<String, String> env = Map.of(AdminClient.TOKEN_ENV, adminToken);
    for (String server : List.of("http://toolgate.internal:8080", "http://192.0.2.7:8080", "HTTP://10.0.0.1/", "http://[2001:db8::1]:8080",
        "http://127.0.0.1.nip.io/")) {
      // A usage error (2), not a failure to connect (1): refused before any connection.
      Run r = runWithEnv(env, "client", "list", "--server", server);
      r.invalid("plain http:// only to this machine", "https://");
      assertThat(r.err()).doesNotContain(adminToken);
    }
    // Loopback stays plain HTTP: the server is on this machine.
    for (String local : List.of(url, url.replace("127.0.0.1", "localhost"))) {
      assertThat(runWithEnv(env, "client", "list", "--server", local).exit()).as(local).isZero();
    }
  }

  /**
   * What a server sends is data, never terminal control: an escape sequence in a name, a problem's
   * detail or an exported line (a hostile or compromised server, or a man in the middle of plain
   * HTTP) would otherwise retitle, clear or rewrite the operator's terminal. Printed escaped.
   */
  @Test
  void aHostileServerCannotWriteTerminalControlCharacters() throws Exception {
    String evil = "x\u001b]0;PWNED\u0007\u001b[2J\r\u009b31mfake\u007f";
    HttpServer fake = fakeServer(exchange -> {
      int status = 200;
      String body;
      switch (exchange.getRequestURI().getPath()) {
        case "/admin/clients" -> body = new JsonObject().put("clients", new io.vertx.core.json.JsonArray().add(new JsonObject()
            .put("id", "cl_" + evil).put("name", evil).put("platform", evil).put("enabled", true).put("created_at", "2026-01-01T00:00:00Z")
            .put("registration", "admin").put("redirect_uris", new io.vertx.core.json.JsonArray()).put("auth_methods", new io.vertx.core.json.JsonArray()))).encode();
        case "/admin/audit/export" -> body = "{\"request_id\":\"" + evil + "\"}\n";
        default -> {
          status = 403;
          body = new JsonObject().put("status", 403).put("code", "admin_role_forbidden").put("detail", "refused " + evil).encode();
        }
      }
      answer(exchange, status, body);
    });
    try {
      String base = "http://127.0.0.1:" + fake.getAddress().getPort();
      Map<String, String> env = Map.of(AdminClient.TOKEN_ENV, adminToken);
      List<Run> runs = List.of(runWithEnv(env, "client", "list", "--server", base), runWithEnv(env, "client", "list", "--server", base, "-o", "json"),
          runWithEnv(env, "user", "list", "--server", base), runWithEnv(env, "audit", "export", "--server", base));
      for (Run r : runs) {
        assertThat(r.out() + r.err()).as(r.out() + r.err()).doesNotContain("\u001b", "\u0007", "\r", "\u009b", "\u007f").contains("PWNED");
      }
      assertThat(runs.get(0).out()).contains("x\\u001b]0;PWNED\\u0007\\u001b[2J\\u000d\\u009b31mfake\\u007f");
      runs.get(2).notAuthorized("refused x\\u001b]0;PWNED");
    } finally {
      fake.stop(0);
    }
  }

  /**
   * client-oauth's read-modify-write: a PUT refused with 412 (someone changed the settings since the
   * GET) is redone on what is stored then, with the new ETag, and gives up after a few tries.
   */
  @Test
  void clientOAuthRedoesItsChangeWhenTheSettingsChangedMeanwhile() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicInteger refusals = new java.util.concurrent.atomic.AtomicInteger(2);
    java.util.concurrent.atomic.AtomicInteger version = new java.util.concurrent.atomic.AtomicInteger();
    HttpServer fake = fakeServer(exchange -> {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      byte[] sent = exchange.getRequestBody().readAllBytes();
      int status = 200;
      String body;
      if (path.equals("/admin/clients")) {
        body = "{\"clients\":[{\"id\":\"cl_1\",\"name\":\"acme\",\"enabled\":true}]}";
      } else if (path.equals("/admin/client-secrets")) {
        body = "{\"client_secrets\":[]}";
      } else if (method.equals("GET")) {
        seen.add("GET " + path);
        // someone else changes the TTL between every read and write of ours
        body = new JsonObject().put("client_id", "cl_1").put("scopes", new io.vertx.core.json.JsonArray().add("a"))
            .put("token_ttl_seconds", 60 + version.get()).put("auth_methods", new io.vertx.core.json.JsonArray().add("client_secret_basic"))
            .put("redirect_uris", new io.vertx.core.json.JsonArray()).put("jwks", null).encode();
        exchange.getResponseHeaders().add("etag", "\"v" + version.get() + "\"");
      } else {
        JsonObject put = new JsonObject(new String(sent, StandardCharsets.UTF_8));
        seen.add("PUT " + path + " If-Match " + exchange.getRequestHeaders().getFirst("if-match") + " ttl " + put.getLong("token_ttl_seconds")
            + " scopes " + put.getJsonArray("scopes").encode());
        if (refusals.getAndDecrement() > 0) {
          version.incrementAndGet();
          status = 412;
          body = "{\"status\":412,\"code\":\"precondition_failed\",\"detail\":\"the resource changed since it was read\"}";
        } else {
          body = put.put("client_id", "cl_1").encode();
        }
      }
      answer(exchange, status, body);
    });
    try {
      String base = "http://127.0.0.1:" + fake.getAddress().getPort();
      Map<String, String> env = Map.of(AdminClient.TOKEN_ENV, adminToken);
      JsonObject written = json(runWithEnv(env, "client-oauth", "acme", "--scopes", "b c", "--server", base, "-o", "json"));
      assertThat(written.getJsonArray("scopes")).containsExactly("b", "c");
      assertThat(written.getLong("token_ttl_seconds")).as("the TTL set meanwhile is kept").isEqualTo(62);
      assertThat(seen).containsExactly(
          "GET /admin/clients/cl_1/oauth", "PUT /admin/clients/cl_1/oauth If-Match \"v0\" ttl 60 scopes [\"b\",\"c\"]",
          "GET /admin/clients/cl_1/oauth", "PUT /admin/clients/cl_1/oauth If-Match \"v1\" ttl 61 scopes [\"b\",\"c\"]",
          "GET /admin/clients/cl_1/oauth", "PUT /admin/clients/cl_1/oauth If-Match \"v2\" ttl 62 scopes [\"b\",\"c\"]");

      seen.clear();
      refusals.set(100);
      runWithEnv(env, "client-oauth", "acme", "--ttl", "1h", "--server", base).conflict("the resource changed since it was read");
      assertThat(seen.stream().filter(s -> s.startsWith("PUT"))).as("a few tries, then exit 4").hasSize(5);
    } finally {
      fake.stop(0);
    }
  }

  @Test
  void reloadThroughTheServersAdminApi() throws Exception {
    // A server whose configuration was made in code has no file to read again: refused, exit 1.
    Run inCode = remoteWithoutConfigOption("reload");
    assertThat(inCode.exit()).as(inCode.err()).isEqualTo(1);
    assertThat(inCode.err()).contains("was not read from a file").contains("config reload refused; still serving version");
    runWithEnv(Map.of(AdminClient.TOKEN_ENV, adminToken), "reload", "--pid-file", "p", "--server", url).error(2, "not both");

    server.close();
    dev.toolgate.server.ConfigFile file = new dev.toolgate.server.ConfigFile(config);
    server = Toolgate.start(file, file.load());
    url = "http://127.0.0.1:" + server.port();
    JsonObject unchanged = json(remoteWithoutConfigOption("reload", "-o", "json"));
    assertThat(unchanged.getString("result")).isEqualTo("unchanged");
    assertThat(unchanged.fieldNames()).containsExactlyInAnyOrder("result", "version", "tools", "problems");
    Files.writeString(config, Files.readString(config) + "\n# a comment changes the version\n");
    Run reloaded = remoteWithoutConfigOption("reload");
    assertThat(reloaded.ok().out()).startsWith("config reloaded: version " + server.reloader().current().version() + ", ");
    Files.writeString(config, Files.readString(config) + "bogus_section: 1\n");
    Run refused = remoteWithoutConfigOption("reload", "-o", "json");
    assertThat(refused.exit()).isEqualTo(1);
    JsonObject report = new JsonObject(refused.out());
    assertThat(report.getString("result")).isEqualTo("refused");
    assertThat(report.getJsonArray("problems").encode()).contains("bogus_section");
  }

  @Test
  void commandsTheApiCannotDoRefuseServerAsAUsageError() {
    List<List<String>> local = List.of(List.of("master-key", "check"), List.of("master-key", "generate", "k.key"), List.of("master-key", "rotate"),
        List.of("master-key", "reset"), List.of("serve"), List.of("init"), List.of("validate"), List.of("demo"),
        List.of("sign", "--secret", "s", "--body", "{}"), List.of("sample-upstream"), List.of("healthcheck"));
    for (List<String> command : local) {
      List<String> args = new ArrayList<>(command);
      args.addAll(List.of("--server", url));
      Run r = runWithEnv(Map.of(AdminClient.TOKEN_ENV, adminToken), args.toArray(String[]::new));
      r.usageError("cannot run through a server's admin API (--server)");
      assertThat(r.err()).as("%s", command).contains("`toolgate " + String.join(" ", command.subList(0, command.get(0).equals("master-key") ? 2 : 1)));
    }
    assertThat(Files.exists(dir.resolve("toolgate.schema.json"))).as("init wrote nothing").isFalse();
  }

  @Test
  void aSeparateProcessNeedsNoConfigurationAndReadsTheEnvironment() throws Exception {
    createClient("sendbird-prod");
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Run r = CliProcess.run(empty, Map.of(AdminClient.SERVER_ENV, url, AdminClient.TOKEN_ENV, adminToken), "client", "list", "-o", "json");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(new JsonObject(r.out())).isEqualTo(json(cmd("client", "list", "-o", "json")));
    try (var files = Files.list(empty)) {
      assertThat(files.map(p -> p.getFileName().toString())).as("nothing but the captured output").allMatch(n -> n.startsWith("std"));
    }
  }

  /** A fake admin API on loopback, started: {@code handler} answers every request. */
  private static HttpServer fakeServer(HttpHandler handler) throws IOException {
    HttpServer fake = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    fake.createContext("/", handler);
    fake.start();
    return fake;
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
