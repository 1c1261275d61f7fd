package dev.toolgate.server.http;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.route.Route;
import io.vertx.core.MultiMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** Which headers cross the gateway, each way (RFC 9110 §7.6.1 hop-by-hop rules plus credential stripping). */
final class Forwarding {
  static final String REQUEST_ID_HEADER = "x-request-id";
  static final String CLIENT_HEADER = "x-toolgate-client";
  static final String TOOL_HEADER = "x-toolgate-tool";
  private static final String IDENTITY_PREFIX = "x-toolgate-";

  private static final Set<String> HOP_BY_HOP = Set.of(
      "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
      "proxy-authorization", "proxy-authenticate");

  private Forwarding() {}

  /**
   * Headers for the upstream request: the caller's, minus hop-by-hop, minus every credential the
   * policy consumed, minus anything posing as a Toolgate identity header; plus the verified identity.
   */
  static MultiMap upstreamHeaders(MultiMap in, Route route, String clientId, String requestId, String peer, String originalHost, boolean tls) {
    Set<String> drop = dropped(in);
    drop.add("host");
    drop.add("expect"); // the gateway answers 100-continue itself
    drop.add(REQUEST_ID_HEADER);
    drop.add("x-forwarded-for");
    drop.add("x-forwarded-host");
    drop.add("x-forwarded-proto");
    drop.add("forwarded");
    for (CredentialKind kind : route.tool().policy().require()) {
      switch (kind) {
        case SENDBIRD_SIGNATURE -> drop.add(route.platform().signatureHeader().toLowerCase(Locale.ROOT));
        case STATIC_TOKEN -> drop.add("authorization");
        case API_KEY -> drop.add(route.platform().apiKeyHeader().toLowerCase(Locale.ROOT));
      }
    }
    MultiMap out = MultiMap.caseInsensitiveMultiMap();
    in.forEach((name, value) -> {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!drop.contains(lower) && !lower.startsWith(IDENTITY_PREFIX)) {
        out.add(name, value);
      }
    });
    out.set(REQUEST_ID_HEADER, requestId);
    out.set(TOOL_HEADER, route.name());
    if (clientId != null) {
      out.set(CLIENT_HEADER, clientId);
    }
    // Until trusted proxies are configured, the connection peer is the only client address we know.
    out.set("x-forwarded-for", peer);
    if (originalHost != null) {
      out.set("x-forwarded-host", originalHost);
    }
    out.set("x-forwarded-proto", tls ? "https" : "http");
    return out;
  }

  /** Response headers from upstream, minus hop-by-hop ones. */
  static void copyResponseHeaders(MultiMap from, MultiMap to) {
    Set<String> drop = dropped(from);
    from.forEach((name, value) -> {
      if (!drop.contains(name.toLowerCase(Locale.ROOT))) {
        to.add(name, value);
      }
    });
  }

  /** Hop-by-hop names, including any the sender listed in {@code Connection}. */
  private static Set<String> dropped(MultiMap headers) {
    Set<String> drop = new HashSet<>(HOP_BY_HOP);
    for (String connection : headers.getAll("connection")) {
      for (String token : connection.split(",")) {
        String t = token.strip().toLowerCase(Locale.ROOT);
        if (!t.isEmpty()) {
          drop.add(t);
        }
      }
    }
    return drop;
  }
}
