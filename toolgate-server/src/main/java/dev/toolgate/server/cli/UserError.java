package dev.toolgate.server.cli;

/** A problem the user can fix; printed as one line, no stack trace, exit code {@link #exit()}. */
final class UserError extends RuntimeException {
  private final ExitCode exit;

  UserError(ExitCode exit, String message) {
    super(message);
    this.exit = exit;
  }

  /** A bad option, argument or value (exit 2). */
  static UserError usage(String message) {
    return new UserError(ExitCode.USAGE, message);
  }

  /** What the command names does not exist (exit 3). */
  static UserError notFound(String message) {
    return new UserError(ExitCode.NOT_FOUND, message);
  }

  /** It clashes with what exists (exit 4). */
  static UserError conflict(String message) {
    return new UserError(ExitCode.CONFLICT, message);
  }

  /** Something outside the command line failed: a process, a file, the network (exit 1). */
  static UserError failure(String message) {
    return new UserError(ExitCode.FAILURE, message);
  }

  ExitCode exit() {
    return exit;
  }
}
