package dev.toolgate.server.store;

import dev.toolgate.core.decision.Check;
import dev.toolgate.core.port.AuditEvent;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The audit table: one row per decision, keyed by request id. Writes come in batches from
 * {@link AuditWriter}; reads answer "why was this call denied?" by request id or by filters.
 *
 * <p>Blocking: call from worker threads.
 */
public final class AuditLog {
  private static final String COLUMNS =
      "request_id, occurred_at, method, path, remote_address, tool, client_id, credential_ids, decision, code, status, latency_micros, detail, trace, config_version";

  /**
   * ON CONFLICT DO NOTHING (the same syntax on SQLite 3.24+ and PostgreSQL 9.5+) makes a batch safe
   * to write again: if a commit succeeded but its acknowledgement was lost, the retry is a no-op
   * instead of a primary-key error that would block the writer forever.
   */
  private static final String INSERT =
      "INSERT INTO audit_events (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING";

  private final Jdbc jdbc;

  public AuditLog(Database database) {
    this.jdbc = new Jdbc(database);
  }

  /** Writes the events in one transaction: all of them or none. Events already stored are skipped. */
  public void appendBatch(List<AuditEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    events.forEach(AuditLog::requireStorable);
    jdbc.write("append " + events.size() + " audit events", connection -> {
      try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
        for (AuditEvent event : events) {
          bind(insert, event);
          insert.addBatch();
        }
        insert.executeBatch();
      }
      return null;
    });
  }

  /** Events matching every filter of the query, newest first, at most {@code limit}. */
  public List<AuditEvent> query(AuditQuery query) {
    StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM audit_events WHERE 1 = 1");
    List<Object> parameters = new ArrayList<>();
    filter(sql, parameters, "request_id = ?", query.requestId());
    filter(sql, parameters, "tool = ?", query.tool());
    filter(sql, parameters, "client_id = ?", query.clientId());
    filter(sql, parameters, "decision = ?", query.decision());
    filter(sql, parameters, "code = ?", query.code());
    filter(sql, parameters, "occurred_at >= ?", query.since() == null ? null : query.since().toEpochMilli());
    filter(sql, parameters, "occurred_at < ?", query.until() == null ? null : query.until().toEpochMilli());
    if (query.after() != null) {
      // Strictly after the position in (occurred_at DESC, request_id DESC) order. Spelt with a plain
      // range on occurred_at first so both backends walk the occurred_at index from there (a row
      // value comparison or a bare OR does not use it on SQLite).
      long at = query.after().occurredAtMillis();
      sql.append(" AND occurred_at <= ? AND (occurred_at < ? OR request_id < ?)");
      parameters.add(at);
      parameters.add(at);
      parameters.add(clean(query.after().requestId()));
    }
    // request_id breaks ties between events of the same millisecond, so paging is stable.
    sql.append(" ORDER BY occurred_at DESC, request_id DESC LIMIT ?");
    parameters.add(query.limit());

    return jdbc.read("query audit log", connection -> {
      try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
        for (int i = 0; i < parameters.size(); i++) {
          Object value = parameters.get(i);
          if (value instanceof String) {
            statement.setString(i + 1, (String) value);
          } else if (value instanceof Long) {
            statement.setLong(i + 1, (Long) value);
          } else {
            statement.setInt(i + 1, (Integer) value);
          }
        }
        try (ResultSet rows = statement.executeQuery()) {
          List<AuditEvent> events = new ArrayList<>();
          while (rows.next()) {
            events.add(map(rows));
          }
          return events;
        }
      }
    });
  }

  /** The event of one request, if it was recorded. */
  public Optional<AuditEvent> find(String requestId) {
    List<AuditEvent> found = query(AuditQuery.latest(1).withRequestId(requestId));
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /**
   * Deletes events older than {@code cutoff}, for retention; returns how many. In transactions of
   * at most {@value #DELETE_CHUNK} events (cut at a time boundary, so each walks the occurred_at
   * index): on SQLite one huge delete would hold the only write lock for as long as it runs, and
   * every other write (audit batches, credential changes) would wait for it or time out.
   */
  public long deleteOlderThan(Instant cutoff) {
    return deleteOlderThan(cutoff, DELETE_CHUNK);
  }

  long deleteOlderThan(Instant cutoff, int chunk) {
    long cut = cutoff.toEpochMilli();
    long deleted = 0;
    while (true) {
      // The time of the chunk-th oldest event before the cutoff: delete up to and including it.
      Long boundary = jdbc.read("find old audit events", connection -> {
        try (PreparedStatement query = connection.prepareStatement(
            "SELECT occurred_at FROM audit_events WHERE occurred_at < ? ORDER BY occurred_at LIMIT 1 OFFSET ?")) {
          query.setLong(1, cut);
          query.setInt(2, chunk - 1);
          try (ResultSet row = query.executeQuery()) {
            return row.next() ? row.getLong(1) : null;
          }
        }
      });
      boolean last = boundary == null; // fewer than a chunk left: delete them all
      String condition = last ? "occurred_at < ?" : "occurred_at <= ?";
      long bound = last ? cut : boundary;
      int n = jdbc.write("delete old audit events", connection -> {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM audit_events WHERE " + condition)) {
          delete.setLong(1, bound);
          return delete.executeUpdate();
        }
      });
      deleted += n;
      if (last) {
        return deleted;
      }
    }
  }

  /** Events deleted per transaction by {@link #deleteOlderThan}: a few tens of milliseconds of write lock. */
  static final int DELETE_CHUNK = 10_000;

  /**
   * The two columns without which a row cannot be stored. Checked before writing, so a bad event is
   * refused by whoever built it instead of failing a batch (and its retries) later.
   */
  static void requireStorable(AuditEvent event) {
    if (event.requestId() == null || event.requestId().isEmpty()) {
      throw new IllegalArgumentException("audit event without a request id");
    }
    if (event.time() == null) {
      throw new IllegalArgumentException("audit event " + event.requestId() + " without a time");
    }
  }

  private static void filter(StringBuilder sql, List<Object> parameters, String condition, Object value) {
    if (value != null) {
      sql.append(" AND ").append(condition);
      // Compared with what was stored, NUL replaced (and PostgreSQL refuses a NUL in a parameter too).
      parameters.add(value instanceof String text ? clean(text) : value);
    }
  }

  private static void bind(PreparedStatement insert, AuditEvent event) throws SQLException {
    insert.setString(1, clean(event.requestId()));
    Columns.setInstant(insert, 2, event.time());
    Columns.setText(insert, 3, clean(event.method()));
    Columns.setText(insert, 4, clean(event.path()));
    Columns.setText(insert, 5, clean(event.remoteAddress()));
    Columns.setText(insert, 6, clean(event.tool()));
    Columns.setText(insert, 7, clean(event.clientId()));
    Columns.setText(insert, 8, event.credentialIds().isEmpty() ? null : clean(String.join(",", event.credentialIds())));
    Columns.setText(insert, 9, clean(event.decision()));
    Columns.setText(insert, 10, clean(event.code()));
    insert.setInt(11, event.status());
    insert.setLong(12, event.latencyMicros());
    Columns.setText(insert, 13, clean(event.detail()));
    Columns.setText(insert, 14, event.trace().isEmpty() ? null : clean(traceJson(event.trace())));
    Columns.setText(insert, 15, clean(event.configVersion()));
  }

  /** Written straight with Jackson's generator: one record per decision, so no tree of JsonObjects per check. */
  static String traceJson(List<Check> trace) {
    java.io.StringWriter out = new java.io.StringWriter(64 + 96 * trace.size());
    try (com.fasterxml.jackson.core.JsonGenerator json = JSON.createGenerator(out)) {
      writeTrace(json, trace);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot happen writing to a string", e);
    }
    return out.toString();
  }

  /** A decision's checks as a JSON array, as the audit table and the spill files hold them. */
  static void writeTrace(com.fasterxml.jackson.core.JsonGenerator json, List<Check> trace) throws java.io.IOException {
    json.writeStartArray();
    for (Check c : trace) {
      json.writeStartObject();
      json.writeStringField("check", c.name());
      json.writeBooleanField("passed", c.passed());
      json.writeStringField("detail", c.detail());
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  private static final com.fasterxml.jackson.core.JsonFactory JSON = new com.fasterxml.jackson.core.JsonFactory();

  private static List<Check> trace(String json) {
    if (json == null || json.isEmpty()) {
      return List.of();
    }
    List<Check> out = new java.util.ArrayList<>();
    for (Object o : new io.vertx.core.json.JsonArray(json)) {
      if (o instanceof io.vertx.core.json.JsonObject c) {
        out.add(new Check(c.getString("check"), Boolean.TRUE.equals(c.getBoolean("passed")), c.getString("detail")));
      }
    }
    return out;
  }

  /**
   * PostgreSQL rejects NUL characters in text, and a request path can carry one (%00). One such
   * event would fail its whole batch on every retry, so replace NUL with U+FFFD on both backends.
   */
  private static String clean(String value) {
    return value == null || value.indexOf('\0') < 0 ? value : value.replace('\0', '\uFFFD');
  }

  private static AuditEvent map(ResultSet row) throws SQLException {
    String credentialIds = row.getString("credential_ids");
    return new AuditEvent(
        Columns.getInstant(row, "occurred_at"),
        row.getString("request_id"),
        row.getString("method"),
        row.getString("path"),
        row.getString("remote_address"),
        row.getString("tool"),
        row.getString("client_id"),
        credentialIds == null || credentialIds.isEmpty() ? List.of() : Arrays.asList(credentialIds.split(",")),
        row.getString("decision"),
        row.getString("code"),
        row.getInt("status"),
        row.getLong("latency_micros"),
        row.getString("detail"),
        trace(row.getString("trace")),
        row.getString("config_version"));
  }
}
