package dev.toolgate.server.oauth;

import dev.toolgate.core.request.FormBody;
import dev.toolgate.server.http.FormBodyReader;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;

/**
 * The parameters of an OAuth form POST, checked the way RFC 6749 §3.2 asks: form-encoded body only,
 * no parameter sent twice. Query parameters are not read unless an endpoint asks for them by name.
 * Body and query are decoded strictly ({@link FormBody}): a broken escape is an {@code invalid_request}.
 */
public final class FormRequest {
  private static final FormBody EMPTY = new FormBody(List.of());
  private final FormBody form;
  private final FormBody query;

  private FormRequest(FormBody form, FormBody query) {
    this.form = form;
    this.query = query;
  }

  /** The parsed form, or the error to answer. The body was read by {@link FormBodyReader}. */
  static Result read(RoutingContext ctx) {
    Optional<FormBody> query = FormBody.parseQuery(ctx.request().query());
    if (query.isEmpty()) {
      return new Result(null, OAuthError.invalidRequest("the query string has a broken %-escape or is not UTF-8"));
    }
    String type = ctx.request().getHeader("content-type");
    Buffer body = FormBodyReader.body(ctx);
    if (type == null && body.length() == 0) {
      // No body at all (curl -u id:secret '...?grant_type=client_credentials'): an empty form, not a wrong one.
      return new Result(new FormRequest(EMPTY, query.get()), null);
    }
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      return new Result(null, OAuthError.invalidRequest("the body must be application/x-www-form-urlencoded"));
    }
    Optional<FormBody> form = FormBody.parse(body.getBytes());
    if (form.isEmpty()) {
      return new Result(null, OAuthError.invalidRequest("the body is not application/x-www-form-urlencoded: a broken %-escape or bytes that are not UTF-8"));
    }
    for (String name : form.get().names()) {
      if (form.get().values(name).size() > 1 && !name.equals("resource")) {
        return new Result(null, OAuthError.invalidRequest("parameter '" + safeName(name) + "' is sent more than once"));
      }
    }
    return new Result(new FormRequest(form.get(), query.get()), null);
  }

  record Result(FormRequest form, OAuthError error) {}

  public Optional<String> get(String name) {
    List<String> values = form.values(name);
    return values.isEmpty() || values.get(0).isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  public List<String> all(String name) {
    return form.values(name);
  }

  /** A parameter accepted in the query string too (ASAPP puts grant_type there). */
  Optional<String> getFromBodyOrQuery(String name) {
    Optional<String> body = get(name);
    if (body.isPresent()) {
      return body;
    }
    List<String> values = query.values(name);
    return values.size() == 1 && !values.get(0).isEmpty() ? Optional.of(values.get(0)) : Optional.empty();
  }

  boolean queryRepeats(String name) {
    List<String> inQuery = query.values(name);
    List<String> inBody = form.values(name);
    return inQuery.size() > 1 || !inQuery.isEmpty() && !inBody.isEmpty() && !inQuery.get(0).equals(inBody.get(0));
  }

  private static String safeName(String name) {
    return name.matches("[A-Za-z0-9_.-]{1,40}") ? name : "(unprintable)";
  }
}
