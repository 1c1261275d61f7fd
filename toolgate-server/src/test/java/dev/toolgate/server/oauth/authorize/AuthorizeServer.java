package dev.toolgate.server.oauth.authorize;

import dev.toolgate.core.config.AuditSettings;
import dev.toolgate.core.config.CodeFlowSettings;
import dev.toolgate.core.net.CidrSet;
import dev.toolgate.core.net.ClientAddress;
import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.oauth.client.ClientResolver;
import dev.toolgate.server.oauth.client.StoredClients;
import dev.toolgate.server.store.AuditLog;
import dev.toolgate.server.store.AuditWriter;
import dev.toolgate.server.store.AuthorizationStore;
import dev.toolgate.server.store.CredentialCache;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.Database;
import dev.toolgate.server.store.MasterKey;
import dev.toolgate.server.store.OAuthClientStore;
import dev.toolgate.server.store.SecretBox;
import dev.toolgate.server.users.InMemoryLoginThrottle;
import dev.toolgate.server.users.LoginThrottle;
import dev.toolgate.server.users.MutableClock;
import dev.toolgate.server.users.PasswordHasher;
import dev.toolgate.server.users.TestDb;
import dev.toolgate.server.users.User;
import dev.toolgate.server.users.UserStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The authorization pages on a real HTTP server on loopback, over a real SQLite store: a public
 * client "Notes App" with an https and a loopback redirect URI, a user alice, a login throttle of
 * three failures, the real audit writer (durable, as by default), whose store can be made to fail.
 */
final class AuthorizeServer implements AutoCloseable {
  static final String PASSWORD = "correct horse battery";
  static final String RESOURCE = "https://mcp.example.com/mcp";
  static final String OTHER_RESOURCE = "https://other.example.com/mcp";
  static final String APP_REDIRECT = "https://app.example.com/callback";
  static final String LOOPBACK_REDIRECT = "http://127.0.0.1:7777/cb";
  static final PasswordHasher HASHER = new PasswordHasher(new PasswordHasher.Parameters(256, 1, 1));

  final TestDb db = TestDb.sqlite();
  final Database database = db.database();
  final SecretBox box = new SecretBox(MasterKey.generate());
  final CredentialStore admin = new CredentialStore(database, box);
  final OAuthClientStore oauth = new OAuthClientStore(database);
  final UserStore users = new UserStore(database);
  final AuthorizationStore store;
  final CredentialCache cache;
  final MutableClock clock;
  final AuditLog auditLog = new AuditLog(database);
  final AuditWriter audit;
  /** While true, every audit write fails as a store outage would; spill files may hold one byte, so no record can be kept. */
  volatile boolean auditStoreDown;
  final Path spill;
  final Vertx vertx = Vertx.vertx();
  final HttpServer server;
  /** Where the test reaches the server. */
  final String base;
  /** What the pages are configured with (the browser's origin when it came through the issuer's URL). */
  final String issuer;
  final ClientRecord app;
  final User alice;

  AuthorizeServer() {
    this("Notes App", null);
  }

  /** @param issuerOrNull the issuer the pages are configured with; null for this server's own loopback URL */
  AuthorizeServer(String appName, String issuerOrNull) {
    try {
      spill = Files.createTempDirectory("toolgate-authorize-audit-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    AuditSettings durable = AuditSettings.defaults().withSpill(AuditSettings.DEFAULT_BUFFER_MAX_EVENTS, spill.toString(), 1);
    audit = new AuditWriter(events -> {
      if (auditStoreDown) {
        throw new IllegalStateException("the audit store is down (test)");
      }
      auditLog.appendBatch(events);
    }, durable, spill);
    app = admin.createClient(appName, "mcp");
    oauth.setOAuthSettings(app.id(), Set.of("notes:read", "notes:write"), Duration.ofHours(1), Set.of("none"), null);
    oauth.setRedirectUris(app.id(), List.of(APP_REDIRECT, LOOPBACK_REDIRECT));
    alice = users.createUser("alice", HASHER.hash(PASSWORD));
    cache = new CredentialCache(admin);
    clock = new MutableClock(Instant.now());
    store = new AuthorizationStore(database, clock);
    // URL client ids would go to a Client ID Metadata Document resolver: switched off here.
    ClientResolver noDocuments = id -> Future.succeededFuture(ClientResolver.Lookup.refused("client metadata documents are not enabled"));
    Router router = Router.router(vertx);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    base = "http://127.0.0.1:" + server.actualPort();
    issuer = issuerOrNull == null ? base : issuerOrNull;
    new AuthorizeEndpoint(issuer, Set.of(RESOURCE, OTHER_RESOURCE), new StoredClients(cache, noDocuments), store, users, HASHER,
        new InMemoryLoginThrottle(new LoginThrottle.Limits(3, Duration.ofMinutes(15), 20, Duration.ofMinutes(15))),
        new ClientAddress(new CidrSet(List.of())), box, CodeFlowSettings.defaults(), audit, clock).mount(router);
    router.route().last().handler(ctx -> ctx.response().setStatusCode(404).end());
  }

  int port() {
    return server.actualPort();
  }

  Browser browser() {
    return new Browser(base, issuer);
  }

  /** Every authorization code row (none must appear after a refusal). */
  List<String> codeRows() {
    return TestDb.cells(database, "authorization_codes");
  }

  /** The audit record of a request, once written. */
  AuditEvent audit(String requestId) {
    audit.flush();
    return auditLog.find(requestId).orElseThrow(() -> new AssertionError("no audit record for " + requestId));
  }

  @Override
  public void close() {
    server.close().await();
    vertx.close().await();
    audit.close();
    db.close();
    try (var paths = Files.walk(spill)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
