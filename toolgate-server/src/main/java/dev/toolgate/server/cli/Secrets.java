package dev.toolgate.server.cli;

import java.util.regex.Pattern;

/** Keeps secret-looking values out of what the CLI prints. */
final class Secrets {
  private static final Pattern TOOLGATE_SECRET = Pattern.compile("\\btg[a-z]_[A-Za-z0-9_-]+");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  private Secrets() {}

  static String redact(String text) {
    return text == null ? null : TOOLGATE_SECRET.matcher(text).replaceAll(m -> m.group().substring(0, 4) + "…(redacted)");
  }

  /** The value of an environment variable named on the command line; never echoes a malformed name (it may be a pasted secret). */
  static String fromEnv(String option, String name) {
    if (!ENV_NAME.matcher(name).matches()) {
      throw new UserError(option + " takes the NAME of an environment variable (letters, digits and '_'), not a value");
    }
    String value = System.getenv(name);
    if (value == null || value.isEmpty()) {
      throw new UserError("environment variable " + redact(name) + " is not set or empty");
    }
    return value;
  }
}
