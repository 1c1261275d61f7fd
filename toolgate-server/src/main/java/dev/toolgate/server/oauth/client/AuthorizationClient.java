package dev.toolgate.server.oauth.client;

import com.nimbusds.jose.jwk.JWKSet;
import java.util.List;
import java.util.Set;

/**
 * A client of the authorization code flow as the authorization and token endpoints see it, wherever
 * it is known from: registered here (by an administrator or dynamically) or described by its Client
 * ID Metadata Document.
 *
 * @param name what the consent page shows; null when it has none (a metadata document need not name itself): the pages show the client id
 * @param redirectUris where codes may be sent (matched by {@link dev.toolgate.core.net.RedirectUris#matches})
 * @param authMethods token endpoint authentication methods; {@code {"none"}} for a public client
 * @param jwks public keys for {@code private_key_jwt}; null if none
 * @param scopes scopes it may be given; null when the client does not limit them (the user's consent does)
 */
public record AuthorizationClient(String clientId, String name, List<String> redirectUris, Set<String> authMethods, JWKSet jwks,
    Set<String> scopes, Source source) {
  public static final String NONE = "none";
  /** The platform of clients that exist for the code flow only (registered dynamically, or by an administrator for MCP). */
  public static final String PLATFORM = "oauth";

  /** Where a client is known from. */
  public enum Source { STORED, METADATA_DOCUMENT, REGISTERED }

  public AuthorizationClient {
    redirectUris = List.copyOf(redirectUris);
    authMethods = Set.copyOf(authMethods);
    scopes = scopes == null ? null : Set.copyOf(scopes);
  }

  /** A client without credentials of its own (a native or browser app): PKCE is what protects its codes. */
  public boolean isPublic() {
    return authMethods.equals(Set.of(NONE));
  }
}
