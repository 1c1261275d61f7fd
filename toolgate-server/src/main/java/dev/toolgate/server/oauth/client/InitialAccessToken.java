package dev.toolgate.server.oauth.client;

import dev.toolgate.core.config.RegistrationSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.Function;

/**
 * The initial access token of {@code registration.mode: initial_access_token} (RFC 7591 §3): a
 * bearer token, read once at start from the environment variable the configuration names, that a
 * registration must carry. Only its SHA-256 digest is kept; a presented token is compared by digest
 * in constant time, so neither its length nor a common prefix shows in the timing.
 */
public final class InitialAccessToken {
  /** Shorter tokens are refused at start: this token lets anyone holding it create clients. */
  public static final int MIN_LENGTH = 32;

  private final byte[] digest;

  private InitialAccessToken(String token) {
    this.digest = sha256(token);
  }

  /**
   * The token for {@code settings}, or null when the mode needs none.
   *
   * @param env the environment ({@code System::getenv} in the server)
   * @throws IllegalStateException (saying what to do, never the value) when the mode needs the token
   *     and the variable is unset, empty or too short; the server then does not start
   */
  public static InitialAccessToken of(RegistrationSettings settings, Function<String, String> env) {
    String problem = problem(settings, env);
    if (problem != null) {
      throw new IllegalStateException(problem);
    }
    return settings.mode() == RegistrationSettings.Mode.INITIAL_ACCESS_TOKEN ? new InitialAccessToken(env.apply(settings.initialAccessTokenEnv())) : null;
  }

  /** Why the server cannot start with {@code settings} in this environment, or null. For {@code toolgate validate} too. */
  public static String problem(RegistrationSettings settings, Function<String, String> env) {
    if (settings.mode() != RegistrationSettings.Mode.INITIAL_ACCESS_TOKEN) {
      return null;
    }
    String name = settings.initialAccessTokenEnv();
    String value = env.apply(name);
    String where = "authorization_server.registration: mode initial_access_token needs the initial access token in the environment variable "
        + name + " (initial_access_token_env)";
    if (value == null || value.isBlank()) {
      return where + ", which is not set or empty; set it to a long random value, e.g. `openssl rand -base64 32`";
    }
    if (value.strip().length() < MIN_LENGTH) {
      return where + ", which holds fewer than " + MIN_LENGTH + " characters; use a long random value, e.g. `openssl rand -base64 32`";
    }
    return null;
  }

  /** Whether {@code presented} is the token. */
  public boolean matches(String presented) {
    return presented != null && MessageDigest.isEqual(digest, sha256(presented));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.strip().getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "InitialAccessToken[(hidden)]";
  }
}
