package dev.toolgate.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The end-user JWTs that {@code POST /auth/customer_authenticate} issues.
 *
 * @param ttl lifetime (default 8h); at most {@code authorization_server.max_token_ttl}
 * @param audience the {@code aud} values the token carries (default {@code [toolgate]}); never empty
 * @param scopes the scopes the token carries (default none)
 * @param subject what the {@code sub} claim holds (default {@link Subject#OPAQUE_ID})
 * @param opaqueIdPlatform the platform whose opaque customer id is the subject (default {@code asapp});
 *     tools of that platform forward the same id, so token and header agree
 */
public record CustomerTokenSettings(Duration ttl, List<String> audience, List<String> scopes, Subject subject, String opaqueIdPlatform) {
  public static final Duration DEFAULT_TTL = Duration.ofHours(8);
  public static final List<String> DEFAULT_AUDIENCE = List.of("toolgate");
  public static final String DEFAULT_OPAQUE_ID_PLATFORM = "asapp";

  /** What a customer token's {@code sub} claim holds. */
  public enum Subject {
    /** The internal user id. */
    USER_ID,
    /** The user's opaque customer identifier: unique, consistent, no PII (the ASAPP requirement). */
    OPAQUE_ID;

    public String yamlName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public CustomerTokenSettings {
    audience = List.copyOf(audience);
    scopes = List.copyOf(scopes);
    opaqueIdPlatform = opaqueIdPlatform == null ? DEFAULT_OPAQUE_ID_PLATFORM : opaqueIdPlatform;
  }

  /** With the opaque ids of platform {@code asapp}. */
  public CustomerTokenSettings(Duration ttl, List<String> audience, List<String> scopes, Subject subject) {
    this(ttl, audience, scopes, subject, DEFAULT_OPAQUE_ID_PLATFORM);
  }

  public static CustomerTokenSettings defaults() {
    return new CustomerTokenSettings(DEFAULT_TTL, DEFAULT_AUDIENCE, List.of(), Subject.OPAQUE_ID, DEFAULT_OPAQUE_ID_PLATFORM);
  }
}
