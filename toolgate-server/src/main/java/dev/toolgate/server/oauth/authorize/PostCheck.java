package dev.toolgate.server.oauth.authorize;

import dev.toolgate.core.request.FormBody;
import dev.toolgate.core.secret.ConstantTime;
import dev.toolgate.server.http.BrowserOrigin;
import dev.toolgate.server.http.FormBodyReader;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a POST of the login or consent form must pass before its fields mean anything: sent from
 * this origin (no foreign {@code Origin}), a well-formed form with no field twice, a sealed request
 * this server made, and the CSRF nonce three times over: in the form field, in the browser's cookie
 * and inside the sealed request. A request page is only good for {@link AuthorizeFlow#REQUEST_LIFETIME}.
 */
final class PostCheck {
  static final String FORM_TYPE = "application/x-www-form-urlencoded";

  /** A form that passed, with the request it carries. */
  record Passed(FormBody form, PendingAuthorization pending) {
    /** The single value of a field (repeats were refused), or null. */
    String field(String name) {
      return PostCheck.field(form, name);
    }
  }

  private final AuthorizeFlow flow;
  private final String issuerOrigin;

  PostCheck(AuthorizeFlow flow) {
    this.flow = flow;
    this.issuerOrigin = BrowserOrigin.of(flow.issuer);
  }

  /** The form if it passes; otherwise the browser was answered (400 or 403 page) and the result is empty. */
  Optional<Passed> check(RoutingContext ctx, long start) {
    HttpServerRequest req = ctx.request();
    if (!BrowserOrigin.noneOrOurs(req, issuerOrigin)) {
      String why = req.headers().getAll("origin").size() == 1 ? "mismatch" : "repeated";
      return forbidden(ctx, start, null, "the form was posted from another site (Origin " + why + ")");
    }
    if (!FORM_TYPE.equals(mediaType(req.getHeader("content-type")))) {
      return badRequest(ctx, start, "The form was not sent as a form.");
    }
    Optional<FormBody> parsed = FormBody.parse(FormBodyReader.body(ctx).getBytes());
    if (parsed.isEmpty()) {
      return badRequest(ctx, start, "The form could not be read: a broken %-escape or text that is not UTF-8.");
    }
    FormBody form = parsed.get();
    for (String name : form.names()) {
      if (form.values(name).size() > 1) {
        return badRequest(ctx, start, "The form sent a field more than once.");
      }
    }
    String csrf = field(form, "csrf");
    Optional<PendingAuthorization> pending = PendingAuthorization.open(flow.sealer, field(form, "request"));
    if (pending.isEmpty()) {
      return forbidden(ctx, start, null, "the sealed request is missing or was not made by this server");
    }
    String clientId = pending.get().request().clientId();
    if (!BrowserCookies.isNonce(csrf) || !ConstantTime.same(csrf, pending.get().csrf())) {
      return forbidden(ctx, start, clientId, "the csrf field does not match the sealed request");
    }
    if (BrowserCookies.values(req, flow.cookies.csrfName()).stream().noneMatch(cookie -> ConstantTime.same(cookie, csrf))) {
      return forbidden(ctx, start, clientId, "the csrf cookie is missing or does not match");
    }
    if (pending.get().expired(flow.clock.instant())) {
      flow.audit.deny(ctx, start, clientId, pending.get().userId(), AuthorizeAudit.INVALID_REQUEST, 400, "the page has expired",
          () -> BrowserAnswers.problem(ctx, 400, "This page has expired", "The sign-in page was open for too long."));
      return Optional.empty();
    }
    return Optional.of(new Passed(form, pending.get()));
  }

  private Optional<Passed> forbidden(RoutingContext ctx, long start, String clientId, String detail) {
    flow.audit.deny(ctx, start, clientId, null, AuthorizeAudit.CSRF_REFUSED, 403, detail,
        () -> BrowserAnswers.problem(ctx, 403, "This form cannot be accepted",
            "It was not sent from the sign-in page this server showed in this browser (cookies must be enabled)."));
    return Optional.empty();
  }

  private Optional<Passed> badRequest(RoutingContext ctx, long start, String message) {
    flow.audit.deny(ctx, start, null, null, AuthorizeAudit.INVALID_REQUEST, 400, message, () -> BrowserAnswers.problem(ctx, 400, "Bad request", message));
    return Optional.empty();
  }

  private static String field(FormBody form, String name) {
    List<String> values = form.values(name);
    return values.isEmpty() ? null : values.get(0);
  }

  private static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
  }
}
