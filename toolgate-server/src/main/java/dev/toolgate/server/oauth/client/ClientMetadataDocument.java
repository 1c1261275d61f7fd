package dev.toolgate.server.oauth.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.toolgate.core.text.StrictUtf8;
import dev.toolgate.server.store.OAuthSettings;
import java.io.IOException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a fetched Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document, RFC 7591
 * metadata) into an {@link AuthorizationClient}, or says what is wrong with it. Pure: the bytes and the
 * URL they were fetched from are all it looks at.
 *
 * <p>Problems are printable ASCII without {@code "} or {@code \} (fit for an OAuth
 * {@code error_description}) and never echo a value from the document: it is the client's text.
 */
public final class ClientMetadataDocument {
  public static final String NONE = "none";
  public static final int MAX_NAME_LENGTH = 200;
  static final int MAX_REDIRECT_URIS = 50;
  static final int MAX_SCOPE_LENGTH = 2000;

  /** Shared-secret methods: the draft forbids them, as a metadata document cannot establish a secret. */
  private static final Set<String> SHARED_SECRET_METHODS =
      Set.of(OAuthSettings.CLIENT_SECRET_BASIC, OAuthSettings.CLIENT_SECRET_POST, "client_secret_jwt");

  private static final JsonFactory STRICT = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** The client, or the problem (exactly one is null). */
  public record Result(AuthorizationClient client, String problem) {
    public boolean ok() {
      return problem == null;
    }

    static Result refused(String problem) {
      return new Result(null, "client metadata document: " + problem);
    }
  }

  private ClientMetadataDocument() {}

  /**
   * @param clientId the Client Identifier URL the document was fetched from, as the client sent it
   * @param body the answer's body
   */
  public static Result parse(String clientId, byte[] body) {
    String text = StrictUtf8.decode(body);
    if (text == null) {
      return Result.refused("the body is not UTF-8 text");
    }
    String syntax = strictSyntaxProblem(body);
    if (syntax != null) {
      return Result.refused(syntax);
    }
    Map<String, Object> json;
    try {
      json = JSONObjectUtils.parse(text);
    } catch (ParseException | RuntimeException e) {
      return Result.refused("the body is not a JSON object");
    }
    return read(clientId, json);
  }

  private static Result read(String clientId, Map<String, Object> json) {
    Object id = json.get("client_id");
    if (!(id instanceof String s) || s.isEmpty()) {
      return Result.refused("client_id is missing or not a string");
    }
    if (!s.equals(clientId)) {
      return Result.refused("its client_id does not match the URL it was fetched from, character for character");
    }
    if (json.containsKey("client_secret") || json.containsKey("client_secret_expires_at")) {
      return Result.refused("it must not contain client_secret or client_secret_expires_at (no shared secret can be set up through a metadata document)");
    }
    List<String> redirectUris = new ArrayList<>();
    String problem = redirectUris(json.get("redirect_uris"), redirectUris);
    if (problem == null) {
      problem = grants(json);
    }
    if (problem != null) {
      return Result.refused(problem);
    }
    Object name = json.get("client_name");
    problem = name == null ? null : nameProblem(name);
    if (problem != null) {
      return Result.refused(problem);
    }
    Object method = json.getOrDefault("token_endpoint_auth_method", NONE);
    problem = authMethodProblem(method);
    if (problem != null) {
      return Result.refused(problem);
    }
    if (json.containsKey("jwks_uri")) {
      return Result.refused("jwks_uri is not supported by this server; publish the public keys inline in jwks");
    }
    JWKSet jwks = null;
    if (json.containsKey("jwks")) {
      if (!(json.get("jwks") instanceof Map<?, ?> keys)) {
        return Result.refused("jwks is not a JSON object");
      }
      try {
        jwks = OAuthSettings.parseJwks(JSONObjectUtils.toJSONString(cast(keys)));
      } catch (IllegalArgumentException e) {
        return Result.refused(Descriptions.safe(e.getMessage()));
      }
    }
    if (OAuthSettings.PRIVATE_KEY_JWT.equals(method) && jwks == null) {
      return Result.refused("token_endpoint_auth_method private_key_jwt needs the client's public keys inline in jwks");
    }
    Set<String> scopes = null;
    if (json.containsKey("scope")) {
      scopes = new LinkedHashSet<>();
      problem = scopes(json.get("scope"), scopes);
      if (problem != null) {
        return Result.refused(problem);
      }
    }
    return new Result(new AuthorizationClient(clientId, (String) name, redirectUris, Set.of((String) method), jwks, scopes,
        AuthorizationClient.Source.METADATA_DOCUMENT), null);
  }

