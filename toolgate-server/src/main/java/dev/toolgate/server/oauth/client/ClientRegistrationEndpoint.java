package dev.toolgate.server.oauth.client;

import dev.toolgate.core.config.RegistrationSettings;
import dev.toolgate.core.limit.Charge;
import dev.toolgate.core.limit.QuotaOutcome;
import dev.toolgate.core.limit.QuotaRequest;
import dev.toolgate.core.limit.RateLimit;
import dev.toolgate.core.net.AddressBucket;
import dev.toolgate.core.net.ClientAddress;
import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.AuditSink;
import dev.toolgate.core.port.CallQuota;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.http.FormBodyReader;
import dev.toolgate.server.oauth.OAuthError;
import dev.toolgate.server.oauth.OAuthResponses;
import dev.toolgate.server.oauth.RequestId;
import dev.toolgate.server.store.OAuthClientStore;
import dev.toolgate.server.store.OAuthSettings;
import dev.toolgate.server.store.RegisteredClient;
import dev.toolgate.server.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /oauth/register}: OAuth 2.0 Dynamic Client Registration (RFC 7591) for MCP clients
 * that predate Client ID Metadata Documents. Mounted only when {@code registration.mode} is not
 * {@code off} (then the path is a 404 like any other unknown one).
 *
 * <p>In order: the initial access token when the mode asks for one (401 {@code invalid_token},
 * before anything of the body is looked at), the body ({@link RegistrationBody}), the metadata
 * ({@link RegistrationRequest}), then the registration budget of the caller's address
 * ({@code max_per_hour}, in the shared state: Redis when configured; 429 with {@code Retry-After}).
 * Only a registration that would succeed spends budget. The client, its settings and (confidential
 * clients) its secret are stored in one transaction; the answer is 201 with the registered metadata,
 * the secret shown this once. Every answer is audited. Not supported: the client configuration
 * endpoint of RFC 7592 (no {@code registration_access_token}); administrators list and disable
 * registered clients with the CLI and the admin API.
 */
public final class ClientRegistrationEndpoint implements Endpoint {
  public static final String PATH = "/oauth/register";
  /** Client metadata is a few hundred bytes; 16 KiB leaves room for twenty long redirect URIs. */
  public static final int MAX_BODY_BYTES = 16 * 1024;
  /** The period of {@code max_per_hour}. */
  public static final Duration PERIOD = Duration.ofHours(1);
  private static final Logger LOG = LoggerFactory.getLogger(ClientRegistrationEndpoint.class);

  /**
   * What lives as long as the process.
   *
   * @param token the initial access token; null unless the mode is {@code initial_access_token}
   * @param refresh makes a stored change visible to this instance at once (others poll or hear of it)
   * @param quota the shared state holding each address's registration budget
   * @param tokenTtl the lifetime of the access tokens registered clients get
   */
  public record Setup(RegistrationSettings settings, InitialAccessToken token, OAuthClientStore store, Runnable refresh, CallQuota quota,
      Duration tokenTtl, AuditSink audit, Clock clock) {}

  private final Setup setup;
  private final Set<String> knownScopes;
  private final ClientAddress clientAddress;
  private final String configVersion;

  /**
   * @param knownScopes the scopes of this configuration's tools: what a registration may ask for
   * @param clientAddress who is calling (the peer, or what a trusted proxy says), for the budget and the audit
   * @param configVersion the configuration's version, for the audit; null when made in code
   */
  public ClientRegistrationEndpoint(Setup setup, Set<String> knownScopes, ClientAddress clientAddress, String configVersion) {
    this.setup = setup;
    this.knownScopes = Set.copyOf(knownScopes);
    this.clientAddress = clientAddress;
    this.configVersion = configVersion;
  }

  @Override
  public void mount(Router router) {
    router.post(PATH).handler(new FormBodyReader(MAX_BODY_BYTES)).handler(this::handle)
        .failureHandler(OAuthResponses.failedAudited(MAX_BODY_BYTES, setup.audit(), configVersion));
  }

