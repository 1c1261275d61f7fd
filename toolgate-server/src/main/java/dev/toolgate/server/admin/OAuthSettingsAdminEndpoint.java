package dev.toolgate.server.admin;

import dev.toolgate.server.admin.AdminRole.Access;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.store.OAuthClientStore;
import dev.toolgate.server.store.OAuthSettings;
import dev.toolgate.server.store.StoreConflictException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A client's OAuth settings on the admin API, what {@code toolgate client-oauth} shows and changes:
 *
 * <pre>
 * GET /admin/clients/{id}/oauth  → 200 OAuth settings + ETag
 * PUT /admin/clients/{id}/oauth  {"scopes", "token_ttl_seconds", "auth_methods", "redirect_uris", "jwks"?} → 200 OAuth settings + ETag
 * </pre>
 *
 * PUT replaces everything (a partial change is GET, edit, PUT with {@code If-Match}); {@code
 * client_id} may be sent back as GET gave it. {@code If-Match} is compared with the stored settings
 * inside the write transaction ({@link OAuthClientStore#updateOAuthSettings}), so of two edits of
 * the same version exactly one is made. Every check is {@link OAuthSettings}'s own.
 */
public final class OAuthSettingsAdminEndpoint implements Endpoint {
  private static final List<String> FIELDS = List.of("client_id", "scopes", "token_ttl_seconds", "auth_methods", "redirect_uris", "jwks");
  private final AdminRoutes routes;
  private final OAuthClientStore oauth;
  private final CredentialRefresh refresh;

  /** @param refresh makes a change visible to this instance at once (blocking; called on a worker thread) */
  public OAuthSettingsAdminEndpoint(AdminRoutes routes, OAuthClientStore oauth, Runnable refresh) {
    this.routes = Objects.requireNonNull(routes, "routes");
    this.oauth = Objects.requireNonNull(oauth, "oauth");
    this.refresh = new CredentialRefresh(refresh);
  }

  @Override
  public void mount(Router router) {
    routes.get(router, "/admin/clients/:id/oauth", Access.READ, ctx -> {
      String id = ctx.pathParam("id");
      AdminJson.respondTagged(ctx, () -> stored(oauth, id), s -> AdminResources.oauthSettings(id, s));
    });
    routes.put(router, "/admin/clients/:id/oauth", Access.OPERATE, this::replace);
  }

  private void replace(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    AdminJson.respondTagged(ctx, () -> {
      IfMatch ifMatch = IfMatch.of(ctx);
      OAuthSettings wanted = parse(AdminBody.read(ctx, FIELDS), id);
      OAuthSettings written = oauth.updateOAuthSettings(id, current -> {
        require(ifMatch, current == null ? null : AdminResources.oauthSettings(id, current));
        return wanted;
      });
      refresh.afterWrite();
      return written;
    }, s -> AdminResources.oauthSettings(id, s));
  }

  /** The stored settings; 409 when they were edited by hand into something unusable (PUT replaces them). */
  static OAuthSettings stored(OAuthClientStore oauth, String clientId) {
    try {
      return oauth.oauthSettings(clientId);
    } catch (IllegalStateException e) {
      throw unusable(e.getMessage());
    }
  }

  static StoreConflictException unusable(String why) {
    return new StoreConflictException((why == null ? "the stored OAuth settings are unusable" : why)
        + "; replace them with PUT /admin/clients/{id}/oauth");
  }

  /**
   * {@link IfMatch#require} against what is stored; {@code current} null (unusable settings) still
   * exists, so it matches {@code *} and nothing else.
   */
  static void require(IfMatch ifMatch, JsonObject current) {
    if (current != null) {
      ifMatch.require(current);
    } else if (!ifMatch.tags().contains("*")) {
      throw new IfMatch.PreconditionFailedException("the stored settings are unusable and have no ETag; send If-Match: * or none");
    }
  }

  /** The settings a PUT body describes, each field checked by {@link OAuthSettings} and named when wrong. */
  static OAuthSettings parse(JsonObject body, String clientId) {
    String echoed = AdminJson.string(body, "client_id", false);
    if (echoed != null && !echoed.equals(clientId)) {
      throw new IllegalArgumentException("client_id does not match the client in the path");
    }
    OAuthSettings defaults = OAuthSettings.DEFAULT;
    List<String> scopeList = required(body, "scopes");
    Set<String> scopes = field("scopes", () -> new OAuthSettings(new LinkedHashSet<>(scopeList), defaults.tokenTtl(), defaults.authMethods(), null)
        .allowedScopes());
    Duration ttl = Duration.ofSeconds(ttlSeconds(body));
    List<String> uriList = required(body, "redirect_uris");
    List<String> uris = field("redirect_uris", () -> defaults.withRedirectUris(uriList).redirectUris());
    Object jwksValue = body.getValue("jwks");
    if (jwksValue != null && !(jwksValue instanceof JsonObject)) {
      throw new IllegalArgumentException("jwks must be a JWK set ({\"keys\": [...]}), one JWK, or null");
    }
    var jwks = field("jwks", () -> OAuthSettings.parseJwks(jwksValue == null ? null : ((JsonObject) jwksValue).encode()));
    List<String> methods = required(body, "auth_methods");
    return field("auth_methods", () -> new OAuthSettings(scopes, ttl, new LinkedHashSet<>(methods), jwks, uris));
  }

  private static List<String> required(JsonObject body, String field) {
    List<String> values = AdminJson.strings(body, field);
    if (values == null) {
      throw new IllegalArgumentException(field + " is required (an array of strings; [] for none)");
    }
    return values;
  }

  private static long ttlSeconds(JsonObject body) {
    Object value = body.getValue("token_ttl_seconds");
    if (value == null) {
      throw new IllegalArgumentException("token_ttl_seconds is required");
    }
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 1) {
      throw new IllegalArgumentException("token_ttl_seconds must be a positive integer (seconds)");
    }
    return ((Number) value).longValue();
  }

  /** Runs a check of {@link OAuthSettings}, naming the field its message is about. */
  static <T> T field(String name, Supplier<T> check) {
    try {
      return check.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
  }
}
