package dev.toolgate.server;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.server.tls.TransportSecurity;
import dev.toolgate.core.config.CustomerTokenSettings;
import dev.toolgate.core.config.PasswordHashSettings;
import dev.toolgate.server.admin.AdminAuth;
import dev.toolgate.server.admin.AdminTokenStore;
import dev.toolgate.server.admin.AdminApi;
import dev.toolgate.server.admin.ConfigReloadAdminEndpoint;
import dev.toolgate.server.console.ConsoleEndpoint;
import dev.toolgate.server.console.ConsoleSessions;
import dev.toolgate.server.store.SecretBox;
import dev.toolgate.server.users.CachedUserDirectory;
import dev.toolgate.server.users.CustomerLoginSettings;
import dev.toolgate.server.users.OpaqueIds;
import dev.toolgate.server.users.PasswordHasher;
import dev.toolgate.server.users.UserStore;
import dev.toolgate.core.config.AuthServerSettings;
import dev.toolgate.core.config.IdentityKind;
import dev.toolgate.core.engine.UserBinder;
import dev.toolgate.core.token.JwtKeys;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.oauth.CachedVerifiedTokens;
import dev.toolgate.core.config.RegistrationSettings;
import dev.toolgate.server.oauth.client.InitialAccessToken;
import dev.toolgate.server.store.OAuthClientStore;
import dev.toolgate.server.store.SigningKeyStore;
import dev.toolgate.server.http.GatewayVerticle;
import dev.toolgate.server.http.Readiness;
import dev.toolgate.server.redis.RedisConnector;
import dev.toolgate.server.store.AuditLog;
import dev.toolgate.server.store.AuditWriter;
import dev.toolgate.server.store.CredentialCache;
import dev.toolgate.server.store.CredentialStore;
import dev.toolgate.server.store.Database;
import dev.toolgate.server.store.MasterKeyCheck;
import dev.toolgate.server.store.StoreReachability;
import dev.toolgate.server.store.UsageWriter;
import dev.toolgate.server.tracing.Tracing;
import dev.toolgate.core.config.AuditSettings;
import java.nio.file.Path;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
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
  /**
   * How often a running server looks for credential and admin token changes made by another process
   * (another instance, the CLI). On PostgreSQL changes are announced and act at once; this is the fallback.
   */
  static final Duration CREDENTIAL_POLL = Duration.ofSeconds(1);
  static final Duration HOUSEKEEPING = Duration.ofMinutes(10);
  /**
   * Memory for verified JWTs per verifier (about 2 KiB an RS256 token, gone at its exp): 24 MiB holds
   * some 12 000 tokens, and the few caches together stay well inside the launcher's 512 MiB heap. A
   * token pushed out is verified again when it comes back.
   */
  static final long VERIFIED_TOKEN_CACHE_BYTES = 24L * 1024 * 1024;
  /** The issuer name policies use for Toolgate itself. */
  static final String TOOLGATE_ISSUER = "toolgate";

  private final Database database;
  private final CredentialCache credentials;
  private final AuditWriter audit;
  private final UsageWriter usage;
  private final Vertx vertx;
  private final Readiness readiness;
  private final int port;
  private final String issuer;
  private final AdminAuth adminAuth;
  private final CachedUserDirectory userDirectory;
  /** The shared Redis; null without a {@code redis:} section. */
  private final RedisConnector redis;
  /** The configuration in force, and how it is reloaded. */
  private final ConfigReloader reloader;
  /** Spans of calls, exported over OTLP; {@link Tracing#OFF} unless configured. */
  private final Tracing tracing;
  /** PostgreSQL only: hears the store's announcements and acts on them. */
  private ChangePropagation propagation;
  private dev.toolgate.server.store.ChangeListener changeListener;
  /** Metrics, the access log and the management interface. */
  private Observability observe;
  private volatile boolean closed;

  private Toolgate(Database database, CredentialCache credentials, AuditWriter audit, UsageWriter usage, Vertx vertx, Readiness readiness, int port, String issuer, AdminAuth adminAuth,
      CachedUserDirectory userDirectory, RedisConnector redis, ConfigReloader reloader,
      Tracing tracing) {
    this.tracing = tracing;
    this.reloader = reloader;
    this.redis = redis;
    this.adminAuth = adminAuth;
    this.userDirectory = userDirectory;
    this.issuer = issuer;
    this.database = database;
    this.credentials = credentials;
    this.audit = audit;
    this.usage = usage;
    this.vertx = vertx;
    this.readiness = readiness;
    this.port = port;
  }

  /** Starts everything; returns once the port is listening. A configuration made in code cannot be reloaded. */
  public static Toolgate start(GatewayConfig configured) {
    return start(configured, CREDENTIAL_POLL);
  }

  /**
   * Starts with a configuration read from {@code file} ({@code loaded}: that reading, whose version
   * the audit records carry), which {@link #reloader()} can read again.
   */
  public static Toolgate start(ConfigFile file, ConfigFile.Loaded loaded) {
    return start(loaded.config(), loaded.version(), file, CREDENTIAL_POLL, null, System::getenv);
  }

  /** As {@link #start(GatewayConfig)}, polling the store every {@code fallbackPoll} (tests lengthen it to prove announcements work alone). */
  static Toolgate start(GatewayConfig configured, Duration fallbackPoll) {
    return start(configured, null, null, fallbackPoll, null, System::getenv);
  }

  /**
   * As {@link #start(GatewayConfig)}, tracing with {@code tracing} instead of what the configuration
   * says (an application embedding Toolgate with its own OpenTelemetry SDK; tests). An SDK given with
   * {@link Tracing#using} stays the caller's to close, after Toolgate's.
   */
  public static Toolgate start(GatewayConfig configured, Tracing tracing) {
    return start(configured, null, null, CREDENTIAL_POLL, tracing, System::getenv);
  }

  /**
   * As {@link #start(GatewayConfig)}, reading the variables the configuration names (database
   * password, master key, Redis password, the registration's initial access token) from {@code env}
   * instead of the process environment: an application embedding Toolgate, and tests.
   */
  public static Toolgate start(GatewayConfig configured, java.util.function.Function<String, String> env) {
    return start(configured, null, null, CREDENTIAL_POLL, null, env);
  }

  /**
   * @param given tracing to use, or null: as the file's tracing: section and the OTEL_* variables say
   * @param env where the variables the configuration names are read
   */
  private static Toolgate start(GatewayConfig configured, String version, ConfigFile file, Duration fallbackPoll, Tracing given,
      java.util.function.Function<String, String> env) {
    // A registration mode that needs a token it cannot have stops the start before anything opens.
    InitialAccessToken registrationToken = InitialAccessToken.of(configured.authorizationServer().codeFlow().registration(), env);
    // First, so that a wrong OTEL_* variable stops the start at once.
    Tracing tracing = given != null ? given : Tracing.configure(configured.tracing(), System.getenv());
    Clock clock = Clock.systemUTC();
    // Instances share one listening socket only when they ask for the same port, so resolve 0 first;
    // the issuer and resource ids derived from the port follow.
    int port = configured.server().port() != 0 ? configured.server().port() : freePort(configured.server().host());
    GatewayConfig config = configured.withBoundPort(port);
    AuthServerSettings auth = config.authorizationServer();
    String issuer = AuthServerSettings.resourceOf(auth.issuer());
    // The PEM files first: a certificate that cannot be served stops the start before anything opens.
    TransportSecurity tls = TransportSecurity.load(config, clock);

    Database database;
    try {
      database = Database.open(config.store(), env);
    } catch (RuntimeException e) {
      tracing.close();
      throw e;
    }
    RedisConnector redis = null;
    Observability observe = null;
    try {
      observe = Observability.open(config);
      // Several instances: the Redis they share. Connects in the background: Redis down never stops
      // a start, a password that cannot be read does (ConfigException naming the line).
      redis = config.redis().map(settings -> RedisConnector.start(settings, env)).orElse(null);
      // Store and in-memory credentials.
      // Refuses keys that are not the store's; during a rotation, holds the previous key too (decryption only).
      SecretBox box = MasterKeyCheck.keyFor(database, config.store(), env).box();
      CredentialStore store = new CredentialStore(database, box, clock);
      OAuthClientStore oauthClients = new OAuthClientStore(database, clock);
      new SigningKeyStore(database, box, clock).loadKeyRing(auth.maxTokenTtl(), auth.signingAlgorithm()); // first start makes a key
      CredentialCache credentials = new CredentialCache(store, auth.maxTokenTtl());
      AuditLog auditLog = new AuditLog(database);
      AuditWriter audit = new AuditWriter(observe.timed(auditLog::appendBatch), config.audit(), spillDir(config));
      observe.audit(audit);
      UsageWriter usage = new UsageWriter(store, config.audit().flushInterval());

      JwtKeys ownKeys = JwtKeys.fromKeyRing(credentials::keyRing);
      // A token verified before its key was revoked must not stay accepted from the cache.
      java.util.function.Predicate<String> ownKeyTrusted = kid -> kid != null && credentials.keyRing().key(kid).isPresent();
      // Users, their platform ids and opaque ids: customer login, user binding, the admin API.
      UserStore users = new UserStore(database, clock);
      OpaqueIds opaqueIds = new OpaqueIds(database, box, clock);
      CustomerTokenSettings customer = auth.customerToken();
      CustomerLoginSettings login = new CustomerLoginSettings(issuer, customer.audience(), customer.ttl(), customer.scopes(),
          customer.subject() == CustomerTokenSettings.Subject.USER_ID ? CustomerLoginSettings.Subject.USER_ID : CustomerLoginSettings.Subject.OPAQUE_ID,
          customer.opaqueIdPlatform(), List.of());
      IdentityKind subjectKind = customer.subject() == CustomerTokenSettings.Subject.USER_ID ? IdentityKind.USER_ID : IdentityKind.OPAQUE_ID;
      CachedUserDirectory userDirectory = new CachedUserDirectory(users, opaqueIds, subjectKind, login.opaqueIdPlatform());
      CachedVerifiedTokens clientTokens = new CachedVerifiedTokens(VERIFIED_TOKEN_CACHE_BYTES, ownKeyTrusted);
      observe.cache("client_tokens", clientTokens.cache());
      observe.cache("users", userDirectory.cache());
      // Rate-limit buckets, what is used once (webhook ids, signed bodies, single-use tokens, client
      // assertions) and login throttles: in this process, or in Redis shared by all instances. A reload keeps them.
      SharedState shared = SharedState.of(config, redis, clock);

      // Toolgate's own endpoints: the authorization server.
      AuthorizationServer as = AuthorizationServer.build(auth, issuer, database, credentials, usage, audit, shared, registrationToken, clock);
      // Customer login, users, platform users and session tokens, behind the admin API's authentication.
      PasswordHashSettings hash = auth.passwordHash();
      PasswordHasher hasher = new PasswordHasher(new PasswordHasher.Parameters(hash.memoryKib(), hash.iterations(), hash.parallelism()));
      // The web console signs browsers in with an admin token; AdminAuth then accepts their session
      // cookie with its CSRF token. Secure cookies when the browser reaches Toolgate over TLS.
      ConsoleSessions consoleSessions = new ConsoleSessions(box, issuer, config.server().scheme().equals("https") || issuer.startsWith("https:"));
      AdminAuth adminAuth = new AdminAuth(new AdminTokenStore(database, clock), clock, fallbackPoll, consoleSessions);
      // The reloader is built below from the admin API's endpoints; until it exists, the configuration in force is this one.
      java.util.concurrent.atomic.AtomicReference<ConfigReloader> built = new java.util.concurrent.atomic.AtomicReference<>();
      AdminApi admin = AdminApi.of(adminAuth, database, box, store, oauthClients, users, opaqueIds, auditLog, spillDir(config),
          credentials::refresh, () -> built.get() == null ? config : built.get().current().config(), clock);
      List<Endpoint> fixedEndpoints = new java.util.ArrayList<>();
      fixedEndpoints.add(observe.endpoints()); // first: it times every other endpoint
      fixedEndpoints.addAll(admin.endpoints());
      fixedEndpoints.add(ConsoleEndpoint.of(adminAuth, consoleSessions, clock));
      fixedEndpoints.add(new ConfigReloadAdminEndpoint(admin.routes(), () -> {
        ConfigReloader.Outcome o = built.get().reload();
        return new ConfigReloadAdminEndpoint.Report(o.resultName(), o.version(), o.tools(), o.problems());
      }));
      fixedEndpoints.addAll(as.endpoints(credentials, audit));

      // What toolgate.yaml decides, built so that a reload can build it again: routes, the gateway
      // engine (one verifier per credential kind), forwarding, and the endpoints that list the tools.
      PolicyWiring wiring = new PolicyWiring(new PolicyWiring.Parts(clock, issuer, auth, credentials, usage, audit, shared, userDirectory,
          new UserBinder(userDirectory, subjectKind, login.opaqueIdPlatform()), users, opaqueIds, hasher, login, ownKeys, ownKeyTrusted,
          clientTokens, as.clientAuth(), as.revoker(), admin, as.authorizations(), as.clients(), box, as.registration(), fixedEndpoints));
      ConfigReloader reloader = new ConfigReloader(file, wiring, wiring.build(config, version, null), port, clock);
      built.set(reloader);
      // A reload that changes the customer tokens' audiences verifies them with a new cache: its metrics follow.
      observe.cache("user_tokens", reloader.customerTokenCache());
      Observability observed = observe;
      reloader.onOutcome(o -> observed.cache("user_tokens", reloader.customerTokenCache()));

      // HTTP: one verticle per event loop.
      int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
      Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true));
      Readiness readiness = new Readiness();
      observe.runtime(vertx, redis);
      var observers = observe.gateway(); // one for all the verticles: their calls are counted together
      if (redis != null) {
        RedisConnector connector = redis;
        readiness.watchRedis(() -> connector.health().up());
      }
      readiness.watchConfig(() -> reloader.current().version());
      readiness.watchAudit(() -> audit.health().wireName());
      try {
        as.start(vertx, auth);
        await(adminAuth.start(vertx));
        await(vertx.deployVerticle(() -> new GatewayVerticle(reloader::current, audit, readiness, port, observers, tracing, tls),
            new DeploymentOptions().setInstances(loops)));
        observe.startManagement(vertx, readiness);
      } catch (RuntimeException e) {
        try {
          await(adminAuth.stop()); // its reload timer must not fire into a closing Vert.x (a stack trace on stderr)
        } catch (RuntimeException ignored) {
          // closing anyway
        }
        vertx.close();
        userDirectory.close();
        audit.close();
        usage.close();
        throw e instanceof AddressInUseException ? e : AddressInUseException.ifAddressInUse(e, config.server().host(), port);
      }

      Toolgate toolgate = new Toolgate(database, credentials, audit, usage, vertx, readiness, port, issuer, adminAuth, userDirectory, redis, reloader, tracing);
      toolgate.observe = observe;
      if (tls.listener() != null) {
        tls.listener().watch(vertx); // the certificate and key are reloaded when they change
      }
      StoreReachability reachability = new StoreReachability(database.target());
      observe.store(reachability);
      CredentialPoll poll = new CredentialPoll(vertx, credentials, readiness, reachability, observe.dependencies(), () -> toolgate.closed);
      vertx.setPeriodic(fallbackPoll.toMillis(), id -> poll.run());
      if (fallbackPoll.compareTo(CREDENTIAL_POLL) > 0) {
        vertx.setPeriodic(CREDENTIAL_POLL.toMillis(), id -> poll.report()); // the audit writer's state, even when polls are rare
      }
      if (database.kind() == dev.toolgate.core.config.StoreSettings.Kind.POSTGRESQL) {
        toolgate.listenForChanges();
      }
      SigningKeyStore keys = new SigningKeyStore(database, box, clock);
      vertx.setPeriodic(HOUSEKEEPING.toMillis(), id -> vertx.executeBlocking(() -> {
        // Rows nobody can need any more: keys whose last token expired, revocations of expired tokens.
        keys.purgeExpired(auth.maxTokenTtl());
        oauthClients.purgeRevokedTokens(clock.instant());
        as.authorizations().purgeExpired();
        return null;
      }, false).onFailure(e -> LOG.warn("housekeeping failed: {}", e.toString())));
      readiness.credentialsLoaded(credentials.undecryptable().size());
      LOG.info("Toolgate listening on {}://{}:{} with {} tool(s), store {}, issuer {}{}{}, network I/O {}", config.server().scheme(), config.server().host(),
          port, config.tools().size(), database.kind(), issuer,
          redis != null ? ", Redis " + redis.settings().topology().name().toLowerCase(java.util.Locale.ROOT) : "",
          version != null ? ", config version " + version : "", vertx.isNativeTransportEnabled() ? "epoll" : "Java NIO (no native epoll here)");
      LOG.info(observe.describe());
      if (as.registration() != null) {
        RegistrationSettings r = as.registration().settings();
        String how = r.mode() == RegistrationSettings.Mode.OPEN
            ? "open: anyone who reaches it may register a client" : "with the initial access token from " + r.initialAccessTokenEnv();
        LOG.info("Dynamic client registration at {}/oauth/register, {} (at most {} an hour per address)", issuer, how, r.maxPerHour());
      }
      if (tracing.enabled()) {
        LOG.info("Tracing {}", tracing.describe());
      }
      return toolgate;
    } catch (RuntimeException e) {
      if (redis != null) {
        redis.close();
      }
      if (observe != null) {
        observe.close();
      }
      database.close();
      tracing.close();
      throw e;
    }
  }

  /** {@code audit.spill_dir}, or {@code audit-spill} next to the configuration file (the working directory without one). */
  public static Path spillDir(GatewayConfig config) {
    if (config.audit().spillDir() != null) {
      return Path.of(config.audit().spillDir());
    }
    Path base = config.source() == null ? null : config.source().toAbsolutePath().getParent();
    return (base != null ? base : Path.of("")).resolve(AuditSettings.DEFAULT_SPILL_DIR);
  }

  /** Acts on every change the PostgreSQL store announces (ChangePropagation), polling staying the fallback. */
  private void listenForChanges() {
    propagation = new ChangePropagation(credentials, userDirectory, adminAuth,
        () -> readiness.credentialsLoaded(credentials.undecryptable().size()));
    changeListener = dev.toolgate.server.store.ChangeListener.start(database, propagation);
  }

  /** The listener of store announcements (PostgreSQL), or null. */
  dev.toolgate.server.store.ChangeListener changeListener() {
    return changeListener;
  }

  public int port() {
    return port;
  }

  /** The configuration in force, and how to reload it ({@code toolgate reload}, SIGHUP, or a management endpoint). */
  public ConfigReloader reloader() {
    return reloader;
  }

  /** The port of the management interface ({@code /metrics}, {@code /healthz}, {@code /readyz}); empty when it is off. */
  public java.util.OptionalInt managementPort() {
    return observe.managementPort();
  }

  /** The connection to the shared Redis; empty without a {@code redis:} section. */
  public java.util.Optional<RedisConnector> redis() {
    return java.util.Optional.ofNullable(redis);
  }

  /** The {@code iss} of the tokens this server issues (its base URL unless configured). */
  public String issuer() {
    return issuer;
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
    readiness.shuttingDown();
    LOG.info("Toolgate stopping: no new connections; calls in flight finish, then the audit log is flushed");
    try {
      if (changeListener != null) {
        changeListener.close();
        propagation.close();
      }
      adminAuth.stop();
      await(vertx.close());
    } finally {
      userDirectory.close();
      audit.close();
      if (redis != null) {
        redis.close(); // after the verticles: calls in flight may still have used it
      }
      usage.close();
      database.close();
      tracing.close(); // the calls have ended: their spans are queued, and sent now
      observe.close();
      LOG.info("Toolgate stopped: {} audit record(s) written since start, {} lost{}", audit.written(), audit.dropped(), observe.accessLogSummary());
    }
  }

  private static int freePort(String host) {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot find a free port on " + host + ": " + e.getMessage(), e);
    }
  }

  static <T> T await(io.vertx.core.Future<T> future) {
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
