package dev.toolgate.server.oauth.authorize;

import dev.toolgate.server.store.SealedState;
import dev.toolgate.core.net.RedirectUris;
import dev.toolgate.server.oauth.client.AuthorizationClient;
import dev.toolgate.server.oauth.client.ClientResolver;
import dev.toolgate.server.store.StoreException;
import dev.toolgate.server.users.LoginThrottle;
import dev.toolgate.server.users.User;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the three steps (the authorization request, the login, the consent) share: the client
 * re-check, the pages with their sealed state and cookies, and the answers to the client.
 */
final class AuthorizeFlow {
  /** How long a page's form stays usable: long enough to type a password, short enough to not linger. */
  static final Duration REQUEST_LIFETIME = Duration.ofMinutes(10);
  /** How long a browser stays signed in for further authorizations. */
  static final Duration SESSION_LIFETIME = Duration.ofHours(12);

  private static final Logger LOG = LoggerFactory.getLogger(AuthorizeFlow.class);

  final String issuer;
  final ClientResolver clients;
  final SealedState sealer;
  final BrowserCookies cookies;
  final AuthorizeAudit audit;
  final CodeIssuer codes;
  final Clock clock;

  AuthorizeFlow(String issuer, ClientResolver clients, SealedState sealer, AuthorizeAudit audit, CodeIssuer codes, Clock clock) {
    this.issuer = issuer;
    this.clients = clients;
    this.sealer = sealer;
    this.cookies = new BrowserCookies(issuer.regionMatches(true, 0, "https://", 0, 8));
    this.audit = audit;
    this.codes = codes;
    this.clock = clock;
  }

  /**
   * Resolves the client of a request carried between pages again (it may have been disabled, or its
   * redirect URIs or scopes changed, since the page was shown) and hands it to {@code next}; answers
   * the browser itself when the client is no longer fit.
   */
  void recheck(RoutingContext ctx, long start, AuthorizationRequest r, String userId, Consumer<AuthorizationClient> next) {
    clients.resolve(r.clientId()).onComplete(done -> {
      if (done.failed()) {
        unavailable(ctx, start, r.clientId(), userId, done.cause());
        return;
      }
      AuthorizationClient client = done.result().client();
      if (client == null) {
        refuseClient(ctx, start, r.clientId(), "The application that sent you here is not known here, or may no longer sign users in.");
      } else if (!RedirectUris.matches(client.redirectUris(), r.redirectUri())) {
        refuseClient(ctx, start, r.clientId(), "The address the application asked the answer to be sent to is no longer registered for it.");
      } else if (client.scopes() != null && !client.scopes().containsAll(r.scopes())) {
        sendError(ctx, start, r, userId, "invalid_scope", "the scopes asked are no longer allowed for this client");
      } else {
        next.accept(client);
      }
    });
  }

  /** 400 page: the client or its redirect URI is not one to send anything to. */
  void refuseClient(RoutingContext ctx, long start, String clientId, String message) {
    audit.deny(ctx, start, clientId, null, AuthorizeAudit.INVALID_REQUEST, 400, message,
        () -> BrowserAnswers.problem(ctx, 400, "This sign-in request cannot be used", message));
  }

  /** The login form for a validated request; {@code error} shown above it (null for none). */
  void showLogin(RoutingContext ctx, int status, AuthorizationClient client, AuthorizationRequest r, String csrf, String error) {
    String sealed = new PendingAuthorization(r, csrf, null, clock.instant().plus(REQUEST_LIFETIME)).seal(sealer);
    cookies.setCsrf(ctx.response(), csrf);
    BrowserAnswers.page(ctx, status, AuthorizePages.login(new AuthorizePages.Model(client, r, sealed, csrf), error), true,
        ClientRedirect.cspSource(r.redirectUri()));
  }

  /** The consent form for {@code user}, who is signed in. */
  void showConsent(RoutingContext ctx, AuthorizationClient client, AuthorizationRequest r, String csrf, User user) {
    String sealed = new PendingAuthorization(r, csrf, user.id(), clock.instant().plus(REQUEST_LIFETIME)).seal(sealer);
    cookies.setCsrf(ctx.response(), csrf);
    BrowserAnswers.page(ctx, 200, AuthorizePages.consent(new AuthorizePages.Model(client, r, sealed, csrf), user.username()), true,
        ClientRedirect.cspSource(r.redirectUri()));
  }

  /** Signs the browser in as {@code user} (the cookie of a new session). */
  void startSession(RoutingContext ctx, User user) {
    BrowserSession session = new BrowserSession(user.id(), clock.instant(), clock.instant().plus(SESSION_LIFETIME));
    cookies.setSession(ctx.response(), session.seal(sealer), SESSION_LIFETIME);
  }

  /**
   * The browser's session, if it sent one that opens and has not expired. Several session cookies
   * (one tossed in from a sibling site under another path or domain) that name different users
   * count as none.
   */
  Optional<BrowserSession> session(HttpServerRequest req) {
    BrowserSession found = null;
    for (String value : BrowserCookies.values(req, cookies.sessionName())) {
      Optional<BrowserSession> s = BrowserSession.open(sealer, value, clock.instant());
      if (s.isEmpty()) {
        continue;
      }
      if (found != null && !found.userId().equals(s.get().userId())) {
        return Optional.empty();
      }
      found = s.get();
    }
    return Optional.ofNullable(found);
  }

  /** 303 to the client with a code. */
  void sendCode(RoutingContext ctx, long start, AuthorizationRequest r, String userId, String code) {
    audit.allow(ctx, start, r.clientId(), userId, AuthorizeAudit.CODE_ISSUED, 303,
        "authorization code issued for " + r.resource() + (r.scopes().isEmpty() ? "" : " scope " + String.join(" ", r.scopes())),
        () -> BrowserAnswers.redirect(ctx, ClientRedirect.code(r.redirectUri(), code, r.state(), issuer)));
  }

  /** 303 to the client with an OAuth error (RFC 6749 §4.1.2.1). */
  void sendError(RoutingContext ctx, long start, AuthorizationRequest r, String userId, String error, String description) {
    sendError(ctx, start, r.clientId(), userId, r.redirectUri(), r.state(), error, description, error);
  }

  void sendError(RoutingContext ctx, long start, String clientId, String userId, String redirectUri, String state, String error,
      String description, String auditCode) {
    audit.deny(ctx, start, clientId, userId, auditCode, 303, error + ": " + description,
        () -> BrowserAnswers.redirect(ctx, ClientRedirect.error(redirectUri, error, description, state, issuer)));
  }

  /** 503 page: the store, the throttle or the client lookup failed. One log line, no trace, for a dependency that is down. */
  void unavailable(RoutingContext ctx, long start, String clientId, String userId, Throwable cause) {
    if (cause instanceof StoreException || cause instanceof LoginThrottle.Unavailable) {
      LOG.warn("authorization page {} answered 503 (request {}): {}", ctx.request().path(), BrowserAnswers.requestId(ctx), cause.getMessage());
    } else {
      LOG.error("authorization page {} failed (request {})", ctx.request().path(), BrowserAnswers.requestId(ctx), cause);
    }
    audit.deny(ctx, start, clientId, userId, AuthorizeAudit.UNAVAILABLE, 503, "a dependency could not answer", () -> BrowserAnswers.unavailable(ctx));
  }
}