  private static String redirectUris(Object value, List<String> out) {
    if (value == null) {
      return "redirect_uris is missing";
    }
    if (!(value instanceof List<?> list) || list.isEmpty()) {
      return "redirect_uris must be a non-empty array of URIs";
    }
    if (list.size() > MAX_REDIRECT_URIS) {
      return "redirect_uris has more than " + MAX_REDIRECT_URIS + " entries";
    }
    for (int i = 0; i < list.size(); i++) {
      String problem = RedirectUriRules.problem("redirect_uris[" + i + "]", list.get(i));
      if (problem != null) {
        return problem;
      }
      out.add((String) list.get(i));
    }
    return null;
  }

  /** The code flow is the one this client is for: other grant lists would register it for something else. */
  private static String grants(Map<String, Object> json) {
    String problem = mustList(json.get("grant_types"), "grant_types", "authorization_code");
    return problem != null ? problem : mustList(json.get("response_types"), "response_types", "code");
  }

  private static String mustList(Object value, String field, String required) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
      return field + " must be an array of strings";
    }
    return list.contains(required) ? null : field + " must include " + required;
  }

  private static String nameProblem(Object name) {
    if (!(name instanceof String s)) {
      return "client_name is not a string";
    }
    if (s.isBlank() || s.length() > MAX_NAME_LENGTH) {
      return "client_name must be 1 to " + MAX_NAME_LENGTH + " characters, not blank";
    }
    for (int i = 0; i < s.length(); ) {
      int c = s.codePointAt(i);
      int type = Character.getType(c);
      // Control characters, and format characters such as a right-to-left override that make a name
      // read as another one on the consent page.
      if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE || type == Character.PRIVATE_USE
          || type == Character.UNASSIGNED) {
        return "client_name contains a control, format or unassigned character";
      }
      i += Character.charCount(c);
    }
    return null;
  }

  private static String authMethodProblem(Object method) {
    if (!(method instanceof String m)) {
      return "token_endpoint_auth_method is not a string";
    }
    if (m.equals(NONE) || m.equals(OAuthSettings.PRIVATE_KEY_JWT)) {
      return null;
    }
    if (SHARED_SECRET_METHODS.contains(m)) {
      return "token_endpoint_auth_method " + m + " needs a shared secret, which a metadata document cannot set up; use none or private_key_jwt";
    }
    return "token_endpoint_auth_method is not supported; use none or private_key_jwt";
  }

  private static String scopes(Object value, Set<String> out) {
    if (!(value instanceof String s) || s.length() > MAX_SCOPE_LENGTH) {
      return "scope must be a space-separated string of at most " + MAX_SCOPE_LENGTH + " characters";
    }
    if (s.isBlank()) {
      return null; // an empty scope: the client may ask for none
    }
    for (String token : s.strip().split(" +")) {
      if (!isScopeToken(token)) {
        return "scope holds a value that is not an RFC 6749 scope token";
      }
      out.add(token);
    }
    return null;
  }

  /** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
  private static boolean isScopeToken(String s) {
    if (s.isEmpty() || s.length() > 200) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c == 0x21 || c >= 0x23 && c <= 0x5b || c >= 0x5d && c <= 0x7e)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A strict read of the JSON first: exactly one value, and no object naming a member twice
   * ({"client_id": A, "client_id": B}: parsers disagree on which one counts).
   */
  private static String strictSyntaxProblem(byte[] json) {
    try (JsonParser in = STRICT.createParser(json)) {
      if (in.nextToken() != JsonToken.START_OBJECT) {
        return "the body is not a JSON object";
      }
      in.skipChildren();
      return in.nextToken() == null ? null : "the body holds more than one JSON value";
    } catch (JsonParseException e) {
      return e.getMessage() != null && e.getMessage().startsWith("Duplicate field")
          ? "an object in it names the same member twice"
          : "the body is not a JSON object";
    } catch (IOException e) {
      return "the body is not a JSON object";
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }
}
