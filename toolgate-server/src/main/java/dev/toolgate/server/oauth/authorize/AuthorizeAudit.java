package dev.toolgate.server.oauth.authorize;

import dev.toolgate.core.net.ClientAddress;
import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.AuditSink;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;

/**
 * Records each outcome of the authorization pages in the audit log: {@code allow} with
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

  private final AuditSink sink;
  private final ClientAddress clientAddress;
  private final Clock clock;

  AuthorizeAudit(AuditSink sink, ClientAddress clientAddress, Clock clock) {
    this.sink = sink;
    this.clientAddress = clientAddress;
    this.clock = clock;
  }

  void allow(RoutingContext ctx, long startNanos, String clientId, String userId, String code, int status, String detail) {
    record(ctx, startNanos, clientId, userId, "allow", code, status, detail);
  }

  void deny(RoutingContext ctx, long startNanos, String clientId, String userId, String code, int status, String detail) {
    record(ctx, startNanos, clientId, userId, "deny", code, status, detail);
  }

  private void record(RoutingContext ctx, long startNanos, String clientId, String userId, String decision, String code, int status,
      String detail) {
    HttpServerRequest req = ctx.request();
    sink.record(new AuditEvent(clock.instant(), BrowserAnswers.requestId(ctx), req.method().name(), req.path(), address(req), null,
        clientId, userId == null ? List.of() : List.of(userId), decision, code, status, (System.nanoTime() - startNanos) / 1000, detail));
  }

  /** The browser's address: the peer, or what a trusted proxy forwarded (the login throttle counts per address). */
  String address(HttpServerRequest req) {
    SocketAddress remote = req.remoteAddress();
    String peer = remote == null || remote.host() == null ? "unknown" : remote.host();
    return clientAddress.resolve(peer, name -> req.headers().getAll(name));
  }
}
