package dev.toolgate.server.oauth.authorize;

import dev.toolgate.server.store.SealedState;
import dev.toolgate.core.config.CodeFlowSettings;
import dev.toolgate.core.net.ClientAddress;
import dev.toolgate.core.net.RedirectUris;
import dev.toolgate.core.port.AuditSink;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.http.FormBodyReader;
import dev.toolgate.server.oauth.client.AuthorizationClient;
import dev.toolgate.server.oauth.client.ClientResolver;
import dev.toolgate.server.store.AuthorizationStore;
import dev.toolgate.server.store.SecretBox;
import dev.toolgate.server.users.PasswordLogin;
import dev.toolgate.server.users.LoginThrottle;
import dev.toolgate.server.users.PasswordHasher;
import dev.toolgate.server.users.User;
import dev.toolgate.server.users.UserStore;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The browser side of the authorization code flow (OAuth 2.1 with PKCE, RFC 8707 resource, RFC 9207
 * {@code iss}): {@code GET /oauth/authorize} checks the request and shows the sign-in page (or the
 * consent page to a signed-in browser, or answers at once when consent is remembered);
 * {@code POST /oauth/authorize/login} and {@code POST /oauth/authorize/consent} take the forms.
 *
 * <p>No server-side session state: the validated request travels sealed in the pages' hidden
 * {@code request} field, the signed-in user in a sealed cookie ({@link SealedState}), so any instance
 * of a cluster serves any step. Codes and consents live in the shared store.
 */
public final class AuthorizeEndpoint implements Endpoint {
  public static final String AUTHORIZE_PATH = "/oauth/authorize";
  /** Largest form accepted: the sealed request (a few kilobytes at most) and the credentials. */
  static final int MAX_FORM_BYTES = 32 * 1024;

  private static final Buffer STYLESHEET = stylesheet();

  private final Set<String> knownResources;
  private final ClientResolver clients;
  private final UserStore users;
  private final AuthorizeFlow flow;
  private final LoginStep login;
  private final ConsentStep consent;

  /**
   * @param issuer this server's issuer exactly as its metadata says it (sent as {@code iss}; an https
   *     issuer makes the cookies {@code Secure})
   * @param knownResources the resources a token may be asked for (RFC 8707)
   * @param clients finds stored clients and those known by their metadata document
   * @param clientAddress who a login comes from, for the throttle: the peer, or what a trusted proxy says
   * @param box seals the state the pages carry, under the master key
   */
  public AuthorizeEndpoint(String issuer, Set<String> knownResources, ClientResolver clients, AuthorizationStore store, UserStore users,
      PasswordHasher hasher, LoginThrottle throttle, ClientAddress clientAddress, SecretBox box, CodeFlowSettings settings, AuditSink audit,
      Clock clock) {
    this.knownResources = Set.copyOf(knownResources);
    this.clients = Objects.requireNonNull(clients, "clients");
    this.users = Objects.requireNonNull(users, "users");
    this.flow = new AuthorizeFlow(Objects.requireNonNull(issuer, "issuer"), clients, new SealedState(box),
        new AuthorizeAudit(audit, clientAddress, clock), new CodeIssuer(store, settings, clock), clock);
    PostCheck check = new PostCheck(flow);
    this.login = new LoginStep(flow, check, new PasswordLogin(users, hasher, throttle));
    this.consent = new ConsentStep(flow, check, users);
  }

  @Override
  public void mount(Router router) {
    router.get(AUTHORIZE_PATH).handler(this::authorize).failureHandler(BrowserAnswers::failed);
    router.get(AuthorizePages.STYLESHEET_PATH).handler(AuthorizeEndpoint::stylesheet);
    router.post(AuthorizePages.LOGIN_ACTION).handler(new FormBodyReader(MAX_FORM_BYTES)).handler(login::handle)
        .failureHandler(BrowserAnswers::failed);
    router.post(AuthorizePages.CONSENT_ACTION).handler(new FormBodyReader(MAX_FORM_BYTES)).handler(consent::handle)
        .failureHandler(BrowserAnswers::failed);
  }

  /** A signed-in browser's user and, when consent was remembered, the code already issued. */
  private record Resumed(User user, String code) {}

  private void authorize(RoutingContext ctx) {
    long start = System.nanoTime();
    AuthorizationRequest.Target target = AuthorizationRequest.target(ctx.request().query());
    if (target.problem() != null) {
      flow.refuseClient(ctx, start, null, target.problem());
      return;
    }
    clients.resolve(target.clientId()).onComplete(done -> {
      if (done.failed()) {
        flow.unavailable(ctx, start, null, null, done.cause());
        return;
      }
      AuthorizationClient client = done.result().client();
      if (client == null) {
        flow.refuseClient(ctx, start, null, "The application that sent you here cannot sign you in here: " + done.result().problem() + ".");
        return;
      }
      if (!RedirectUris.matches(client.redirectUris(), target.redirectUri())) {
        flow.refuseClient(ctx, start, client.clientId(),
            "The address the application wants the answer sent to (redirect_uri) is not registered for it.");
        return;
      }
      AuthorizationRequest.Validation checked = AuthorizationRequest.validate(target, client, knownResources);
      if (checked.request() == null) {
        flow.sendError(ctx, start, client.clientId(), null, target.redirectUri(), checked.state(), checked.error(), checked.description(),
            checked.error());
        return;
      }
      resume(ctx, start, client, checked.request());
    });
  }

  /** A valid request: the consent page or the answer for a signed-in browser, else the sign-in page. */
  private void resume(RoutingContext ctx, long start, AuthorizationClient client, AuthorizationRequest r) {
    String csrf = flow.cookies.csrfFor(ctx.request());
    Optional<BrowserSession> session = flow.session(ctx.request());
    if (session.isEmpty()) {
      if (!BrowserCookies.values(ctx.request(), flow.cookies.sessionName()).isEmpty()) {
        flow.cookies.clearSession(ctx.response()); // expired or unreadable: drop it
      }
      flow.showLogin(ctx, 200, client, r, csrf, null);
      return;
    }
    ctx.vertx().executeBlocking(() -> {
      User user = users.findUser(session.get().userId()).filter(session.get()::stillValidFor).orElse(null);
      return new Resumed(user, user == null ? null : flow.codes.ifConsented(user.id(), r));
    }, false).onComplete(done -> {
      if (done.failed()) {
        flow.unavailable(ctx, start, r.clientId(), session.get().userId(), done.cause());
      } else if (done.result().user() == null) {
        flow.cookies.clearSession(ctx.response());
        flow.showLogin(ctx, 200, client, r, csrf, null);
      } else if (done.result().code() != null) {
        flow.sendCode(ctx, start, r, done.result().user().id(), done.result().code());
      } else {
        flow.showConsent(ctx, client, r, csrf, done.result().user());
      }
    });
  }

  private static void stylesheet(RoutingContext ctx) {
    ctx.response()
        .putHeader("content-type", "text/css; charset=utf-8")
        .putHeader("cache-control", "public, max-age=3600")
        .putHeader("x-content-type-options", "nosniff")
        .end(STYLESHEET);
  }

  private static Buffer stylesheet() {
    try (InputStream in = AuthorizeEndpoint.class.getResourceAsStream("style.css")) {
      if (in == null) {
        throw new IllegalStateException("style.css is missing from the jar");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
