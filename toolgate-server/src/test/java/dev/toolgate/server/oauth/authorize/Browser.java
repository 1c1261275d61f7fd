package dev.toolgate.server.oauth.authorize;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser as the pages see it: a cookie jar for the issuer, no automatic redirects, and form posts
 * with the {@code Origin} a browser sends. Its parts can be taken away one by one to play an attacker.
 */
final class Browser {
  private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([a-z]+)\" value=\"([^\"]*)\">");
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final String base;
  final Map<String, String> cookies = new LinkedHashMap<>();
  /** Sent with every POST; null for none. */
  String origin;

  /**
   * @param base where requests go
   * @param origin the Origin its form posts carry (the issuer's origin when the pages were reached through it)
   */
  Browser(String base, String origin) {
    this.base = base;
    this.origin = origin;
  }

  HttpResponse<String> get(String pathAndQuery) {
    return send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).GET());
  }

  HttpResponse<String> post(String path, Map<String, String> form) {
    String body = form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    return postRaw(path, body);
  }

  HttpResponse<String> postRaw(String path, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body))
        .header("content-type", "application/x-www-form-urlencoded");
    if (origin != null) {
      b.header("origin", origin);
    }
    return send(b);
  }

  private HttpResponse<String> send(HttpRequest.Builder b) {
    if (!cookies.isEmpty()) {
      b.header("cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; ")));
    }
    HttpResponse<String> response;
    try {
      response = CLIENT.send(b.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    for (String set : response.headers().allValues("set-cookie")) {
      String pair = set.split(";", 2)[0];
      int eq = pair.indexOf('=');
      String name = pair.substring(0, eq);
      if (set.contains("Max-Age=0")) {
        cookies.remove(name);
      } else {
        cookies.put(name, pair.substring(eq + 1));
      }
    }
    return response;
  }

  /** The hidden fields of the page's form, unescaped. */
  static Map<String, String> hiddenFields(String html) {
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher m = HIDDEN.matcher(html);
    while (m.find()) {
      fields.put(m.group(1), m.group(2).replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
          .replace("&amp;", "&"));
    }
    return fields;
  }

  /** The page's hidden fields plus {@code extra} (name, value, ...). */
  static Map<String, String> form(HttpResponse<String> page, String... extra) {
    Map<String, String> form = hiddenFields(page.body());
    for (int i = 0; i < extra.length; i += 2) {
      form.put(extra[i], extra[i + 1]);
    }
    return form;
  }

  /** The query parameters of a redirect's Location, decoded. */
  static Map<String, String> query(String location) {
    Map<String, String> out = new LinkedHashMap<>();
    String query = URI.create(location).getRawQuery();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  /** An authorization URL's path and query from (name, value, ...) pairs, each encoded. */
  static String authorizeUrl(List<String> params) {
    StringBuilder b = new StringBuilder("/oauth/authorize?");
    for (int i = 0; i < params.size(); i += 2) {
      if (i > 0) {
        b.append('&');
      }
      b.append(URLEncoder.encode(params.get(i), StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(params.get(i + 1), StandardCharsets.UTF_8));
    }
    return b.toString();
  }
}
