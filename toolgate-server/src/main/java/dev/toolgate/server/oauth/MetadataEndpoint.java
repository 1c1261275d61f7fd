package dev.toolgate.server.oauth;

import dev.toolgate.core.token.KeyRing;
import dev.toolgate.server.http.Endpoint;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * Discovery documents: RFC 8414 authorization server metadata, the RFC 7517 JWKS (public parts
 * only) and RFC 9728 protected resource metadata describing the tools and their scopes.
 */
public final class MetadataEndpoint implements Endpoint {
  public static final String JWKS_PATH = "/.well-known/jwks.json";
  public static final String RESOURCE_METADATA_PATH = "/.well-known/oauth-protected-resource";

  /** A tool as the protected-resource document lists it. */
  public record ToolScopes(String name, String method, String path, List<String> scopes) {}

  private final Buffer authorizationServer;
  private final Buffer protectedResource;
  private final Supplier<KeyRing> keys;
  private volatile RenderedJwks rendered = new RenderedJwks(null, null);

  private record RenderedJwks(KeyRing ring, Buffer json) {}

  public MetadataEndpoint(String issuer, String defaultResource, Collection<String> scopes, List<ToolScopes> tools, Supplier<KeyRing> keys) {
    this.keys = keys;
    List<String> authMethods = List.of(ClientAuthenticator.BASIC, ClientAuthenticator.POST, ClientAuthenticator.PRIVATE_KEY_JWT);
    JsonArray algs = new JsonArray(List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"));
    this.authorizationServer = new JsonObject()
        .put("issuer", issuer)
        .put("token_endpoint", issuer + "/oauth/token")
        .put("jwks_uri", issuer + JWKS_PATH)
        .put("introspection_endpoint", issuer + "/oauth/introspect")
        .put("revocation_endpoint", issuer + "/oauth/revoke")
        .put("grant_types_supported", new JsonArray(List.of("client_credentials")))
        .put("response_types_supported", new JsonArray())
        .put("scopes_supported", new JsonArray(List.copyOf(scopes)))
        .put("token_endpoint_auth_methods_supported", new JsonArray(authMethods))
        .put("token_endpoint_auth_signing_alg_values_supported", algs)
        .put("introspection_endpoint_auth_methods_supported", new JsonArray(authMethods))
        .put("revocation_endpoint_auth_methods_supported", new JsonArray(authMethods))
        .put("protected_resources", new JsonArray(List.of(defaultResource)))
        .toBuffer();
    JsonArray toolList = new JsonArray();
    for (ToolScopes t : tools) {
      toolList.add(new JsonObject().put("name", t.name()).put("method", t.method()).put("path", t.path()).put("scopes", new JsonArray(t.scopes())));
    }
    this.protectedResource = new JsonObject()
        .put("resource", defaultResource)
        .put("authorization_servers", new JsonArray(List.of(issuer)))
        .put("jwks_uri", issuer + JWKS_PATH)
        .put("scopes_supported", new JsonArray(List.copyOf(scopes)))
        .put("bearer_methods_supported", new JsonArray(List.of("header")))
        .put("resource_name", "Toolgate tools")
        .put("toolgate_tools", toolList)
        .toBuffer();
  }

  @Override
  public void mount(Router router) {
    router.get("/.well-known/oauth-authorization-server").handler(ctx -> send(ctx, authorizationServer, 300));
    router.get(JWKS_PATH).handler(ctx -> send(ctx, jwks(), 60));
    router.get(RESOURCE_METADATA_PATH).handler(ctx -> send(ctx, protectedResource, 300));
  }

  /** Rendered once per key ring, not per request. */
  private Buffer jwks() {
    KeyRing ring = keys.get();
    RenderedJwks current = rendered;
    if (current.ring() != ring) {
      current = new RenderedJwks(ring, Buffer.buffer(ring.jwksJson()));
      rendered = current;
    }
    return current.json();
  }

  private static void send(RoutingContext ctx, Buffer body, int maxAgeSeconds) {
    ctx.response().putHeader("content-type", "application/json")
        .putHeader("cache-control", "public, max-age=" + maxAgeSeconds)
        .end(body);
  }
}
