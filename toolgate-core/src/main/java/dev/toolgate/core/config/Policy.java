package dev.toolgate.core.config;

import java.util.List;

/**
 * What a call to a tool must present. Every listed credential must pass (AND). An empty list is
 * only valid when {@code anonymous} is declared, so open access is never an accident.
 *
 * <p>The JWT kinds carry their settings: loaded from {@code toolgate.yaml}, {@code clientToken},
 * {@code userToken} and {@code externalJwt} are non-null exactly when their kind is required
 * (filled with defaults when the policy requires the kind without a section), and null otherwise.
 *
 * @param require the credential kinds that must all pass, in file order
 * @param anonymous open access, declared
 * @param clientToken how a {@code client_token} is checked; null when not required
 * @param userToken where a {@code user_token} is found and who issued it; null when not required
 * @param externalJwt which trusted issuer an {@code external_jwt} comes from and where; null when not required
 * @param mtls which client certificates may call; null when {@code mtls} is not required
 */
public record Policy(
    List<CredentialKind> require,
    boolean anonymous,
    ClientTokenPolicy clientToken,
    UserTokenPolicy userToken,
    ExternalJwtPolicy externalJwt,
    MtlsPolicy mtls) {

  public Policy {
    require = List.copyOf(require);
  }

  /** A policy that does not require {@code mtls} (or accepts any certificate of the platform's CA when it does). */
  public Policy(List<CredentialKind> require, boolean anonymous, ClientTokenPolicy clientToken, UserTokenPolicy userToken,
      ExternalJwtPolicy externalJwt) {
    this(require, anonymous, clientToken, userToken, externalJwt, require.contains(CredentialKind.MTLS) ? MtlsPolicy.any() : null);
  }

  /**
   * A policy with default settings for the JWT kinds it requires: {@link UserTokenPolicy#defaults()},
   * and a client_token audience of {@link AuthServerSettings#defaults(ServerSettings)}' default
   * resource. An external_jwt cannot be defaulted (it must name a trusted issuer): use the canonical
   * constructor for it.
   *
   * @throws IllegalArgumentException if {@code require} lists {@link CredentialKind#EXTERNAL_JWT}
   */
  public Policy(List<CredentialKind> require, boolean anonymous) {
    this(require, anonymous, defaultClientToken(require), require.contains(CredentialKind.USER_TOKEN) ? UserTokenPolicy.defaults() : null,
        noExternalJwt(require));
  }

  public boolean requires(CredentialKind kind) {
    return require.contains(kind);
  }

  private static ClientTokenPolicy defaultClientToken(List<CredentialKind> require) {
    return require.contains(CredentialKind.CLIENT_TOKEN)
        ? ClientTokenPolicy.defaults(AuthServerSettings.defaults(null).defaultResource())
        : null;
  }

  private static ExternalJwtPolicy noExternalJwt(List<CredentialKind> require) {
    if (require.contains(CredentialKind.EXTERNAL_JWT)) {
      throw new IllegalArgumentException("external_jwt needs an ExternalJwtPolicy naming its trusted issuer; use the canonical constructor");
    }
    return null;
  }
}
