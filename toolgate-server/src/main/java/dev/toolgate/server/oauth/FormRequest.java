package dev.toolgate.server.oauth;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;

/**
 * The parameters of an OAuth form POST, checked the way RFC 6749 §3.2 asks: form-encoded body only,
 * no parameter sent twice. Query parameters are not read unless an endpoint asks for them by name.
 */
final class FormRequest {
  private final MultiMap form;
  private final MultiMap query;

  private FormRequest(MultiMap form, MultiMap query) {
    this.form = form;
    this.query = query;
  }

  /** The parsed form, or the error to answer. */
  static Result read(RoutingContext ctx) {
    String type = ctx.request().getHeader("content-type");
    if (type == null && (ctx.body() == null || ctx.body().isEmpty())) {
      // No body at all (curl -u id:secret '...?grant_type=client_credentials'): an empty form, not a wrong one.
      return new Result(new FormRequest(MultiMap.caseInsensitiveMultiMap(), ctx.queryParams()), null);
    }
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
      return new Result(null, OAuthError.invalidRequest("the body must be application/x-www-form-urlencoded"));
    }
    MultiMap form = ctx.request().formAttributes();
    for (String name : form.names()) {
      if (form.getAll(name).size() > 1 && !name.equals("resource")) {
        return new Result(null, OAuthError.invalidRequest("parameter '" + safeName(name) + "' is sent more than once"));
      }
    }
    return new Result(new FormRequest(form, ctx.queryParams()), null);
  }

  record Result(FormRequest form, OAuthError error) {}

  Optional<String> get(String name) {
    String value = form.get(name);
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  List<String> all(String name) {
    return form.getAll(name);
  }

  /** A parameter accepted in the query string too (ASAPP puts grant_type there). */
  Optional<String> getFromBodyOrQuery(String name) {
    Optional<String> body = get(name);
    if (body.isPresent()) {
      return body;
    }
    List<String> values = query.getAll(name);
    return values.size() == 1 && !values.get(0).isEmpty() ? Optional.of(values.get(0)) : Optional.empty();
  }

  boolean queryRepeats(String name) {
    return query.getAll(name).size() > 1 || query.contains(name) && form.contains(name) && !query.get(name).equals(form.get(name));
  }

  private static String safeName(String name) {
    return name.matches("[A-Za-z0-9_.-]{1,40}") ? name : "(unprintable)";
  }
}
