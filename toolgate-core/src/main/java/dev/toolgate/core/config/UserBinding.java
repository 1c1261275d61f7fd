package dev.toolgate.core.config;

import java.util.Map;

/**
 * How a tool learns which end user a call is for, and what it forwards upstream. Every identity the
 * call carries — the ones read from the locations below, and the subject of its user token when the
 * policy requires one — must name the same Toolgate user ({@code user_mismatch} otherwise); a
 * declared location that the call leaves empty is {@code user_missing}.
 *
 * @param identities where the call carries which kind of identity (at most one location per kind)
 * @param forward what {@code X-Toolgate-User} carries upstream
 */
public record UserBinding(Map<IdentityKind, IdentityLocation> identities, Forward forward) {
  public enum Forward {
    /** The user's opaque customer id for the tool's platform: unique, stable, no PII (the default). */
    OPAQUE_ID("opaque_id"),
    /** Toolgate's internal user id. */
    USER_ID("user_id"),
    /** The user's id on the tool's platform. */
    PLATFORM_USER_ID("platform_user_id");

    private final String yamlName;

    Forward(String yamlName) {
      this.yamlName = yamlName;
    }

    public String yamlName() {
      return yamlName;
    }
  }

  public UserBinding {
    identities = Map.copyOf(identities);
    if (forward == null) {
      forward = Forward.OPAQUE_ID;
    }
  }
}
