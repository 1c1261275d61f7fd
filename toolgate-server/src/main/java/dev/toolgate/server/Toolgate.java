package dev.toolgate.server;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.credential.StandardWebhooksVerifier;
import dev.toolgate.core.credential.StripeSignatureVerifier;
import dev.toolgate.core.credential.ExternalJwtVerifier;
import dev.toolgate.core.credential.MtlsVerifier;
import dev.toolgate.server.tls.TransportSecurity;
import dev.toolgate.server.oauth.ExternalKeyReadiness;
import dev.toolgate.core.config.CustomerTokenSettings;
import dev.toolgate.core.config.PasswordHashSettings;
import dev.toolgate.server.admin.AdminAuth;
import dev.toolgate.server.admin.AdminTokenStore;
import dev.toolgate.server.admin.DecisionsAdminEndpoint;
import dev.toolgate.server.admin.PlatformUsersEndpoint;
import dev.toolgate.server.admin.UserAdminEndpoint;
import dev.toolgate.server.store.SecretBox;
import dev.toolgate.server.users.CachedUserDirectory;
import dev.toolgate.server.users.CustomerLoginEndpoint;
import dev.toolgate.server.users.CustomerTokens;
import dev.toolgate.server.users.CustomerLoginSettings;
import dev.toolgate.server.users.OpaqueIds;
import dev.toolgate.server.users.PasswordHasher;
import dev.toolgate.server.users.UserStore;
import com.nimbusds.jose.JOSEObjectType;
import dev.toolgate.core.config.AuthServerSettings;
import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.ToolConfig;
import dev.toolgate.core.credential.ClientTokenVerifier;
import dev.toolgate.core.config.IdentityKind;
import dev.toolgate.core.config.ToolConfig;
import dev.toolgate.core.engine.UserBinder;
import dev.toolgate.server.http.Prefetch;
import dev.toolgate.core.token.JwtIssuer;
import dev.toolgate.core.token.JwtKeys;
import dev.toolgate.core.token.JwtRules;
import dev.toolgate.core.token.JwtVerifier;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.oauth.AccessTokenService;
import dev.toolgate.server.oauth.CachedVerifiedTokens;
import dev.toolgate.server.oauth.ClientAuthenticator;
import dev.toolgate.server.oauth.IntrospectionEndpoint;
import dev.toolgate.server.oauth.MetadataEndpoint;
import dev.toolgate.server.oauth.OwnTokens;
import dev.toolgate.server.oauth.RevocationEndpoint;
import dev.toolgate.server.oauth.TokenEndpoint;
import dev.toolgate.server.store.OAuthClientStore;
import dev.toolgate.server.store.SigningKeyStore;
import java.util.ArrayList;
import java.util.Set;
import java.util.TreeSet;
import dev.toolgate.core.credential.ApiKeyVerifier;
import dev.toolgate.core.credential.SendbirdSignatureVerifier;
import dev.toolgate.core.credential.StaticTokenVerifier;
import dev.toolgate.core.engine.PolicyEngine;
import dev.toolgate.core.net.ClientAddress;
import dev.toolgate.core.route.RouteTable;
import dev.toolgate.server.http.Forwarding;
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
import dev.toolgate.core.config.AuditSettings;
import java.nio.file.Path;
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
  /** PostgreSQL only: hears the store's announcements and acts on them. */
  private ChangePropagation propagation;
  private dev.toolgate.server.store.ChangeListener changeListener;
  private volatile boolean closed;

  private Toolgate(Database database, CredentialCache credentials, AuditWriter audit, UsageWriter usage, Vertx vertx, Readiness readiness, int port, String issuer, AdminAuth adminAuth,
      CachedUserDirectory userDirectory, RedisConnector redis) {
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

  /** Starts everything; returns once the port is listening. */
  public static Toolgate start(GatewayConfig configured) {
    return start(configured, CREDENTIAL_POLL);
  }

  /** As {@link #start(GatewayConfig)}, polling the store every {@code fallbackPoll} (tests lengthen it to prove announcements work alone). */
  static Toolgate start(GatewayConfig configured, Duration fallbackPoll) {
    Clock clock = Clock.systemUTC();
    // Instances share one listening socket only when they ask for the same port, so resolve 0 first;
    // the issuer and resource ids derived from the port follow.
    int port = configured.server().port() != 0 ? configured.server().port() : freePort(configured.server().host());
    GatewayConfig config = configured.withBoundPort(port);
    AuthServerSettings auth = config.authorizationServer();
    String issuer = AuthServerSettings.resourceOf(auth.issuer());
    // The PEM files first: a certificate that cannot be served stops the start before anything opens.
    TransportSecurity tls = TransportSecurity.load(config, clock);

    Database database = Database.open(config.store());
    RedisConnector redis = null;
    try {
      // Several instances: the Redis they share. Connects in the background: Redis down never stops
      // a start, a password that cannot be read does (ConfigException naming the line).
      redis = config.redis().map(RedisConnector::start).orElse(null);
      // Store and in-memory credentials.
      // Refuses keys that are not the store's; during a rotation, holds the previous key too (decryption only).
      SecretBox box = MasterKeyCheck.keyFor(database, config.store()).box();
      CredentialStore store = new CredentialStore(database, box, clock);
      OAuthClientStore oauthClients = new OAuthClientStore(database, clock);
      new SigningKeyStore(database, box, clock).loadKeyRing(auth.maxTokenTtl(), auth.signingAlgorithm()); // first start makes a key
      CredentialCache credentials = new CredentialCache(store, auth.maxTokenTtl());
      AuditLog auditLog = new AuditLog(database);
      AuditWriter audit = new AuditWriter(auditLog, config.audit(), spillDir(config));
      UsageWriter usage = new UsageWriter(store, config.audit().flushInterval());

      // The gateway engine: one verifier per credential kind.
      RouteTable routes = RouteTable.from(config);
      JwtKeys ownKeys = JwtKeys.fromKeyRing(credentials::keyRing);
      // A token verified before its key was revoked must not stay accepted from the cache.
      java.util.function.Predicate<String> ownKeyTrusted = kid -> kid != null && credentials.keyRing().key(kid).isPresent();
      // Users, their platform ids and opaque ids: customer login, user binding, the admin API.
      UserStore users = new UserStore(database, clock);
      OpaqueIds opaqueIds = new OpaqueIds(database, box, clock);
      CustomerTokenSettings customer = auth.customerToken();
      CustomerLoginSettings login = new CustomerLoginSettings(issuer, customer.audience(), customer.ttl(), customer.scopes(),
          customer.subject() == CustomerTokenSettings.Subject.USER_ID ? CustomerLoginSettings.Subject.USER_ID : CustomerLoginSettings.Subject.OPAQUE_ID,
          customer.opaqueIdPlatform(), userTokenTools(config));
      IdentityKind subjectKind = customer.subject() == CustomerTokenSettings.Subject.USER_ID ? IdentityKind.USER_ID : IdentityKind.OPAQUE_ID;
      CachedUserDirectory userDirectory = new CachedUserDirectory(users, opaqueIds, subjectKind, login.opaqueIdPlatform());
      JwtVerifier customerTokens = new JwtVerifier(ownKeys, new JwtRules(issuer, Set.copyOf(login.allAudiences()),
          OwnTokens.ALGORITHMS, Set.of(JOSEObjectType.JWT), Duration.ofSeconds(30), OwnTokens.MAX_TOKEN_CHARS, true), clock);
      TrustedIssuers trusted = TrustedIssuers.start(config, clock);
      // Rate-limit buckets, what is used once (webhook ids, signed bodies, single-use tokens, client
      // assertions) and login throttles: in this process, or in Redis shared by all instances.
      SharedState shared = SharedState.of(config, redis, clock);
      PolicyEngine engine = new PolicyEngine(List.of(
          new ExternalJwtVerifier(trusted.verifiers(), clock),
          new SendbirdSignatureVerifier(credentials, clock),
          new StandardWebhooksVerifier(credentials, clock),
          new StripeSignatureVerifier(credentials, clock),
          new StaticTokenVerifier(credentials, clock),
          new MtlsVerifier(clock),
          new ApiKeyVerifier(credentials, clock),
          new ClientTokenVerifier(ownKeys, OwnTokens.ALGORITHMS, issuer, issuer + MetadataEndpoint.RESOURCE_METADATA_PATH,
              credentials, new CachedVerifiedTokens(VERIFIED_TOKEN_CACHE_BYTES, ownKeyTrusted), clock),
          trusted.userTokens(customerTokens, new CachedVerifiedTokens(VERIFIED_TOKEN_CACHE_BYTES, ownKeyTrusted), credentials, clock)),
          credentials, usage, clock, shared.quota(), new ClientAddress(config.server().trustedProxies()),
          config.failedAuthLimit().orElse(null), new UserBinder(userDirectory, subjectKind, login.opaqueIdPlatform()), shared.fallback());
      engine.checkCovers(routes.routes());

      // Toolgate's own endpoints: the authorization server.
      ClientAuthenticator clientAuth = new ClientAuthenticator(credentials, usage,
          Set.of(issuer, issuer + "/oauth/token", issuer + "/oauth/access_token", issuer + "/oauth/introspect", issuer + "/oauth/revoke"), clock, shared.quota());
      OwnTokens ownTokens = new OwnTokens(credentials::keyRing, issuer, clock);
      RevocationEndpoint.Revoker revoker = (jti, clientId, exp) -> {
        if (credentials.isRevoked(jti)) {
          return; // already revoked: no write, no cluster-wide reload for a repeat
        }
        oauthClients.revokeToken(jti, clientId, exp);
        credentials.markRevoked(jti); // effective here at once; other instances hear of it (PostgreSQL) or poll the revision
      };
      // Customer login, users, platform users and session tokens, behind the admin API's authentication.
      PasswordHashSettings hash = auth.passwordHash();
      PasswordHasher hasher = new PasswordHasher(new PasswordHasher.Parameters(hash.memoryKib(), hash.iterations(), hash.parallelism()));
      AdminAuth adminAuth = new AdminAuth(new AdminTokenStore(database, clock), clock, fallbackPoll);
      List<Endpoint> endpoints = List.of(
          adminAuth,
          new CustomerLoginEndpoint(users, hasher, new JwtIssuer(credentials::keyRing), credentials::keyRing,
              shared.loginThrottle(),
              new ClientAddress(config.server().trustedProxies()), opaqueIds, login, (jti, exp) -> revoker.revoke(jti, null, exp), clock),
          new UserAdminEndpoint(adminAuth, users, hasher, new CustomerTokens(new JwtIssuer(credentials::keyRing), opaqueIds, login, clock)),
          new PlatformUsersEndpoint(adminAuth, users, clock),
          new DecisionsAdminEndpoint(adminAuth, auditLog),
          new TokenEndpoint(clientAuth, new AccessTokenService(new JwtIssuer(credentials::keyRing), issuer, auth.maxTokenTtl(), clock),
              resources(config), auth.defaultResource(), audit),
          new IntrospectionEndpoint(clientAuth, ownTokens, credentials::isRevoked,
              id -> credentials.client(id).map(c -> c.enabled()).orElse(false)),
          new RevocationEndpoint(clientAuth, ownTokens, revoker),
          new MetadataEndpoint(issuer, auth.defaultResource(), scopes(config), toolScopes(config), credentials::keyRing));

      // HTTP: one verticle per event loop.
      int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
      Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true));
      Readiness readiness = new Readiness();
      if (redis != null) {
        RedisConnector connector = redis;
        readiness.watchRedis(() -> connector.health().up());
      }
      Forwarding forwarding = new Forwarding(routes.routes(), config.platforms().values());
      try {
        await(adminAuth.start(vertx));
        await(vertx.deployVerticle(() -> new GatewayVerticle(routes, forwarding, Prefetch.both(new ExternalKeyReadiness(trusted.jwks()), userDirectory), engine, audit, config.server(), readiness, port, endpoints, tls),
            new DeploymentOptions().setInstances(loops)));
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
        throw AddressInUseException.ifAddressInUse(e, config.server().host(), port);
      }

      Toolgate toolgate = new Toolgate(database, credentials, audit, usage, vertx, readiness, port, issuer, adminAuth, userDirectory, redis);
      if (tls.listener() != null) {
        tls.listener().watch(vertx); // the certificate and key are reloaded when they change
      }
      CredentialPoll poll = new CredentialPoll(vertx, credentials, audit, readiness, new StoreReachability(database.target()), () -> toolgate.closed);
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
        return null;
      }, false).onFailure(e -> LOG.warn("housekeeping failed: {}", e.toString())));
      readiness.credentialsLoaded(credentials.undecryptable().size());
      LOG.info("Toolgate listening on {}://{}:{} with {} tool(s), store {}, issuer {}{}", config.server().scheme(), config.server().host(), port,
          routes.routes().size(),
          database.kind(), issuer, redis != null ? ", Redis " + redis.settings().topology().name().toLowerCase(java.util.Locale.ROOT) : "");
      return toolgate;
    } catch (RuntimeException e) {
      if (redis != null) {
        redis.close();
      }
      database.close();
      throw e;
    }
  }

  /** Tools a customer token may be minted for alone: those that require a user token. */
  private static List<String> userTokenTools(GatewayConfig config) {
    return config.tools().stream().filter(t -> t.policy().requires(CredentialKind.USER_TOKEN)).map(ToolConfig::name).toList();
  }

  /** RFC 8707 resource ids a client may ask a token for: the default and every tool's audience. */
  private static Set<String> resources(GatewayConfig config) {
    Set<String> out = new TreeSet<>();
    out.add(config.authorizationServer().defaultResource());
    for (ToolConfig tool : config.tools()) {
      if (tool.policy().clientToken() != null) {
        out.add(tool.policy().clientToken().audience());
      }
    }
    return out;
  }

  private static Set<String> scopes(GatewayConfig config) {
    Set<String> out = new TreeSet<>();
    for (ToolConfig tool : config.tools()) {
      if (tool.policy().clientToken() != null) {
        out.addAll(tool.policy().clientToken().scopes());
      }
      if (tool.policy().userToken() != null) {
        out.addAll(tool.policy().userToken().scopes());
      }
    }
    return out;
  }

  private static List<MetadataEndpoint.ToolScopes> toolScopes(GatewayConfig config) {
    List<MetadataEndpoint.ToolScopes> out = new ArrayList<>();
    for (ToolConfig tool : config.tools()) {
      if (tool.policy().clientToken() != null) {
        out.add(new MetadataEndpoint.ToolScopes(tool.name(), tool.method(), tool.path(), tool.policy().clientToken().scopes()));
      }
    }
    return out;
  }

  /** {@code audit.spill_dir}, or {@code audit-spill} next to the configuration file (the working directory without one). */
  static Path spillDir(GatewayConfig config) {
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
