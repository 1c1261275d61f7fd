package dev.toolgate.server.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;
import java.util.List;

/**
 * The framing rules every request meets before anything reads it (tool calls, decisions and
 * Toolgate's own endpoints alike). Two parties that read one message differently (Toolgate and an
 * upstream or a proxy in front) is how requests are smuggled, so ambiguous framing is refused, never
 * repaired.
 */
final class RequestFraming {
  private RequestFraming() {}

  /** Why the request is refused (400), or null when its framing is sound. */
  static String problem(HttpServerRequest req) {
    if (req.version() == HttpVersion.HTTP_2) {
      String h2 = http2Authority(req);
      if (h2 != null) {
        return h2;
      }
    }
    List<String> hosts = req.headers().getAll("host");
    if (hosts.size() > 1) {
      return "more than one Host header (RFC 9112 §3.2)";
    }
    if (hosts.isEmpty() && req.version() == HttpVersion.HTTP_1_1) {
      return "an HTTP/1.1 request must carry a Host header (RFC 9112 §3.2)";
    }
    if (!hosts.isEmpty() && !hosts.get(0).isBlank() && req.authority() == null) {
      return "the Host header is not a valid host[:port] (RFC 9112 §3.2)";
    }
    List<String> transferEncodings = req.headers().getAll("transfer-encoding");
    if (!transferEncodings.isEmpty() && !(transferEncodings.size() == 1 && transferEncodings.get(0).strip().equalsIgnoreCase("chunked"))) {
      // A second "chunked" line means chunked twice (RFC 9112 §6.1) to a proxy in front that reads it so.
      return "Transfer-Encoding other than one chunked is not accepted (RFC 9112 §6.1)";
    }
    return null;
  }

  /**
   * HTTP/2 names the authority in {@code :authority} (Vert.x falls back to a {@code Host} header
   * when that is absent, and then removes it from the headers). A request naming none is refused
   * like an HTTP/1.1 request without {@code Host}, and one whose {@code Host} names another
   * authority than {@code :authority} is malformed (RFC 9113 §8.3.1). So is a {@code :path} that is
   * not a path: HTTP/2 has no absolute form, whose authority would be a third one.
   */
  private static String http2Authority(HttpServerRequest req) {
    if (req.uri() == null || !req.uri().startsWith("/")) {
      return "an HTTP/2 :path must be a path starting with '/' (RFC 9113 §8.3.1)";
    }
    HostAndPort authority = req.authority();
    if (authority == null) {
      return "an HTTP/2 request must name a valid authority in :authority (RFC 9113 §8.3.1)";
    }
    List<String> hosts = req.headers().getAll("host");
    if (hosts.size() == 1 && !hosts.get(0).strip().equalsIgnoreCase(authority.toString())) {
      return "the Host header names another authority than :authority (RFC 9113 §8.3.1)";
    }
    return null;
  }

  /** The declared Content-Length: -1 when absent, Long.MAX_VALUE when not a number (never trusted as small). */
  static long declaredLength(HttpServerRequest req) {
    String value = req.getHeader("content-length");
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE; // the HTTP codec refuses it anyway
    }
  }
}
