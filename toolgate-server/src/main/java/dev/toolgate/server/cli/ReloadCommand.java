package dev.toolgate.server.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "reload", mixinStandardHelpOptions = true,
    description = {"Make a running server read its configuration file again, and say what it did.",
        "Sends SIGHUP to the process in the pid file (`serve --pid-file`) and waits for the server's report:",
        "a valid file is in force for every call that starts after it; an invalid one, or one that changes",
        "a setting only a restart applies, is refused with its errors (exit 1) and the old one keeps serving.",
        "Same as `kill -HUP <pid>` (systemd: ExecReload=/bin/kill -HUP $MAINPID), which does not wait.",
        "With --server URL (or $TOOLGATE_SERVER, when --pid-file is not given) it asks that server's admin API instead",
        "(POST /admin/config/reload, admin token from $TOOLGATE_ADMIN_TOKEN, role operator or admin): no pid file needed.",
        "With -o json: {\"pid\" (not with --server), \"result\": reloaded|unchanged|refused, \"version\", \"tools\", \"problems\": [...]} on stdout."})
final class ReloadCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin OutputOption output;

  @Option(names = "--pid-file", paramLabel = "FILE",
      description = "The pid file the server was started with (serve --pid-file FILE).")
  Path pidFile;

  @Option(names = "--server", paramLabel = "URL",
      description = "Reload through this running server's admin API instead (e.g. http://127.0.0.1:8080; default: $"
          + AdminClient.SERVER_ENV + " when --pid-file is not given). The admin token comes from $" + AdminClient.TOKEN_ENV + ".")
  String server;

  @Option(names = "--timeout", defaultValue = "30s", paramLabel = "DURATION",
      description = "How long to wait for the server's report (default: ${DEFAULT-VALUE}; e.g. 10s, 2m).")
  String timeout;

  @Override
  public Integer call() throws InterruptedException {
    if (pidFile != null && server != null) {
      throw UserError.usage("give --pid-file or --server, not both");
    }
    String url = pidFile != null ? null : server != null ? server : ToolgateCli.env(spec, AdminClient.SERVER_ENV);
    if (url != null && !url.isBlank()) {
      return throughServer(url);
    }
    if (pidFile == null) {
      throw UserError.usage("say which server: --pid-file FILE (the one it was started with) or --server URL");
    }
    Duration wait = waitFor(timeout);
    long pid = PidFile.read(pidFile);
    if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      throw UserError.failure("no process " + pid + " is running: " + pidFile + " is left from a server that stopped without removing it");
    }
    ReloadReport before = ReloadReport.read(pidFile, pid);
    if (before == null || !ProcessHandle.of(pid).map(before::writtenBy).orElse(false)) {
      // SIGHUP ends most programs: never send it on the word of a pid file alone.
      throw UserError.failure("process " + pid + " is not the Toolgate server that wrote " + pidFile + " (no report from it in "
          + ReloadReport.beside(pidFile) + "): the server stopped without removing the file and its pid now belongs to another program?");
    }
    long lastAttempt = before == null ? 0 : before.attempt();
    hangUp(pid);
    long deadline = System.nanoTime() + wait.toNanos();
    ReloadReport report = ReloadReport.read(pidFile, pid);
    while (report == null || report.attempt() <= lastAttempt) {
      if (System.nanoTime() > deadline) {
        throw UserError.failure("the server (pid " + pid + ") did not report within " + timeout + "; see its log for `config reload`"
            + " (a server started under nohup ignores SIGHUP, and says so when it starts)");
      }
      Thread.sleep(50);
      report = ReloadReport.read(pidFile, pid);
    }
    JsonObject result = new JsonObject().put("pid", pid).put("result", report.result()).put("version", report.version())
        .put("tools", report.tools()).put("problems", new JsonArray(report.problems()));
    return print(result);
  }

  /** POST /admin/config/reload: the same reload, its answer the same report (without a pid). */
  private int throughServer(String url) {
    AdminClient api = AdminClient.connect(url, ToolgateCli.env(spec, AdminClient.TOKEN_ENV));
    AdminClient.Answer answer = api.exchange("POST", "/admin/config/reload", new JsonObject(), null);
    JsonObject body = answer.body();
    if (answer.status() == 422 && body != null && "config_refused".equals(body.getValue("code"))) {
      return print(new JsonObject().put("result", "refused").put("version", body.getValue("version"))
          .put("problems", body.getValue("problems") instanceof JsonArray problems ? problems : new JsonArray()));
    }
    JsonObject done = api.ok(answer).body();
    return print(new JsonObject().put("result", done.getValue("result")).put("version", done.getValue("version"))
        .put("tools", done.getValue("tools")).put("problems", done.getValue("problems")));
  }

  /** The report: 0 when the file is in force, 1 with the problems on stderr when it was refused. */
  private int print(JsonObject result) {
    String version = String.valueOf(result.getValue("version"));
    if (!"reloaded".equals(result.getValue("result")) && !"unchanged".equals(result.getValue("result"))) {
      if (output.json()) {
        output.print(spec, result, text -> { });
      } else {
        PrintWriter err = spec.commandLine().getErr();
        Json.strings(result, "problems").forEach(err::println);
        err.println("config reload refused; still serving version " + version);
        err.flush();
      }
      return 1;
    }
    output.print(spec, result, out -> out.println("config " + result.getValue("result") + ": version " + version + ", " + result.getValue("tools") + " tool(s)"));
    return 0;
  }

  private static Duration waitFor(String text) {
    if (!text.matches("[1-9][0-9]{0,4}[sm]")) {
      throw UserError.usage("--timeout must be a number of seconds or minutes, e.g. 30s or 2m");
    }
    long n = Long.parseLong(text.substring(0, text.length() - 1));
    return text.endsWith("m") ? Duration.ofMinutes(n) : Duration.ofSeconds(n);
  }

  /** kill(1): Java can end a process but not send it another signal. */
  private static void hangUp(long pid) throws InterruptedException {
    try {
      Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid)).redirectErrorStream(true).start();
      String said = new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw UserError.failure("cannot send SIGHUP to process " + pid + (said.isEmpty() ? "" : ": " + said));
      }
    } catch (IOException e) {
      throw UserError.failure("cannot run kill(1) to send SIGHUP (" + e.getMessage() + "); this command needs a Unix-like system");
    }
  }
}
