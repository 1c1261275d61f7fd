package dev.toolgate.core.token;

/**
 * A step of verification that either produced a value or refused the token. Internal: it lets
 * each step return its refusal as data instead of throwing.
 */
final class Outcome<T> {
  private final T value;
  private final JwtResult.Invalid invalid;

  private Outcome(T value, JwtResult.Invalid invalid) {
    this.value = value;
    this.invalid = invalid;
  }

  static <T> Outcome<T> ok(T value) {
    return new Outcome<>(value, null);
  }

  static <T> Outcome<T> fail(JwtFailure failure, String detail) {
    return new Outcome<>(null, new JwtResult.Invalid(failure, detail));
  }

  static <T> Outcome<T> fail(JwtResult.Invalid invalid) {
    return new Outcome<>(null, invalid);
  }

  boolean isOk() {
    return invalid == null;
  }

  T value() {
    if (invalid != null) {
      throw new IllegalStateException("refused: " + invalid.detail());
    }
    return value;
  }

  JwtResult.Invalid invalid() {
    return invalid;
  }
}
