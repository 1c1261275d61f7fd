package dev.toolgate.server.oauth.client;

import dev.toolgate.core.config.ClientMetadataSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Whether a {@code client_id} is a Client Identifier URL Toolgate will fetch
 * (draft-ietf-oauth-client-id-metadata-document, "Client Identifier URL"): https, a host, a path other
 * than {@code /}, no userinfo, no fragment, no {@code .} or {@code ..} path segment, and, by Toolgate's
 * choice, no query. Then the operator's domain lists. Pure: no name is looked up here.
 *
 * <p>The URL is never normalised: the draft compares client identifiers as plain strings, so
 * {@code https://Example.com/c} and {@code https://example.com/c} are two clients, and the document
 * fetched must name exactly the string it was fetched for.
 */
public final class ClientIdUrl {
  /** Long enough for any real client identifier; a client id is shown to users and stored with grants. */
  public static final int MAX_LENGTH = 2048;

  /**
   * The outcome of {@link #check}: either the parts to fetch, or the problem (printable ASCII without
   * {@code "} or {@code \}, fit for an OAuth {@code error_description}).
   *
   * @param host the host, lower-cased (an IPv6 literal keeps its brackets)
   * @param port the port, 443 when the URL names none
   * @param requestTarget the path to ask for, exactly as written in the URL
   * @param byPolicy whether the problem is this server's domain lists (the URL itself is well formed)
   */
  public record Decision(String clientId, String host, int port, String requestTarget, String problem, boolean byPolicy) {
    public boolean ok() {
      return problem == null;
    }

    static Decision refused(String clientId, String problem) {
      return new Decision(clientId, null, -1, null, problem, false);
    }
  }

  private ClientIdUrl() {}

  /** Whether a client_id is meant as a Client Identifier URL (starts with {@code https://}, in any case). */
  public static boolean isUrl(String clientId) {
    return clientId != null && clientId.regionMatches(true, 0, "https://", 0, 8);
  }

  public static Decision check(String clientId, ClientMetadataSettings settings) {
    if (clientId == null || clientId.isEmpty()) {
      return Decision.refused(clientId, "client_id is empty");
    }
    if (clientId.length() > MAX_LENGTH) {
      return Decision.refused(clientId, "client_id URL is longer than " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < clientId.length(); i++) {
      char c = clientId.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        // java.net.URI accepts non-ASCII letters; RFC 3986 URLs are ASCII, anything else percent-encoded.
        return Decision.refused(clientId, "client_id URL must be printable ASCII (RFC 3986): no spaces, control or non-ASCII characters");
      }
    }
    URI uri;
    try {
      uri = new URI(clientId);
    } catch (URISyntaxException e) {
      return Decision.refused(clientId, "client_id is not a valid URL (RFC 3986)");
    }
    String problem = shape(uri);
    if (problem != null) {
      return Decision.refused(clientId, problem);
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    problem = domainPolicy(host, settings);
    if (problem != null) {
      return new Decision(clientId, host, -1, null, problem, true);
    }
    return new Decision(clientId, host, uri.getPort() == -1 ? 443 : uri.getPort(), uri.getRawPath(), null, false);
  }

  /** The draft's rules on the URL itself; null when they all hold. */
  private static String shape(URI uri) {
    if (!"https".equalsIgnoreCase(uri.getScheme())) {
      return "client_id URL must use the https scheme";
    }
    if (uri.isOpaque() || uri.getRawAuthority() == null) {
      return "client_id URL must have a host (https://host/path)";
    }
    if (uri.getRawUserInfo() != null || uri.getRawAuthority().indexOf('@') >= 0) {
      return "client_id URL must not contain a user name or password";
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      return "client_id URL must have a valid host name";
    }
    if (uri.getHost().endsWith(".")) {
      // example.com. is example.com to DNS but not to the domain lists or a certificate check.
      return "client_id URL host must not end with a dot";
    }
    int port = uri.getPort();
    if (port == 0 || port > 65535 || port == -1 && uri.getRawAuthority().endsWith(":")) {
      return "client_id URL has an invalid port";
    }
    if (uri.getRawFragment() != null) {
      return "client_id URL must not contain a fragment (#)";
    }
    if (uri.getRawQuery() != null) {
      // The draft says SHOULD NOT. Toolgate refuses it: one document path with any query string would be
      // any number of distinct clients, each its own cache entry and its own fetch.
      return "client_id URL must not contain a query (?); Toolgate does not accept query strings in client identifiers";
    }
    String path = uri.getRawPath();
    if (path == null || path.isEmpty() || path.equals("/")) {
      return "client_id URL must have a path (https://host/path), not just /";
    }
    return pathSegments(path);
  }

  private static String pathSegments(String rawPath) {
    for (String segment : rawPath.split("/", -1)) {
      String lower = segment.toLowerCase(Locale.ROOT);
      // A server that decodes %2F or %5C before splitting its path sees segments the URL does not show.
      if (lower.contains("%2f") || lower.contains("%5c")) {
        return "client_id URL path must not contain an encoded slash or backslash (%2F, %5C)";
      }
      String decoded = lower.replace("%2e", ".");
      if (decoded.equals(".") || decoded.equals("..")) {
        return "client_id URL path must not contain . or .. segments (also not percent-encoded)";
      }
    }
    return null;
  }

  private static String domainPolicy(String host, ClientMetadataSettings settings) {
    if (matchesAny(host, settings.denyDomains())) {
      return "client_id host " + host + " is refused by this server's deny_domains";
    }
    if (!settings.allowDomains().isEmpty() && !matchesAny(host, settings.allowDomains())) {
      return "client_id host " + host + " is not in this server's allow_domains";
    }
    return null;
  }

  /** {@code example.com} matches example.com and every name under it, never {@code badexample.com}. */
  static boolean matchesAny(String host, List<String> domains) {
    for (String d : domains) {
      if (host.equals(d) || host.endsWith("." + d)) {
        return true;
      }
    }
    return false;
  }
}
