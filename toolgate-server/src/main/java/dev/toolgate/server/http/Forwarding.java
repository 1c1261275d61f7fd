package dev.toolgate.server.http;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.OverrideHeaders;
import dev.toolgate.core.config.PlatformConfig;
import dev.toolgate.core.credential.StandardWebhooksVerifier;
import dev.toolgate.core.config.Policy;
import dev.toolgate.core.route.Route;
import io.vertx.core.MultiMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which headers cross the gateway, each way: RFC 9110 §7.6.1 hop-by-hop rules, and no credential
 * of any kind Toolgate knows ever reaches an upstream, whether or not that tool's policy used it
 * (agent platforms send the same headers to every tool, so one tool's upstream must not collect
 * tokens valid for another). Names are compared after folding case and {@code _} to {@code -},
 * because some upstream stacks (CGI/WSGI) treat {@code X_Toolgate_Client} as {@code X-Toolgate-Client}.
 * Toolgate's own browser cookies (the console session) are taken out of {@code Cookie}.
 * Forwarding headers carry what Toolgate saw, never what the caller claims, and method or path
 * override headers ({@link OverrideHeaders}) pass only to tools that list them in {@code forward_headers}.
 */
public final class Forwarding {
  static final String REQUEST_ID_HEADER = "x-request-id";
  static final String CLIENT_HEADER = "x-toolgate-client";
  static final String TOOL_HEADER = "x-toolgate-tool";
  static final String USER_HEADER = "x-toolgate-user";
  private static final String IDENTITY_PREFIX = "x-toolgate-";

  private static final Set<String> HOP_BY_HOP = Set.of(
      "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
      "proxy-authorization", "proxy-authenticate");
  /** Set by the gateway itself, so never taken from the caller. */
  private static final Set<String> GATEWAY_OWNED = Set.of(
      "host", "expect", REQUEST_ID_HEADER, "x-forwarded-for", "x-forwarded-host", "x-forwarded-port", "x-forwarded-proto");
  /**
   * Other forwarding headers: who the client is, how and where it called. Upstream stacks believe
   * them (chi's RealIP, Rack, Spring's ForwardedHeaderFilter, Express's trust proxy) and Toolgate
   * cannot vouch for a caller's, so they are removed; the ones above carry what Toolgate saw.
   */
  private static final Set<String> FORWARDING_REMOVED = Set.of(
      "forwarded", "x-forwarded-prefix", "x-forwarded-server", "x-forwarded-scheme", "x-forwarded-ssl", "x-url-scheme", "front-end-https",
      "x-real-ip", "true-client-ip", "x-client-ip", "client-ip", "x-cluster-client-ip", "cf-connecting-ip", "fastly-client-ip",
      "x-forwarded-uri", "x-original-uri", "x-forwarded-method", "x-original-method", "x-envoy-original-path", "x-forwarded-path",
      "x-host", "x-original-host", "x-original-forwarded-for", "x-proxyuser-ip", "x-envoy-external-address",
      // A client certificate as a TLS-terminating proxy passes it on (RFC 9440, Envoy, nginx and AWS conventions):
      // Toolgate terminates TLS itself, so one of these could only be the caller's own claim.
      "client-cert", "client-cert-chain", "x-forwarded-client-cert", "x-client-cert", "x-ssl-client-cert", "ssl-client-cert",
      "x-ssl-client-verify", "x-ssl-client-s-dn", "x-ssl-client-dn", "x-amzn-mtls-clientcert", "x-amzn-mtls-clientcert-leaf");

  private final Set<String> dropAlways;

  public Forwarding(List<Route> routes, java.util.Collection<PlatformConfig> platforms) {
    Set<String> drop = new HashSet<>(HOP_BY_HOP);
    drop.addAll(GATEWAY_OWNED);
    drop.addAll(FORWARDING_REMOVED);
    drop.add("authorization");
    drop.add(normalize(PlatformConfig.DEFAULT_SIGNATURE_HEADER));
    drop.add(normalize(PlatformConfig.DEFAULT_API_KEY_HEADER));
    drop.add(normalize(PlatformConfig.DEFAULT_STRIPE_SIGNATURE_HEADER));
    drop.add(normalize(StandardWebhooksVerifier.SIGNATURE_HEADER)); // webhook-id/-timestamp stay: upstreams may de-duplicate on them
    for (PlatformConfig platform : platforms) {
      drop.add(normalize(platform.signatureHeader()));
      drop.add(normalize(platform.apiKeyHeader()));
      drop.add(normalize(platform.stripeSignatureHeader()));
    }
    for (Route route : routes) {
      drop.add(normalize(route.platform().signatureHeader()));
      drop.add(normalize(route.platform().apiKeyHeader()));
      drop.add(normalize(route.platform().stripeSignatureHeader()));
      Policy policy = route.tool().policy();
      if (policy.requires(CredentialKind.USER_TOKEN) && policy.userToken().header() != null) {
        drop.add(normalize(policy.userToken().header()));
      }
      if (policy.requires(CredentialKind.EXTERNAL_JWT)) {
        drop.add(normalize(policy.externalJwt().header()));
      }
    }
    this.dropAlways = Set.copyOf(drop);
  }

