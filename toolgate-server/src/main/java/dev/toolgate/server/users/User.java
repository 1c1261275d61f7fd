package dev.toolgate.server.users;

import java.time.Instant;
import java.util.Objects;

/**
 * An end user who can log in.
 *
 * @param id {@code usr_…}, generated, stable; what tokens name as subject unless opaque ids are used
 * @param username lower-case login name, unique
 * @param passwordHash Argon2id PHC string; never shown, never logged
 * @param disabled a disabled user cannot log in
 * @param passwordChangedAt when an administrator last set the password
 */
public record User(String id, String username, String passwordHash, boolean disabled, Instant createdAt, Instant passwordChangedAt) {
  /**
   * The stored hash of a user without a password (one who never logs in at Toolgate: a backend
   * mints their tokens, or only their platform ids are bound). No password verifies against it.
   */
  public static final String NO_PASSWORD = "!none";

  public User {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(passwordHash, "passwordHash");
  }

  /** Whether a password was set: a user without one cannot log in. */
  public boolean hasPassword() {
    return !NO_PASSWORD.equals(passwordHash);
  }

  /** Leaves the hash out, so a user printed or logged by mistake leaks nothing to crack offline. */
  @Override
  public String toString() {
    return "User[id=" + id + ", username=" + username + ", disabled=" + disabled + ", createdAt=" + createdAt
        + ", passwordChangedAt=" + passwordChangedAt + "]";
  }
}
