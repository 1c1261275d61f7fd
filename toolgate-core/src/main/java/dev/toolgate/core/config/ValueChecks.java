package dev.toolgate.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks of values that several sections share: header names and schemes, scopes, audiences,
 * JSON Pointers, query parameter names and resource indicators. The {@code ...Problem} methods
 * return the error message, or null when the value is fine.
 */
final class ValueChecks {
  /** An RFC 9110 token: what a header name (and an authorization scheme) is made of. */
  static final Pattern HEADER_TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  /** An address or host name to listen on (IPv6 with or without brackets, a zone id). */
  static final Pattern LISTEN_HOST = Pattern.compile("[A-Za-z0-9._:%\\[\\]-]+");
  static final Pattern PLATFORM_NAME = Pattern.compile("[a-z0-9_-]{1,64}");
  /** RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
  private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");
  private static final Pattern QUERY_PARAM = Pattern.compile("[A-Za-z0-9._~-]{1,128}");
  private static final String USER_INFO_REFUSED = "must not contain user info (user:password@): credentials never go in this file";

  private ValueChecks() {}

  /** An HTTP header name (RFC 9110 token), lower-cased; null when absent or wrong (error recorded). */
  static String header(YamlMap m, String key) {
    String h = m.nonEmpty(key);
    if (h == null) {
      return null;
    }
    if (!HEADER_TOKEN.matcher(h).matches()) {
      m.error(key, "invalid HTTP header name " + Yaml.quote(withoutPastedValue(h)) + " (letters, digits and !#$%&'*+.^_`|~-, no spaces or ':')");
      return null;
    }
    return h.toLowerCase(Locale.ROOT);
  }

  /**
   * What an error may repeat of a header name or a scheme: a whole header line ({@code name: value})
   * or {@code Bearer <token>} pasted there is cut after its first word, since the rest may be a secret.
   */
  static String withoutPastedValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c == ':' || c == ' ' || c == '\t') && value.length() - i > 16) {
        return value.substring(0, i + 1) + (c == ':' ? " " : "") + "...";
      }
    }
    return value;
  }

  /** The word before the token in its header (an RFC 9110 token), or "" for a bare token; null when absent or wrong. */
  static String scheme(YamlMap m) {
    String scheme = m.string("scheme");
    if (scheme == null || scheme.isEmpty()) {
      return scheme;
    }
    if (!HEADER_TOKEN.matcher(scheme).matches()) {
      m.error("scheme", "invalid scheme " + Yaml.quote(withoutPastedValue(scheme)) + " (one word such as JWT or Bearer, matched in any case;"
          + " \"\" when the header holds the bare token)");
      return null;
    }
    return scheme;
  }

  static String scopeProblem(String scope) {
    return SCOPE_TOKEN.matcher(scope).matches() ? null
        : "invalid scope " + Yaml.quote(scope) + " (an RFC 6749 scope token: printable ASCII without spaces, '\"' or '\\')";
  }

  static String audienceProblem(String audience) {
    if (audience.isBlank()) {
      return "an audience must not be empty";
    }
    return audience.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)
        ? "invalid audience " + Yaml.quote(audience) + " (no spaces or control characters)"
        : null;
  }

  static String queryParamProblem(String param) {
    return QUERY_PARAM.matcher(param).matches() ? null
        : "invalid query parameter name " + Yaml.quote(param) + " (1 to 128 characters from letters, digits, '.', '_', '~' and '-')";
  }

  /** Null when the text is an RFC 6901 JSON Pointer into the body, else what is wrong. */
  static String jsonPointerProblem(String pointer) {
    if (pointer.charAt(0) != '/') {
      return "invalid JSON Pointer " + Yaml.quote(pointer) + ": it starts with '/' (RFC 6901), e.g. /context/jwt";
    }
    for (int i = 0; i < pointer.length(); i++) {
      char c = pointer.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return "invalid JSON Pointer " + Yaml.quote(pointer) + ": control characters are not allowed";
      }
      if (c == '~' && (i + 1 == pointer.length() || (pointer.charAt(i + 1) != '0' && pointer.charAt(i + 1) != '1'))) {
        return "invalid JSON Pointer " + Yaml.quote(pointer) + ": '~' must be followed by 0 or 1 (RFC 6901: ~0 is '~', ~1 is '/')";
      }
    }
    return null;
  }

  /**
   * A resource indicator (RFC 8707): an absolute URI without a fragment; an http(s) one needs a valid
   * host and port. Null when fine. The value is not echoed: it may be a URL carrying a password.
   */
  static String resourceProblem(String text) {
    String help = " (an RFC 8707 resource indicator: an absolute URI such as https://api.example.com or urn:example:tools)";
    if (text.chars().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
      return "must not contain spaces or control characters" + help;
    }
    int authorityStart = text.indexOf("://");
    if (authorityStart >= 0 && text.substring(authorityStart + 3).split("[/?#]", 2)[0].contains("@")) {
      return USER_INFO_REFUSED;
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      return "is not a valid URI: " + e.getReason().toLowerCase(Locale.ROOT) + " at character " + (e.getIndex() + 1) + help;
    }
    if (uri.getScheme() == null) {
      return "must be an absolute URI, with a scheme" + help;
    }
    if (uri.getRawFragment() != null) {
      return "must not have a fragment (#...)" + help;
    }
    if (uri.getRawUserInfo() != null) {
      return USER_INFO_REFUSED;
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("http") || scheme.equals("https")) {
      if (uri.getHost() == null) {
        return "has no valid host name or IP address" + help;
      }
      if (uri.getPort() == 0 || uri.getPort() > 65535) {
        return "port must be from 1 to 65535";
      }
    }
    return null;
  }
}
