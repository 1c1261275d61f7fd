package dev.toolgate.core.config;

import java.util.Arrays;
import java.util.Optional;

/** The credential kinds a policy can require, by their names in {@code toolgate.yaml}. */
public enum CredentialKind {
  /** The platform's HMAC request signature, in the platform's {@code signature_header}. */
  SENDBIRD_SIGNATURE("sendbird_signature"),
  /** A static bearer token from the store: {@code Authorization: Bearer tgt_...}. */
  STATIC_TOKEN("static_token"),
  /** An API key from the store, in the platform's {@code api_key_header}. */
  API_KEY("api_key"),
  /** An OAuth 2.0 access token Toolgate issued (a JWT, RFC 9068): {@code Authorization: Bearer ...}; see {@link ClientTokenPolicy}. */
  CLIENT_TOKEN("client_token"),
  /**
   * An end-user JWT, from Toolgate's customer login or a trusted issuer, in a header, a JSON body
   * field or a query parameter; see {@link UserTokenPolicy}.
   */
  USER_TOKEN("user_token"),
  /** A bearer JWT from a trusted external issuer, verified with its JWKS; see {@link ExternalJwtPolicy}. */
  EXTERNAL_JWT("external_jwt"),
  /**
   * A Standard Webhooks signature: {@code webhook-id}, {@code webhook-timestamp} and
   * {@code webhook-signature} ({@code v1} HMAC-SHA256, {@code v1a} Ed25519), within the platform's
   * {@code replay_tolerance}, each id accepted once.
   */
  STANDARD_WEBHOOKS("standard_webhooks"),
  /**
   * A Stripe-style signature, {@code t=<unix seconds>,v1=<hex HMAC-SHA256>}, in the platform's
   * {@code stripe_signature_header}, within its {@code replay_tolerance}, each message accepted once.
   */
  STRIPE_SIGNATURE("stripe_signature"),
  /**
   * A client certificate presented in the TLS handshake, issued under the CA of the tool's platform
   * ({@code platforms.<name>.client_certificates}); see {@link MtlsPolicy}.
   */
  MTLS("mtls");

  private final String yamlName;

  CredentialKind(String yamlName) {
    this.yamlName = yamlName;
  }

  public String yamlName() {
    return yamlName;
  }

  public static Optional<CredentialKind> fromYaml(String name) {
    return Arrays.stream(values()).filter(k -> k.yamlName.equals(name)).findFirst();
  }
}
