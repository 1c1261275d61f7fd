package dev.toolgate.core.config;

/**
 * Dynamic client registration (RFC 7591, {@code POST /oauth/register}), for MCP clients that predate
 * Client ID Metadata Documents.
 *
 * @param mode {@code off} (default), {@code initial_access_token} (a registration must carry the
 *     token from {@code initialAccessTokenEnv} as a bearer token) or {@code open}
 * @param initialAccessTokenEnv the environment variable holding the initial access token
 * @param maxPerHour registrations accepted per client address and hour (default 20)
 */
public record RegistrationSettings(Mode mode, String initialAccessTokenEnv, int maxPerHour) {
  public static final String DEFAULT_TOKEN_ENV = "TOOLGATE_REGISTRATION_TOKEN";

  /** Who may register. */
  public enum Mode {
    OFF("off"), INITIAL_ACCESS_TOKEN("initial_access_token"), OPEN("open");

    private final String yamlName;

    Mode(String yamlName) {
      this.yamlName = yamlName;
    }

    public String yamlName() {
      return yamlName;
    }
  }

  public static RegistrationSettings defaults() {
    return new RegistrationSettings(Mode.OFF, DEFAULT_TOKEN_ENV, 20);
  }
}
