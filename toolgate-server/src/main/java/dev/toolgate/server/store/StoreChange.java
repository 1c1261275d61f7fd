package dev.toolgate.server.store;

import java.util.Optional;

/**
 * One change announced by the store (PostgreSQL {@code NOTIFY}, sent by the triggers of migration
 * V6): what a running instance must forget or reload. Payloads name what changed, never a secret.
 */
public sealed interface StoreChange {
  /** The store revision moved to {@code revision}: some credential, client or signing key changed. */
  record Credentials(long revision) implements StoreChange {}

  /** The JWT {@code jti} was revoked, alone, in the transaction that moved the revision to {@code revision}. */
  record RevokedToken(long revision, String jti) implements StoreChange {}

  /** The user was created, deleted, disabled or enabled, or its password was reset. */
  record User(String userId) implements StoreChange {}

  /** A platform's user id was mapped to a user, or unmapped. */
  record PlatformUser(String platform, String platformUserId) implements StoreChange {}

  /** An admin token was created, revoked or deleted, or its expiry changed. */
  record AdminTokens() implements StoreChange {}

  /** The change a payload announces; empty for a payload this version does not know (a newer one may send more). */
  static Optional<StoreChange> parse(String payload) {
    if (payload == null) {
      return Optional.empty();
    }
    int colon = payload.indexOf(':');
    String kind = colon < 0 ? payload : payload.substring(0, colon);
    String rest = colon < 0 ? null : payload.substring(colon + 1);
    try {
      return switch (kind) {
        case "credentials" -> rest == null ? Optional.empty() : Optional.of(new Credentials(Long.parseLong(rest)));
        case "revoked_token" -> revokedToken(rest);
        case "user" -> rest == null || rest.isEmpty() ? Optional.empty() : Optional.of(new User(rest));
        case "platform_user" -> platformUser(rest);
        case "admin_tokens" -> rest == null ? Optional.of(new AdminTokens()) : Optional.empty();
        default -> Optional.empty();
      };
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Optional<StoreChange> revokedToken(String rest) {
    int colon = rest == null ? -1 : rest.indexOf(':');
    if (colon < 0 || colon == rest.length() - 1) {
      return Optional.empty();
    }
    return Optional.of(new RevokedToken(Long.parseLong(rest.substring(0, colon)), rest.substring(colon + 1)));
  }

  /** Platform names hold no ':' (see UserStore.requirePlatform); a platform user id may. */
  private static Optional<StoreChange> platformUser(String rest) {
    int colon = rest == null ? -1 : rest.indexOf(':');
    if (colon <= 0 || colon == rest.length() - 1) {
      return Optional.empty();
    }
    return Optional.of(new PlatformUser(rest.substring(0, colon), rest.substring(colon + 1)));
  }
}
