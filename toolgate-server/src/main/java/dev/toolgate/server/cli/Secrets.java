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

  /**
   * The value of an environment variable named on the command line. The name is never echoed: a
   * secret typed where the name belongs can look like a name ({@code --from-env hunter2}).
   */
  static String fromEnv(String option, String name) {
    if (!ENV_NAME.matcher(name).matches()) {
      throw UserError.usage(option + " takes the NAME of an environment variable (letters, digits and '_'), not a value");
    }
    String value = System.getenv(name);
    if (value == null || value.isEmpty()) {
      throw UserError.usage("the environment variable named by " + option + " is not set or empty (" + option
          + " takes the NAME of a variable that holds the value, not the value; the name is not repeated here in case it is one)");
    }
    return value;
  }
}
