package dev.toolgate.server.admin;

import java.util.Locale;
import java.util.Optional;

/**
 * What an admin token may do, fixed when it is created. Every admin route names the {@link Access}
 * it needs; {@link AdminAuth} refuses a token whose role does not allow it (403 {@code admin_role_forbidden}).
 */
public enum AdminRole {
  /** Everything, including admin tokens and pruning the audit log. */
  ADMIN("admin"),
  /** Manages clients, credentials, users, keys and settings; reads everything. Not admin tokens, not audit pruning. */
  OPERATOR("operator"),
  /** Reads everything the API shows (never a secret: none is readable after creation); changes nothing. */
  READ_ONLY("read_only"),
  /** Mints customer tokens for users and nothing else: what a backend in Sendbird's flow needs. */
  TOKEN_MINTER("token_minter");

  /** What a route needs. */
  public enum Access {
    /** GET anything. */
    READ,
    /** Create, change, rotate, revoke. */
    OPERATE,
    /** Mint a customer token for a user. */
    MINT_CUSTOMER_TOKEN,
    /** Admin tokens, and destroying audit records. */
    ADMINISTER
  }

  private final String value;

  AdminRole(String value) {
    this.value = value;
  }

  /** The name in the store, the API and the CLI. */
  public String value() {
    return value;
  }

  public boolean allows(Access access) {
    return switch (this) {
      case ADMIN -> true;
      case OPERATOR -> access != Access.ADMINISTER;
      case READ_ONLY -> access == Access.READ;
      case TOKEN_MINTER -> access == Access.MINT_CUSTOMER_TOKEN;
    };
  }

  public static Optional<AdminRole> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    for (AdminRole role : values()) {
      if (role.value.equals(value.toLowerCase(Locale.ROOT).replace('-', '_'))) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }

  /** For messages: {@code admin, operator, read_only, token_minter}. */
  public static String names() {
    return String.join(", ", java.util.Arrays.stream(values()).map(AdminRole::value).toList());
  }
}
