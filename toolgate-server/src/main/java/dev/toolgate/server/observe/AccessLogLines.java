package dev.toolgate.server.observe;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.toolgate.core.config.AccessLogSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Formats access log lines, on the access log's thread. {@code json}: one object per line with
 * Elastic Common Schema (ECS) field names, dotted and flat as the ecs-logging libraries write them,
 * Toolgate's own under {@code toolgate.}. {@code text}: the same facts as logfmt ({@code key=value},
 * values with spaces or quotes quoted). Both escape every control character, C1 and U+2028/U+2029
 * included (a path cannot start a second line) and cut a path longer than {@link #MAX_PATH_CHARS}.
 */
final class AccessLogLines {
  static final String ECS_VERSION = "8.11.0";
  static final String DATASET = "toolgate.access";
  static final int MAX_PATH_CHARS = 2048;
  /** The file is closed, and flushed per batch, by the access log, not per line by the generator. */
  private static final JsonFactory JSON = new JsonFactoryBuilder().characterEscapes(new ControlEscapes())
      .disable(StreamWriteFeature.AUTO_CLOSE_TARGET).disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM).build();

  /**
   * JSON's own escapes cover only U+0000-U+001F. The path arrives as ISO-8859-1, so a raw byte 0x85 is
   * NEL (a line break to some readers) and 0x9b the C1 CSI a terminal starts an escape sequence with:
   * DEL, C1 and the Unicode line separators are escaped as the text format escapes them.
   */
  private static final class ControlEscapes extends CharacterEscapes {
    private final int[] ascii = standardAsciiEscapesForJSON();

    ControlEscapes() {
      ascii[0x7f] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      boolean control = (ch >= 0x80 && ch < 0xa0) || ch == 0x2028 || ch == 0x2029;
      return control ? new SerializedString(String.format("\\u%04X", ch)) : null;
    }
  }

  private final AccessLogSettings.Format format;
  private final StringBuilder text = new StringBuilder(512);

  AccessLogLines(AccessLogSettings.Format format) {
    this.format = format;
  }

  void write(CallRecord call, OutputStream out) throws IOException {
    if (format == AccessLogSettings.Format.JSON) {
      json(call, out);
    } else {
      text.setLength(0);
      text(call, text);
      out.write(text.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void json(CallRecord c, OutputStream out) throws IOException {
    String path = path(c.path());
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("@timestamp", Instant.ofEpochMilli(c.endEpochMillis()).toString());
      g.writeStringField("log.level", "info");
      g.writeStringField("message", c.method() + " " + path + " " + c.status() + " " + c.decision() + " " + c.code());
      g.writeStringField("ecs.version", ECS_VERSION);
      g.writeStringField("service.name", "toolgate");
      g.writeStringField("event.dataset", DATASET);
      g.writeStringField("event.kind", "event");
      g.writeStringField("event.outcome", outcome(c));
      g.writeNumberField("event.duration", c.totalNanos());
      g.writeStringField("http.request.id", c.requestId());
      g.writeStringField("http.request.method", c.method());
      g.writeNumberField("http.request.body.bytes", c.bytesIn());
      g.writeNumberField("http.response.status_code", c.status());
      g.writeNumberField("http.response.body.bytes", c.bytesOut());
      g.writeStringField("url.path", path);
      g.writeStringField("client.ip", c.clientIp());
      g.writeStringField("toolgate.mode", c.mode().label());
      if (c.tool() != null) {
        g.writeStringField("toolgate.tool", c.tool());
      }
      if (c.clientId() != null) {
        g.writeStringField("toolgate.client_id", c.clientId());
      }
      g.writeStringField("toolgate.decision", c.decision());
      g.writeStringField("toolgate.code", c.code());
      g.writeNumberField("toolgate.gateway.duration", c.gatewayNanos());
      if (c.forwarded()) {
        g.writeNumberField("toolgate.upstream.duration", c.upstreamNanos());
      }
      g.writeEndObject();
    }
    out.write('\n');
  }

  /** Success: allowed and answered below 400 (by the upstream, or 200 from the decision API). */
  private static String outcome(CallRecord c) {
    return c.allowed() && c.status() < 400 ? "success" : "failure";
  }

  static void text(CallRecord c, StringBuilder b) {
    b.append("time=").append(Instant.ofEpochMilli(c.endEpochMillis()));
    pair(b, "request_id", c.requestId());
    pair(b, "mode", c.mode().label());
    pair(b, "method", c.method());
    pair(b, "path", path(c.path()));
    pair(b, "tool", c.tool() == null ? "-" : c.tool());
    pair(b, "client_id", c.clientId() == null ? "-" : c.clientId());
    pair(b, "client_ip", c.clientIp());
    pair(b, "decision", c.decision());
    pair(b, "code", c.code());
    b.append(" status=").append(c.status());
    b.append(" duration_ms=").append(millis(c.totalNanos()));
    b.append(" gateway_ms=").append(millis(c.gatewayNanos()));
    b.append(" upstream_ms=").append(c.forwarded() ? millis(c.upstreamNanos()) : "-");
    b.append(" bytes_in=").append(c.bytesIn());
    b.append(" bytes_out=").append(c.bytesOut());
    b.append('\n');
  }

  /** Milliseconds with microsecond precision, e.g. {@code 0.412}. */
  private static String millis(long nanos) {
    long micros = nanos / 1_000;
    long frac = micros % 1_000;
    return (micros / 1_000) + "." + (frac < 10 ? "00" : frac < 100 ? "0" : "") + frac;
  }

  private static void pair(StringBuilder b, String key, String value) {
    b.append(' ').append(key).append('=');
    String v = value == null ? "-" : value;
    boolean quote = v.isEmpty();
    for (int i = 0; i < v.length() && !quote; i++) {
      char ch = v.charAt(i);
      quote = ch <= ' ' || ch == '"' || ch == '=' || ch == '\\' || ch >= 0x7f;
    }
    if (!quote) {
      b.append(v);
      return;
    }
    b.append('"');
    for (int i = 0; i < v.length(); i++) {
      char ch = v.charAt(i);
      if (ch == '"' || ch == '\\') {
        b.append('\\').append(ch);
      } else if (ch < ' ' || ch == 0x7f || (ch >= 0x80 && ch < 0xa0) || ch == '\u2028' || ch == '\u2029') {
        b.append(String.format("\\u%04x", (int) ch));
      } else {
        b.append(ch);
      }
    }
    b.append('"');
  }

  private static String path(String path) {
    if (path == null) {
      return "-";
    }
    return path.length() <= MAX_PATH_CHARS ? path : path.substring(0, MAX_PATH_CHARS) + "...";
  }
}
