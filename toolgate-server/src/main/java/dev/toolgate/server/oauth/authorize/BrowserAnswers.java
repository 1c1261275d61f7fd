package dev.toolgate.server.oauth.authorize;

import dev.toolgate.server.http.RequestIds;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the authorization pages answer a browser: HTML pages and 303 redirects, each with the headers
 * that keep the pages from being framed, cached, sniffed or leaking their URL.
 *
 * <p>{@code Content-Security-Policy}: nothing loads but the same-origin stylesheet, forms post only
 * to this origin and, where a form's answer is a 303 to the client, to the redirect URI's origin
 * (Chromium applies {@code form-action} to redirects after a form submission). Referrer policy is
 * {@code same-origin}, not {@code no-referrer}: under {@code no-referrer} browsers send
 * {@code Origin: null} with the page's own form POSTs, and the POSTs refuse a foreign Origin.
 * Redirects to the client carry {@code no-referrer}.
 */
final class BrowserAnswers {
  private static final Logger LOG = LoggerFactory.getLogger(BrowserAnswers.class);
  private static final String REQUEST_ID_KEY = "toolgate.request_id";

  private BrowserAnswers() {}

  /**
   * An HTML page.
   *
   * @param formTarget CSP source of the redirect URI the page's form may end at; null for a page whose
   *     form only posts here, or that has none
   * @param hasForm false for pages without a form: {@code form-action 'none'}
   */
  static void page(RoutingContext ctx, int status, String html, boolean hasForm, String formTarget) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return;
    }
    String formAction = !hasForm ? "'none'" : formTarget == null ? "'self'" : "'self' " + formTarget;
    common(ctx, status)
        .putHeader("content-type", "text/html; charset=utf-8")
        .putHeader("content-security-policy",
            "default-src 'none'; style-src 'self'; form-action " + formAction + "; frame-ancestors 'none'; base-uri 'none'")
        .putHeader("referrer-policy", "same-origin")
        .end(html);
  }

  /** A page without a form: an error or a notice. */
  static void problem(RoutingContext ctx, int status, String title, String message) {
    page(ctx, status, AuthorizePages.problem(title, message), false, null);
  }

  /** 303 See Other to {@code location} (the client's redirect URI with the answer appended). */
  static void redirect(RoutingContext ctx, String location) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return;
    }
    common(ctx, 303)
        .putHeader("location", location)
        .putHeader("referrer-policy", "no-referrer")
        .end();
  }

  private static HttpServerResponse common(RoutingContext ctx, int status) {
    return ctx.response()
        .setStatusCode(status)
        .putHeader("cache-control", "no-store")
        .putHeader("pragma", "no-cache")
        .putHeader("x-frame-options", "DENY")
        .putHeader("x-content-type-options", "nosniff")
        .putHeader("x-request-id", requestId(ctx));
  }

  /** 503 with Retry-After: the store or the login throttle cannot answer now. */
  static void unavailable(RoutingContext ctx) {
    if (!ctx.response().headWritten()) {
      ctx.response().putHeader("retry-after", "5");
    }
    problem(ctx, 503, "Try again in a moment", "The sign-in service cannot answer right now.");
  }

  static String requestId(RoutingContext ctx) {
    String id = ctx.get(REQUEST_ID_KEY);
    if (id == null) {
      id = RequestIds.next();
      ctx.put(REQUEST_ID_KEY, id);
    }
    return id;
  }

  /**
   * Failure handler of the page routes: an over-long form is 413, an unreadable request 400, both a
   * page; anything thrown is logged once with the request id and answered 500 without details.
   */
  static void failed(RoutingContext ctx) {
    if (ctx.response().headWritten()) {
      ctx.request().connection().close();
      return;
    }
    int status = ctx.statusCode();
    if (status == 413) {
      problem(ctx, 413, "Request too large", "The form sent is larger than this server accepts.");
    } else if (status >= 400 && status < 500) {
      problem(ctx, 400, "Bad request", "The request could not be read.");
    } else {
      LOG.error("authorization page {} failed (request {})", ctx.request().path(), requestId(ctx), ctx.failure());
      problem(ctx, 500, "Something went wrong", "The server could not complete this request; the problem was logged.");
    }
  }
}
