package dev.toolgate.server;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.credential.ApiKeyVerifier;
import dev.toolgate.core.credential.SendbirdSignatureVerifier;
import dev.toolgate.core.credential.StaticTokenVerifier;
import dev.toolgate.core.engine.PolicyEngine;
import dev.toolgate.core.route.RouteTable;
import dev.toolgate.server.http.Forwarding;
import dev.toolgate.server.http.GatewayVerticle;
import dev.toolgate.server.http.Readiness;
import dev.toolgate.server.store.AuditLog;
import dev.toolgate.server.store.AuditWriter;
import dev.toolgate.server.store.CredentialCache;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.Database;
import dev.toolgate.server.store.MasterKey;
import dev.toolgate.server.store.UsageWriter;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway, wired by hand, top to bottom: store → credential cache → verifiers → policy
 * engine → HTTP verticles (one per event loop). {@link #close()} drains requests and flushes the audit log.
 */
public final class Toolgate implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Toolgate.class);
  /** How often a running server looks for credential changes made by another process (the CLI). */
  static final Duration CREDENTIAL_POLL = Duration.ofSeconds(1);

  private final Database database;
  private final CredentialCache credentials;
  private final AuditWriter audit;
  private final UsageWriter usage;
  private final Vertx vertx;
  private final Readiness readiness;
  private final int port;
  private volatile boolean closed;

  private Toolgate(Database database, CredentialCache credentials, AuditWriter audit, UsageWriter usage, Vertx vertx, Readiness readiness, int port) {
    this.database = database;
    this.credentials = credentials;
    this.audit = audit;
    this.usage = usage;
    this.vertx = vertx;
    this.readiness = readiness;
    this.port = port;
  }

  /** Starts everything; returns once the port is listening. */
  public static Toolgate start(GatewayConfig config) {
    Clock clock = Clock.systemUTC();
    Database database = Database.open(config.store());
    try {
      CredentialStore store = new CredentialStore(database, MasterKey.load(config.store()), clock);
      CredentialCache credentials = new CredentialCache(store);
      AuditWriter audit = new AuditWriter(new AuditLog(database), config.audit());
      UsageWriter usage = new UsageWriter(store, config.audit().flushInterval());

      RouteTable routes = RouteTable.from(config);
      PolicyEngine engine = new PolicyEngine(
          List.of(new SendbirdSignatureVerifier(credentials, clock), new StaticTokenVerifier(credentials, clock), new ApiKeyVerifier(credentials, clock)),
          credentials, usage, clock);
      engine.checkCovers(routes.routes());

      int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
      Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true));
      Readiness readiness = new Readiness();
      // Instances share one listening socket only when they ask for the same port, so resolve 0 first.
      int port = config.server().port() != 0 ? config.server().port() : freePort(config.server().host());
      Forwarding forwarding = new Forwarding(routes.routes(), config.platforms().values());
      await(vertx.deployVerticle(() -> new GatewayVerticle(routes, forwarding, engine, audit, config.server(), readiness, port, List.of()),
          new DeploymentOptions().setInstances(loops)));

      Toolgate toolgate = new Toolgate(database, credentials, audit, usage, vertx, readiness, port);
      vertx.setPeriodic(CREDENTIAL_POLL.toMillis(), id -> toolgate.pollCredentials());
      readiness.ready();
      LOG.info("Toolgate listening on http://{}:{} with {} tool(s), store {}", config.server().host(), port, routes.routes().size(), database.kind());
      return toolgate;
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  private void pollCredentials() {
    vertx.executeBlocking(() -> {
      credentials.refreshIfChanged();
      return null;
    }, false).onComplete(done -> {
      if (closed) {
        return;
      }
      if (done.succeeded()) {
        readiness.ready();
      } else {
        // Keep serving from the last snapshot, but tell the load balancer the store is gone.
        readiness.notReady("credential store unreachable");
        LOG.warn("credential refresh failed: {}", done.cause().toString());
      }
    });
  }

  public int port() {
    return port;
  }

  /** Reloads credentials now (used after in-process changes, and by tests). */
  public void refreshCredentials() {
    credentials.refresh();
  }

  /** Waits until every decision so far is in the database. */
  public void flushAudit() {
    audit.flush();
  }

  /** Graceful stop: no new connections, in-flight requests finish, audit and usage are flushed. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    readiness.notReady("shutting down");
    try {
      await(vertx.close());
    } finally {
      audit.close();
      usage.close();
      database.close();
    }
  }

  private static int freePort(String host) {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot find a free port on " + host + ": " + e.getMessage(), e);
    }
  }

  private static <T> T await(io.vertx.core.Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException(cause.getMessage(), cause);
    }
  }
}
