package dev.toolgate.server.admin;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The fields the client and credential endpoints share: ids, expiry, a rotation's overlap, the
 * client filter of a list.
 */
final class CredentialInput {
  static final Duration DEFAULT_OVERLAP = Duration.ofDays(1);
  /** A rotation's overlap is for switching over: a year is already far more than that needs. */
  static final Duration MAX_OVERLAP = Duration.ofDays(365);
  /** Times beyond this are typing mistakes, and they would not fit the store. */
  static final Instant LATEST_EXPIRY = Instant.parse("9999-12-31T23:59:59Z");

  private CredentialInput() {}

  /** A required id field: a non-empty string. */
  static String id(JsonObject body, String field) {
    String id = AdminJson.string(body, field, true);
    if (id.isEmpty()) {
      throw new IllegalArgumentException(field + " must not be empty");
    }
    return id;
  }

  /** {@code expires_at}: an RFC 3339 time in the future, or null (never expires). */
  static Instant expiresAt(JsonObject body, Clock clock) {
    Instant at = AdminJson.time(body, "expires_at");
    if (at == null) {
      return null;
    }
    if (at.isAfter(LATEST_EXPIRY)) {
      throw new IllegalArgumentException("expires_at must be before the year 10000");
    }
    if (!at.isAfter(clock.instant())) {
      throw new IllegalArgumentException("expires_at must be in the future");
    }
    return at;
  }

  /** {@code overlap_seconds}: how long a rotated credential keeps working; 0 ends it now; default one day. */
  static Duration overlap(JsonObject body) {
    Object value = body.getValue("overlap_seconds");
    if (value == null) {
      return DEFAULT_OVERLAP;
    }
    if (value instanceof java.math.BigInteger) {
      throw new IllegalArgumentException("overlap_seconds must be at most " + MAX_OVERLAP.toSeconds() + " (365 days)");
    }
    if (!(value instanceof Integer || value instanceof Long)) {
      throw new IllegalArgumentException("overlap_seconds must be a whole number of seconds");
    }
    long seconds = ((Number) value).longValue();
    if (seconds < 0) {
      throw new IllegalArgumentException("overlap_seconds must be zero or positive");
    }
    if (seconds > MAX_OVERLAP.toSeconds()) {
      throw new IllegalArgumentException("overlap_seconds must be at most " + MAX_OVERLAP.toSeconds() + " (365 days)");
    }
    return Duration.ofSeconds(seconds);
  }

  /**
   * {@code ?client_id=}: the one query parameter a credential list takes, or null. Decoded here,
   * strictly: a broken escape is a 400, an unknown parameter too (a misspelt filter must not list
   * every client's credentials as if it were that client's).
   */
  static String clientFilter(RoutingContext ctx) {
    String query = ctx.request().query();
    if (query == null || query.isEmpty()) {
      return null;
    }
    String found = null;
    for (String pair : query.split("&", -1)) {
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      if (!name.equals("client_id")) {
        throw new IllegalArgumentException("unknown query parameter " + KnownNames.quoted(name) + " (known: client_id)");
      }
      if (found != null) {
        throw new IllegalArgumentException("client_id is given more than once");
      }
      found = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (found.isEmpty()) {
        throw new IllegalArgumentException("client_id must not be empty");
      }
    }
    return found;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the query string has a broken %-escape");
    }
  }
}
