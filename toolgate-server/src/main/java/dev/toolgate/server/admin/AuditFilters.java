package dev.toolgate.server.admin;

import dev.toolgate.server.store.AuditQuery;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The audit log's query string, read into an {@link AuditQuery}: {@code tool}, {@code client_id},
 * {@code decision} ({@code allow}|{@code deny}), {@code code}, {@code request_id}, {@code since}
 * and {@code until} (RFC 3339; since inclusive, until exclusive), and for the paged list {@code
 * limit} (1-{@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}) and {@code cursor}.
 *
 * <p>Strict, because a filter that is silently dropped widens what a script exports: an unknown or
 * repeated parameter, or one that is not valid percent-encoded UTF-8, is a 400 naming it. An empty
 * value is the same as none (what an HTML form sends for a filter left blank).
 */
final class AuditFilters {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  private static final Set<String> FILTERS = Set.of("tool", "client_id", "decision", "code", "request_id", "since", "until");
  private static final Set<String> PAGING = Set.of("limit", "cursor");
  private static final Set<String> ALL = Set.of("tool", "client_id", "decision", "code", "request_id", "since", "until", "limit", "cursor");

  private AuditFilters() {}

  /** The list's filters and page: {@code limit} is the page size, {@code after} the cursor's position. */
  static AuditQuery page(String rawQuery) {
    Map<String, String> params = parse(rawQuery, true);
    AuditQuery query = filters(params).withLimit(limit(params.get("limit")));
    String cursor = params.get("cursor");
    return cursor == null ? query : query.withAfter(AuditCursor.decode(cursor));
  }

  /** The export's filters; it takes every matching decision, so no {@code limit} or {@code cursor}. */
  static AuditQuery export(String rawQuery) {
    return filters(parse(rawQuery, false));
  }

  private static AuditQuery filters(Map<String, String> params) {
    String decision = params.get("decision");
    if (decision != null && !decision.equals("allow") && !decision.equals("deny")) {
      throw new IllegalArgumentException("decision must be allow or deny");
    }
    Instant since = time(params, "since");
    Instant until = time(params, "until");
    if (since != null && until != null && until.isBefore(since)) {
      throw new IllegalArgumentException("until (" + until + ") is before since (" + since + ")");
    }
    return new AuditQuery(params.get("request_id"), params.get("tool"), params.get("client_id"), decision, params.get("code"),
        since, until, DEFAULT_LIMIT);
  }

  private static Instant time(Map<String, String> params, String name) {
    String value = params.get(name);
    return value == null ? null : AdminJson.time(name, value);
  }

  private static int limit(String value) {
    if (value == null) {
      return DEFAULT_LIMIT;
    }
    if (!value.matches("[0-9]{1,4}")) {
      throw new IllegalArgumentException("limit must be a whole number from 1 to " + MAX_LIMIT);
    }
    int limit = Integer.parseInt(value);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be a whole number from 1 to " + MAX_LIMIT);
    }
    return limit;
  }

  /** Name → value of a raw (still percent-encoded) query string; empty values left out. */
  private static Map<String, String> parse(String rawQuery, boolean paged) {
    Map<String, String> params = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    Set<String> seen = new HashSet<>();
    for (String pair : rawQuery.split("&", -1)) {
      if (pair.isEmpty()) {
        continue; // "a=1&&b=2"
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq), "a parameter name");
      if (!FILTERS.contains(name) && !PAGING.contains(name)) {
        throw new IllegalArgumentException("unknown query parameter '" + printable(name) + "' (known: "
            + String.join(", ", new TreeSet<>(paged ? ALL : FILTERS)) + ")");
      }
      if (!paged && PAGING.contains(name)) {
        throw new IllegalArgumentException(name + " does not apply to the export: it streams every matching decision");
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException(name + " is given more than once");
      }
      String value = decode(eq < 0 ? "" : pair.substring(eq + 1), name);
      if (!value.isEmpty()) {
        params.put(name, value);
      }
    }
    return params;
  }

  private static String decode(String raw, String what) {
    try {
      String decoded = URLDecoder.decode(raw, StandardCharsets.UTF_8);
      if (decoded.indexOf('\uFFFD') >= 0 && raw.indexOf('\uFFFD') < 0) {
        throw new IllegalArgumentException("not UTF-8");
      }
      return decoded;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " is not valid percent-encoded UTF-8");
    }
  }

  /** A name as it may appear in an error: at most 64 characters, controls shown as '?'. */
  private static String printable(String name) {
    String cut = name.length() > 64 ? name.substring(0, 64) + "…" : name;
    return cut.codePoints().map(c -> c < 0x20 || c == 0x7f ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
  }
}
