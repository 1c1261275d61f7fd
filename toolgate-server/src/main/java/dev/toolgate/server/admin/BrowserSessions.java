package dev.toolgate.server.admin;

import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;

/**
 * How {@link AdminAuth} recognises a browser signed in to the web console: a session cookie that
 * names an admin token, sent TOGETHER WITH that session's CSRF token in {@value #CSRF_HEADER} (and,
 * on a request that changes something, from the console's own origin). The admin token behind the
 * session is then checked like a bearer token: it must still be active, and its role applies.
 */
public interface BrowserSessions {
  /** The header a console page sends its session's CSRF token in. */
  String CSRF_HEADER = "x-csrf-token";

  /** No browser sessions: only bearer tokens (tests, and servers without the console). */
  BrowserSessions NONE = (request, now) -> null;

  /** What a request's session cookie says; null when it sent none (bearer rules apply). */
  Verdict check(HttpServerRequest request, Instant now);

  /** Why a request with a session cookie is refused, or that it is not. */
  enum Refusal {
    /** The session opens, has not expired, and the CSRF token and origin match: the token decides. */
    NONE,
    /** The cookie does not open (altered, another key, another purpose) or its session has ended: 401. */
    SESSION_ENDED,
    /** The CSRF header is missing or does not match the session's: 403 {@code csrf_token_invalid}. */
    CSRF_TOKEN,
    /** A state-changing request whose {@code Origin} is not the console's: 403 {@code csrf_token_invalid}. */
    ORIGIN
  }

  /**
   * @param adminTokenId the admin token the session was opened with (when it opens)
   * @param refusal {@link Refusal#NONE} when the token alone decides
   */
  record Verdict(String adminTokenId, Refusal refusal) {}
}
