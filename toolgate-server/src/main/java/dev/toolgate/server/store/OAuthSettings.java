package dev.toolgate.server.store;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.toolgate.core.net.RedirectUris;
import java.text.ParseException;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * How a client uses the token endpoint. Always valid: the constructor checks every field, so a
 * value of this type can be stored and trusted as is.
 *
 * @param allowedScopes scopes the client may request (RFC 6749 §3.3 scope tokens); may be empty
 * @param tokenTtl lifetime of the access tokens issued to it; positive, whole seconds. The token
 *     endpoint should still cap it at the server's maximum token lifetime, which is how long
 *     retired signing keys stay published.
 * @param authMethods the client authentication methods it may use at the token endpoint, a
 *     non-empty subset of {@link #KNOWN_AUTH_METHODS}
 * @param jwks the client's registered public keys, for {@code private_key_jwt}; null if none.
 *     Required when {@code private_key_jwt} is allowed; never holds a private part.
 * @param redirectUris where the authorization code flow may send this client's codes (none: the client
 *     does not use that flow); each checked by {@link RedirectUris#problem}
 */
public record OAuthSettings(Set<String> allowedScopes, Duration tokenTtl, Set<String> authMethods, JWKSet jwks, List<String> redirectUris) {
  public static final String CLIENT_SECRET_BASIC = "client_secret_basic";
  public static final String CLIENT_SECRET_POST = "client_secret_post";
  public static final String PRIVATE_KEY_JWT = "private_key_jwt";
  /** A public client (a native or browser app holding no secret): only the authorization code flow, protected by PKCE. */
  public static final String NONE = "none";
  public static final Set<String> KNOWN_AUTH_METHODS =
      Collections.unmodifiableSortedSet(new TreeSet<>(List.of(CLIENT_SECRET_BASIC, CLIENT_SECRET_POST, PRIVATE_KEY_JWT, NONE)));
  /** Most redirect URIs one client may register. */
  public static final int MAX_REDIRECT_URIS = 20;

  /** What a client has until it is configured (and what existing clients got from the V2 migration). */
  public static final OAuthSettings DEFAULT =
      new OAuthSettings(Set.of(), Duration.ofHours(1), Set.of(CLIENT_SECRET_BASIC, CLIENT_SECRET_POST), null, List.of());

  /** A registered JWKS larger than this is refused; real ones are a few kilobytes. */
  static final int MAX_JWKS_CHARS = 64 * 1024;

  private static final int MIN_RSA_BITS = 2048;

  public OAuthSettings {
    allowedScopes = requireScopes(allowedScopes);
    tokenTtl = requireTtl(tokenTtl);
    authMethods = requireAuthMethods(authMethods);
    if (jwks != null) {
      requirePublicSigningKeys(jwks);
      // A set built key by key (the admin API adds one at a time) must still read back: the stored text is parsed with this cap.
      int stored = jwks.toString(true).length();
      if (stored > MAX_JWKS_CHARS) {
        throw new IllegalArgumentException("JWKS is too large (" + stored + " characters, at most " + MAX_JWKS_CHARS + ")");
      }
    }
    if (authMethods.contains(PRIVATE_KEY_JWT) && jwks == null) {
      throw new IllegalArgumentException(
          "auth method " + PRIVATE_KEY_JWT + " needs the client's public keys: register a JWKS (or a single public JWK)");
    }
    if (authMethods.contains(NONE) && authMethods.size() > 1) {
      throw new IllegalArgumentException("auth method " + NONE + " (a public client) cannot be combined with other methods");
    }
    redirectUris = requireRedirectUris(redirectUris);
  }

  /** Without redirect URIs: a client that does not use the authorization code flow. */
  public OAuthSettings(Set<String> allowedScopes, Duration tokenTtl, Set<String> authMethods, JWKSet jwks) {
    this(allowedScopes, tokenTtl, authMethods, jwks, List.of());
  }

  /** These settings with other redirect URIs. */
  public OAuthSettings withRedirectUris(List<String> uris) {
    return new OAuthSettings(allowedScopes, tokenTtl, authMethods, jwks, uris);
  }

  /** A public client: no secret, no keys; only the code flow with PKCE. */
  public boolean isPublic() {
    return authMethods.contains(NONE);
  }

  private static List<String> requireRedirectUris(List<String> uris) {
    if (uris == null) {
      return List.of();
    }
    if (uris.size() > MAX_REDIRECT_URIS) {
      throw new IllegalArgumentException("at most " + MAX_REDIRECT_URIS + " redirect URIs, got " + uris.size());
    }
    for (String uri : uris) {
      String problem = RedirectUris.problem(uri);
      if (problem != null) {
        throw new IllegalArgumentException(problem + ": " + (uri == null ? "null" : uri.length() > 100 ? uri.substring(0, 100) + "..." : uri));
      }
    }
    return List.copyOf(new java.util.LinkedHashSet<>(uris));
  }

  /** Whether every scope in {@code requested} is allowed (true for none). */
  public boolean allowsScopes(Collection<String> requested) {
    return allowedScopes.containsAll(requested);
  }

  public boolean allowsAuthMethod(String method) {
    return authMethods.contains(method);
  }

  /** The allowed scopes as one space-separated string, as in a {@code scope} parameter. */
  public String scopeString() {
    return String.join(" ", allowedScopes);
  }

  /** Splits a space-separated scope string ({@code "orders:read profile"}); blank gives none. */
  public static Set<String> parseScopes(String spaceSeparated) {
    if (spaceSeparated == null || spaceSeparated.isBlank()) {
      return Set.of();
    }
    return new TreeSet<>(List.of(spaceSeparated.strip().split(" +")));
  }

  /**
   * Parses a client's public keys: a JWK set ({@code {"keys": [...]}}) or one JWK. Refuses invalid
   * JSON, private or symmetric keys, encryption keys and RSA keys under 2048 bits, with a message
   * saying which key and why.
   *
   * @return null for null or blank input
   */
  public static JWKSet parseJwks(String json) {
    if (json == null || json.isBlank()) {
      return null;
    }
    if (json.length() > MAX_JWKS_CHARS) {
      throw new IllegalArgumentException("JWKS is too large (" + json.length() + " characters, at most " + MAX_JWKS_CHARS + ")");
    }
    JWKSet set;
    try {
      Map<String, Object> object = JSONObjectUtils.parse(json);
      set = object.containsKey("keys") ? JWKSet.parse(object) : new JWKSet(JWK.parse(object));
    } catch (ParseException | RuntimeException e) {
      // Nimbus messages describe the structure, never key values.
      throw new IllegalArgumentException("JWKS is not a valid JWK set or JWK: " + e.getMessage());
    }
    requirePublicSigningKeys(set);
    return set;
  }

  private static void requirePublicSigningKeys(JWKSet set) {
    List<JWK> keys = set.getKeys();
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("JWKS has no keys");
    }
    for (int i = 0; i < keys.size(); i++) {
      JWK key = keys.get(i);
      String which = "JWKS key " + (key.getKeyID() != null ? "'" + key.getKeyID() + "'" : "#" + (i + 1));
      if (key.isPrivate()) {
        throw new IllegalArgumentException(
            which + " is a private or symmetric " + key.getKeyType() + " key; register only the public key (no \"d\" or \"k\" member)");
      }
      if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
        throw new IllegalArgumentException(which + " has \"use\": \"" + key.getKeyUse().identifier() + "\"; client authentication needs a signing key (\"sig\")");
      }
      if (key instanceof RSAKey rsa && rsa.size() < MIN_RSA_BITS) {
        throw new IllegalArgumentException(which + " is a " + rsa.size() + "-bit RSA key; at least " + MIN_RSA_BITS + " bits are required");
      }
    }
  }

  private static SortedSet<String> requireScopes(Set<String> scopes) {
    if (scopes == null) {
      throw new IllegalArgumentException("allowed scopes must not be null (use an empty set for none)");
    }
    TreeSet<String> result = new TreeSet<>();
    for (String scope : scopes) {
      if (!isScopeToken(scope)) {
        throw new IllegalArgumentException(
            "invalid scope " + (scope == null ? "null" : "'" + scope + "'")
                + ": a scope is one or more printable ASCII characters other than space, '\"' and '\\' (RFC 6749 section 3.3)");
      }
      result.add(scope);
    }
    return Collections.unmodifiableSortedSet(result);
  }

  /** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
  static boolean isScopeToken(String scope) {
    if (scope == null || scope.isEmpty()) {
      return false;
    }
    for (int i = 0; i < scope.length(); i++) {
      char c = scope.charAt(i);
      if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  private static Duration requireTtl(Duration ttl) {
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("token lifetime must be positive, got " + ttl);
    }
    if (ttl.getNano() != 0) {
      throw new IllegalArgumentException("token lifetime must be whole seconds, got " + ttl);
    }
    return ttl;
  }

  private static SortedSet<String> requireAuthMethods(Set<String> methods) {
    if (methods == null || methods.isEmpty()) {
      throw new IllegalArgumentException("at least one auth method is needed (one of " + String.join(", ", KNOWN_AUTH_METHODS) + ")");
    }
    TreeSet<String> result = new TreeSet<>();
    for (String method : methods) {
      if (method == null || !KNOWN_AUTH_METHODS.contains(method)) {
        throw new IllegalArgumentException(
            "unknown auth method " + (method == null ? "null" : "'" + method + "'") + " (expected one of " + String.join(", ", KNOWN_AUTH_METHODS) + ")");
      }
      result.add(method);
    }
    return Collections.unmodifiableSortedSet(result);
  }

  @Override
  public String toString() {
    return "OAuthSettings[scopes=" + allowedScopes + ", tokenTtl=" + tokenTtl + ", authMethods=" + authMethods
        + ", jwks=" + (jwks == null ? "none" : jwks.getKeys().size() + " key(s)") + ", redirectUris=" + redirectUris + "]";
  }
}
