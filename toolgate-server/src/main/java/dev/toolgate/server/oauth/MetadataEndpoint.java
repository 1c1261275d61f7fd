package dev.toolgate.server.oauth;

import dev.toolgate.core.config.CodeFlowSettings;
import dev.toolgate.core.config.RegistrationSettings;
import dev.toolgate.core.token.KeyRing;
import dev.toolgate.server.store.OAuthSettings;
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
 * Discovery documents: RFC 8414 authorization server metadata (also at the OpenID Connect discovery
 * path, which MCP clients try second, and at the path-inserted forms when the issuer has a path),
 * the RFC 7517 JWKS (public parts only) and RFC 9728 protected resource metadata describing the
 * tools and their scopes.
 */
public final class MetadataEndpoint implements Endpoint {
  public static final String JWKS_PATH = "/.well-known/jwks.json";
  public static final String RESOURCE_METADATA_PATH = "/.well-known/oauth-protected-resource";

  /** A tool as the protected-resource document lists it. */
  public record ToolScopes(String name, String method, String path, List<String> scopes) {}

  public static final String AUTHORIZATION_SERVER_PATH = "/.well-known/oauth-authorization-server";
  public static final String OPENID_CONFIGURATION_PATH = "/.well-known/openid-configuration";

  private final Buffer authorizationServer;
  private final String issuerPath;
  private final Buffer protectedResource;
  private final Supplier<KeyRing> keys;
  private volatile RenderedJwks rendered = new RenderedJwks(null, null);

  private record RenderedJwks(KeyRing ring, Buffer json) {}

  /**
   * @param resources every resource a token may be asked for (RFC 8707), listed in {@code protected_resources}
   */
  public MetadataEndpoint(String issuer, String defaultResource, Collection<String> resources, Collection<String> scopes, List<ToolScopes> tools,
      CodeFlowSettings codeFlow, Supplier<KeyRing> keys) {
    this.keys = keys;
    String path = java.net.URI.create(issuer).getRawPath();
    this.issuerPath = path == null ? "" : path;
    List<String> confidential = List.of(ClientAuthenticator.BASIC, ClientAuthenticator.POST, ClientAuthenticator.PRIVATE_KEY_JWT);
    List<String> withPublic = List.of(ClientAuthenticator.BASIC, ClientAuthenticator.POST, ClientAuthenticator.PRIVATE_KEY_JWT, OAuthSettings.NONE);
    JsonArray algs = new JsonArray(List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"));
    JsonObject as = new JsonObject()
        .put("issuer", issuer)
        .put("authorization_endpoint", issuer + "/oauth/authorize")
        .put("token_endpoint", issuer + "/oauth/token")
        .put("jwks_uri", issuer + JWKS_PATH)
        .put("introspection_endpoint", issuer + "/oauth/introspect")
        .put("revocation_endpoint", issuer + "/oauth/revoke")
        .put("grant_types_supported", new JsonArray(List.of("authorization_code", "refresh_token", "client_credentials")))
        .put("response_types_supported", new JsonArray(List.of("code")))
        .put("response_modes_supported", new JsonArray(List.of("query")))
        .put("code_challenge_methods_supported", new JsonArray(List.of(Pkce.S256)))
        .put("authorization_response_iss_parameter_supported", true)
        .put("client_id_metadata_document_supported", codeFlow.clientMetadata().enabled())
        .put("scopes_supported", new JsonArray(List.copyOf(scopes)))
        .put("token_endpoint_auth_methods_supported", new JsonArray(withPublic))
        .put("token_endpoint_auth_signing_alg_values_supported", algs)
        .put("introspection_endpoint_auth_methods_supported", new JsonArray(confidential))
        .put("revocation_endpoint_auth_methods_supported", new JsonArray(withPublic))
        .put("protected_resources", new JsonArray(List.copyOf(new java.util.TreeSet<>(resources))));
    if (codeFlow.registration().mode() != RegistrationSettings.Mode.OFF) {
      as.put("registration_endpoint", issuer + "/oauth/register");
    }
    this.authorizationServer = as.toBuffer();
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
    for (String path : List.of(AUTHORIZATION_SERVER_PATH, OPENID_CONFIGURATION_PATH)) {
      router.get(path).handler(ctx -> send(ctx, authorizationServer, 300));
      if (!issuerPath.isEmpty() && !issuerPath.equals("/")) {
        // RFC 8414 §3.1: an issuer with a path has its metadata at the path-inserted URL (and OIDC's appended form).
        String tail = issuerPath.endsWith("/") ? issuerPath.substring(0, issuerPath.length() - 1) : issuerPath;
        router.get(path + tail).handler(ctx -> send(ctx, authorizationServer, 300));
        router.get(tail + path).handler(ctx -> send(ctx, authorizationServer, 300));
      }
    }
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
        .putHeader("access-control-allow-origin", "*") // public documents: a browser-based client reads them from any page
        .putHeader("cache-control", "public, max-age=" + maxAgeSeconds)
        .end(body);
  }
}
