package dev.toolgate.server.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.AccessLogSettings;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The access log's writer: hostile values stay on one line, and a reader that does not keep up costs dropped lines, never a wait. */
class AccessLogTest {
  static CallRecord call(String path, String tool) {
    return new CallRecord("req_1", CallRecord.Mode.PROXY, "GET", path, tool, "cl_1", true, "ok", 200, "127.0.0.1",
        1_700_000_000_123L, 2_500_000, 400_000, 2_000_000, 0, 12);
  }

  @Test
  void aHostilePathStaysOnOneLineInBothFormats() throws IOException {
    String hostile = "/a\nb\r\"c\\d e=f\u0000\u2028";
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    new AccessLogLines(AccessLogSettings.Format.JSON).write(call(hostile, "t"), json);
    String line = json.toString(StandardCharsets.UTF_8);
    assertThat(line).endsWith("\n");
    assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n").doesNotContain("\r");
    assertThat(new JsonObject(line).getString("url.path")).isEqualTo(hostile);

    StringBuilder text = new StringBuilder();
    AccessLogLines.text(call(hostile, "t"), text);
    assertThat(text.toString()).isEqualTo("time=2023-11-14T22:13:20.123Z request_id=req_1 mode=proxy method=GET"
        + " path=\"/a\\u000ab\\u000d\\\"c\\\\d e=f\\u0000\\u2028\" tool=t client_id=cl_1 client_ip=127.0.0.1 decision=allow code=ok"
        + " status=200 duration_ms=2.500 gateway_ms=0.400 upstream_ms=2.000 bytes_in=0 bytes_out=12\n");
  }

  /**
   * The request line arrives as ISO-8859-1, so a raw byte 0x85 in a path is NEL (a line break to
   * Python's splitlines and to some log shippers) and 0x9b is the C1 CSI that terminals read as the
   * start of an escape sequence: the JSON line escapes them as the text line does.
   */
  @Test
  void c1ControlsAndLineSeparatorsAreEscapedInJsonToo() throws IOException {
    String hostile = "/a\u0085b\u009b31mc\u007fd\u2028e\u2029f\u00e9";
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    new AccessLogLines(AccessLogSettings.Format.JSON).write(call(hostile, "t"), json);
    String line = json.toString(StandardCharsets.UTF_8);
    String body = line.substring(0, line.length() - 1);
    assertThat(body.chars().filter(ch -> ch < 0x20 || (ch >= 0x7f && ch < 0xa0) || ch == 0x2028 || ch == 0x2029))
        .as(body).isEmpty();
    assertThat(body).contains("\\u0085").contains("\\u009B").contains("\\u2028").contains("\u00e9");
    assertThat(new JsonObject(line).getString("url.path")).isEqualTo(hostile);
  }

  @Test
  void aLongPathIsCut() throws IOException {
    String path = "/" + "x".repeat(10_000);
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    new AccessLogLines(AccessLogSettings.Format.JSON).write(call(path, null), json);
    JsonObject o = new JsonObject(json.toString(StandardCharsets.UTF_8));
    assertThat(o.getString("url.path")).hasSize(AccessLogLines.MAX_PATH_CHARS + 3).endsWith("...");
    assertThat(o.containsKey("toolgate.tool")).isFalse();
  }

  /**
   * A named pipe nobody reads from: the writer thread blocks once the pipe's buffer is full, the queue
   * fills, and every further line is dropped and counted while the caller returns at once.
   */
  @Test
  void whenTheReaderStallsLinesAreDroppedAndCountedNotWaitedFor() throws Exception {
    Path dir = Files.createTempDirectory("toolgate-access-log-");
    Path fifo = dir.resolve("access.fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).isTrue();
    // Opening a pipe for writing waits for a reader: open one, and read nothing until the end.
    CompletableFuture<BufferedReader> reader = CompletableFuture.supplyAsync(() -> {
      try {
        return new BufferedReader(new InputStreamReader(Files.newInputStream(fifo), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    AccessLog log = AccessLog.open(new AccessLogSettings(true, AccessLogSettings.Format.JSON, fifo, 16));
    BufferedReader in = reader.get(10, TimeUnit.SECONDS);
    int offered = 20_000; // ~7 MB of lines: far beyond the pipe's buffer and the writer's
    for (int i = 0; i < offered; i++) {
      log.completed(call("/p/" + i + "/" + "y".repeat(300), "t")); // were it to wait for the stalled writer, this would never end
    }
    assertThat(log.dropped()).isPositive();
    assertThat(log.queued()).isLessThanOrEqualTo(16);

    // The reader catches up: every line not dropped arrives whole.
    CompletableFuture<List<String>> read = CompletableFuture.supplyAsync(() -> {
      List<String> lines = new ArrayList<>();
      try {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return lines;
    });
    log.close();
    List<String> lines = read.get(30, TimeUnit.SECONDS);
    assertThat(lines).hasSize(offered - (int) log.dropped());
    assertThat(log.written()).isEqualTo(lines.size());
    lines.forEach(line -> assertThat(new JsonObject(line).getString("toolgate.tool")).isEqualTo("t"));
    Files.delete(fifo);
    Files.delete(dir);
  }
}
