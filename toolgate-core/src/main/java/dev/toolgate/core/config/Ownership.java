package dev.toolgate.core.config;

import java.util.Objects;

/**
 * A field of the call that names the owner of the resource it touches ({@code /users/{user_id}/orders},
 * {@code customer_id} in the body): it must name the bound user, or the call is {@code owner_mismatch}.
 *
 * @param location where the owner is named
 * @param kind what kind of identity the field holds
 */
public record Ownership(IdentityLocation location, IdentityKind kind) {
  public Ownership {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(kind, "kind");
  }
}
