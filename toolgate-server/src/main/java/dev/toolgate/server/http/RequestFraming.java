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
      if (h2 == null) {
        h2 = http2Fields(req);
      }
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

  /**
   * HTTP/2 carries field names and values as octets, and its codec checks neither for the characters
   * HTTP/1.1 allows (the HTTP/1.1 codec does): a name that is not a token, or a value with a control
   * character (NUL, DEL, ...), is malformed (RFC 9113 §8.2.1, RFC 9110 §5.1, §5.5), and the
   * upstream's HTTP/1.1 request could not carry it.
   */
  private static String http2Fields(HttpServerRequest req) {
    for (var field : req.headers()) {
      String name = field.getKey();
      if (name.isEmpty()) {
        return "an HTTP/2 field name is empty (RFC 9110 §5.1)";
      }
      for (int i = 0; i < name.length(); i++) {
        if (!isTokenChar(name.charAt(i))) {
          return "an HTTP/2 field name is not a token (RFC 9110 §5.1)";
        }
      }
      String value = field.getValue();
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
          return "an HTTP/2 field value holds a control character (RFC 9113 §8.2.1, RFC 9110 §5.5)";
        }
      }
    }
    return null;
  }

  private static boolean isTokenChar(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
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
