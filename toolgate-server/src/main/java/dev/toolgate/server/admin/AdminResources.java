package dev.toolgate.server.admin;

import com.nimbusds.jose.jwk.JWK;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.decision.Check;
import dev.toolgate.core.port.ApiKey;
import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.port.SigningSecret;
import dev.toolgate.core.port.StaticToken;
import dev.toolgate.core.route.Route;
import dev.toolgate.server.admin.testcall.TestCallRequest;
import dev.toolgate.server.admin.testcall.TestCallResult;
import dev.toolgate.server.store.ClientOverview;
import dev.toolgate.server.store.ClientSecret;
import dev.toolgate.server.store.IssuedSecret;
import dev.toolgate.server.store.OAuthSettings;
import dev.toolgate.server.store.SigningKeyInfo;
import dev.toolgate.server.users.OpaqueIds;
import dev.toolgate.server.users.User;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The JSON shape of every resource, shared by the admin API and the CLI's {@code --output json}, so
 * a script reads the same fields whichever it uses. Field names are stable; times are RFC 3339
 * ({@link AdminJson#time}); secrets never appear here except through {@link #issued}.
 */
public final class AdminResources {
  private AdminResources() {}

  public static JsonObject client(ClientOverview overview) {
    ClientRecord c = overview.client();
    OAuthSettings s = overview.settings();
    return new JsonObject()
        .put("id", c.id())
        .put("name", c.name())
        .put("platform", c.platform())
        .put("enabled", c.enabled())
        .put("created_at", AdminJson.time(c.createdAt()))
        .put("registration", overview.kind().registration().value())
        .put("application_type", overview.kind().applicationType().value())
        .put("redirect_uris", s == null ? null : new JsonArray(s.redirectUris()))
        .put("auth_methods", s == null ? null : new JsonArray(List.copyOf(s.authMethods())))
        .put("scopes", s == null ? null : new JsonArray(List.copyOf(s.allowedScopes())));
  }

  public static JsonObject signingSecret(SigningSecret s) {
    return new JsonObject()
        .put("id", s.id())
        .put("client_id", s.clientId())
        .put("created_at", AdminJson.time(s.createdAt()))
        .put("expires_at", AdminJson.time(s.expiresAt()))
        .put("revoked_at", AdminJson.time(s.revokedAt()));
  }

  public static JsonObject staticToken(StaticToken t) {
    return new JsonObject()
        .put("id", t.id())
        .put("client_id", t.clientId())
        .put("created_at", AdminJson.time(t.createdAt()))
        .put("expires_at", AdminJson.time(t.expiresAt()))
        .put("revoked_at", AdminJson.time(t.revokedAt()))
        .put("last_used_at", AdminJson.time(t.lastUsedAt()));
  }

  public static JsonObject apiKey(ApiKey k) {
    return new JsonObject()
        .put("id", k.id())
        .put("client_id", k.clientId())
        .put("tools", new JsonArray(k.tools().stream().sorted().toList()))
        .put("created_at", AdminJson.time(k.createdAt()))
        .put("expires_at", AdminJson.time(k.expiresAt()))
        .put("revoked_at", AdminJson.time(k.revokedAt()))
        .put("last_used_at", AdminJson.time(k.lastUsedAt()));
  }

  public static JsonObject clientSecret(ClientSecret s) {
    return new JsonObject()
        .put("id", s.id())
        .put("client_id", s.clientId())
        .put("created_at", AdminJson.time(s.createdAt()))
        .put("expires_at", AdminJson.time(s.expiresAt()))
        .put("revoked_at", AdminJson.time(s.revokedAt()))
        .put("last_used_at", AdminJson.time(s.lastUsedAt()));
  }

  /** A client's OAuth settings; {@code jwks} is its registered public keys ({@code {"keys": [...]}}) or null. */
  public static JsonObject oauthSettings(String clientId, OAuthSettings s) {
    return new JsonObject()
        .put("client_id", clientId)
        .put("scopes", new JsonArray(List.copyOf(s.allowedScopes())))
        .put("token_ttl_seconds", s.tokenTtl().toSeconds())
        .put("auth_methods", new JsonArray(List.copyOf(s.authMethods())))
        .put("redirect_uris", new JsonArray(s.redirectUris()))
        .put("jwks", s.jwks() == null ? null : new JsonObject(s.jwks().toPublicJWKSet().toJSONObject(true)));
  }

  /** A client's registered public keys for {@code private_key_jwt}: {@code {"keys": [JWK...]}}, empty when it has none. */
  public static JsonObject clientKeys(OAuthSettings s) {
    JsonArray keys = new JsonArray();
    if (s.jwks() != null) {
      s.jwks().getKeys().forEach(k -> keys.add(jwk(k)));
    }
    return new JsonObject().put("keys", keys);
  }

  /** One public JWK (RFC 7517) as registered; its private members, if it had any, are never shown. */
  public static JsonObject jwk(JWK key) {
    return new JsonObject(key.toPublicJWK().toJSONObject());
  }

  public static JsonObject signingKey(SigningKeyInfo k) {
    return new JsonObject()
        .put("kid", k.kid())
        // The JOSE name (EdDSA, not the enum's EDDSA); null for an algorithm this version does not know.
        .put("algorithm", k.algorithm() == null ? null : k.algorithm().jws().getName())
        .put("state", k.state().name().toLowerCase(Locale.ROOT))
        .put("master_key_id", k.masterKeyId())
        .put("created_at", AdminJson.time(k.createdAt()))
        .put("activated_at", AdminJson.time(k.activatedAt()))
        .put("retired_at", AdminJson.time(k.retiredAt()));
  }

  /**
   * The answer to a signing key's revocation: the key as it was when deleted (state {@code
   * revoked}), with {@code replacement}, the key now active in its place, or null when the revoked
   * key was not the active one.
   */
  public static JsonObject revokedSigningKey(SigningKeyInfo revoked, SigningKeyInfo replacementOrNull) {
    return signingKey(revoked).put("replacement", replacementOrNull == null ? null : signingKey(replacementOrNull));
  }

  public static JsonObject adminToken(AdminToken t) {
    return new JsonObject()
        .put("id", t.id())
        .put("name", t.name())
        .put("role", t.role().value())
        .put("created_at", AdminJson.time(t.createdAt()))
        .put("expires_at", AdminJson.time(t.expiresAt()))
        .put("revoked_at", AdminJson.time(t.revokedAt()))
        .put("last_used_at", AdminJson.time(t.lastUsedAt()));
  }

  public static JsonObject user(User user) {
    return new JsonObject()
        .put("id", user.id())
        .put("username", user.username())
        .put("disabled", user.disabled())
        .put("has_password", user.hasPassword())
        .put("created_at", AdminJson.time(user.createdAt()))
        .put("password_changed_at", AdminJson.time(user.passwordChangedAt()));
  }

  /**
   * An opaque customer identifier and the user it stands for ({@code user}: the user resource;
   * users are never deleted, so it is always there).
   */
  public static JsonObject opaqueId(OpaqueIds.OpaqueId id, User user) {
    return new JsonObject()
        .put("opaque_id", id.opaqueId())
        .put("platform", id.platform())
        .put("user_id", id.userId())
        .put("key_version", id.keyVersion())
        .put("user", user == null ? null : user(user));
  }

  /** A key of opaque customer identifiers: its metadata, never its bytes. */
  public static JsonObject opaqueIdKey(OpaqueIds.KeyInfo k) {
    return new JsonObject()
        .put("version", k.version())
        .put("active", k.active())
        .put("master_key_id", k.masterKeyId())
        .put("created_at", AdminJson.time(k.createdAt()));
  }

  /** One decision with its trace: "why was this call refused?". */
  public static JsonObject decision(AuditEvent e) {
    JsonArray checks = new JsonArray();
    for (Check c : e.trace()) {
      checks.add(new JsonObject().put("check", c.name()).put("passed", c.passed()).put("detail", c.detail()));
    }
    return new JsonObject()
        .put("request_id", e.requestId())
        .put("time", AdminJson.time(e.time()))
        .put("method", e.method())
        .put("path", e.path())
        .put("remote_address", e.remoteAddress())
        .put("tool", e.tool())
        .put("client_id", e.clientId())
        .put("credential_ids", new JsonArray(e.credentialIds()))
        .put("decision", e.decision())
        .put("code", e.code())
        .put("status", e.status())
        .put("latency_micros", e.latencyMicros())
        .put("detail", e.detail())
        .put("config_version", e.configVersion())
        .put("checks", checks);
  }

  /**
   * A tool as configured now: route, upstream, policy (which credentials, all of which must pass),
   * user binding and owner, limits and, for an MCP route, its rules. See {@link ToolResource}.
   */
  public static JsonObject tool(Route route, GatewayConfig config) {
    return ToolResource.of(route, config);
  }

  /** A test call: the request as sent (credentials redacted), the answer, and the decision with its trace (or null). */
  public static JsonObject toolCallTest(TestCallResult r) {
    return new JsonObject()
        .put("request_id", r.response().requestId())
        .put("request", new JsonObject()
            .put("tool", r.request().route().name())
            .put("method", r.request().method())
            .put("path", r.request().path())
            .put("query", r.request().shownQuery())
            .put("headers", headers(r.request().shownHeaders()))
            .put("body", r.request().shownBody()))
        .put("response", new JsonObject()
            .put("status", r.response().status())
            .put("headers", headers(r.response().headers().stream()
                .map(h -> new TestCallRequest.Header(h.name(), r.request().redact(h.value()))).toList()))
            .put("body", r.request().redact(r.response().body()))
            .put("truncated", r.response().truncated()))
        .put("decision", r.decision() == null ? null : decision(r.decision()));
  }

  /** {@code {name: value}}; a name given several times has its values joined with ", " (RFC 9110 §5.3). */
  private static JsonObject headers(List<TestCallRequest.Header> headers) {
    JsonObject out = new JsonObject();
    for (TestCallRequest.Header h : headers) {
      String name = h.name().toLowerCase(Locale.ROOT);
      out.put(name, out.containsKey(name) ? out.getString(name) + ", " + h.value() : h.value());
    }
    return out;
  }

  /** A credential just created: its resource with the value in {@value AdminJson#SECRET}, the only time it is shown. */
  public static <T> JsonObject issued(IssuedSecret<T> issued, Function<T, JsonObject> shape) {
    return shape.apply(issued.record()).put(AdminJson.SECRET, issued.plaintext());
  }

  /**
   * A rotation: the new credential as {@link #issued} shows it, and in {@code "replaces"} the one it
   * replaces, with the expiry the rotation gave it.
   */
  public static <T> JsonObject rotated(IssuedSecret<T> issued, T replaced, Function<T, JsonObject> shape) {
    return issued(issued, shape).put("replaces", shape.apply(replaced));
  }

  /** A list: {@code {"<name>": [...]}}. */
  public static <T> JsonObject list(String name, List<T> items, Function<T, JsonObject> shape) {
    JsonArray array = new JsonArray();
    items.forEach(item -> array.add(shape.apply(item)));
    return new JsonObject().put(name, array);
  }
}
