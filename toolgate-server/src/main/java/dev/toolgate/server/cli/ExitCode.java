package dev.toolgate.server.cli;

/**
 * What {@code toolgate} exits with, so a script can tell a typo from a missing thing from a clash
 * without reading the message. With {@code -o json} the failure is also {@code {"error": {"code":
 * CODE, "message": ...}}} on stderr, {@code CODE} being {@link #code()}.
 */
enum ExitCode {
  OK(0, "ok"),
  /** The store or server cannot be reached, the configuration is broken, or something unexpected. */
  FAILURE(1, "failure"),
  /** A bad option, argument or value: fix the command line. */
  USAGE(2, "usage"),
  /** What the command names does not exist. */
  NOT_FOUND(3, "not_found"),
  /** It conflicts with what is stored: already exists, disabled, changed meanwhile. */
  CONFLICT(4, "conflict"),
  /** Server mode: the admin token is missing, unknown, or its role does not allow this. */
  NOT_AUTHORIZED(5, "not_authorized");


  private final int value;
  private final String code;

  ExitCode(int value, String code) {
    this.value = value;
    this.code = code;
  }

  int value() {
    return value;
  }

  /** The {@code code} of a JSON error. */
  String code() {
    return code;
  }
}
