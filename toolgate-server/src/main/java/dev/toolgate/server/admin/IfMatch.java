package dev.toolgate.server.admin;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.List;

/**
 * A request's {@code If-Match} (RFC 9110 §13.1.1): the change is made only if the resource's
 * current {@link AdminJson#etag ETag} is one of those listed, or {@code *}. Absent, it matches
 * anything. Endpoints check it inside the write, against what the write reads, so two
 * read-modify-write cycles cannot both win.
 */
public record IfMatch(List<String> tags) {
  /** Matches anything: no {@code If-Match} was sent. */
  public static final IfMatch ANY = new IfMatch(List.of("*"));

  static IfMatch of(RoutingContext ctx) {
    List<String> headers = ctx.request().headers().getAll("if-match");
    if (headers.isEmpty()) {
      return ANY;
    }
    List<String> tags = headers.stream().flatMap(h -> Arrays.stream(h.split(","))).map(String::strip).filter(s -> !s.isEmpty()).toList();
    // A weak tag (W/"...") is well-formed but never matches: If-Match compares strongly (RFC 9110 §13.1.1).
    if (tags.isEmpty() || tags.stream().map(t -> t.startsWith("W/") ? t.substring(2) : t)
        .anyMatch(t -> !t.equals("*") && !(t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")))) {
      throw new IllegalArgumentException("If-Match must be * or quoted ETags, as the ETag header gave them");
    }
    return new IfMatch(tags);
  }

  /** Throws {@link PreconditionFailedException} unless {@code current} is what the caller last saw. */
  public void require(JsonObject current) {
    if (tags.contains("*")) {
      return;
    }
    if (!tags.contains(AdminJson.etag(current))) {
      throw new PreconditionFailedException("the resource changed since you read it (If-Match does not match its ETag); read it again and retry");
    }
  }

  /** A change refused because the resource is no longer what {@code If-Match} named: 412. */
  public static final class PreconditionFailedException extends RuntimeException {
    public PreconditionFailedException(String message) {
      super(message);
    }
  }
}
