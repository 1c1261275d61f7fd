package dev.toolgate.server.oauth.authorize;

import dev.toolgate.server.oauth.client.AuthorizationClient;
import dev.toolgate.server.users.PasswordLogin;
import dev.toolgate.server.users.User;
import dev.toolgate.server.users.UserStore;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /oauth/authorize/login}: the sign-in form. Right credentials sign the browser in (the
 * session cookie) and show the consent page, or, when the user already allowed this client what it
 * asks, answer the client at once with a code. Wrong, unknown or disabled: the same form again with
 * the same generic message. Throttled: 429 with Retry-After.
 */
final class LoginStep {
  static final String WRONG_CREDENTIALS = "The username or password is incorrect.";
  private static final int MAX_PASSWORD_CHARS = 1024;

  private final AuthorizeFlow flow;
  private final PostCheck check;
  private final PasswordLogin login;

  LoginStep(AuthorizeFlow flow, PostCheck check, PasswordLogin login) {
    this.flow = flow;
    this.check = check;
    this.login = login;
  }

  /** What the worker thread found: a refusal ({@code login}), or a user with a code when consent was remembered. */
  private record Result(PasswordLogin.Outcome login, String code) {}

  void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    PostCheck.Passed post = check.check(ctx, start).orElse(null);
    if (post == null) {
      return;
    }
    AuthorizationRequest r = post.pending().request();
    String username = post.field("username");
    String password = post.field("password");
    flow.recheck(ctx, start, r, null, client -> {
      String csrf = post.pending().csrf();
      if (username == null || username.isBlank() || password == null || password.isEmpty()) {
        flow.showLogin(ctx, 200, client, r, csrf, "Enter your username and password.");
        return;
      }
      if (password.length() > MAX_PASSWORD_CHARS) {
        // No password is this long: refused like a wrong one, without hashing a megabyte.
        flow.audit.deny(ctx, start, r.clientId(), null, AuthorizeAudit.LOGIN_FAILED, 200, "wrong credentials",
            () -> flow.showLogin(ctx, 200, client, r, csrf, WRONG_CREDENTIALS));
        return;
      }
      String name = UserStore.normalizeUsername(username);
      String address = flow.audit.address(ctx.request());
      ctx.vertx().executeBlocking(() -> {
        PasswordLogin.Outcome outcome = login.attempt(name, password, address);
        String code = outcome.user() == null ? null : flow.codes.ifConsented(outcome.user().id(), r);
        return new Result(outcome, code);
      }, false).onComplete(done -> {
        if (done.failed()) {
          flow.unavailable(ctx, start, r.clientId(), null, done.cause());
        } else {
          answer(ctx, start, client, r, csrf, done.result());
        }
      });
    });
  }

  private void answer(RoutingContext ctx, long start, AuthorizationClient client, AuthorizationRequest r, String csrf, Result result) {
    User user = result.login().user();
    if (result.login().retryAfter() != null) {
      long seconds = Math.max(1, result.login().retryAfter().toSeconds());
      flow.audit.deny(ctx, start, r.clientId(), null, AuthorizeAudit.LOGIN_THROTTLED, 429, "too many failed logins; retry after " + seconds + "s", () -> {
        ctx.response().putHeader("retry-after", Long.toString(seconds));
        flow.showLogin(ctx, 429, client, r, csrf, "Too many failed sign-ins. Try again in " + seconds + " seconds.");
      });
    } else if (user == null) {
      flow.audit.deny(ctx, start, r.clientId(), null, AuthorizeAudit.LOGIN_FAILED, 200, "wrong credentials",
          () -> flow.showLogin(ctx, 200, client, r, csrf, WRONG_CREDENTIALS));
    } else {
      flow.startSession(ctx, user);
      if (result.code() != null) {
        flow.sendCode(ctx, start, r, user.id(), result.code());
      } else {
        flow.audit.allow(ctx, start, r.clientId(), user.id(), AuthorizeAudit.LOGIN_SUCCEEDED, 200, "signed in; consent asked",
            () -> flow.showConsent(ctx, client, r, csrf, user));
      }
    }
  }
}
