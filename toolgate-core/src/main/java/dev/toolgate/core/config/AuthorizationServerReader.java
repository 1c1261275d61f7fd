package dev.toolgate.core.config;

import dev.toolgate.core.token.SigningAlgorithm;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code authorization_server:} section ({@link AuthServerSettings}): the issuer, token
 * lifetimes, {@code customer_token} and {@code password_hash}; {@code login_throttle} is read by
 * {@link LimitsReader}. Nothing Toolgate issues may outlive {@code max_token_ttl}.
 */
final class AuthorizationServerReader {
  static final List<String> KEYS = List.of("issuer", "signing_algorithm", "access_token_ttl", "max_token_ttl",
      "default_resource", "customer_token", "password_hash", "login_throttle", "resources", "authorization_code",
      "client_metadata_documents", "registration");
  static final List<String> CUSTOMER_TOKEN_KEYS = List.of("ttl", "audience", "scopes", "subject", "opaque_id_platform");
  static final List<String> PASSWORD_HASH_KEYS = List.of("memory_kib", "iterations", "parallelism");
  private static final String SIGNING_KEY_REFUSED = "a literal signing key is refused: " + ConfigReader.NO_SECRETS
      + "; Toolgate generates its signing keys on first start and keeps them encrypted in the store";
  private static final Map<String, String> REFUSED = Map.of(
      "signing_key", SIGNING_KEY_REFUSED,
      "private_key", SIGNING_KEY_REFUSED);
  private static final List<String> SIGNING_ALGORITHMS =
      Arrays.stream(SigningAlgorithm.values()).map(a -> a.jws().getName()).toList();
  private static final List<String> SUBJECTS =
      Arrays.stream(CustomerTokenSettings.Subject.values()).map(CustomerTokenSettings.Subject::yamlName).toList();

  private final Problems problems;
  private final LimitsReader limits;
  private final CodeFlowReader codeFlow;

  AuthorizationServerReader(Problems problems, LimitsReader limits, java.nio.file.Path baseDir) {
    this.problems = problems;
    this.limits = limits;
    this.codeFlow = new CodeFlowReader(problems, baseDir);
  }

  /** {@code authorization_server:}; its defaults (which follow {@code server}) when absent or not a mapping. */
  AuthServerSettings read(YamlMap root, ServerSettings server) {
    AuthServerSettings d = AuthServerSettings.defaults(server);
    YamlMap m = YamlMap.read(root.value("authorization_server"), "authorization_server", problems, KEYS, REFUSED);
    if (m == null) {
      return d;
    }
    URI issuer = d.issuer();
    String issuerText = m.nonEmpty("issuer");
    if (issuerText != null) {
      try {
        issuer = HttpUrl.ISSUER.parse(issuerText);
      } catch (IllegalArgumentException e) {
        m.error("issuer", e.getMessage());
      }
    }

    SigningAlgorithm algorithm = d.signingAlgorithm();
    String algorithmText = m.string("signing_algorithm");
    if (algorithmText != null) {
      Optional<SigningAlgorithm> found =
          Arrays.stream(SigningAlgorithm.values()).filter(a -> a.jws().getName().equals(algorithmText)).findFirst();
      if (found.isPresent()) {
        algorithm = found.get();
      } else if (algorithmText.toUpperCase(Locale.ROOT).startsWith("HS")) {
        m.error("signing_algorithm", "HMAC algorithms (" + Yaml.quote(algorithmText) + ") are not offered: tokens Toolgate signs are"
            + " verified by others with its public keys (JWKS), which needs a public-key algorithm (known: "
            + String.join(", ", SIGNING_ALGORITHMS) + ")");
      } else {
        m.error("signing_algorithm", "unknown signing algorithm " + Yaml.quote(algorithmText) + " (known: "
            + String.join(", ", SIGNING_ALGORITHMS) + ConfigReader.caseHint(algorithmText, SIGNING_ALGORITHMS) + ")");
      }
    }

    Duration accessTtl = tokenTtl(m, "access_token_ttl");
    Duration maxTtl = tokenTtl(m, "max_token_ttl");
    if (maxTtl != null && maxTtl.compareTo(AuthServerSettings.MAX_TOKEN_TTL_LIMIT) > 0) {
      m.error("max_token_ttl", "must be at most " + Units.format(AuthServerSettings.MAX_TOKEN_TTL_LIMIT) + " (365 days), got "
          + Units.format(maxTtl));
      maxTtl = null;
    }

    String defaultResource = AuthServerSettings.resourceOf(issuer);
    String resourceText = m.nonEmpty("default_resource");
    if (resourceText != null) {
      String problem = ValueChecks.resourceProblem(resourceText);
      if (problem != null) {
        m.error("default_resource", problem);
      } else {
        defaultResource = resourceText;
      }
    }

    YamlMap customerMap = YamlMap.read(m.value("customer_token"), m.field("customer_token"), problems, CUSTOMER_TOKEN_KEYS);
    Duration customerTtl = customerMap == null ? null : tokenTtl(customerMap, "ttl");
    CustomerTokenSettings customer = readCustomerToken(customerMap, customerTtl);
    PasswordHashSettings passwordHash = readPasswordHash(m);
    LoginThrottleSettings loginThrottle = limits.loginThrottle(m);

    // Lifetimes: nothing Toolgate issues may outlive max_token_ttl. A value that was wrong is not compared.
    Duration max = maxTtl != null ? maxTtl : d.maxTokenTtl();
    boolean maxUsable = maxTtl != null || !m.has("max_token_ttl");
    if (maxUsable) {
      checkWithinMax(m, "access_token_ttl", accessTtl, d.accessTokenTtl(), m, max);
      if (customerMap != null) {
        checkWithinMax(customerMap, "ttl", customerTtl, CustomerTokenSettings.DEFAULT_TTL, m, max);
      }
    }

    return new AuthServerSettings(
        issuer,
        algorithm,
        accessTtl != null ? accessTtl : d.accessTokenTtl(),
        maxTtl != null ? maxTtl : d.maxTokenTtl(),
        defaultResource,
        customer,
        passwordHash,
        loginThrottle,
        codeFlow.read(m, max));
  }

