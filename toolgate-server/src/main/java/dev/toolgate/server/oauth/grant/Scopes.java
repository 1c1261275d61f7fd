package dev.toolgate.server.oauth.grant;

import dev.toolgate.server.oauth.OAuthError;
import dev.toolgate.server.oauth.ScopeSyntax;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads a {@code scope} parameter: space-separated RFC 6749 §3.3 scope tokens, each within what is allowed. */
record Scopes(Set<String> scopes, OAuthError error) {
  /**
   * @param requested the parameter, if sent
   * @param allowed what may be asked for; also the answer when nothing is asked (RFC 6749 §3.3)
   * @param notAllowed how to say a scope is outside {@code allowed}
   */
  static Scopes read(Optional<String> requested, Set<String> allowed, String notAllowed) {
    if (requested.isEmpty()) {
      return new Scopes(new LinkedHashSet<>(allowed), null);
    }
    Set<String> scopes = new LinkedHashSet<>(List.of(requested.get().split(" ")));
    if (scopes.contains("") || !scopes.stream().allMatch(ScopeSyntax::isScopeToken)) {
      return new Scopes(null, OAuthError.invalidScope("scope must be space-separated scope tokens"));
    }
    List<String> extra = scopes.stream().filter(s -> !allowed.contains(s)).toList();
    if (!extra.isEmpty()) {
      return new Scopes(null, OAuthError.invalidScope(notAllowed + ": " + String.join(" ", extra)));
    }
    return new Scopes(scopes, null);
  }
}
