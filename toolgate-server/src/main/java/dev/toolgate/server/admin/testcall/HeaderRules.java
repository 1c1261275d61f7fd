package dev.toolgate.server.admin.testcall;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.config.Policy;
import dev.toolgate.core.credential.StandardWebhooksVerifier;
import dev.toolgate.core.route.Route;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which headers a test call may carry, and which of them are shown redacted.
 *
 * <p>Refused (400): headers that would change how the request is framed or routed rather than what
 * it says ({@code Host}, {@code Content-Length}, {@code Transfer-Encoding}, {@code Connection} and
 * the other hop-by-hop headers, {@code Expect}); and every header that claims who the client is
 * or how it connected ({@code Forwarded}, {@code X-Forwarded-*}, {@code X-Real-IP}, the trusted
 * proxies' header...). A test call comes from Toolgate itself on loopback, which a deployment may
 * well trust as a proxy: such a header would let it pose as another address, past {@code allowed_ips}
 * and into another address's rate limits.
 */
final class HeaderRules {
  private static final int MAX_NAME = 256;
  private static final int MAX_VALUE = 8192;
  static final int MAX_HEADERS = 64;
  static final String REDACTED = "[redacted]";

  private static final Set<String> FRAMING = Set.of("host", "content-length", "transfer-encoding", "connection", "keep-alive",
      "proxy-connection", "te", "trailer", "upgrade", "expect", "http2-settings", "proxy-authorization", "proxy-authenticate");
  private static final Set<String> CLIENT_CLAIMS = Set.of("forwarded", "x-real-ip", "true-client-ip", "x-client-ip", "client-ip",
      "x-cluster-client-ip", "cf-connecting-ip", "fastly-client-ip", "x-original-forwarded-for", "x-proxyuser-ip",
      "x-envoy-external-address", "x-url-scheme", "front-end-https", "x-host", "x-original-host",
      "client-cert", "client-cert-chain", "x-client-cert", "x-ssl-client-cert", "ssl-client-cert", "x-ssl-client-verify",
      "x-ssl-client-s-dn", "x-ssl-client-dn", "x-amzn-mtls-clientcert", "x-amzn-mtls-clientcert-leaf");
  /** Credentials in any tool's vocabulary: shown as {@value #REDACTED} whoever set them. */
  private static final Set<String> ALWAYS_SECRET = Set.of("authorization", "proxy-authorization", "cookie",
      PlatformConfig.DEFAULT_SIGNATURE_HEADER, PlatformConfig.DEFAULT_API_KEY_HEADER, PlatformConfig.DEFAULT_STRIPE_SIGNATURE_HEADER,
      StandardWebhooksVerifier.SIGNATURE_HEADER);

  private HeaderRules() {}

  /**
   * Checks one header the caller wrote.
   *
   * @param trustedProxyHeader the header {@code server.trusted_proxies} reads the client address from; null without trusted proxies
   * @throws IllegalArgumentException naming the header and what is wrong with it
   */
  static void check(TestCallRequest.Header header, String trustedProxyHeader) {
    String name = header.name();
    if (name.isEmpty() || name.length() > MAX_NAME || !name.chars().allMatch(HeaderRules::isTokenChar)) {
      throw new IllegalArgumentException("headers: '" + printable(name) + "' is not a header name (letters, digits and !#$%&'*+-.^_`|~ only)");
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (FRAMING.contains(lower)) {
      throw new IllegalArgumentException("headers." + name + " is set by Toolgate when it sends the test call; leave it out");
    }
    String folded = lower.replace('_', '-'); // CGI-style servers read X_Forwarded_For as X-Forwarded-For
    if (CLIENT_CLAIMS.contains(folded) || folded.startsWith("x-forwarded-") || folded.equals(trustedProxyHeader)) {
      throw new IllegalArgumentException("headers." + name + " would claim another client address: a test call comes from Toolgate itself"
          + " on loopback, and cannot pose as another address");
    }
    String value = header.value();
    if (value.length() > MAX_VALUE) {
      throw new IllegalArgumentException("headers." + name + " is longer than " + MAX_VALUE + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c != '\t' && (c < 0x20 || c > 0x7e)) {
        throw new IllegalArgumentException("headers." + name + " holds a character a header value cannot carry"
            + " (only printable ASCII, space and tab: no CR, LF or other control characters)");
      }
    }
  }

  /** Names (lower case) of the headers that carry a credential on {@code route}: shown redacted. */
  static Set<String> secretNames(Route route) {
    Set<String> names = new HashSet<>(ALWAYS_SECRET);
    PlatformConfig platform = route.platform();
    names.add(platform.signatureHeader());
    names.add(platform.apiKeyHeader());
    names.add(platform.stripeSignatureHeader());
    for (Policy policy : TestCredential.policies(route.tool())) {
      if (policy.requires(CredentialKind.USER_TOKEN) && policy.userToken().header() != null) {
        names.add(policy.userToken().header());
      }
      if (policy.requires(CredentialKind.EXTERNAL_JWT)) {
        names.add(policy.externalJwt().header());
      }
    }
    Set<String> lower = new HashSet<>();
    names.forEach(n -> lower.add(n.toLowerCase(Locale.ROOT)));
    return Set.copyOf(lower);
  }

  /** The name with anything unprintable escaped, for an error message. */
  static String printable(String name) {
    StringBuilder out = new StringBuilder();
    name.codePoints().limit(MAX_NAME).forEach(c -> {
      if (c >= 0x20 && c < 0x7f) {
        out.appendCodePoint(c);
      } else {
        out.append(String.format("\\u%04x", c));
      }
    });
    return out.toString();
  }

  private static boolean isTokenChar(int c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  /** Headers the caller may not write because the chosen credential sets them. */
  static void notSetByCredential(List<TestCallRequest.Header> headers, Set<String> setByCredential, TestCredential kind) {
    for (TestCallRequest.Header h : headers) {
      if (setByCredential.contains(h.name().toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("headers." + h.name() + " is set by the credential (" + kind.value() + "); leave it out, or use"
            + " credential kind none to send a credential of your own");
      }
    }
  }
}
