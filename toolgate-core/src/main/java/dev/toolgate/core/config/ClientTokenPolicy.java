package dev.toolgate.core.config;

import java.util.List;

/**
 * How a tool checks a {@code client_token}: an OAuth 2.0 access token issued by Toolgate's own
 * authorization server (a JWT in the RFC 9068 profile), sent as {@code Authorization: Bearer ...}.
 *
 * @param scopes scopes the token must all carry (RFC 6749 scope tokens); empty: any scope will do
 * @param audience the {@code aud} the token must carry; defaults to
 *     {@code authorization_server.default_resource}
 * @param audienceAlone the token must be for {@code audience} and nothing else (an MCP route's
 *     resource: a token for several servers could be replayed by any of them to the others)
 */
public record ClientTokenPolicy(List<String> scopes, String audience, boolean audienceAlone) {
  public ClientTokenPolicy {
    scopes = List.copyOf(scopes);
  }

  /** A token that must carry {@code audience}, possibly among others. */
  public ClientTokenPolicy(List<String> scopes, String audience) {
    this(scopes, audience, false);
  }

  /** No scopes required, the given audience: what a policy gets when it requires client_token without a section. */
  public static ClientTokenPolicy defaults(String audience) {
    return new ClientTokenPolicy(List.of(), audience);
  }
}
