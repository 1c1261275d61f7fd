package dev.toolgate.server.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.toolgate.core.decision.Check;
import dev.toolgate.core.port.AuditEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * One audit event as one line of JSON (UTF-8, no raw newline inside), the format of the spill files
 * ({@link AuditSpool}): a reader with {@code jq} can look at what waits there, and a torn last line
 * is recognised as such. Every field of {@link AuditEvent} is kept, the trace included.
 */
final class AuditJsonLine {
  private static final JsonFactory JSON = new JsonFactory();
  /**
   * Longest request id, client id or tool a line may carry, in UTF-8 bytes: fits a PostgreSQL index
   * entry (about 2.7 kB), and takes the longest client id Toolgate accepts (a Client ID Metadata
   * Document URL, {@link dev.toolgate.server.oauth.client.ClientIdUrl#MAX_LENGTH} ASCII characters).
   */
  static final int MAX_INDEXED_BYTES = 2048;

  private AuditJsonLine() {}

  /**
   * The event as JSON followed by {@code \n}.
   *
   * @throws IllegalArgumentException if a string of the event cannot be encoded (a lone surrogate)
   */
  static byte[] encode(AuditEvent e) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 96 * e.trace().size());
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("time", e.time().toString());
      json.writeStringField("request_id", e.requestId());
      json.writeStringField("method", e.method());
      json.writeStringField("path", e.path());
      json.writeStringField("remote_address", e.remoteAddress());
      json.writeStringField("tool", e.tool());
      json.writeStringField("client_id", e.clientId());
      json.writeArrayFieldStart("credential_ids");
      for (String id : e.credentialIds()) {
        json.writeString(id);
      }
      json.writeEndArray();
      json.writeStringField("decision", e.decision());
      json.writeStringField("code", e.code());
      json.writeNumberField("status", e.status());
      json.writeNumberField("latency_micros", e.latencyMicros());
      json.writeStringField("detail", e.detail());
      json.writeFieldName("trace");
      AuditLog.writeTrace(json, e.trace());
      json.writeStringField("config_version", e.configVersion());
      json.writeEndObject();
    } catch (IOException ex) {
      // Only a string Jackson cannot write as UTF-8 (a lone surrogate) gets here: memory does not fail.
      throw new IllegalArgumentException("audit event " + e.requestId() + " cannot be written as JSON: " + ex.getMessage(), ex);
    }
    out.write('\n');
    return out.toByteArray();
  }

  /**
   * The event of one line (without its {@code \n}).
   *
   * @throws IllegalArgumentException if the line is not an event this class wrote
   */
  static AuditEvent decode(byte[] line, int offset, int length) {
    try (JsonParser json = JSON.createParser(line, offset, length)) {
      expect(json.nextToken(), JsonToken.START_OBJECT);
      Instant time = null;
      String requestId = null, method = null, path = null, remote = null, tool = null, client = null;
      String decision = null, code = null, detail = null, configVersion = null;
      List<String> credentialIds = List.of();
      List<Check> trace = List.of();
      int status = 0;
      long latency = 0;
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        JsonToken value = json.nextToken();
        switch (field) {
          case "time" -> time = Instant.parse(json.getValueAsString());
          case "request_id" -> requestId = text(json, value);
          case "method" -> method = text(json, value);
          case "path" -> path = text(json, value);
          case "remote_address" -> remote = text(json, value);
          case "tool" -> tool = text(json, value);
          case "client_id" -> client = text(json, value);
          case "decision" -> decision = text(json, value);
          case "code" -> code = text(json, value);
          case "detail" -> detail = text(json, value);
          case "status" -> status = json.getIntValue();
          case "latency_micros" -> latency = json.getLongValue();
          case "credential_ids" -> credentialIds = strings(json, value);
          case "trace" -> trace = checks(json, value);
          case "config_version" -> configVersion = text(json, value);
          default -> json.skipChildren(); // a field a later version added: the rest is still usable
        }
      }
      expect(json.currentToken(), JsonToken.END_OBJECT);
      if (json.nextToken() != null) {
        throw new IllegalArgumentException("data after the event");
      }
      AuditEvent event = new AuditEvent(time, requestId, method, path, remote, tool, client, credentialIds, decision, code, status,
          latency, detail, trace, configVersion);
      AuditLog.requireStorable(event);
      requireWritable(event);
      return event;
    } catch (IOException | DateTimeParseException | NullPointerException | ArithmeticException e) {
      throw new IllegalArgumentException("not an audit event line: " + e.getMessage(), e);
    }
  }

  /**
   * What this class writes always fits the store; a line edited (or written by something else) might
   * not, and one event the store refuses would stop every record after it, retried forever. So: a
   * time in epoch milliseconds, and the indexed columns short enough for a PostgreSQL btree entry
   * (about 2.7 kB; Toolgate's own ids are a few dozen characters).
   */
  private static void requireWritable(AuditEvent event) {
    event.time().toEpochMilli(); // ArithmeticException beyond the range of a BIGINT of milliseconds
    for (String indexed : new String[] {event.requestId(), event.clientId(), event.tool()}) {
      if (indexed != null && indexed.length() > MAX_INDEXED_BYTES / 3 && utf8Length(indexed) > MAX_INDEXED_BYTES) {
        throw new IllegalArgumentException("an indexed field is longer than " + MAX_INDEXED_BYTES + " bytes");
      }
    }
  }

  private static int utf8Length(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  private static String text(JsonParser json, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    expect(value, JsonToken.VALUE_STRING);
    return json.getText();
  }

  private static List<String> strings(JsonParser json, JsonToken value) throws IOException {
    expect(value, JsonToken.START_ARRAY);
    List<String> out = new ArrayList<>();
    while (json.nextToken() == JsonToken.VALUE_STRING) {
      out.add(json.getText());
    }
    expect(json.currentToken(), JsonToken.END_ARRAY);
    return out;
  }

  private static List<Check> checks(JsonParser json, JsonToken value) throws IOException {
    expect(value, JsonToken.START_ARRAY);
    List<Check> out = new ArrayList<>();
    while (json.nextToken() == JsonToken.START_OBJECT) {
      String name = null, detail = null;
      boolean passed = false;
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        JsonToken v = json.nextToken();
        switch (field) {
          case "check" -> name = text(json, v);
          case "detail" -> detail = text(json, v);
          case "passed" -> passed = v == JsonToken.VALUE_TRUE;
          default -> json.skipChildren();
        }
      }
      out.add(new Check(name, passed, detail));
    }
    expect(json.currentToken(), JsonToken.END_ARRAY);
    return out;
  }

  private static void expect(JsonToken actual, JsonToken wanted) {
    if (actual != wanted) {
      throw new IllegalArgumentException("expected " + wanted + ", got " + actual);
    }
  }
}
