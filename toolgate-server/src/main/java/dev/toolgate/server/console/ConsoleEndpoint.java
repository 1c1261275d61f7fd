package dev.toolgate.server.console;

import dev.toolgate.server.admin.AdminAuth;
import dev.toolgate.server.admin.AdminBody;
import dev.toolgate.server.admin.AdminProblems;
import dev.toolgate.server.admin.AdminResources;
import dev.toolgate.server.admin.AdminToken;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.http.NoEndpoint;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console on the gateway's own port, so that its pages and the admin API share one origin:
 *
 * <pre>
 * GET    /console                 → 301 /console/
 * GET    /console/                → the page (index.html); GET /console/{file} → its files
 * POST   /console/session  {"token": "tga_…"} → 200 {"signed_in": true, "admin_token", "expires_at", "csrf_token"} + session cookie
 * GET    /console/session         → 200 the same for a signed-in browser (a page reloaded), else {"signed_in": false}
 * DELETE /console/session         → 204, the cookie cleared
 * </pre>
 *
 * <p>Off while no admin token is active: then every path under {@code /console} answers exactly as
 * a path nothing serves (404 {@code route_not_found}). Every console answer carries a strict
 * Content-Security-Policy ({@link #CSP}: nothing but this origin's own files, no inline script or
 * style, Trusted Types with no policy so that no string ever becomes HTML), {@code nosniff},
 * {@code no-referrer}, and is never framed.
 */
public final class ConsoleEndpoint implements Endpoint {
  public static final String PATH = "/console";
  static final String SESSION_PATH = PATH + "/session";
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
      + "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'";
  /** A sign-in is one admin token in a small JSON object. */
  static final int MAX_SIGN_IN_BYTES = 4096;
  private static final String UNDER_CONSOLE = "/console(/.*)?";
  /** After the metrics (which time everything) and before every route a feature mounts. */
  private static final int GATE_ORDER = -900_000;
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleEndpoint.class);

  private final AdminAuth auth;
  private final ConsoleSessions sessions;
  private final ConsoleAssets assets;
  private final Clock clock;

  ConsoleEndpoint(AdminAuth auth, ConsoleSessions sessions, ConsoleAssets assets, Clock clock) {
    this.auth = Objects.requireNonNull(auth, "auth");
    this.sessions = Objects.requireNonNull(sessions, "sessions");
    this.assets = Objects.requireNonNull(assets, "assets");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The console with its files from the jar. */
  public static ConsoleEndpoint of(AdminAuth auth, ConsoleSessions sessions, Clock clock) {
    return new ConsoleEndpoint(auth, sessions, ConsoleAssets.load(), clock);
  }

  @Override
  public void mount(Router router) {
    router.route().pathRegex(UNDER_CONSOLE).order(GATE_ORDER).handler(this::gate);
    router.post(SESSION_PATH).handler(BodyHandler.create(false).setBodyLimit(MAX_SIGN_IN_BYTES).setMergeFormAttributes(false))
        .handler(this::signIn).failureHandler(ConsoleEndpoint::failed);
    router.get(SESSION_PATH).handler(this::current);
    router.delete(SESSION_PATH).handler(this::signOut);
    router.get().pathRegex(UNDER_CONSOLE).handler(this::file);
  }

  /** Off without an active admin token; otherwise the security headers every console answer carries. */
  private void gate(RoutingContext ctx) {
    if (!auth.anyActive()) {
      NoEndpoint.answer(ctx);
      return;
    }
    MultiMap headers = ctx.response().headers();
    headers.set("content-security-policy", CSP);
    headers.set("x-content-type-options", "nosniff");
    headers.set("referrer-policy", "no-referrer");
    headers.set("x-frame-options", "DENY");
    headers.set("cross-origin-opener-policy", "same-origin");
    headers.set("cross-origin-resource-policy", "same-origin");
    ctx.next();
  }

  private void file(RoutingContext ctx) {
    String path = ctx.request().path();
    if (path.equals(PATH)) {
      ctx.response().setStatusCode(301).putHeader("location", PATH + "/").putHeader("cache-control", "no-store").end();
      return;
    }
    String name = path.equals(PATH + "/") ? ConsoleAssets.INDEX : path.substring(PATH.length() + 1);
    Optional<ConsoleAssets.Asset> found = assets.find(name);
    if (found.isEmpty()) {
      NoEndpoint.answer(ctx);
      return;
    }
    ConsoleAssets.Asset asset = found.get();
    ctx.response().putHeader("content-type", asset.contentType());
    if (asset.isHtml()) {
      ctx.response().putHeader("cache-control", "no-store").end(asset.content());
      return;
    }
    // Scripts and styles: kept, but checked on every use, so a new version is picked up at once.
    ctx.response().putHeader("cache-control", "no-cache").putHeader("etag", asset.etag());
    if (asset.etag().equals(ctx.request().getHeader("if-none-match"))) {
      ctx.response().setStatusCode(304).end();
      return;
    }
    ctx.response().end(asset.content());
  }

  private void signIn(RoutingContext ctx) {
    AdminProblems.requestId(ctx);
    if (!sessions.originAllowed(ctx.request())) {
      AdminProblems.send(ctx, AdminProblems.Code.CSRF_TOKEN_INVALID, "the sign-in did not come from the console's own origin");
      return;
    }
    String token;
    try {
      token = presentedToken(ctx);
    } catch (IllegalArgumentException e) {
      AdminProblems.send(ctx, AdminProblems.Code.INVALID_REQUEST, e.getMessage());
      return;
    }
    auth.authenticate(token).onComplete(done -> {
      if (done.failed()) {
        AdminProblems.fail(ctx, done.cause());
      } else if (done.result().isEmpty()) {
        // One answer for unknown, revoked and expired, as for a bearer token.
        AdminProblems.send(ctx, AdminProblems.Code.ADMIN_TOKEN_INVALID, "the admin token is unknown, revoked or expired");
      } else {
        AdminToken admin = done.result().get();
        ConsoleSession session = ConsoleSession.begin(admin.id(), clock.instant(), ConsoleSessions.LIFETIME);
        ctx.response().headers().add("set-cookie", sessions.setCookie(sessions.seal(session)));
        LOG.info("console: signed in with admin token {} ({}, role {}) from {}", admin.id(), admin.name(), admin.role().value(),
            ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().hostAddress());
        json(ctx, 200, describe(admin, session));
      }
    });
  }

  /** The {@code token} of a JSON body; the token itself is never repeated in an answer. */
  private static String presentedToken(RoutingContext ctx) {
    String type = ctx.request().getHeader("content-type");
    String mediaType = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (!mediaType.equals("application/json")) {
      throw new IllegalArgumentException("send the admin token as JSON: {\"token\": \"tga_...\"} with Content-Type: application/json");
    }
    JsonObject body = AdminBody.read(ctx, List.of("token"));
    if (!(body.getValue("token") instanceof String token) || token.isBlank()) {
      throw new IllegalArgumentException("token is required: {\"token\": \"tga_...\"}");
    }
    return token.strip();
  }

  private void current(RoutingContext ctx) {
    AdminProblems.requestId(ctx);
    Instant now = clock.instant();
    Optional<ConsoleSession> session = sessions.session(ctx.request(), now);
    Optional<AdminToken> admin = session.flatMap(s -> auth.active(s.adminTokenId()));
    if (admin.isEmpty()) {
      if (sessions.sentCookie(ctx.request())) {
        ctx.response().headers().add("set-cookie", sessions.clearCookie()); // ended or unreadable: drop it
      }
      // Not a refusal: the page asks whether to show the sign-in form (a 401 would be a console error on every first visit).
      json(ctx, 200, new JsonObject().put("signed_in", false));
      return;
    }
    json(ctx, 200, describe(admin.get(), session.get()));
  }

  private void signOut(RoutingContext ctx) {
    AdminProblems.requestId(ctx);
    if (!sessions.originAllowed(ctx.request())) {
      AdminProblems.send(ctx, AdminProblems.Code.CSRF_TOKEN_INVALID, "the sign-out did not come from the console's own origin");
      return;
    }
    ctx.response().headers().add("set-cookie", sessions.clearCookie());
    ctx.response().setStatusCode(204).putHeader("cache-control", "no-store").end();
  }

  private static JsonObject describe(AdminToken admin, ConsoleSession session) {
    return new JsonObject()
        .put("signed_in", true)
        .put("admin_token", AdminResources.adminToken(admin))
        .put("expires_at", session.expiresAt().toString())
        .put("csrf_token", session.csrfToken());
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").putHeader("cache-control", "no-store").end(body.toBuffer());
  }

  private static void failed(RoutingContext ctx) {
    if (ctx.statusCode() == 413) {
      AdminProblems.send(ctx, AdminProblems.Code.BODY_TOO_LARGE, "a sign-in is at most " + MAX_SIGN_IN_BYTES + " bytes");
    } else {
      AdminProblems.failed(ctx);
    }
  }
}
