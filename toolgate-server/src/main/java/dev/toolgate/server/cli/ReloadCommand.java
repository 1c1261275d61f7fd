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
        "With -o json: {\"pid\", \"result\": reloaded|unchanged|refused, \"version\", \"tools\", \"problems\": [...]} on stdout."})
final class ReloadCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin OutputOption output;
  @Mixin NoServer noServer;

  @Option(names = "--pid-file", required = true, paramLabel = "FILE",
      description = "The pid file the server was started with (serve --pid-file FILE).")
  Path pidFile;

  @Option(names = "--timeout", defaultValue = "30s", paramLabel = "DURATION",
      description = "How long to wait for the server's report (default: ${DEFAULT-VALUE}; e.g. 10s, 2m).")
  String timeout;

  @Override
  public Integer call() throws InterruptedException {
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
    if (!report.result().equals("reloaded") && !report.result().equals("unchanged")) {
      if (output.json()) {
        output.print(spec, result, text -> { });
      } else {
        PrintWriter err = spec.commandLine().getErr();
        report.problems().forEach(err::println);
        err.println("config reload refused; still serving version " + report.version());
        err.flush();
      }
      return 1;
    }
    ReloadReport done = report;
    output.print(spec, result, out -> out.println("config " + done.result() + ": version " + done.version() + ", " + done.tools() + " tool(s)"));
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
