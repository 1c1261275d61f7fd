package dev.toolgate.core.config;

import java.util.List;

/**
 * What a call to a tool must present. Every listed credential must pass (AND). An empty list is
 * only valid when {@code anonymous} is declared, so open access is never an accident.
 */
public record Policy(List<CredentialKind> require, boolean anonymous) {
  public Policy {
    require = List.copyOf(require);
  }

  public boolean requires(CredentialKind kind) {
    return require.contains(kind);
  }
}
