package dev.toolgate.server.oauth.authorize;

import dev.toolgate.server.users.UserStore;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * {@code POST /oauth/authorize/consent}: the user's answer. Allow remembers the consent and sends
 * the client a code; deny sends {@code access_denied}. The form must carry a request sealed for the
 * consent page of the user whose session cookie the browser sends, and that user must still be
 * enabled (and not have had the password changed since signing in).
 */
final class ConsentStep {
  private final AuthorizeFlow flow;
  private final PostCheck check;
  private final UserStore users;

  ConsentStep(AuthorizeFlow flow, PostCheck check, UserStore users) {
    this.flow = flow;
    this.check = check;
    this.users = users;
  }

  void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    PostCheck.Passed post = check.check(ctx, start).orElse(null);
    if (post == null) {
      return;
    }
    AuthorizationRequest r = post.pending().request();
    String userId = post.pending().userId();
    Optional<BrowserSession> session = flow.session(ctx.request());
    if (userId == null || session.isEmpty() || !session.get().userId().equals(userId)) {
      flow.audit.deny(ctx, start, r.clientId(), userId, AuthorizeAudit.SESSION_INVALID, 403, "no session of the user the consent page was shown to",
          () -> BrowserAnswers.problem(ctx, 403, "You are not signed in",
              "This answer does not come with the sign-in it belongs to (it may have expired, or cookies are disabled)."));
      return;
    }
    String decision = post.field("decision");
    if (!"allow".equals(decision) && !"deny".equals(decision)) {
      flow.audit.deny(ctx, start, r.clientId(), userId, AuthorizeAudit.INVALID_REQUEST, 400, "decision is neither allow nor deny",
          () -> BrowserAnswers.problem(ctx, 400, "Bad request", "Choose Allow or Deny."));
      return;
    }
    flow.recheck(ctx, start, r, userId, client -> {
      if (decision.equals("deny")) {
        flow.sendError(ctx, start, r.clientId(), userId, r.redirectUri(), r.state(), "access_denied", "the user denied the request",
            AuthorizeAudit.CONSENT_DENIED);
        return;
      }
      ctx.vertx().executeBlocking(() -> {
        boolean valid = users.findUser(userId).filter(session.get()::stillValidFor).isPresent();
        return valid ? flow.codes.allow(userId, r) : null;
      }, false).onComplete(done -> {
        if (done.failed()) {
          flow.unavailable(ctx, start, r.clientId(), userId, done.cause());
        } else if (done.result() == null) {
          flow.audit.deny(ctx, start, r.clientId(), userId, AuthorizeAudit.SESSION_INVALID, 403, "the session's user is disabled or changed password",
              () -> {
                flow.cookies.clearSession(ctx.response());
                BrowserAnswers.problem(ctx, 403, "You are not signed in", "Your sign-in is no longer valid.");
              });
        } else {
          flow.sendCode(ctx, start, r, userId, done.result());
        }
      });
    });
  }
}
