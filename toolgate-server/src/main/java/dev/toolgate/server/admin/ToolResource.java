package dev.toolgate.server.admin;

import dev.toolgate.core.config.ClientTokenPolicy;
import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.ExternalJwtPolicy;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.config.IdentityLocation;
import dev.toolgate.core.config.McpRule;
import dev.toolgate.core.config.McpSettings;
import dev.toolgate.core.config.MtlsPolicy;
import dev.toolgate.core.config.Ownership;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.config.Policy;
import dev.toolgate.core.config.ToolConfig;
import dev.toolgate.core.config.TrustedIssuer;
import dev.toolgate.core.config.UserBinding;
import dev.toolgate.core.config.UserTokenPolicy;
import dev.toolgate.core.credential.StandardWebhooksVerifier;
import dev.toolgate.core.limit.LimitKey;
import dev.toolgate.core.limit.ToolRateLimit;
import dev.toolgate.core.net.CidrBlock;
import dev.toolgate.core.net.CidrSet;
import dev.toolgate.core.route.PathAmbiguity;
import dev.toolgate.core.route.Route;
import dev.toolgate.server.admin.testcall.TestCredential;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parts of {@link AdminResources#tool}: a tool as configured, in {@code toolgate.yaml}'s own
 * vocabulary (credential kinds, identity kinds and places, limit keys as written there), durations
 * in seconds. A configuration holds no secret values (secrets are in the store, or named by
 * environment variable elsewhere in the file), so everything here may be shown.
 */
final class ToolResource {
  private ToolResource() {}

  static JsonObject of(Route route, GatewayConfig config) {
    ToolConfig tool = route.tool();
    PlatformConfig platform = route.platform();
    return new JsonObject()
        .put("name", tool.name())
        .put("kind", tool.isMcp() ? "mcp" : "http")
        .put("method", tool.method())
        .put("path", tool.path())
        .put("path_params", new JsonArray(route.pattern().parameterNames()))
        .put("upstream", upstream(tool.upstream()))
        .put("upstream_ca", tool.upstreamCa() == null ? null : tool.upstreamCa().path())
        .put("platform", tool.platform())
        .put("policy", policy(tool.policy(), platform, config))
        .put("test_credentials", new JsonArray(TestCredential.takenBy(tool).stream().map(TestCredential::value).toList()))
        .put("allowed_ips", cidrs(tool.allowedIps()))
        .put("platform_allowed_ips", cidrs(platform.allowedIps()))
        .put("user", user(tool.user()))
        .put("owner", owner(tool.owner()))
        .put("rate_limits", limits(tool.rateLimits()))
        .put("when_limits_unavailable", tool.whenLimitsUnavailable().map(w -> w.yamlName()).orElse(null))
        .put("max_body_bytes", config.server().maxBodyBytes())
        .put("forward_headers", new JsonArray(tool.forwardHeaders().stream().sorted().toList()))
        .put("allow_in_path", new JsonArray(tool.allowInPath().stream().map(PathAmbiguity::yamlName).sorted().toList()))
        .put("mcp", tool.isMcp() ? mcp(tool.mcp(), platform, config) : null)
        .put("line", tool.line());
  }

  /** The URL as written: the placeholders of its path shown as {@code {name}}, not percent-encoded. */
  private static String upstream(URI uri) {
    return uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getPath() == null ? "" : uri.getPath());
  }

  /** {@code require} (all must pass: the one way Toolgate combines credentials) and each kind's settings. */
  static JsonObject policy(Policy policy, PlatformConfig platform, GatewayConfig config) {
    JsonObject settings = new JsonObject();
    for (CredentialKind kind : policy.require()) {
      settings.put(kind.yamlName(), switch (kind) {
        case SENDBIRD_SIGNATURE -> new JsonObject().put("header", platform.signatureHeader())
            .put("encoding", platform.signatureEncoding().yamlName())
            .put("replay_window_seconds", seconds(platform.sendbirdReplayWindow()));
        case STATIC_TOKEN -> new JsonObject().put("header", "authorization").put("scheme", "Bearer");
        case API_KEY -> new JsonObject().put("header", platform.apiKeyHeader());
        case CLIENT_TOKEN -> clientToken(policy.clientToken());
        case USER_TOKEN -> userToken(policy.userToken(), config);
        case EXTERNAL_JWT -> externalJwt(policy.externalJwt(), config);
        case STANDARD_WEBHOOKS -> new JsonObject()
            .put("headers", new JsonArray(List.of(StandardWebhooksVerifier.ID_HEADER, StandardWebhooksVerifier.TIMESTAMP_HEADER,
                StandardWebhooksVerifier.SIGNATURE_HEADER)))
            .put("replay_tolerance_seconds", seconds(platform.replayTolerance()));
        case STRIPE_SIGNATURE -> new JsonObject().put("header", platform.stripeSignatureHeader())
            .put("replay_tolerance_seconds", seconds(platform.replayTolerance()));
        case MTLS -> mtls(policy.mtls(), platform);
      });
    }
    return new JsonObject()
        .put("require", new JsonArray(policy.require().stream().map(CredentialKind::yamlName).toList()))
        .put("combine", "all")
        .put("anonymous", policy.anonymous())
        .put("credentials", settings);
  }

  private static JsonObject clientToken(ClientTokenPolicy p) {
    return new JsonObject().put("scopes", new JsonArray(p.scopes())).put("audience", p.audience()).put("audience_alone", p.audienceAlone());
  }

  private static JsonObject userToken(UserTokenPolicy p, GatewayConfig config) {
    return new JsonObject()
        .put("issuer", p.issuer())
        .put("issuer_url", p.issuedByToolgate() ? config.authorizationServer().issuer().toString() : issuerUrl(p.issuer(), config))
        .put("header", p.header())
        .put("scheme", p.scheme())
        .put("body_field", p.bodyPointer())
        .put("query_param", p.queryParam())
        .put("scopes", new JsonArray(p.scopes()))
        .put("max_age_seconds", seconds(p.maxAge()))
        .put("single_use", p.singleUse())
        .put("audience_is_tool", p.audienceIsTool());
  }

  private static JsonObject externalJwt(ExternalJwtPolicy p, GatewayConfig config) {
    return new JsonObject()
        .put("issuer", p.issuer())
        .put("issuer_url", issuerUrl(p.issuer(), config))
        .put("header", p.header())
        .put("scheme", p.scheme())
        .put("scopes", new JsonArray(p.scopes()));
  }

  private static String issuerUrl(String name, GatewayConfig config) {
    TrustedIssuer issuer = config.trustedIssuers().get(name);
    return issuer == null ? null : issuer.issuer();
  }

  private static JsonObject mtls(MtlsPolicy p, PlatformConfig platform) {
    MtlsPolicy policy = p == null ? MtlsPolicy.any() : p;
    return new JsonObject()
        .put("subjects", new JsonArray(policy.subjects()))
        .put("spiffe_ids", new JsonArray(policy.spiffeIds()))
        .put("ca", platform.clientCertificates() == null ? null : platform.clientCertificates().ca().path());
  }

  /** {@code {"identities": {"platform_user_id": {"body_field": "/user_id"}}, "forward": "opaque_id"}}. */
  private static JsonObject user(UserBinding binding) {
    if (binding == null) {
      return null;
    }
    JsonObject identities = new JsonObject();
    new TreeMap<>(binding.identities()).forEach((kind, place) -> identities.put(kind.yamlName(), place(place)));
    return new JsonObject().put("identities", identities).put("forward", binding.forward().yamlName());
  }

  /** {@code {"path_param": "user_id", "is": "platform_user_id"}}, as written in the file. */
  private static JsonObject owner(Ownership owner) {
    return owner == null ? null : place(owner.location()).put("is", owner.kind().yamlName());
  }

  private static JsonObject place(IdentityLocation location) {
    return new JsonObject().put(location.place().yamlName(), location.name());
  }

  private static JsonArray limits(List<ToolRateLimit> limits) {
    JsonArray out = new JsonArray();
    for (ToolRateLimit l : limits) {
      out.add(new JsonObject()
          .put("per", new JsonArray(l.per().stream().map(LimitKey::yamlName).toList()))
          .put("limit", l.limit().capacity())
          .put("period_seconds", seconds(l.limit().period()))
          .put("bucket", l.bucket()));
    }
    return out;
  }

  private static JsonArray cidrs(CidrSet set) {
    return set == null ? null : new JsonArray(set.blocks().stream().map(CidrBlock::text).toList());
  }

  private static JsonObject mcp(McpSettings m, PlatformConfig platform, GatewayConfig config) {
    return new JsonObject()
        .put("resource", m.resource())
        .put("allowed_origins", new JsonArray(m.allowedOrigins()))
        .put("unlisted_tools", m.unlistedTools().name().toLowerCase(java.util.Locale.ROOT))
        .put("filter_tools_list", m.filterToolsList())
        .put("max_stream_seconds", seconds(m.maxStream()))
        .put("keepalive_seconds", seconds(m.keepalive()))
        .put("methods", rules(m.methods(), platform, config))
        .put("tools", rules(m.tools(), platform, config));
  }

  private static JsonObject rules(Map<String, McpRule> rules, PlatformConfig platform, GatewayConfig config) {
    JsonObject out = new JsonObject();
    new TreeMap<>(rules).forEach((name, r) -> out.put(name, new JsonObject()
        .put("deny", r.deny())
        .put("policy", r.policy() == null ? null : policy(r.policy(), platform, config))
        .put("scopes", new JsonArray(r.scopes()))
        .put("rate_limits", limits(r.rateLimits()))
        .put("user", user(r.user()))
        .put("owner", owner(r.owner()))));
    return out;
  }

  /** Whole seconds as an integer, else a fraction; null stays null. */
  private static Number seconds(Duration d) {
    if (d == null) {
      return null;
    }
    return d.toMillis() % 1000 == 0 ? (Number) d.toSeconds() : (Number) (d.toMillis() / 1000.0);
  }
}
