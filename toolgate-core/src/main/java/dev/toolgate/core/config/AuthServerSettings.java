package dev.toolgate.core.config;

import dev.toolgate.core.token.SigningAlgorithm;
import java.net.URI;
import java.time.Duration;

/**
 * Toolgate's own authorization server: the tokens it issues ({@code client_token} access tokens,
 * customer login JWTs) and how user logins are protected.
 *
 * @param issuer the {@code iss} of every token Toolgate issues and the base of its metadata; an
 *     absolute http(s) URL without query, fragment or user info. Default
 *     {@code http://<server.host>:<server.port>}, {@code https://} with {@code server.tls} (see
 *     {@link #defaultIssuer(String, int, boolean)})
 * @param signingAlgorithm algorithm of the signing key generated on first start (default RS256)
 * @param accessTokenTtl lifetime of access tokens (default 1h); at most {@code maxTokenTtl}
 * @param maxTokenTtl no token Toolgate issues lives longer (default 24h)
 * @param defaultResource the audience of access tokens requested without a {@code resource}
 *     parameter (RFC 8707), and the default {@code client_token.audience} of tools; default: the
 *     issuer without a trailing '/'
 * @param customerToken the end-user JWTs of {@code POST /auth/customer_authenticate}
 * @param passwordHash Argon2id parameters for user passwords
 * @param loginThrottle throttling of failed customer logins
 * @param codeFlow the authorization code flow: resources, code and refresh-token lifetimes, how clients are known
 */
public record AuthServerSettings(
    URI issuer,
    SigningAlgorithm signingAlgorithm,
    Duration accessTokenTtl,
    Duration maxTokenTtl,
    String defaultResource,
    CustomerTokenSettings customerToken,
    PasswordHashSettings passwordHash,
    LoginThrottleSettings loginThrottle,
    CodeFlowSettings codeFlow) {

  public static final SigningAlgorithm DEFAULT_SIGNING_ALGORITHM = SigningAlgorithm.RS256;
  public static final Duration DEFAULT_ACCESS_TOKEN_TTL = Duration.ofHours(1);
  public static final Duration DEFAULT_MAX_TOKEN_TTL = Duration.ofHours(24);
  /** Upper bound of {@code max_token_ttl}. */
  public static final Duration MAX_TOKEN_TTL_LIMIT = Duration.ofDays(365);

  /** Every setting at its default, for a server listening as {@code server} says (null: {@link ServerSettings#defaults()}). */
  public static AuthServerSettings defaults(ServerSettings server) {
    ServerSettings s = server != null ? server : ServerSettings.defaults();
    URI issuer = defaultIssuer(s.host(), s.port(), s.tls() != null);
    return new AuthServerSettings(issuer, DEFAULT_SIGNING_ALGORITHM, DEFAULT_ACCESS_TOKEN_TTL, DEFAULT_MAX_TOKEN_TTL,
        resourceOf(issuer), CustomerTokenSettings.defaults(), PasswordHashSettings.defaults(), LoginThrottleSettings.defaults(),
        CodeFlowSettings.defaults());
  }

  /**
   * {@code http://host:port} for the listener: {@code 0.0.0.0} becomes {@code 127.0.0.1} and
   * {@code ::} becomes {@code [::1]} (a wildcard address is not a place a client can reach), IPv6
   * addresses get brackets. With port 0 the URL carries port 0 until the server knows its port
   * ({@link GatewayConfig#withBoundPort(int)}). Behind a proxy or TLS terminator, set the issuer to
   * the public URL instead.
   */
  public static URI defaultIssuer(String host, int port) {
    return defaultIssuer(host, port, false);
  }

  /** As {@link #defaultIssuer(String, int)}, {@code https://} when the listener speaks TLS. */
  public static URI defaultIssuer(String host, int port, boolean tls) {
    String scheme = tls ? "https://" : "http://";
    String h = host == null ? "127.0.0.1" : host;
    if (h.equals("0.0.0.0")) {
      h = "127.0.0.1";
    } else if (h.equals("::") || h.equals("[::]")) {
      h = "[::1]";
    } else if (h.contains(":") && !h.startsWith("[")) {
      h = "[" + h.replace("%", "%25") + "]";
    }
    try {
      return URI.create(scheme + h + ":" + port);
    } catch (IllegalArgumentException e) {
      return URI.create(scheme + "127.0.0.1:" + port);
    }
  }

  /** The issuer as a resource indicator: its text without a trailing '/'. */
  public static String resourceOf(URI issuer) {
    String text = issuer.toString();
    return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
  }
}
