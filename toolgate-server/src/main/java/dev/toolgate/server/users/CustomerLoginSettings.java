package dev.toolgate.server.users;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What {@code POST /auth/customer_authenticate} issues.
 *
 * @param issuer the {@code iss} claim: Toolgate's issuer URL, the same as its access tokens'
 * @param audience the {@code aud} claim (default {@code ["toolgate"]}); never empty
 * @param lifetime token lifetime (default 8 h, as in ASAPP's example); 1 minute to 7 days
 * @param scopes the space-separated {@code scope} claim (default none: the claim is left out)
 * @param subject what the {@code sub} claim holds (default the opaque customer id)
 * @param opaqueIdPlatform the platform name the opaque customer id is derived for (default
 *     {@code asapp}); the same user gets a different id under each platform name
 * @param tools tools a token may be minted for alone (form field {@code tool}): those whose policy
 *     requires a user token; such a token's {@code aud} is only {@code urn:toolgate:tool:<name>}
 */
public record CustomerLoginSettings(String issuer, List<String> audience, Duration lifetime, List<String> scopes,
    Subject subject, String opaqueIdPlatform, List<String> tools) {
  public static final Duration DEFAULT_LIFETIME = Duration.ofHours(8);
  public static final List<String> DEFAULT_AUDIENCE = List.of("toolgate");
  public static final String DEFAULT_OPAQUE_ID_PLATFORM = "asapp";

  private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");

  /** What a customer token's {@code sub} claim holds. */
  public enum Subject {
    /** The internal user id ({@code usr_…}). */
    USER_ID,
    /** The user's opaque customer identifier ({@code oc1_…}): unique, consistent, no PII. */
    OPAQUE_ID
  }

  public CustomerLoginSettings {
    if (issuer == null || issuer.isBlank()) {
      throw new IllegalArgumentException("customer tokens need an issuer");
    }
    audience = List.copyOf(Objects.requireNonNull(audience, "audience"));
    if (audience.isEmpty() || audience.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException("customer tokens need at least one non-blank audience");
    }
    Objects.requireNonNull(lifetime, "lifetime");
    if (lifetime.compareTo(Duration.ofMinutes(1)) < 0 || lifetime.compareTo(Duration.ofDays(7)) > 0) {
      throw new IllegalArgumentException("customer token lifetime must be between 1 minute and 7 days, got " + lifetime);
    }
    scopes = List.copyOf(Objects.requireNonNull(scopes, "scopes"));
    for (String scope : scopes) {
      if (!SCOPE_TOKEN.matcher(scope).matches()) {
        throw new IllegalArgumentException("'" + scope + "' is not a valid scope (RFC 6749 §3.3)");
      }
    }
    Objects.requireNonNull(subject, "subject");
    UserStore.requirePlatform(opaqueIdPlatform);
    tools = List.copyOf(Objects.requireNonNull(tools, "tools"));
  }

  public CustomerLoginSettings(String issuer, List<String> audience, Duration lifetime, List<String> scopes,
      Subject subject, String opaqueIdPlatform) {
    this(issuer, audience, lifetime, scopes, subject, opaqueIdPlatform, List.of());
  }

  /** Every audience a customer token of these settings can carry: the configured ones and each tool's. */
  public List<String> allAudiences() {
    List<String> all = new java.util.ArrayList<>(audience);
    tools.forEach(t -> all.add(dev.toolgate.core.config.UserTokenPolicy.toolAudience(t)));
    return all;
  }

  public CustomerLoginSettings withTools(List<String> newTools) {
    return new CustomerLoginSettings(issuer, audience, lifetime, scopes, subject, opaqueIdPlatform, newTools);
  }

  /** 8-hour tokens for audience {@code toolgate}, no scopes, the opaque customer id as subject. */
  public static CustomerLoginSettings defaults(String issuer) {
    return new CustomerLoginSettings(issuer, DEFAULT_AUDIENCE, DEFAULT_LIFETIME, List.of(), Subject.OPAQUE_ID, DEFAULT_OPAQUE_ID_PLATFORM);
  }

  public CustomerLoginSettings withSubject(Subject newSubject) {
    return new CustomerLoginSettings(issuer, audience, lifetime, scopes, newSubject, opaqueIdPlatform, tools);
  }

  public CustomerLoginSettings withScopes(List<String> newScopes) {
    return new CustomerLoginSettings(issuer, audience, lifetime, newScopes, subject, opaqueIdPlatform, tools);
  }

  public CustomerLoginSettings withLifetime(Duration newLifetime) {
    return new CustomerLoginSettings(issuer, audience, newLifetime, scopes, subject, opaqueIdPlatform, tools);
  }
}