  /** A token lifetime: a positive duration in whole seconds (JWT times and expires_in are seconds). */
  private static Duration tokenTtl(YamlMap m, String key) {
    Duration d = m.duration(key);
    if (d != null && d.getNano() != 0) {
      m.error(key, "must be a whole number of seconds (token lifetimes are counted in seconds), got " + Units.format(d));
      return null;
    }
    return d;
  }

  /**
   * Reports a lifetime longer than max_token_ttl: at the lifetime when it is written (and valid), at
   * max_token_ttl when the lifetime is its default.
   */
  private static void checkWithinMax(YamlMap lm, String key, Duration written, Duration dflt, YamlMap m, Duration max) {
    if (lm.has(key) && written == null) {
      return; // wrong value, already reported
    }
    Duration ttl = written != null ? written : dflt;
    if (ttl.compareTo(max) <= 0) {
      return;
    }
    if (written != null) {
      lm.error(key, "must not exceed authorization_server.max_token_ttl (" + Units.format(max) + "), got " + Units.format(ttl)
          + ": no token Toolgate issues may outlive max_token_ttl");
    } else {
      m.error("max_token_ttl", "is shorter than " + lm.field(key) + " (" + Units.format(ttl) + ", the default): no token Toolgate"
          + " issues may outlive max_token_ttl; raise max_token_ttl or set a shorter " + key);
    }
  }

  /**
   * The customer_token section (null map: it was not a mapping, error recorded; its defaults apply).
   * Its {@code ttl} is read by the caller, which compares it with max_token_ttl.
   */
  private static CustomerTokenSettings readCustomerToken(YamlMap m, Duration ttl) {
    CustomerTokenSettings d = CustomerTokenSettings.defaults();
    if (m == null) {
      return d;
    }
    List<String> audience = m.strings("audience", "an audience", ValueChecks::audienceProblem);
    if (m.isEmptyList("audience")) {
      m.error("audience", "must list at least one audience: a token for no audience is accepted nowhere (default: [toolgate])");
    }
    List<String> scopes = m.strings("scopes", "a scope", ValueChecks::scopeProblem);
    CustomerTokenSettings.Subject subject = d.subject();
    String subjectText = m.string("subject");
    if (subjectText != null) {
      Optional<CustomerTokenSettings.Subject> found =
          Arrays.stream(CustomerTokenSettings.Subject.values()).filter(x -> x.yamlName().equals(subjectText)).findFirst();
      if (found.isPresent()) {
        subject = found.get();
      } else {
        m.error("subject", "unknown subject " + Yaml.quote(subjectText) + " (known: " + String.join(", ", SUBJECTS)
            + ConfigReader.caseHint(subjectText, SUBJECTS) + ")");
      }
    }
    String opaquePlatform = m.nonEmpty("opaque_id_platform");
    if (opaquePlatform != null && !ValueChecks.PLATFORM_NAME.matcher(opaquePlatform).matches()) {
      m.error("opaque_id_platform", "invalid platform name " + Yaml.quote(opaquePlatform) + " (1 to 64 characters from a-z, 0-9, '_' and '-')");
      opaquePlatform = null;
    }
    return new CustomerTokenSettings(
        ttl != null ? ttl : d.ttl(),
        audience != null && !audience.isEmpty() ? audience : d.audience(),
        scopes != null ? scopes : d.scopes(),
        subject,
        opaquePlatform != null ? opaquePlatform : d.opaqueIdPlatform());
  }

  private PasswordHashSettings readPasswordHash(YamlMap parent) {
    PasswordHashSettings d = PasswordHashSettings.defaults();
    YamlMap m = YamlMap.read(parent.value("password_hash"), parent.field("password_hash"), problems, PASSWORD_HASH_KEYS);
    if (m == null) {
      return d;
    }
    Long memory = m.whole("memory_kib", PasswordHashSettings.MIN_MEMORY_KIB, PasswordHashSettings.MAX_MEMORY_KIB);
    Long iterations = m.whole("iterations", 1, PasswordHashSettings.MAX_ITERATIONS);
    Long parallelism = m.whole("parallelism", 1, PasswordHashSettings.MAX_PARALLELISM);
    return new PasswordHashSettings(
        memory != null ? memory.intValue() : d.memoryKib(),
        iterations != null ? iterations.intValue() : d.iterations(),
        parallelism != null ? parallelism.intValue() : d.parallelism());
  }
}