  private void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    String address = address(ctx.request());
    if (setup.token() != null && !authorized(ctx, start, address)) {
      return;
    }
    RegistrationBody.Result body = RegistrationBody.read(ctx.request().headers().getAll("content-type"), FormBodyReader.body(ctx).getBytes());
    if (body.problem() != null) {
      refuse(ctx, start, address, new OAuthError(400, "invalid_client_metadata", body.problem(), false));
      return;
    }
    RegistrationRequest.Parsed parsed = RegistrationRequest.parse(body.json(), knownScopes);
    if (parsed.error() != null) {
      refuse(ctx, start, address, parsed.error());
      return;
    }
    Charge charge = new Charge("register:address:" + AddressBucket.of(address), new RateLimit(setup.settings().maxPerHour(), PERIOD));
    Future.fromCompletionStage(setup.quota().settle(QuotaRequest.charge(charge)), ctx.vertx().getOrCreateContext()).onComplete(settled -> {
      QuotaOutcome outcome = settled.succeeded() ? settled.result() : new QuotaOutcome.Unavailable(String.valueOf(settled.cause()));
      if (outcome instanceof QuotaOutcome.Granted) {
        register(ctx, start, address, parsed.request());
      } else if (outcome instanceof QuotaOutcome.Limited limited) {
        long seconds = Math.max(1, (limited.outcome().retryAfter().toMillis() + 999) / 1000);
        ctx.response().putHeader("retry-after", Long.toString(seconds));
        refuse(ctx, start, address, new OAuthError(429, "too_many_requests", "at most " + setup.settings().maxPerHour()
            + " registrations an hour from one address; retry in " + seconds + " seconds", false));
      } else {
        // Redis cannot be asked: refuse rather than register without a limit. Retry-After: see OAuthResponses.
        refuse(ctx, start, address, OAuthError.temporarilyUnavailable("the registration limit cannot be checked now; retry shortly"));
      }
    });
  }

  /** RFC 6750 §3.1: no token, a bare challenge; a wrong one, {@code invalid_token}. Both 401. */
  private boolean authorized(RoutingContext ctx, long start, String address) {
    List<String> headers = ctx.request().headers().getAll("authorization");
    String value = headers.size() == 1 ? headers.get(0) : null;
    boolean bearer = value != null && value.regionMatches(true, 0, "Bearer ", 0, 7);
    if (bearer && setup.token().matches(value.substring(7).strip())) {
      return true;
    }
    boolean presented = !headers.isEmpty();
    ctx.response().putHeader("www-authenticate",
        presented ? "Bearer realm=\"toolgate\", error=\"invalid_token\"" : "Bearer realm=\"toolgate\"");
    refuse(ctx, start, address, new OAuthError(401, "invalid_token", presented
        ? "the initial access token is not valid" : "registration needs an initial access token (Authorization: Bearer ...)", false));
    return false;
  }

  private void register(RoutingContext ctx, long start, String address, RegistrationRequest request) {
    OAuthSettings settings = new OAuthSettings(request.scopes(), setup.tokenTtl(), Set.of(request.authMethod()), null, request.redirectUris());
    ctx.vertx().executeBlocking(() -> {
      RegisteredClient client = setup.store().registerClient(request.clientName(), request.applicationType(), settings);
      try {
        setup.refresh().run();
      } catch (RuntimeException e) {
        // Stored: the next poll (or announcement) brings it here as well; the caller still gets its client.
        LOG.warn("client {} registered, but the credentials could not be reloaded now: {}", client.client().id(), e.toString());
      }
      return client;
    }, false).onComplete(done -> {
      if (done.succeeded()) {
        registered(ctx, start, address, done.result());
      } else if (done.cause() instanceof StoreException e) {
        LOG.warn("client registration failed (request {}): {}", RequestId.of(ctx), e.getMessage());
        refuse(ctx, start, address, OAuthError.temporarilyUnavailable("the store cannot be reached now, so nothing was registered; retry later"));
      } else {
        ctx.fail(done.cause());
      }
    });
  }

  private void registered(RoutingContext ctx, long start, String address, RegisteredClient client) {
    OAuthSettings s = client.settings();
    String method = s.authMethods().iterator().next();
    JsonObject body = new JsonObject()
        .put("client_id", client.client().id())
        .put("client_id_issued_at", client.client().createdAt().getEpochSecond())
        .put("client_name", client.client().name())
        .put("redirect_uris", new JsonArray(s.redirectUris()))
        .put("grant_types", new JsonArray(RegistrationRequest.GRANT_TYPES))
        .put("response_types", new JsonArray().add("code"))
        .put("token_endpoint_auth_method", method)
        .put("application_type", client.kind().applicationType().value());
    if (!s.allowedScopes().isEmpty()) {
      body.put("scope", s.scopeString());
    }
    if (client.clientSecret() != null) {
      body.put("client_secret", client.clientSecret()).put("client_secret_expires_at", 0);
    }
    recordThen(ctx, start, address, client.client().id(), "allow", "ok", 201, "registered client " + client.client().id() + " ("
        + client.kind().applicationType().value() + ", " + method + ", " + s.redirectUris().size() + " redirect URI(s), scopes: "
        + (s.allowedScopes().isEmpty() ? "none" : s.scopeString()) + ")", () -> OAuthResponses.json(ctx.response(), 201, body));
  }

  private void refuse(RoutingContext ctx, long start, String address, OAuthError error) {
    recordThen(ctx, start, address, null, "deny", error.error(), error.status(), error.description(),
        () -> OAuthResponses.error(ctx.response(), error));
  }

  /** Audits the answer, then sends it once its record is kept (503 if it cannot be). */
  private void recordThen(RoutingContext ctx, long start, String address, String clientId, String decision, String code, int status, String detail,
      Runnable send) {
    OAuthResponses.afterRecord(ctx, setup.audit(), new AuditEvent(setup.clock().instant(), RequestId.of(ctx), ctx.request().method().name(), ctx.request().path(),
        address, null, clientId, List.of(), decision, code, status, (System.nanoTime() - start) / 1000, detail, List.of(), configVersion),
        send);
  }

  private String address(HttpServerRequest req) {
    String peer = req.remoteAddress() == null || req.remoteAddress().host() == null ? "unknown" : req.remoteAddress().host();
    return clientAddress.resolve(peer, name -> req.headers().getAll(name));
  }
}
