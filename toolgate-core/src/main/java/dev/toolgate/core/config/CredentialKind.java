package dev.toolgate.core.config;

import java.util.Arrays;
import java.util.Optional;

/** The credential kinds a policy can require, by their names in {@code toolgate.yaml}. */
public enum CredentialKind {
  SENDBIRD_SIGNATURE("sendbird_signature"),
  STATIC_TOKEN("static_token"),
  API_KEY("api_key");

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
