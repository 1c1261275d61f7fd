package dev.toolgate.server.oauth.authorize;

import dev.toolgate.core.net.ClientAddress;
import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.AuditSink;
import dev.toolgate.server.http.AuditedAnswer;
import dev.toolgate.server.http.LogBudget;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records each outcome of the authorization pages in the audit log, and lets its answer leave once the
 * record is kept (503 page if it cannot be): {@code allow} with
 * {@code code_issued} / {@code login_succeeded}, {@code deny} with {@code consent_denied},
 * {@code login_failed}, {@code login_throttled}, {@code csrf_refused}, {@code session_invalid}, an OAuth error code, or
 * {@code invalid_authorization_request}. The signed-in user's id goes in the credential ids. Never a
 * password, a code or a sealed value.
 */
final class AuthorizeAudit {
  static final String CODE_ISSUED = "code_issued";
  static final String LOGIN_SUCCEEDED = "login_succeeded";
  static final String LOGIN_FAILED = "login_failed";
  static final String LOGIN_THROTTLED = "login_throttled";
  static final String CONSENT_DENIED = "consent_denied";
  static final String CSRF_REFUSED = "csrf_refused";
  static final String SESSION_INVALID = "session_invalid";
  static final String INVALID_REQUEST = "invalid_authorization_request";
  static final String UNAVAILABLE = "temporarily_unavailable";

  private static final Logger LOG = LoggerFactory.getLogger(AuthorizeAudit.class);
  private static final LogBudget NOT_KEPT_LOGS = new LogBudget(1);

  private final AuditSink sink;
  private final ClientAddress clientAddress;
  private final Clock clock;

  AuthorizeAudit(AuditSink sink, ClientAddress clientAddress, Clock clock) {
    this.sink = sink;
    this.clientAddress = clientAddress;
    this.clock = clock;
  }

  /** Records the outcome, then sends {@code answer} once the record is kept (see {@link #record}). */
  void allow(RoutingContext ctx, long startNanos, String clientId, String userId, String code, int status, String detail, Runnable answer) {
    record(ctx, startNanos, clientId, userId, "allow", code, status, detail, answer);
  }

  /** Records the outcome, then sends {@code answer} once the record is kept (see {@link #record}). */
  void deny(RoutingContext ctx, long startNanos, String clientId, String userId, String code, int status, String detail, Runnable answer) {
    record(ctx, startNanos, clientId, userId, "deny", code, status, detail, answer);
  }

  /**
   * The answer leaves once its record is kept ({@link AuditedAnswer}); a record that cannot be kept
   * turns it into the 503 page, without the cookies already set for it (a sign-in whose record is
   * not kept must not start a session).
   */
  private void record(RoutingContext ctx, long startNanos, String clientId, String userId, String decision, String code, int status,
      String detail, Runnable answer) {
    HttpServerRequest req = ctx.request();
    AuditEvent event = new AuditEvent(clock.instant(), BrowserAnswers.requestId(ctx), req.method().name(), req.path(), address(req), null,
        clientId, userId == null ? List.of() : List.of(userId), decision, code, status, (System.nanoTime() - startNanos) / 1000, detail);
    AuditedAnswer.whenKept(ctx.vertx(), sink.recordBeforeAnswer(event), AuditedAnswer.ENDPOINT_WAIT, answer, why -> {
      long left = NOT_KEPT_LOGS.take();
      if (left >= 0) {
        LOG.warn("authorization page {} answered 503 (request {}): its audit record was {}{}", req.path(), event.requestId(), why,
            left > 0 ? " (" + left + " more such requests not logged)" : "");
      }
      if (!ctx.response().headWritten()) {
        ctx.response().headers().remove("set-cookie");
        BrowserAnswers.unavailable(ctx);
      }
    });
  }

  /** The browser's address: the peer, or what a trusted proxy forwarded (the login throttle counts per address). */
  String address(HttpServerRequest req) {
    SocketAddress remote = req.remoteAddress();
    String peer = remote == null || remote.host() == null ? "unknown" : remote.host();
    return clientAddress.resolve(peer, name -> req.headers().getAll(name));
  }
}