  /**
   * How the call reached Toolgate, for the forwarding headers it sets.
   *
   * @param clientIp the resolved client IP (the peer, or what a trusted proxy said)
   * @param host the Host (authority) the call was sent to; null when it had none
   * @param port the local port the connection came in on; 0 when unknown
   * @param tls whether it came over TLS
   */
  record Arrival(String clientIp, String host, int port, boolean tls) {}

  /**
   * Writes the upstream request's headers into {@code out} (the upstream request's own, empty): the
   * caller's minus everything above, plus the verified identity.
   */
  void upstreamHeaders(MultiMap in, MultiMap out, Route route, String clientId, String subject, String requestId, Arrival arrival) {
    Set<String> listedInConnection = connectionListed(in);
    Set<String> overridesAllowed = route.tool().forwardHeaders();
    in.forEach((name, value) -> {
      String n = normalize(name);
      boolean override = OverrideHeaders.NAMES.contains(n);
      if (!dropAlways.contains(n) && !n.startsWith(IDENTITY_PREFIX) && !listedInConnection.contains(n)
          && (!override || overridesAllowed.contains(n))) {
        String kept = n.equals("cookie") ? CookieHeader.withoutOwn(value) : value;
        if (kept != null) {
          out.add(name, kept);
        }
      }
    });
    out.set(REQUEST_ID_HEADER, requestId);
    out.set(TOOL_HEADER, route.name());
    if (clientId != null) {
      out.set(CLIENT_HEADER, clientId);
    }
    if (subject != null) {
      out.set(USER_HEADER, subject);
    }
    // What Toolgate saw: the resolved client (the peer, or what a trusted proxy said), the Host, port
    // and scheme the call arrived with; never a forwarding header an untrusted caller sent.
    out.set("x-forwarded-for", arrival.clientIp());
    if (arrival.host() != null) {
      out.set("x-forwarded-host", arrival.host());
    }
    if (arrival.port() > 0) {
      out.set("x-forwarded-port", Integer.toString(arrival.port()));
    }
    out.set("x-forwarded-proto", arrival.tls() ? "https" : "http");
  }

  /**
   * Response headers from upstream, minus hop-by-hop ones and any {@code Set-Cookie} of Toolgate's own
   * cookies, plus {@code Content-Security-Policy: sandbox}. An upstream's answer is served from the
   * console's origin: opened as a page, a script in it (an upstream's XSS, HTML it should not have
   * sent) could read the console's CSRF token and act as the signed-in admin. Sandboxed, the page
   * runs no script and has an origin of its own. Tool answers are for agents, not browsers to run;
   * a CSP the upstream sets still applies too (every policy is enforced).
   */
  static void copyResponseHeaders(MultiMap from, MultiMap to) {
    Set<String> listed = connectionListed(from);
    from.forEach((name, value) -> {
      String n = normalize(name);
      if (!HOP_BY_HOP.contains(n) && !listed.contains(n) && !(n.equals("set-cookie") && CookieHeader.setsOwn(value))) {
        to.add(name, value);
      }
    });
    to.add("content-security-policy", "sandbox");
  }

  static String normalize(String name) {
    return name.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static Set<String> connectionListed(MultiMap headers) {
    List<String> connection = headers.getAll("connection");
    if (connection.isEmpty()) {
      return Set.of();
    }
    Set<String> names = new HashSet<>();
    for (String value : connection) {
      for (String token : value.split(",")) {
        String t = normalize(token.strip());
        if (!t.isEmpty()) {
          names.add(t);
        }
      }
    }
    return names;
  }
}
