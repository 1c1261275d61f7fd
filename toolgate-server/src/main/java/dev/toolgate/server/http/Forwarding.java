package dev.toolgate.server.http;

import dev.toolgate.core.config.CredentialKind;
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
      "host", "expect", REQUEST_ID_HEADER, "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "forwarded");

  private final Set<String> dropAlways;

  public Forwarding(List<Route> routes, java.util.Collection<PlatformConfig> platforms) {
    Set<String> drop = new HashSet<>(HOP_BY_HOP);
    drop.addAll(GATEWAY_OWNED);
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

  /** Headers for the upstream request: the caller's minus everything above, plus the verified identity. */
  MultiMap upstreamHeaders(MultiMap in, Route route, String clientId, String subject, String requestId, String clientIp, String originalHost, boolean tls) {
    Set<String> listedInConnection = connectionListed(in);
    MultiMap out = MultiMap.caseInsensitiveMultiMap();
    in.forEach((name, value) -> {
      String n = normalize(name);
      if (!dropAlways.contains(n) && !n.startsWith(IDENTITY_PREFIX) && !listedInConnection.contains(n)) {
        out.add(name, value);
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
    // The resolved client: the peer, or what a trusted proxy said; never a header an untrusted caller sent.
    out.set("x-forwarded-for", clientIp);
    if (originalHost != null) {
      out.set("x-forwarded-host", originalHost);
    }
    out.set("x-forwarded-proto", tls ? "https" : "http");
    return out;
  }

  /** Response headers from upstream, minus hop-by-hop ones. */
  static void copyResponseHeaders(MultiMap from, MultiMap to) {
    Set<String> listed = connectionListed(from);
    from.forEach((name, value) -> {
      String n = normalize(name);
      if (!HOP_BY_HOP.contains(n) && !listed.contains(n)) {
        to.add(name, value);
      }
    });
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
