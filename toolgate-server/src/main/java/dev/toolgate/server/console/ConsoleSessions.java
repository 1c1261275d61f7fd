package dev.toolgate.server.console;

import dev.toolgate.core.secret.ConstantTime;
import dev.toolgate.server.admin.BrowserSessions;
import dev.toolgate.server.http.BrowserOrigin;
import dev.toolgate.server.http.CookieHeader;
import dev.toolgate.server.store.SealedState;
import dev.toolgate.server.store.SecretBox;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The web console's session cookie, and how a request carrying it is judged ({@link
 * BrowserSessions}, for {@code AdminAuth}).
 *
 * <p>The cookie is {@code HttpOnly} (no script reads it), {@code SameSite=Strict} (no other site's
 * page makes the browser send it) and {@code Path=/} (it must reach {@code /admin/}); over TLS it is
 * {@code Secure} and named with the {@code __Host-} prefix, so no other host, nor plain HTTP, can
 * set or overwrite it. Its value is sealed under the master key: the admin token's id, the
 * session's lifetime and its CSRF token; never the admin token. The cookie alone authenticates
 * nothing: every {@code /admin/} request must also carry the CSRF token in {@value
 * BrowserSessions#CSRF_HEADER}, which only the console's own pages learn (from the sign-in answer),
 * and a request that changes something must come from the console's own origin when it says where
 * it comes from.
 */
public final class ConsoleSessions implements BrowserSessions {
  /** How long a sign-in lasts; revoking its admin token ends it at once. */
  public static final Duration LIFETIME = Duration.ofHours(8);
  static final String COOKIE = "toolgate_console";
  /** More session cookies than this in one request are not ours to try. */
  private static final int MAX_COOKIES_TRIED = 4;

  private final SealedState sealer;
  private final boolean secure;
  private final String issuerOrigin;

  /**
   * @param issuer this server's issuer: a page of that origin may change things (besides the
   *     origin the request itself was sent to)
   * @param secure served over TLS (here or at a proxy): the cookie is {@code Secure} and {@code __Host-}
   */
  public ConsoleSessions(SecretBox box, String issuer, boolean secure) {
    this.sealer = new SealedState(Objects.requireNonNull(box, "box"));
    this.issuerOrigin = BrowserOrigin.of(issuer);
    this.secure = secure;
  }

  String cookieName() {
    return secure ? "__Host-" + COOKIE : COOKIE;
  }

  @Override
  public Verdict check(HttpServerRequest request, Instant now) {
    List<String> values = CookieHeader.values(request.headers(), cookieName());
    if (values.isEmpty()) {
      return null;
    }
    Optional<ConsoleSession> session = open(values, now);
    if (session.isEmpty()) {
      return new Verdict(null, Refusal.SESSION_ENDED);
    }
    List<String> csrf = request.headers().getAll(CSRF_HEADER);
    if (csrf.size() != 1 || !ConstantTime.same(csrf.get(0), session.get().csrfToken())) {
      return new Verdict(session.get().adminTokenId(), Refusal.CSRF_TOKEN);
    }
    if (changes(request.method()) && !originAllowed(request)) {
      return new Verdict(session.get().adminTokenId(), Refusal.ORIGIN);
    }
    return new Verdict(session.get().adminTokenId(), Refusal.NONE);
  }

  /** The request's session, if its cookie opens and has not ended (the admin token behind it is not checked here). */
  Optional<ConsoleSession> session(HttpServerRequest request, Instant now) {
    return open(CookieHeader.values(request.headers(), cookieName()), now);
  }

  /** Whether the request sent a session cookie at all (one that no longer opens is cleared). */
  boolean sentCookie(HttpServerRequest request) {
    return !CookieHeader.values(request.headers(), cookieName()).isEmpty();
  }

  private Optional<ConsoleSession> open(List<String> values, Instant now) {
    for (String value : values.subList(0, Math.min(values.size(), MAX_COOKIES_TRIED))) {
      Optional<ConsoleSession> session = ConsoleSession.open(sealer, value, now);
      if (session.isPresent()) {
        return session;
      }
    }
    return Optional.empty();
  }

  String seal(ConsoleSession session) {
    return session.seal(sealer);
  }

  /** The {@code Set-Cookie} value that signs this browser in. */
  String setCookie(String sealed) {
    return cookie(sealed, LIFETIME);
  }

  /** The {@code Set-Cookie} value that signs this browser out. */
  String clearCookie() {
    return cookie("", Duration.ZERO);
  }

  private String cookie(String value, Duration maxAge) {
    return cookieName() + "=" + value + "; Path=/; Max-Age=" + maxAge.toSeconds() + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
  }

  /**
   * Whether a request may change something: it names no origin (not a browser, or one that sends
   * none on a same-origin GET), or names exactly the console's: the issuer's, or the one the request
   * was sent to.
   */
  boolean originAllowed(HttpServerRequest request) {
    return BrowserOrigin.noneOrOurs(request, issuerOrigin, BrowserOrigin.ofRequest(request));
  }

  private static boolean changes(HttpMethod method) {
    return !(method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS);
  }
}
