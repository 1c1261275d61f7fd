package dev.toolgate.server.admin;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.toolgate.server.admin.AdminRole.Access;
import dev.toolgate.server.http.Endpoint;
import dev.toolgate.server.store.NotFoundException;
import dev.toolgate.server.store.OAuthClientStore;
import dev.toolgate.server.store.OAuthSettings;
import dev.toolgate.server.store.StoreConflictException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A client's public keys for {@code private_key_jwt} on the admin API, one at a time (the whole set
 * is the {@code jwks} of its OAuth settings):
 *
 * <pre>
 * GET    /admin/clients/{id}/keys          → 200 {"keys": [JWK...]} + ETag
 * GET    /admin/clients/{id}/keys/{kid}    → 200 JWK + ETag
 * POST   /admin/clients/{id}/keys          {"jwk": {public JWK with "kid"}} → 201 JWK
 * DELETE /admin/clients/{id}/keys/{kid}    → 200 {"keys": [JWK...]} (those left) + ETag
 * </pre>
 *
 * Each change reads and writes the settings in one transaction ({@link
 * OAuthClientStore#updateOAuthSettings}), so two changes at once cannot undo each other; {@code
 * If-Match} (the key list's ETag) is compared there too. A private or symmetric key, an RSA key
 * under 2048 bits or an encryption key is refused by {@link OAuthSettings#parseJwks}, which never
 * repeats key material; a kid already registered is a 409, and so is removing the last key while
 * {@code private_key_jwt} is allowed.
 */
public final class ClientKeysAdminEndpoint implements Endpoint {
  /** A kid names a key in a path: visible ASCII, so it survives percent-encoding as it is. */
  static final int MAX_KID_LENGTH = 128;
  private final AdminRoutes routes;
  private final OAuthClientStore oauth;
  private final CredentialRefresh refresh;

  /** @param refresh makes a change visible to this instance at once (blocking; called on a worker thread) */
  public ClientKeysAdminEndpoint(AdminRoutes routes, OAuthClientStore oauth, Runnable refresh) {
    this.routes = Objects.requireNonNull(routes, "routes");
    this.oauth = Objects.requireNonNull(oauth, "oauth");
    this.refresh = new CredentialRefresh(refresh);
  }

  @Override
  public void mount(Router router) {
    routes.get(router, "/admin/clients/:id/keys", Access.READ, ctx -> AdminJson.respondTagged(ctx,
        () -> OAuthSettingsAdminEndpoint.stored(oauth, ctx.pathParam("id")), AdminResources::clientKeys));
    routes.get(router, "/admin/clients/:id/keys/:kid", Access.READ, ctx -> AdminJson.respondTagged(ctx, () -> {
      OAuthSettings settings = OAuthSettingsAdminEndpoint.stored(oauth, ctx.pathParam("id"));
      return withKid(settings, ctx.pathParam("kid"), ctx.pathParam("id")).get(0);
    }, AdminResources::jwk));
    routes.create(router, "/admin/clients/:id/keys", Access.OPERATE, this::add);
    routes.delete(router, "/admin/clients/:id/keys/:kid", Access.OPERATE, this::remove);
  }

  private void add(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    AdminJson.created(ctx, () -> {
      IfMatch ifMatch = IfMatch.of(ctx);
      JWK key = parse(AdminBody.read(ctx, List.of("jwk")));
      oauth.updateOAuthSettings(id, current -> {
        OAuthSettings usable = usable(current, ifMatch);
        List<JWK> keys = keys(usable);
        if (keys.stream().anyMatch(k -> key.getKeyID().equals(k.getKeyID()))) {
          throw new StoreConflictException("client " + id + " already has a key with kid '" + key.getKeyID() + "'");
        }
        keys.add(key);
        return OAuthSettingsAdminEndpoint.field("jwk", () -> with(usable, new JWKSet(keys)));
      });
      refresh.afterWrite();
      return key;
    }, AdminResources::jwk, key -> "/admin/clients/" + encode(id) + "/keys/" + encode(key.getKeyID()));
  }

  private void remove(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String kid = ctx.pathParam("kid");
    AdminJson.respondTagged(ctx, () -> {
      IfMatch ifMatch = IfMatch.of(ctx);
      OAuthSettings written = oauth.updateOAuthSettings(id, current -> {
        OAuthSettings usable = usable(current, ifMatch);
        withKid(usable, kid, id); // 404 for a kid it does not have
        List<JWK> left = keys(usable);
        left.removeIf(k -> kid.equals(k.getKeyID()));
        if (left.isEmpty() && usable.allowsAuthMethod(OAuthSettings.PRIVATE_KEY_JWT)) {
          throw new StoreConflictException("'" + kid + "' is the last key of client " + id + ", which may authenticate with "
              + OAuthSettings.PRIVATE_KEY_JWT + "; add its new key first, or remove " + OAuthSettings.PRIVATE_KEY_JWT
              + " from its auth_methods (PUT /admin/clients/{id}/oauth)");
        }
        return with(usable, left.isEmpty() ? null : new JWKSet(left));
      });
      refresh.afterWrite();
      return written;
    }, AdminResources::clientKeys);
  }

  /** The one public JWK a POST body holds; every check but the kid's is {@link OAuthSettings#parseJwks}'s. */
  static JWK parse(JsonObject body) {
    Object value = body.getValue("jwk");
    if (value == null) {
      throw new IllegalArgumentException("jwk is required: one public JWK with a kid");
    }
    if (!(value instanceof JsonObject jwk) || jwk.containsKey("keys")) {
      throw new IllegalArgumentException("jwk must be one JWK (a JSON object with \"kty\"), not a JWK set");
    }
    JWK key = OAuthSettingsAdminEndpoint.field("jwk", () -> OAuthSettings.parseJwks(jwk.encode())).getKeys().get(0);
    String kid = key.getKeyID();
    if (kid == null || kid.isEmpty()) {
      throw new IllegalArgumentException("jwk.kid is required: a key is named by its kid (DELETE /admin/clients/{id}/keys/{kid})");
    }
    if (kid.length() > MAX_KID_LENGTH || !kid.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
      throw new IllegalArgumentException("jwk.kid must be 1-" + MAX_KID_LENGTH + " visible ASCII characters (no spaces)");
    }
    return key;
  }

  /** The stored settings, after If-Match was compared with the stored key list. */
  private static OAuthSettings usable(OAuthSettings current, IfMatch ifMatch) {
    OAuthSettingsAdminEndpoint.require(ifMatch, current == null ? null : AdminResources.clientKeys(current));
    if (current == null) {
      throw OAuthSettingsAdminEndpoint.unusable(null);
    }
    return current;
  }

  private static List<JWK> keys(OAuthSettings settings) {
    return settings.jwks() == null ? new ArrayList<>() : new ArrayList<>(settings.jwks().getKeys());
  }

  private static List<JWK> withKid(OAuthSettings settings, String kid, String clientId) {
    List<JWK> found = keys(settings).stream().filter(k -> kid.equals(k.getKeyID())).toList();
    if (found.isEmpty()) {
      throw new NotFoundException("client " + clientId + " has no key with kid '" + kid + "'");
    }
    return found;
  }

  private static OAuthSettings with(OAuthSettings s, JWKSet jwks) {
    return new OAuthSettings(s.allowedScopes(), s.tokenTtl(), s.authMethods(), jwks, s.redirectUris());
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
