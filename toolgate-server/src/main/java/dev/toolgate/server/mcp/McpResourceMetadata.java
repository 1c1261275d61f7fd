package dev.toolgate.server.mcp;

import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.config.McpRule;
import dev.toolgate.core.config.Policy;
import dev.toolgate.core.config.ToolConfig;
import dev.toolgate.core.config.TrustedIssuer;
import dev.toolgate.core.mcp.McpRoute;
import dev.toolgate.server.http.Endpoint;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * RFC 9728 protected resource metadata of each MCP route, at the path form of its resource
 * ({@code /.well-known/oauth-protected-resource/mcp} for {@code https://host/mcp}): the resource,
 * the authorization servers whose tokens it takes (Toolgate for {@code client_token}, a trusted
 * issuer for {@code external_jwt}) and every scope its rules ask for. The challenge of a refused
 * call points here, and an MCP client starts its authorization from it.
 */
public final class McpResourceMetadata implements Endpoint {
  private static final String PREFIX = "/.well-known/oauth-protected-resource";

  private final Map<String, Buffer> documents = new HashMap<>();

  public McpResourceMetadata(GatewayConfig config, String issuer) {
    for (ToolConfig tool : config.tools()) {
      if (tool.isMcp()) {
        String resource = tool.mcp().resource();
        String path = URI.create(McpRoute.metadataUrl(resource)).getRawPath();
        documents.put(path, document(config, tool, issuer).toBuffer());
      }
    }
  }

  private static JsonObject document(GatewayConfig config, ToolConfig tool, String issuer) {
    List<Policy> policies = Stream.concat(Stream.of(tool.policy()),
        Stream.concat(tool.mcp().methods().values().stream(), tool.mcp().tools().values().stream()).map(McpRule::policy))
        .filter(p -> p != null).toList();
    Set<String> servers = new LinkedHashSet<>();
    Set<String> scopes = new LinkedHashSet<>();
    for (Policy policy : policies) {
      if (policy.clientToken() != null) {
        servers.add(issuer);
        scopes.addAll(policy.clientToken().scopes());
      }
      if (policy.externalJwt() != null) {
        TrustedIssuer trusted = config.trustedIssuers().get(policy.externalJwt().issuer());
        if (trusted != null) {
          servers.add(trusted.issuer());
        }
        scopes.addAll(policy.externalJwt().scopes());
      }
    }
    scopes.addAll(tool.mcp().ruleScopes());
    return new JsonObject()
        .put("resource", tool.mcp().resource())
        .put("authorization_servers", new JsonArray(List.copyOf(servers)))
        .put("scopes_supported", new JsonArray(List.copyOf(scopes)))
        .put("bearer_methods_supported", new JsonArray(List.of("header")))
        .put("resource_name", tool.name());
  }

  @Override
  public void mount(Router router) {
    router.get(PREFIX + "/*").handler(ctx -> {
      Buffer document = documents.get(ctx.request().path());
      if (document == null) {
        ctx.next();
        return;
      }
      ctx.response().putHeader("content-type", "application/json").putHeader("cache-control", "public, max-age=300")
          .putHeader("access-control-allow-origin", "*").end(document); // public: a browser-based MCP client reads it from its page
    });
    Buffer root = documents.get(PREFIX);
    if (root != null) {
      router.get(PREFIX).handler(ctx -> ctx.response().putHeader("content-type", "application/json")
          .putHeader("access-control-allow-origin", "*").end(root));
    }
  }
}
