package dev.toolgate.core.config;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * The {@code trusted_issuers:} section ({@link TrustedIssuer}): external issuers whose JWTs tool
 * policies may accept, each verified with the public keys at its {@code jwks_uri}.
 */
final class TrustedIssuersReader {
  static final List<String> KEYS = List.of("issuer", "jwks_uri", "audiences", "algorithms", "clock_skew",
      "jwks_cache_ttl", "jwks_min_refresh_interval");
  static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,64}");
  private static final String SHARED_SECRET_REFUSED = "a shared secret is refused: " + ConfigReader.NO_SECRETS
      + "; a trusted issuer is verified with the public keys at its jwks_uri (HMAC-signed tokens are not accepted)";
  private static final Map<String, String> REFUSED = Map.of(
      "secret", SHARED_SECRET_REFUSED,
      "client_secret", SHARED_SECRET_REFUSED);

  /**
   * What was read: the issuers without errors, and every name written (even an invalid one, so that
   * policies naming it get no second, misleading error).
   */
  record Issuers(Map<String, TrustedIssuer> issuers, Set<String> names) {}

  private final Problems problems;
  private final AuthServerSettings authorizationServer;

  TrustedIssuersReader(Problems problems, AuthServerSettings authorizationServer) {
    this.problems = problems;
    this.authorizationServer = authorizationServer;
  }

  Issuers read(YamlMap root) {
    Map<String, TrustedIssuer> issuers = new LinkedHashMap<>();
    Set<String> names = new LinkedHashSet<>();
    YamlMap m = YamlMap.read(root.value("trusted_issuers"), "trusted_issuers", problems, null);
    if (m == null) {
      return new Issuers(issuers, names);
    }
    for (Map.Entry<String, NodeTuple> e : m.entries().entrySet()) {
      String name = e.getKey();
      String field = m.field(name);
      Node keyNode = e.getValue().getKeyNode();
      if (!NAME.matcher(name).matches()) {
        names.add(name);
        problems.add(keyNode, field,
            "invalid trusted issuer name " + Yaml.quote(name) + " (1 to 64 characters from a-z, 0-9, '_' and '-')");
        continue;
      }
      if (name.equals(TrustedIssuer.TOOLGATE)) {
        problems.add(keyNode, field, "the name '" + TrustedIssuer.TOOLGATE + "' is reserved: it means Toolgate itself"
            + " (`issuer: toolgate` in a user_token policy); give the external issuer another name");
        continue;
      }
      names.add(name);
      TrustedIssuer issuer = readIssuer(name, e.getValue(), field);
      if (issuer != null) {
        issuers.put(name, issuer);
      }
    }
    return new Issuers(issuers, names);
  }

  private TrustedIssuer readIssuer(String name, NodeTuple tuple, String field) {
    if (Yaml.isNull(tuple.getValueNode())) {
      problems.add(tuple.getKeyNode(), field, "expected the issuer's settings (a mapping with issuer, jwks_uri, audiences), got nothing");
      return null;
    }
    YamlMap m = YamlMap.read(tuple.getValueNode(), field, problems, KEYS, REFUSED);
    if (m == null) {
      return null;
    }
    int errorsBefore = problems.size();

    String issuer = null;
    if (m.require("issuer", "the exact `iss` claim of the issuer's tokens, e.g. `issuer: https://login.example.com/`")) {
      issuer = m.nonEmpty("issuer");
      if (issuer != null && issuer.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
        m.error("issuer", "must not contain spaces or control characters (it is compared with the tokens' `iss` claim exactly)");
      } else if (issuer != null && issuer.equals(authorizationServer.issuer().toString())) {
        m.error("issuer", "is Toolgate's own issuer (authorization_server.issuer): its tokens need no trusted issuer;"
            + " write `issuer: toolgate` in a user_token policy, or require client_token");
      }
    }

    URI jwksUri = null;
    if (m.require("jwks_uri", "where the issuer publishes its public keys, e.g. `jwks_uri: https://login.example.com/.well-known/jwks.json`")) {
      String text = m.nonEmpty("jwks_uri");
      if (text != null) {
        try {
          jwksUri = HttpUrl.JWKS.parse(text);
        } catch (IllegalArgumentException e) {
          m.error("jwks_uri", e.getMessage());
        }
      }
    }

    List<String> audiences = List.of();
    if (m.require("audiences", "the audiences the issuer's tokens must be meant for (at least one in their `aud`), e.g. `audiences: [toolgate]`")) {
      List<String> read = m.strings("audiences", "an audience", ValueChecks::audienceProblem);
      if (m.isEmptyList("audiences")) {
        m.error("audiences", "must list at least one audience: a token must be meant for Toolgate, not merely signed by the issuer");
      }
      audiences = read != null ? read : List.of();
    }

    Set<String> algorithms = new LinkedHashSet<>(TrustedIssuer.DEFAULT_ALGORITHMS);
    List<String> algorithmList = m.strings("algorithms", "a JWS algorithm", TrustedIssuersReader::algorithmProblem);
    if (m.isEmptyList("algorithms")) {
      m.error("algorithms", "must list at least one algorithm (without the key: RS256)");
    } else if (algorithmList != null) {
      algorithms = new LinkedHashSet<>(algorithmList);
    }

    Duration clockSkew = m.duration("clock_skew");
    if (clockSkew != null && clockSkew.compareTo(TrustedIssuer.MAX_CLOCK_SKEW) > 0) {
      m.error("clock_skew", "must be at most " + Units.format(TrustedIssuer.MAX_CLOCK_SKEW) + ", got " + Units.format(clockSkew)
          + ": a larger skew keeps expired tokens valid for longer");
    }
    Duration cacheTtl = m.duration("jwks_cache_ttl");
    if (cacheTtl != null && cacheTtl.compareTo(TrustedIssuer.MAX_JWKS_CACHE_TTL) > 0) {
      m.error("jwks_cache_ttl", "must be at most " + Units.format(TrustedIssuer.MAX_JWKS_CACHE_TTL) + ", got " + Units.format(cacheTtl)
          + ": a key the issuer has withdrawn stays trusted until the cached JWKS expires");
      cacheTtl = null;
    }
    Duration minRefresh = m.duration("jwks_min_refresh_interval");
    if (minRefresh != null && minRefresh.compareTo(Duration.ofSeconds(1)) < 0) {
      m.error("jwks_min_refresh_interval", "must be at least 1s, got " + Units.format(minRefresh)
          + ": it limits how often tokens with unknown key ids make Toolgate fetch the JWKS");
      minRefresh = null;
    }
    Duration effectiveTtl = cacheTtl != null ? cacheTtl : TrustedIssuer.DEFAULT_JWKS_CACHE_TTL;
    Duration effectiveRefresh = minRefresh != null ? minRefresh : TrustedIssuer.DEFAULT_JWKS_MIN_REFRESH_INTERVAL;
    boolean bothUsable = (cacheTtl != null || !m.has("jwks_cache_ttl")) && (minRefresh != null || !m.has("jwks_min_refresh_interval"));
    if (bothUsable && effectiveRefresh.compareTo(effectiveTtl) > 0) {
      if (minRefresh != null) {
        m.error("jwks_min_refresh_interval", "must not exceed jwks_cache_ttl (" + Units.format(effectiveTtl) + "), got "
            + Units.format(minRefresh));
      } else {
        m.error("jwks_cache_ttl", "is shorter than jwks_min_refresh_interval (" + Units.format(effectiveRefresh)
            + ", the default): set jwks_min_refresh_interval to at most " + Units.format(effectiveTtl));
      }
    }

    if (problems.size() != errorsBefore) {
      return null;
    }
    return new TrustedIssuer(name, issuer, jwksUri, audiences, algorithms,
        clockSkew != null ? clockSkew : TrustedIssuer.DEFAULT_CLOCK_SKEW,
        effectiveTtl,
        effectiveRefresh,
        Yaml.line(tuple.getKeyNode()));
  }

  /** Null when the algorithm may be accepted from a trusted issuer, else why not. */
  private static String algorithmProblem(String name) {
    if (TrustedIssuer.ALLOWED_ALGORITHMS.contains(name)) {
      return null;
    }
    if (name.equalsIgnoreCase("none")) {
      return "algorithm " + Yaml.quote(name) + " is refused: it means an unsigned token, which anyone can forge";
    }
    if (name.toUpperCase(Locale.ROOT).startsWith("HS")) {
      return "algorithm " + Yaml.quote(name) + " is refused: HMAC algorithms need a shared secret, and accepting them from an issuer"
          + " known by its public keys is the classic algorithm-confusion attack (the public key used as the HMAC secret);"
          + " use the issuer's public-key algorithm (" + String.join(", ", TrustedIssuer.ALLOWED_ALGORITHMS) + ")";
    }
    return "unknown algorithm " + Yaml.quote(name) + " (allowed: " + String.join(", ", TrustedIssuer.ALLOWED_ALGORITHMS)
        + ConfigReader.caseHint(name, TrustedIssuer.ALLOWED_ALGORITHMS) + ")";
  }
}
