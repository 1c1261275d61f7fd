package dev.toolgate.server.cli;

import dev.toolgate.core.net.RedirectUris;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * The CLI's side of the admin API ({@code --server URL}): one JSON request with the admin token of
 * {@code TOOLGATE_ADMIN_TOKEN}, and the server's problems turned into {@link UserError}s of the
 * matching exit code, the problem's {@code detail} as message (400 → 2, 401/403 → 5, 404 → 3,
 * 409/412/422 → 4, 5xx or no answer → 1). Redirects are not followed: the token goes to the URL
 * given, nowhere else, and plain {@code http://} only to loopback. What the server sends is printed, so its control characters (an escape
 * sequence retitles, clears or rewrites a terminal) come back escaped, as text.
 */
final class AdminClient {
  static final String SERVER_ENV = "TOOLGATE_SERVER";
  static final String TOKEN_ENV = "TOOLGATE_ADMIN_TOKEN";
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
  /** Far more than any admin answer but an export (which streams, see {@link #lines}). */
  static final int MAX_ANSWER_BYTES = 32 * 1024 * 1024;
  /** What may be sent in a header: visible ASCII. */
  private static final Pattern TOKEN_CHARS = Pattern.compile("[\\x21-\\x7e]{1,512}");
  /** Characters left as they are in a path segment; everything else is percent-encoded. */
  private static final Pattern UNRESERVED = Pattern.compile("[A-Za-z0-9_~.-]");

  /** A 2xx answer: its JSON body and its {@code ETag} (or null). */
  record Answer(int status, JsonObject body, String etag) {}

  private final URI base;
  private final String token;
  private final HttpClient http;

  private AdminClient(URI base, String token) {
    this.base = base;
    this.token = token;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** A client of the server at {@code url} with {@code token} (from the environment; never echoed). */
  static AdminClient connect(String url, String token) {
    URI base = baseUri(url);
    if (token == null || token.isBlank()) {
      throw new UserError(ExitCode.NOT_AUTHORIZED, "--server needs an admin token in the environment variable " + TOKEN_ENV
          + " (never on the command line); create one with `toolgate admin-token create --name NAME`");
    }
    if (!TOKEN_CHARS.matcher(token.strip()).matches()) {
      throw new UserError(ExitCode.NOT_AUTHORIZED, TOKEN_ENV + " does not hold an admin token (tga_...)");
    }
    return new AdminClient(base, token.strip());
  }

  private static URI baseUri(String url) {
    try {
      URI uri = new URI(url.strip());
      boolean web = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
      if (web && uri.getHost() != null && uri.getRawUserInfo() == null && uri.getRawQuery() == null && uri.getRawFragment() == null) {
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        URI base = new URI(uri.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + uri.getRawAuthority() + path);
        if (base.getScheme().equals("http") && !RedirectUris.isLoopback(base.toString())) {
          // The admin token is a bearer credential: in clear text, anyone on the path could use it.
          throw UserError.usage("--server " + url.strip() + ": plain http:// only to this machine (127.0.0.1, [::1], localhost);"
              + " the admin token would cross the network in clear text. Use https://");
        }
        return base;
      }
    } catch (URISyntaxException e) {
      // refused below
    }
    throw UserError.usage("--server must be the server's base URL, http:// or https://, without user, query or fragment,"
        + " e.g. http://127.0.0.1:8080 (or set " + SERVER_ENV + ")");
  }

  /**
   * {@code template} with each {@code {}} replaced by the next value, percent-encoded as one path
   * segment: an id typed as {@code ../admin-tokens} stays one segment.
   */
  static String path(String template, String... segments) {
    StringBuilder b = new StringBuilder();
    int from = 0;
    for (String segment : segments) {
      int at = template.indexOf("{}", from);
      if (segment == null || segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw UserError.usage("'" + (segment == null ? "" : segment) + "' is not an id");
      }
      b.append(template, from, at).append(encode(segment));
      from = at + 2;
    }
    return b.append(template.substring(from)).toString();
  }

  /** {@code path} with a query of the non-null values, in the order given. */
  static String query(String path, Map<String, ?> params) {
    StringJoiner q = new StringJoiner("&", path + "?", "").setEmptyValue(path);
    params.forEach((name, value) -> {
      if (value != null) {
        q.add(name + "=" + URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8).replace("+", "%20"));
      }
    });
    return q.toString();
  }

