package dev.toolgate.server.admin;

import dev.toolgate.core.secret.SecretDigest;
import dev.toolgate.server.admin.AdminRole.Access;
import dev.toolgate.server.http.Endpoint;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * {@code GET /admin/openapi.json} (any admin role that may read): the OpenAPI 3.1 document of the
 * admin API, the token endpoints and the decision API, as shipped in the jar (Maven copies
 * {@code docs/openapi.json} there, so the served document is the one in the repository). It
 * carries a strong {@code ETag}; {@code If-None-Match} with it answers 304.
 */
public final class OpenApiEndpoint implements Endpoint {
  public static final String PATH = "/admin/openapi.json";
  /** Where the build puts the document on the classpath. */
  static final String RESOURCE = "/openapi/openapi.json";

  private final AdminRoutes routes;
  private final Buffer document;
  private final String etag;

  public OpenApiEndpoint(AdminRoutes routes) {
    this(routes, load());
  }

  OpenApiEndpoint(AdminRoutes routes, byte[] document) {
    this.routes = Objects.requireNonNull(routes, "routes");
    this.document = Buffer.buffer(document);
    this.etag = "\"" + SecretDigest.of(new String(document, StandardCharsets.UTF_8)).substring(0, 32) + "\"";
  }

  @Override
  public void mount(Router router) {
    routes.get(router, PATH, Access.READ, this::serve);
  }

  private void serve(RoutingContext ctx) {
    AdminProblems.requestId(ctx);
    // Revalidated on every use: the document changes with the version of Toolgate answering.
    ctx.response().putHeader("etag", etag).putHeader("cache-control", "private, no-cache");
    if (matches(ctx.request().getHeader("if-none-match"))) {
      ctx.response().setStatusCode(304).end();
      return;
    }
    ctx.response().putHeader("content-type", "application/json").end(document);
  }

  /** RFC 9110 §13.1.2: {@code *}, or our tag in the list (weak comparison: a W/ prefix is ignored). */
  private boolean matches(String ifNoneMatch) {
    if (ifNoneMatch == null) {
      return false;
    }
    return Arrays.stream(ifNoneMatch.split(",")).map(String::strip)
        .anyMatch(t -> t.equals("*") || t.equals(etag) || t.equals("W/" + etag));
  }

  private static byte[] load() {
    try (InputStream in = OpenApiEndpoint.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the OpenAPI document (" + RESOURCE + ") is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
