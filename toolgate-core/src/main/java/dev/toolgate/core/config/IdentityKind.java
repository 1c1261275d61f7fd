package dev.toolgate.core.config;

import java.util.Arrays;
import java.util.Optional;

/** What an identity value in a call names, and so how Toolgate resolves it to one of its users. */
public enum IdentityKind {
  /** A platform's own user id (Sendbird's {@code user_id}), mapped to a user with {@code toolgate user map}. */
  PLATFORM_USER_ID("platform_user_id"),
  /** An opaque customer identifier Toolgate handed out ({@code oc1_…}), resolved through its lookup table. */
  OPAQUE_ID("opaque_id"),
  /** Toolgate's internal user id ({@code usr_…}). */
  USER_ID("user_id");

  private final String yamlName;

  IdentityKind(String yamlName) {
    this.yamlName = yamlName;
  }

  public String yamlName() {
    return yamlName;
  }

  public static Optional<IdentityKind> fromYaml(String name) {
    return Arrays.stream(values()).filter(k -> k.yamlName.equals(name)).findFirst();
  }
}