  /** name, value, name, value... as an ordered map for {@link #query} (values may be null: left out). */
  static Map<String, Object> params(Object... pairs) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      map.put((String) pairs[i], pairs[i + 1]);
    }
    return map;
  }

  private static String encode(String segment) {
    StringBuilder b = new StringBuilder();
    for (byte x : segment.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (x & 0xff);
      if (x >= 0 && UNRESERVED.matcher(String.valueOf(c)).matches()) {
        b.append(c);
      } else {
        b.append('%').append(String.format("%02X", x & 0xff));
      }
    }
    return b.toString();
  }

  JsonObject get(String path) {
    return ok(exchange("GET", path, null, null)).body();
  }

  /** POST with {@code body}; its null fields are left out (the API reads an absent field as its default). */
  JsonObject post(String path, JsonObject body) {
    JsonObject sent = new JsonObject();
    if (body != null) {
      body.forEach(field -> {
        if (field.getValue() != null) {
          sent.put(field.getKey(), field.getValue());
        }
      });
    }
    return ok(exchange("POST", path, sent, null)).body();
  }

  JsonObject delete(String path) {
    return ok(exchange("DELETE", path, null, null)).body();
  }

  /**
   * GET of a JSON-lines answer ({@code application/x-ndjson}), each line handed to {@code line} as it
   * arrives, so an export of millions of rows is never held in memory. A failure before the first
   * line is the problem's exit code; the answer breaking off later is a failure (1).
   */
  void lines(String path, java.util.function.Consumer<String> line) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
        .header("authorization", "Bearer " + token).header("accept", "application/x-ndjson").GET().build();
    HttpResponse<java.util.stream.Stream<String>> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofLines());
    } catch (IOException e) {
      throw UserError.failure("cannot reach the server at " + base + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw UserError.failure("interrupted while waiting for the server at " + base);
    }
    try (java.util.stream.Stream<String> body = response.body()) {
      if (response.statusCode() / 100 != 2) {
        String text = String.join("\n", body.toList());
        JsonObject problem;
        try {
          problem = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
          problem = null;
        }
        throw failure(new Answer(response.statusCode(), problem, null));
      }
      body.filter(l -> !l.isBlank()).map(AdminClient::printable).forEach(line);
    } catch (java.io.UncheckedIOException e) {
      throw UserError.failure("the answer of the server at " + base + " broke off: " + e.getMessage());
    }
  }

  /** The answer whatever its status (for callers that handle one, like 412); no answer at all is a failure. */
  Answer exchange(String method, String path, JsonObject body, String ifMatch) {
    URI uri = URI.create(base + path);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
        .header("authorization", "Bearer " + token)
        .header("accept", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      request.header("content-type", "application/json");
    }
    if (ifMatch != null) {
      request.header("if-match", ifMatch);
    }
    HttpResponse<java.io.InputStream> response;
    String text;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      // At most MAX_ANSWER_BYTES: a server that sends more (hostile, or not Toolgate) must not fill this process's memory.
      try (java.io.InputStream in = response.body()) {
        byte[] bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
        if (bytes.length > MAX_ANSWER_BYTES) {
          throw UserError.failure("the server at " + base + " sent an answer larger than " + MAX_ANSWER_BYTES / (1024 * 1024)
              + " MiB: is it Toolgate's admin API?");
        }
        text = new String(bytes, StandardCharsets.UTF_8);
      }
    } catch (HttpTimeoutException e) {
      throw UserError.failure("no answer from the server at " + base + " within " + REQUEST_TIMEOUT.toSeconds() + " s (" + method + " " + path + ")");
    } catch (ConnectException e) {
      throw UserError.failure("cannot reach the server at " + base + ": connection refused or unreachable");
    } catch (IOException e) {
      throw UserError.failure("cannot reach the server at " + base + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw UserError.failure("interrupted while waiting for the server at " + base);
    }
    return new Answer(response.statusCode(), json(text), response.headers().firstValue("etag").orElse(null));
  }

  /** The answer if it is a success; otherwise the failure it stands for. */
  Answer ok(Answer answer) {
    if (answer.status() >= 200 && answer.status() < 300) {
      if (answer.body() == null) {
        throw UserError.failure("the server at " + base + " did not answer with JSON: is it Toolgate's admin API?");
      }
      return answer;
    }
    throw failure(answer);
  }

  /** The {@link UserError} of a problem answer: its exit code by status, its {@code detail} as message. */
  UserError failure(Answer answer) {
    int status = answer.status();
    JsonObject problem = answer.body();
    String detail = problem == null ? null : problem.getValue("detail") instanceof String d ? d
        : problem.getValue("title") instanceof String t ? t : null;
    String message = detail != null ? detail : "the server at " + base + " answered HTTP " + status;
    ExitCode exit = switch (status) {
      case 400, 413 -> ExitCode.USAGE;
      case 401, 403 -> ExitCode.NOT_AUTHORIZED;
      case 404 -> ExitCode.NOT_FOUND;
      case 409, 412, 422 -> ExitCode.CONFLICT;
      default -> ExitCode.FAILURE;
    };
    return new UserError(exit, message);
  }

  private static JsonObject json(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return (JsonObject) printable(new JsonObject(text));
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  /** {@code value} (a parsed answer) with every string in it, names too, {@link #printable(String) printable}. */
  private static Object printable(Object value) {
    if (value instanceof String text) {
      return printable(text);
    } else if (value instanceof JsonObject object) {
      JsonObject out = new JsonObject();
      object.forEach(field -> out.put(printable(field.getKey()), printable(field.getValue())));
      return out;
    } else if (value instanceof JsonArray array) {
      JsonArray out = new JsonArray();
      array.forEach(item -> out.add(printable(item)));
      return out;
    }
    return value;
  }

  /**
   * {@code text} with every control character (C0, DEL, C1) written as a JSON-style escape: a
   * backslash, {@code u} and four hex digits. Shown, never obeyed by a terminal.
   */
  static String printable(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.getType(c) == Character.CONTROL) {
        if (out == null) {
          out = new StringBuilder(text.length() + 16).append(text, 0, i);
        }
        out.append(String.format("\\u%04x", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }
}
