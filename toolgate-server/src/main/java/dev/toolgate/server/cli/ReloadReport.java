package dev.toolgate.server.cli;

import dev.toolgate.server.ConfigReloader;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * How the last reload went (attempt 0: the server has started), written by {@code serve --pid-file FILE}
 * beside it as {@code FILE.reload} (one JSON object), so that {@code toolgate reload}, which can only send a signal, can tell the
 * operator what the server did with it.
 *
 * @param pid the server that wrote it
 * @param attempt that server's count of reloads
 * @param result {@code reloaded}, {@code unchanged} or {@code refused}
 * @param version the configuration version in force afterwards
 * @param problems why a file was refused, {@code file:line: field: problem} each
 * @param started when the server's process started (epoch milliseconds; 0 when the system does not
 *     say): with the pid, it tells the server from a program that got its pid after it died
 */
record ReloadReport(long pid, long attempt, String result, String version, int tools, List<String> problems, long started) {
  static Path beside(Path pidFile) {
    return pidFile.resolveSibling(pidFile.getFileName() + ".reload");
  }

  static ReloadReport of(long pid, ConfigReloader.Outcome outcome) {
    return new ReloadReport(pid, outcome.attempt(), outcome.resultName(), outcome.version(),
        outcome.tools(), outcome.problems(), startOf(ProcessHandle.current()));
  }

  /** Written with the pid file, before any reload (attempt 0): who the server is, for {@code toolgate reload}. */
  static ReloadReport atStart(long pid, String version, int tools) {
    return new ReloadReport(pid, 0, "started", version, tools, List.of(), startOf(ProcessHandle.current()));
  }

  /** Whether {@code process} is the one that wrote this report, not another that got its pid later. */
  boolean writtenBy(ProcessHandle process) {
    long start = startOf(process);
    return process.pid() == pid && (start == 0 || started == 0 || start == started);
  }

  private static long startOf(ProcessHandle process) {
    return process.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
  }

  /** Replaces the report in one step. Failing to write it is logged, never fatal: the reload happened. */
  void write(Path pidFile) {
    Path file = beside(pidFile);
    JsonObject json = new JsonObject().put("pid", pid).put("attempt", attempt).put("result", result).put("version", version)
        .put("tools", tools).put("problems", new JsonArray(problems)).put("started", started);
    try {
      Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".toolgate-reload-", ".tmp");
      Files.writeString(temp, json.encode() + "\n", StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      System.err.println("cannot write the reload report " + file + ": " + e.getMessage());
    }
  }

  /** The report of process {@code pid}; null when there is none yet (or only an earlier process's). */
  static ReloadReport read(Path pidFile, long pid) {
    Path file = beside(pidFile);
    try {
      JsonObject json = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
      ReloadReport report = new ReloadReport(json.getLong("pid", 0L), json.getLong("attempt", 0L), json.getString("result"),
          json.getString("version"), json.getInteger("tools", 0), json.getJsonArray("problems", new JsonArray()).stream().map(String::valueOf).toList(),
          json.getLong("started", 0L));
      return report.pid() == pid ? report : null;
    } catch (java.nio.file.NoSuchFileException e) {
      return null;
    } catch (IOException | DecodeException | ClassCastException e) {
      throw UserError.failure("cannot read the reload report " + file + ": " + e.getMessage());
    }
  }
}
