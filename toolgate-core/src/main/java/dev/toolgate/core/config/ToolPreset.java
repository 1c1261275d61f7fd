package dev.toolgate.core.config;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The common setups of the two platforms Toolgate answers, as one line of a tool
 * ({@code preset: sendbird}). A preset supplies the tool's {@code policy} and {@code user} sections
 * when the tool does not write them; a section the tool writes replaces the preset's.
 */
public enum ToolPreset {
  /**
   * Sendbird AI Agent, "with Sendbird user_id": the {@code x-sendbird-signature} HMAC of the body, and
   * the platform's {@code user_id} (placed in the body as {@code "user_id": "{user_id}"}) bound to a user.
   */
  SENDBIRD("sendbird", "a Sendbird signature; the Sendbird user_id in body field /user_id, bound to a user"),
  /**
   * Sendbird AI Agent for high-risk tools: as {@link #SENDBIRD}, plus the user's JWT that the
   * messenger's {@code context} carries (placed in the body as {@code "context": {"jwt": "…"}}),
   * which must name the same user.
   */
  SENDBIRD_JWT("sendbird_jwt", "as sendbird, plus the user's JWT in body field /context/jwt naming the same user"),
  /**
   * ASAPP's API integration: {@code Authorization: Bearer <access token>} from the client-credentials
   * grant, {@code customer-auth: JWT <user JWT>} from customer login, and the {@code api-key}
   * header; the user token's subject binds the user, whose opaque customer id goes upstream.
   */
  ASAPP("asapp", "a client_token, the customer's user token (customer-auth: JWT …) and an api_key; the user bound by the token");

  static final String BODY_USER_ID = "/user_id";
  static final String BODY_CONTEXT_JWT = "/context/jwt";

  private final String yamlName;
  private final String summary;

  ToolPreset(String yamlName, String summary) {
    this.yamlName = yamlName;
    this.summary = summary;
  }

  public String yamlName() {
    return yamlName;
  }

  /** One line for error messages and docs. */
  public String summary() {
    return summary;
  }

  public static Optional<ToolPreset> fromYaml(String name) {
    return Arrays.stream(values()).filter(p -> p.yamlName.equals(name)).findFirst();
  }

  /** Whether the tool must name its platform (the platform's user ids are resolved per platform). */
  public boolean needsPlatform() {
    return this != ASAPP;
  }

  /** @param defaultResource the audience of Toolgate's access tokens ({@code authorization_server.default_resource}) */
  public Policy policy(String defaultResource) {
    return switch (this) {
      case SENDBIRD -> new Policy(List.of(CredentialKind.SENDBIRD_SIGNATURE), false, null, null, null);
      case SENDBIRD_JWT -> new Policy(List.of(CredentialKind.SENDBIRD_SIGNATURE, CredentialKind.USER_TOKEN), false, null,
          new UserTokenPolicy(null, null, BODY_CONTEXT_JWT, null, TrustedIssuer.TOOLGATE, List.of()), null);
      case ASAPP -> new Policy(List.of(CredentialKind.CLIENT_TOKEN, CredentialKind.USER_TOKEN, CredentialKind.API_KEY), false,
          ClientTokenPolicy.defaults(defaultResource), UserTokenPolicy.defaults(), null);
    };
  }

  public UserBinding user() {
    return switch (this) {
      case SENDBIRD, SENDBIRD_JWT -> new UserBinding(Map.of(IdentityKind.PLATFORM_USER_ID, IdentityLocation.body(BODY_USER_ID)), UserBinding.Forward.OPAQUE_ID);
      case ASAPP -> new UserBinding(Map.of(), UserBinding.Forward.OPAQUE_ID);
    };
  }
}
