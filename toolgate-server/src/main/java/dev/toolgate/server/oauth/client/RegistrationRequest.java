package dev.toolgate.server.oauth.client;

import dev.toolgate.core.net.RedirectUris;
import dev.toolgate.server.oauth.OAuthError;
import dev.toolgate.server.store.ClientKind.ApplicationType;
import dev.toolgate.server.store.OAuthSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The client metadata of a registration (RFC 7591 §2), checked. What Toolgate registers may differ
 * from what was asked, as §3.2.1 allows, and the answer says what was registered:
 * <ul>
 *   <li>{@code redirect_uris} (required, 1-20): each must be a redirect URI at all ({@link
 *       RedirectUris#problem}); a {@code web} client may use https and, since MCP command-line and
 *       desktop clients register as web by default while listening on loopback, http on loopback
 *       (RFC 8252 §7.3); a {@code native} client may also use a private-use scheme
 *       ({@code com.example.app:/cb}, RFC 8252 §7.1). Otherwise {@code invalid_redirect_uri}.
 *   <li>{@code token_endpoint_auth_method}: {@code client_secret_basic} (the RFC's default),
 *       {@code client_secret_post}, or {@code none} for a public client.
 *   <li>{@code grant_types}: {@code authorization_code} (default) with or without
 *       {@code refresh_token}; the code exchange always returns a refresh token, so
 *       {@code ["authorization_code", "refresh_token"]} is what is registered. Anything else (notably
 *       {@code client_credentials}: a token with no user, for anyone who may register) is refused.
 *   <li>{@code response_types}: {@code ["code"]} only.
 *   <li>{@code client_name}: at most 100 characters; control and invisible formatting characters
 *       (bidi overrides) and {@code <}/{@code >} are refused, so a name cannot disguise itself on the
 *       consent page or carry markup anywhere it is shown; default {@value #DEFAULT_NAME}.
 *   <li>{@code scope}: scope tokens; those this server does not know are left out (they could never be
 *       granted); absent means every scope the server knows.
 *   <li>{@code application_type}: {@code web} (default) or {@code native}.
 * </ul>
 * Unknown members are ignored (RFC 7591 §2), so are the informational ones Toolgate does not keep
 * ({@code client_uri}, {@code logo_uri}, {@code contacts}, {@code software_*}, ...).
 */
record RegistrationRequest(String clientName, ApplicationType applicationType, String authMethod, List<String> redirectUris, Set<String> scopes) {
  static final String DEFAULT_NAME = "MCP client";
  static final int MAX_NAME_LENGTH = 100;
  static final List<String> GRANT_TYPES = List.of("authorization_code", "refresh_token");
  static final List<String> AUTH_METHODS = List.of(OAuthSettings.CLIENT_SECRET_BASIC, OAuthSettings.CLIENT_SECRET_POST, OAuthSettings.NONE);

  /** The request, or the error to answer. */
  record Parsed(RegistrationRequest request, OAuthError error) {}

  boolean isPublic() {
    return authMethod.equals(OAuthSettings.NONE);
  }

  /** @param knownScopes the scopes this server's tools know */
  static Parsed parse(JsonObject json, Set<String> knownScopes) {
    try {
      ApplicationType type = applicationType(json);
      List<String> uris = redirectUris(json, type);
      String method = oneOf(json, "token_endpoint_auth_method", AUTH_METHODS, OAuthSettings.CLIENT_SECRET_BASIC);
      grantTypes(json);
      responseTypes(json);
      String name = clientName(json);
      Set<String> scopes = scopes(json, knownScopes);
      return new Parsed(new RegistrationRequest(name, type, method, uris, scopes), null);
    } catch (Refusal r) {
      return new Parsed(null, r.error);
    }
  }

  private static ApplicationType applicationType(JsonObject json) {
    String value = oneOf(json, "application_type", List.of("web", "native"), "web");
    return ApplicationType.parse(value).orElseThrow();
  }

  private static List<String> redirectUris(JsonObject json, ApplicationType type) {
    Object value = json.getValue("redirect_uris");
    if (value == null) {
      throw new Refusal(redirect("redirect_uris is required: the authorization code flow sends codes only to registered URIs"));
    }
    if (!(value instanceof JsonArray array)) {
      throw metadata("redirect_uris must be an array of strings");
    }
    if (array.isEmpty() || array.size() > OAuthSettings.MAX_REDIRECT_URIS) {
      throw new Refusal(redirect("redirect_uris must hold 1 to " + OAuthSettings.MAX_REDIRECT_URIS + " URIs, got " + array.size()));
    }
    List<String> uris = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String uri)) {
        throw metadata("redirect_uris[" + i + "] must be a string");
      }
      String problem = RedirectUris.problem(uri);
      if (problem == null && type == ApplicationType.WEB && !uri.regionMatches(true, 0, "https:", 0, 6) && !RedirectUris.isLoopback(uri)) {
        problem = "a web application's redirect URI must be https (or http on loopback); private-use schemes need application_type native";
      }
      if (problem != null) {
        throw new Refusal(redirect("redirect_uris[" + i + "]: " + problem));
      }
      uris.add(uri);
    }
    return List.copyOf(new LinkedHashSet<>(uris));
  }

  private static void grantTypes(JsonObject json) {
    List<String> asked = strings(json, "grant_types");
    if (asked == null) {
      return;
    }
    for (String grant : asked) {
      if (grant.equals("client_credentials")) {
        throw metadata("grant_types: client_credentials cannot be registered here; a registered client acts for a signed-in user"
            + " (authorization_code, refresh_token)");
      }
      if (!GRANT_TYPES.contains(grant)) {
        throw metadata("grant_types: unsupported grant type; supported: " + String.join(", ", GRANT_TYPES));
      }
    }
    if (!asked.contains("authorization_code")) {
      throw metadata("grant_types must include authorization_code");
    }
  }

  private static void responseTypes(JsonObject json) {
    List<String> asked = strings(json, "response_types");
    if (asked != null && (asked.isEmpty() || !asked.stream().allMatch("code"::equals))) {
      throw metadata("response_types: only code is supported");
    }
  }

  private static String clientName(JsonObject json) {
    Object value = json.getValue("client_name");
    if (value == null) {
      return DEFAULT_NAME;
    }
    if (!(value instanceof String name)) {
      throw metadata("client_name must be a string");
    }
    String stripped = name.strip();
    if (stripped.isEmpty()) {
      return DEFAULT_NAME;
    }
    if (stripped.codePointCount(0, stripped.length()) > MAX_NAME_LENGTH) {
      throw metadata("client_name must be at most " + MAX_NAME_LENGTH + " characters");
    }
    for (int i = 0; i < stripped.length(); ) {
      int c = stripped.codePointAt(i);
      int category = Character.getType(c);
      if (category == Character.CONTROL || category == Character.FORMAT || category == Character.LINE_SEPARATOR
          || category == Character.PARAGRAPH_SEPARATOR || category == Character.PRIVATE_USE || category == Character.SURROGATE
          || category == Character.UNASSIGNED) {
        throw metadata("client_name must not contain control, formatting or unassigned characters");
      }
      if (c == '<' || c == '>') {
        throw metadata("client_name must not contain '<' or '>'");
      }
      i += Character.charCount(c);
    }
    return stripped;
  }

  private static Set<String> scopes(JsonObject json, Set<String> knownScopes) {
    Object value = json.getValue("scope");
    if (value == null) {
      return new TreeSet<>(knownScopes);
    }
    if (!(value instanceof String text)) {
      throw metadata("scope must be a string of space-separated scopes");
    }
    Set<String> asked = text.isBlank() ? Set.of() : new TreeSet<>(List.of(text.strip().split(" +")));
    for (String scope : asked) {
      if (!scope.chars().allMatch(c -> c == 0x21 || c >= 0x23 && c <= 0x5b || c >= 0x5d && c <= 0x7e)) {
        throw metadata("scope: a scope is printable ASCII other than space, '\"' and '\\' (RFC 6749 section 3.3)");
      }
    }
    Set<String> registered = new TreeSet<>(asked);
    registered.retainAll(knownScopes);
    return registered;
  }

  /** A string member that must be one of {@code allowed}; {@code dflt} when absent. */
  private static String oneOf(JsonObject json, String field, List<String> allowed, String dflt) {
    Object value = json.getValue(field);
    if (value == null) {
      return dflt;
    }
    if (!(value instanceof String s)) {
      throw metadata(field + " must be a string");
    }
    if (!allowed.contains(s)) {
      throw metadata(field + ": unsupported value; supported: " + String.join(", ", allowed));
    }
    return s;
  }

  /** An array of strings; null when absent. */
  private static List<String> strings(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray array)) {
      throw metadata(field + " must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (Object element : array) {
      if (!(element instanceof String s)) {
        throw metadata(field + " must be an array of strings");
      }
      out.add(s); // compared as sent: grant and response types are case-sensitive
    }
    return out;
  }

  private static OAuthError redirect(String description) {
    return new OAuthError(400, "invalid_redirect_uri", description, false);
  }

  private static Refusal metadata(String description) {
    return new Refusal(new OAuthError(400, "invalid_client_metadata", description, false));
  }

  /** Ends parsing with an error; no stack trace, it is an answer. */
  private static final class Refusal extends RuntimeException {
    final transient OAuthError error;

    Refusal(OAuthError error) {
      super(error.description(), null, false, false);
      this.error = error;
    }
  }
}
