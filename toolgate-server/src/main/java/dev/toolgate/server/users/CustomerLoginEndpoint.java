package dev.toolgate.server.users;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.toolgate.core.net.ClientAddress;
import dev.toolgate.core.token.JwtFailure;
import dev.toolgate.core.token.JwtIssuer;
import dev.toolgate.core.token.JwtKeys;
import dev.toolgate.core.token.JwtResult;
import dev.toolgate.core.token.JwtRules;
import dev.toolgate.core.token.JwtVerifier;
import dev.toolgate.core.token.KeyRing;
import dev.toolgate.core.token.SigningAlgorithm;
import dev.toolgate.core.request.FormBody;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.http.FormBodyReader;
import dev.toolgate.server.http.RequestIds;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Customer login and logout, the ASAPP way.
 *
 * <p>{@code POST /auth/customer_authenticate} takes a form ({@code username}, {@code password}, and
 * optionally {@code tool}: a token minted for that tool alone, for high-risk tools with
 * {@code audience: tool}) and
 * answers {@code {"issued_at": "<ms>", "JWT": "<jwt>", "expires_in": "<s>"}} (all strings, as in
 * ASAPP's example). The JWT is signed with Toolgate's active key, {@code typ: JWT}, and carries
 * iss, sub, aud, iat, exp, jti, scope and {@code token_use: "customer"}.
 *
 * <p>Unknown user, wrong password and disabled user get byte-identical 401s after the same work
 * (one database read and one Argon2id verification each: unknown users are checked against a
 * dummy hash). Failed attempts are throttled per username and per client address
 * ({@link LoginThrottle}); a refused attempt gets 429 with {@code Retry-After} and costs no hash.
 * Password hashing, the database and signing run on worker threads.
 *
 * <p>{@code POST /auth/logout} with the customer JWT ({@code Authorization: Bearer <JWT>} or
 * {@code customer-auth: JWT <JWT>}) verifies it and hands its {@code jti} and {@code exp} to
 * {@code revokeJti}; 204 on success (and for a token that has already expired: nothing to do).
 * There is no refresh token: a customer renews by logging in again.
 */
public final class CustomerLoginEndpoint implements Endpoint {
  public static final String LOGIN_PATH = "/auth/customer_authenticate";
  public static final String LOGOUT_PATH = "/auth/logout";
  /** The {@code token_use} claim of customer tokens, which tells them apart from access tokens. */
  public static final String TOKEN_USE = CustomerTokens.TOKEN_USE;
  /** Largest login form accepted: a username and a 128-character password fit many times over. */
  public static final int MAX_FORM_BYTES = 8 * 1024;

  static final String FORM_TYPE = "application/x-www-form-urlencoded";
  /** The one body every refused login gets, whatever was wrong: unknown user, password, disabled. */
  static final Buffer INVALID_CREDENTIALS = Buffer.buffer(
      "{\"error\":\"invalid_credentials\",\"error_description\":\"the username or password is incorrect\"}");

  private static final Logger LOG = LoggerFactory.getLogger(CustomerLoginEndpoint.class);
  private static final String REQUEST_ID_KEY = "toolgate.request_id";
  private static final int MAX_TOKEN_CHARS = 8 * 1024;

  private final PasswordLogin passwords;
  private final CustomerTokens tokens;
  private final JwtVerifier verifier;
  private final ClientAddress clientAddress;
  private final BiConsumer<String, Instant> revokeJti;

  /**
   * @param keys Toolgate's current key ring (the one {@code issuer} signs with), to verify tokens at logout
   * @param clientAddress who a login comes from, for the throttle: the peer, or what a trusted proxy says
   * @param opaqueIds may be null only if {@code settings.subject()} is {@link CustomerLoginSettings.Subject#USER_ID}
   * @param revokeJti records a revoked token id until its expiry; called on a worker thread, may block
   */
  public CustomerLoginEndpoint(UserStore users, PasswordHasher hasher, JwtIssuer issuer, Supplier<KeyRing> keys,
      LoginThrottle throttle, ClientAddress clientAddress, OpaqueIds opaqueIds, CustomerLoginSettings settings,
      BiConsumer<String, Instant> revokeJti, Clock clock) {
    this.passwords = new PasswordLogin(Objects.requireNonNull(users, "users"), Objects.requireNonNull(hasher, "hasher"),
        Objects.requireNonNull(throttle, "throttle"));
    this.tokens = new CustomerTokens(issuer, opaqueIds, settings, clock);
    this.clientAddress = Objects.requireNonNull(clientAddress, "clientAddress");
    this.revokeJti = Objects.requireNonNull(revokeJti, "revokeJti");
    Objects.requireNonNull(keys, "keys");
    this.verifier = new JwtVerifier(
        JwtKeys.fromKeyRing(keys),
        new JwtRules(settings.issuer(), Set.copyOf(settings.allAudiences()),
            Arrays.stream(SigningAlgorithm.values()).map(SigningAlgorithm::jws).collect(Collectors.toUnmodifiableSet()),
            Set.of(JOSEObjectType.JWT), Duration.ZERO, MAX_TOKEN_CHARS, true),
        clock);
  }

  @Override
  public void mount(Router router) {
    router.post(LOGIN_PATH)
        .handler(new FormBodyReader(MAX_FORM_BYTES))
        .handler(this::login)
        .failureHandler(this::failed);
    router.post(LOGOUT_PATH).handler(this::logout).failureHandler(this::failed);
  }

  // ---- login ----

  private void login(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    if (!FORM_TYPE.equals(mediaType(req.getHeader("content-type")))) {
      invalidRequest(ctx, "send username and password as an " + FORM_TYPE + " form");
      return;
    }
    FormBody form = FormBody.parse(FormBodyReader.body(ctx).getBytes()).orElse(null);
    if (form == null) {
      invalidRequest(ctx, "the body is not an " + FORM_TYPE + " form: a broken %-escape or bytes that are not UTF-8");
      return;
    }
    String username = single(ctx, form, "username");
    if (username == null) {
      return;
    }
    String password = single(ctx, form, "password");
    if (password == null) {
      return;
    }
    String tool = null;
    if (!form.values("tool").isEmpty()) {
      tool = single(ctx, form, "tool");
      if (tool == null) {
        return;
      }
      if (!tokens.mintsFor(tool)) {
        invalidRequest(ctx, "tool is not the name of a tool that accepts user tokens");
        return;
      }
    }
    String forTool = tool;
    String name = UserStore.normalizeUsername(username);
    String address = clientAddress(req);
    ctx.vertx().executeBlocking(() -> login(name, password, forTool, address), false).onComplete(done -> {
      if (done.failed()) {
        if (done.cause() instanceof LoginThrottle.Unavailable down) {
          LOG.warn("customer login refused: the login throttle cannot count failures ({})", down.getMessage());
        } else {
          logFailure("login", ctx, done.cause());
        }
        unavailable(ctx);
      } else if (done.result().retryAfter() != null) {
        long seconds = done.result().retryAfter().toSeconds();
        ctx.response().putHeader("retry-after", Long.toString(seconds));
        error(ctx, 429, "too_many_attempts", "too many failed logins; try again in " + seconds + " seconds");
      } else if (done.result().token() == null) {
        json(ctx, 401).end(INVALID_CREDENTIALS);
      } else {
        json(ctx, 200).end(done.result().token());
      }
    });
  }

  /** A login's answer: a token, refused credentials (neither set), or throttled ({@code retryAfter}). */
  private record LoginResult(Buffer token, java.time.Duration retryAfter) {}

  /** On a worker thread, since a shared throttle asks Redis and the password is hashed: {@link PasswordLogin}, then the token. */
  private LoginResult login(String name, String password, String tool, String address) {
    PasswordLogin.Outcome outcome = passwords.attempt(name, password, address);
    if (outcome.retryAfter() != null) {
      return new LoginResult(null, outcome.retryAfter());
    }
    return new LoginResult(outcome.user() == null ? null : tokens.issue(outcome.user(), tool).toBuffer(), null);
  }

  // ---- logout ----

  private void logout(RoutingContext ctx) {
    String token = presentedToken(ctx.request());
    if (token == null) {
      invalidToken(ctx, "send the customer JWT as Authorization: Bearer <JWT>");
      return;
    }
    ctx.vertx().executeBlocking(() -> revoke(token), false).onComplete(done -> {
      if (done.failed()) {
        logFailure("logout", ctx, done.cause());
        unavailable(ctx);
      } else if (!done.result()) {
        invalidToken(ctx, "the token is not a valid customer token of this server");
      } else {
        ctx.response().setStatusCode(204).putHeader("cache-control", "no-store")
            .putHeader("x-request-id", requestId(ctx)).end();
      }
    });
  }

  /** On a worker thread. True if the token is ours (revoked now, or expired already); false if not ours. */
  private boolean revoke(String token) {
    JwtResult result = verifier.verify(token);
    if (result instanceof JwtResult.Invalid invalid) {
      return invalid.failure() == JwtFailure.EXPIRED; // already unusable: nothing to revoke
    }
    JWTClaimsSet claims = ((JwtResult.Valid) result).claims();
    if (!TOKEN_USE.equals(claims.getClaim("token_use")) || claims.getExpirationTime() == null || claims.getJWTID() == null) {
      return false;
    }
    revokeJti.accept(claims.getJWTID(), claims.getExpirationTime().toInstant());
    return true;
  }

  private static String presentedToken(HttpServerRequest req) {
    List<String> authorization = req.headers().getAll("authorization");
    List<String> customerAuth = req.headers().getAll("customer-auth");
    if (authorization.size() + customerAuth.size() != 1) {
      return null;
    }
    String header = authorization.isEmpty() ? customerAuth.get(0) : authorization.get(0);
    String scheme = authorization.isEmpty() ? "jwt " : "bearer ";
    if (header.length() <= scheme.length() || !header.regionMatches(true, 0, scheme, 0, scheme.length())) {
      return null;
    }
    String token = header.substring(scheme.length()).strip();
    return token.isEmpty() || token.length() > MAX_TOKEN_CHARS ? null : token;
  }

  /** A store that does not answer is one line per request (an outage must not fill the log with traces); anything else a trace. */
  private static void logFailure(String what, RoutingContext ctx, Throwable cause) {
    if (cause instanceof dev.toolgate.server.store.StoreException) {
      LOG.warn("customer {} could not be completed (request {}): {}", what, requestId(ctx), cause.getMessage());
    } else {
      LOG.error("customer {} could not be completed (request {})", what, requestId(ctx), cause);
    }
  }

  // ---- responses ----

  /** Sets the status and the headers every JSON answer of these endpoints carries. */
  private static HttpServerResponse json(RoutingContext ctx, int status) {
    return ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .putHeader("cache-control", "no-store")
        .putHeader("pragma", "no-cache")
        .putHeader("x-request-id", requestId(ctx));
  }

  private static void error(RoutingContext ctx, int status, String error, String description) {
    Buffer body = new JsonObject().put("error", error).put("error_description", description).toBuffer();
    json(ctx, status).end(body);
  }

  private static void invalidRequest(RoutingContext ctx, String description) {
    error(ctx, 400, "invalid_request", description);
  }

  private static void invalidToken(RoutingContext ctx, String description) {
    ctx.response().putHeader("www-authenticate", "Bearer realm=\"toolgate\", error=\"invalid_token\"");
    error(ctx, 401, "invalid_token", description);
  }

  private static void unavailable(RoutingContext ctx) {
    if (!ctx.response().headWritten()) {
      ctx.response().putHeader("retry-after", "5");
      error(ctx, 503, "temporarily_unavailable", "the service cannot handle this request now; try again later");
    }
  }

  /** Body too large, unreadable request, or anything unexpected: a clear JSON error, never a stack trace for bad input. */
  private void failed(RoutingContext ctx) {
    if (ctx.response().headWritten()) {
      return;
    }
    int status = ctx.statusCode();
    if (status == 413) {
      invalidRequest(ctx, "the request body is larger than " + MAX_FORM_BYTES + " bytes");
    } else if (status >= 400 && status < 500) {
      invalidRequest(ctx, "the request could not be read as an " + FORM_TYPE + " form");
    } else {
      LOG.error("customer login endpoint failed (request {})", requestId(ctx), ctx.failure());
      error(ctx, 500, "server_error", "internal error; see the server log");
    }
  }

  // ---- request helpers ----

  /** The one value of a form field; null (and a 400 sent) when it is missing, empty or repeated. */
  private static String single(RoutingContext ctx, FormBody form, String field) {
    List<String> values = form.values(field);
    if (values.isEmpty() || values.get(0).isEmpty()) {
      invalidRequest(ctx, "missing " + field);
      return null;
    }
    if (values.size() > 1) {
      invalidRequest(ctx, field + " is repeated");
      return null;
    }
    return values.get(0);
  }

  static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
  }

  /**
   * The client's address as the gateway sees it: the peer, or, from a trusted proxy, the address it
   * forwarded the login for. Behind a proxy, every client would otherwise share the proxy's budget.
   */
  private String clientAddress(HttpServerRequest req) {
    SocketAddress remote = req.remoteAddress();
    String peer = remote == null || remote.host() == null ? "unknown" : remote.host();
    return clientAddress.resolve(peer, name -> req.headers().getAll(name));
  }

  private static String requestId(RoutingContext ctx) {
    String id = ctx.get(REQUEST_ID_KEY);
    if (id == null) {
      id = RequestIds.next();
      ctx.put(REQUEST_ID_KEY, id);
    }
    return id;
  }
}
