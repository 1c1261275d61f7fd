package dev.toolgate.server.oauth.authorize;

import dev.toolgate.core.net.RedirectUris;
import dev.toolgate.core.request.FormBody;
import dev.toolgate.server.oauth.Pkce;
import dev.toolgate.server.oauth.ScopeSyntax;
import dev.toolgate.server.oauth.client.AuthorizationClient;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A validated authorization request (RFC 6749 §4.1.1 with PKCE and one RFC 8707 resource), and the
 * two-phase validation that gets there. Pure: no I/O.
 *
 * <p>Phase one ({@link #target}) reads what decides where errors may go: until the client is known
 * and the redirect URI is one of its registered ones, an error is shown to the user and never sent
 * to the redirect URI (RFC 6749 §4.1.2.1), or this server would be an open redirector. Phase two
 * ({@link #validate}) checks everything else; its errors go back to the client.
 *
 * @param state null when the client sent none
 * @param scopes in the order asked, without repeats; empty for a token without scopes
 */
public record AuthorizationRequest(String clientId, String redirectUri, String state, String codeChallenge, String resource,
    List<String> scopes) {
  /** Longest state accepted: clients send a nonce or a short encoded blob; more is abuse of the URL and the pages. */
  public static final int MAX_STATE_CHARS = 1024;
  /** Longest client_id: a Client ID Metadata Document URL fits comfortably. */
  public static final int MAX_CLIENT_ID_CHARS = 2048;
  /** Longest scope parameter. */
  public static final int MAX_SCOPE_CHARS = 2048;

  public AuthorizationRequest {
    scopes = List.copyOf(scopes);
  }

  /** The scopes as the store takes them. */
  public Set<String> scopeSet() {
    return new LinkedHashSet<>(scopes);
  }

  /** Phase one: the parsed query with its client_id and redirect_uri, or why the request cannot even be answered to the client. */
  public record Target(FormBody query, String clientId, String redirectUri, String problem) {
    static Target refused(String problem) {
      return new Target(null, null, null, problem);
    }
  }

  /** Phase two's outcome: a request, or an error for the redirect URI ({@code state} only when it may be echoed). */
  public record Validation(AuthorizationRequest request, String error, String description, String state) {
    static Validation refused(String error, String description, String state) {
      return new Validation(null, error, description, state);
    }
  }

  /** Phase one on the raw query string (as the server received it: not decoded). */
  public static Target target(String rawQuery) {
    Optional<FormBody> parsed = FormBody.parseQuery(rawQuery);
    if (parsed.isEmpty()) {
      return Target.refused("The request's query string is malformed: a broken %-escape or bytes that are not UTF-8.");
    }
    FormBody query = parsed.get();
    List<String> clientIds = query.values("client_id");
    if (clientIds.size() > 1) {
      return Target.refused("The request names more than one client (client_id is repeated).");
    }
    if (clientIds.isEmpty() || clientIds.get(0).isEmpty()) {
      return Target.refused("The request does not say which application is asking (client_id is missing).");
    }
    if (clientIds.get(0).length() > MAX_CLIENT_ID_CHARS || !printable(clientIds.get(0))) {
      return Target.refused("The request's client_id is not a valid client identifier.");
    }
    List<String> redirects = query.values("redirect_uri");
    if (redirects.size() > 1) {
      return Target.refused("The request has more than one redirect_uri.");
    }
    if (redirects.isEmpty() || redirects.get(0).isEmpty()) {
      return Target.refused("The request does not say where to send the answer (redirect_uri is missing).");
    }
    if (redirects.get(0).length() > RedirectUris.MAX_LENGTH) {
      return Target.refused("The request's redirect_uri is too long.");
    }
    return new Target(query, clientIds.get(0), redirects.get(0), null);
  }

  /**
   * Phase two, once {@code client} is known and {@code target}'s redirect URI is registered for it.
   *
   * @param knownResources the RFC 8707 resources tokens may be issued for
   */
  public static Validation validate(Target target, AuthorizationClient client, Set<String> knownResources) {
    FormBody query = target.query();
    List<String> states = query.values("state");
    String state = states.size() == 1 && !states.get(0).isEmpty() && states.get(0).length() <= MAX_STATE_CHARS ? states.get(0) : null;
    if (query.values("resource").size() > 1) {
      return Validation.refused("invalid_target", "one resource per authorization request (a token is issued for one resource)", state);
    }
    for (String name : query.names()) {
      if (query.values(name).size() > 1) {
        return Validation.refused("invalid_request", "parameter '" + printableName(name) + "' is sent more than once", state);
      }
    }
    if (states.size() == 1 && states.get(0).length() > MAX_STATE_CHARS) {
      return Validation.refused("invalid_request", "state must be at most " + MAX_STATE_CHARS + " characters", null);
    }
    if (!query.values("request").isEmpty() || !query.values("request_uri").isEmpty()) {
      return Validation.refused("request_not_supported", "request objects (request, request_uri) are not supported", state);
    }
    String responseType = one(query, "response_type");
    if (responseType == null) {
      return Validation.refused("invalid_request", "response_type is missing", state);
    }
    if (!responseType.equals("code")) {
      return Validation.refused("unsupported_response_type", "only response_type=code is supported", state);
    }
    String responseMode = one(query, "response_mode");
    if (responseMode != null && !responseMode.equals("query")) {
      return Validation.refused("invalid_request", "only response_mode=query is supported", state);
    }
    String challenge = one(query, "code_challenge");
    String pkceProblem = Pkce.challengeProblem(challenge, one(query, "code_challenge_method"));
    if (pkceProblem != null) {
      return Validation.refused("invalid_request", pkceProblem, state);
    }
    String resource = one(query, "resource");
    if (resource == null) {
      return Validation.refused("invalid_target", "resource is required: the URL of the MCP server the token is for (RFC 8707)", state);
    }
    if (!knownResources.contains(resource)) {
      return Validation.refused("invalid_target", "unknown resource; see /.well-known/oauth-protected-resource", state);
    }
    String scope = one(query, "scope");
    List<String> scopes;
    if (scope == null) {
      // RFC 6749 §3.3: no scope asked is the client's registered default (as at the token endpoint).
      scopes = client.scopes() == null ? List.of() : List.copyOf(new TreeSet<>(client.scopes()));
    } else {
      if (scope.length() > MAX_SCOPE_CHARS) {
        return Validation.refused("invalid_scope", "scope must be at most " + MAX_SCOPE_CHARS + " characters", state);
      }
      List<String> asked = new ArrayList<>(new LinkedHashSet<>(List.of(scope.split(" ", -1))));
      if (!asked.stream().allMatch(ScopeSyntax::isScopeToken)) {
        return Validation.refused("invalid_scope", "scope must be scope tokens separated by single spaces", state);
      }
      if (client.scopes() != null) {
        List<String> extra = asked.stream().filter(s -> !client.scopes().contains(s)).toList();
        if (!extra.isEmpty()) {
          return Validation.refused("invalid_scope", "not allowed for this client: " + String.join(" ", extra), state);
        }
      }
      scopes = asked;
    }
    return new Validation(new AuthorizationRequest(client.clientId(), target.redirectUri(), state, challenge, resource, scopes), null, null, null);
  }

  /** The single non-empty value of {@code name} (repeats were refused before), or null: an empty parameter counts as absent. */
  private static String one(FormBody query, String name) {
    List<String> values = query.values(name);
    return values.isEmpty() || values.get(0).isEmpty() ? null : values.get(0);
  }

  private static boolean printable(String s) {
    return s.chars().allMatch(c -> c > 0x20 && c < 0x7f);
  }

  private static String printableName(String name) {
    return name.matches("[A-Za-z0-9_.-]{1,40}") ? name : "(unprintable)";
  }
}
