package dev.toolgate.server.store;

import dev.toolgate.core.port.AuditEvent;
import java.time.Instant;

/**
 * Which audit events to read. Every filter is optional (null = any); results come newest first.
 *
 * @param requestId exactly this request
 * @param tool events for this tool
 * @param clientId events of this client
 * @param decision {@code allow} or {@code deny}
 * @param code a decision code such as {@code signature_invalid}
 * @param since events at or after this time
 * @param until events strictly before this time
 * @param limit at most this many events, 1 to {@value #MAX_LIMIT}
 * @param after only events that come after this one in the newest-first order (the last of the
 *     previous page): keyset paging, so events recorded meanwhile shift nothing
 */
public record AuditQuery(
    String requestId, String tool, String clientId, String decision, String code, Instant since, Instant until, int limit,
    Position after) {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 100_000;

  /**
   * Where an event sits in the newest-first order: its time as stored (epoch milliseconds), then its
   * request id, which breaks ties between events of the same millisecond.
   */
  public record Position(long occurredAtMillis, String requestId) {
    public Position {
      if (requestId == null || requestId.isEmpty()) {
        throw new IllegalArgumentException("an audit position needs a request id");
      }
    }

    /** The position of {@code event}, to read on after it. */
    public static Position of(AuditEvent event) {
      return new Position(event.time().toEpochMilli(), event.requestId());
    }
  }

  public AuditQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("audit query limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    if (since != null && until != null && until.isBefore(since)) {
      throw new IllegalArgumentException("audit query: until (" + until + ") is before since (" + since + ")");
    }
  }

  /** From the newest matching event on. */
  public AuditQuery(String requestId, String tool, String clientId, String decision, String code, Instant since, Instant until, int limit) {
    this(requestId, tool, clientId, decision, code, since, until, limit, null);
  }

  /** The newest {@value #DEFAULT_LIMIT} events, unfiltered; narrow it with the {@code with…} methods. */
  public static AuditQuery latest() {
    return latest(DEFAULT_LIMIT);
  }

  public static AuditQuery latest(int limit) {
    return new AuditQuery(null, null, null, null, null, null, null, limit);
  }

  public AuditQuery withRequestId(String value) {
    return new AuditQuery(value, tool, clientId, decision, code, since, until, limit, after);
  }

  public AuditQuery withTool(String value) {
    return new AuditQuery(requestId, value, clientId, decision, code, since, until, limit, after);
  }

  public AuditQuery withClientId(String value) {
    return new AuditQuery(requestId, tool, value, decision, code, since, until, limit, after);
  }

  public AuditQuery withDecision(String value) {
    return new AuditQuery(requestId, tool, clientId, value, code, since, until, limit, after);
  }

  public AuditQuery withCode(String value) {
    return new AuditQuery(requestId, tool, clientId, decision, value, since, until, limit, after);
  }

  public AuditQuery withSince(Instant value) {
    return new AuditQuery(requestId, tool, clientId, decision, code, value, until, limit, after);
  }

  public AuditQuery withUntil(Instant value) {
    return new AuditQuery(requestId, tool, clientId, decision, code, since, value, limit, after);
  }

  public AuditQuery withLimit(int value) {
    return new AuditQuery(requestId, tool, clientId, decision, code, since, until, value, after);
  }

  public AuditQuery withAfter(Position value) {
    return new AuditQuery(requestId, tool, clientId, decision, code, since, until, limit, value);
  }
}
