package dev.toolgate.server.users;

/**
 * What a new password must be: 8 to 128 characters (Unicode code points), as NIST SP 800-63B
 * suggests for memorised secrets: long enough, no composition rules, an upper bound only so a
 * hash input cannot be made huge. Applies when a password is set, not at login.
 */
public final class PasswordPolicy {
  public static final int MIN_LENGTH = 8;
  public static final int MAX_LENGTH = 128;

  private PasswordPolicy() {}

  /** Returns the password unchanged, or throws {@link IllegalArgumentException} saying what is wrong. */
  public static String require(String password) {
    if (password == null) {
      throw new IllegalArgumentException("password is required");
    }
    int length = password.codePointCount(0, password.length());
    if (length < MIN_LENGTH || length > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "password must be " + MIN_LENGTH + "-" + MAX_LENGTH + " characters long, got " + length);
    }
    if (password.chars().anyMatch(c -> c == 0)) {
      throw new IllegalArgumentException("password must not contain NUL characters");
    }
    return password;
  }
}
