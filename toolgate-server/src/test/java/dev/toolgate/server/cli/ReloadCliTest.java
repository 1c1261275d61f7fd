package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.server.ConfigFile;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** {@code serve --pid-file}, SIGHUP and {@code toolgate reload} against a server in a process of its own. */
class ReloadCliTest extends CliTestSupport {
  static final String EXTRA = """
        - { name: extra, method: GET, path: /extra, upstream: "%s", policy: { anonymous: true } }
      """.formatted(NOWHERE);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private int port;

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String code(String path) throws Exception {
    HttpResponse<String> r = get(path);
    return new JsonObject(r.body()).getString("code");
  }

  private String runningVersion() throws Exception {
    return new JsonObject(get("/readyz").body()).getString("config_version");
  }

  private String write(String text) throws Exception {
    Files.writeString(config, text, StandardCharsets.UTF_8);
    return ConfigFile.version(text.getBytes(StandardCharsets.UTF_8));
  }

  private static void await(String what, Predicate<Void> condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.test(null)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s: " + what);
      }
      Thread.sleep(50);
    }
  }

  @Test
  void reloadAppliesAValidFileRefusesAnInvalidOneAndSighupAloneReloadsToo() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String base = CONFIG + "server: { host: 127.0.0.1, port: " + port + " }\n";
    String v1 = write(base);
    Path pidFile = dir.resolve("run/toolgate.pid");
    CliProcess server = CliProcess.start(dir, null, Map.of(), "serve", "-c", config.toString(), "--pid-file", pidFile.toString());
    try {
      server.awaitOutput("Toolgate listening on http://127.0.0.1:" + port);
      assertThat(server.stdout()).contains("version " + v1);
      assertThat(Files.readString(pidFile).strip()).isEqualTo(Long.toString(server.pid()));
      assertThat(runningVersion()).isEqualTo(v1);
      HttpResponse<String> beforeReload = get("/extra");
      assertThat(new JsonObject(beforeReload.body()).getString("code")).isEqualTo("route_not_found");

      // A valid file: in force for the next call, and the command says which version.
      String v2 = write(base.replace("tools:\n", "tools:\n" + EXTRA));
      Run reloaded = run("reload", "--pid-file", pidFile.toString()).ok();
      assertThat(reloaded.out()).isEqualTo("config reloaded: version " + v2 + ", 6 tool(s)\n");
      assertThat(runningVersion()).isEqualTo(v2);
      HttpResponse<String> afterReload = get("/extra");
      assertThat(new JsonObject(afterReload.body()).getString("code")).isEqualTo("upstream_unreachable");
      assertThat(run("reload", "--pid-file", pidFile.toString()).ok().out()).isEqualTo("config unchanged: version " + v2 + ", 6 tool(s)\n");

      // Each call's audit record names the version that decided it.
      String first = requestId(beforeReload);
      String second = requestId(afterReload);
      await("both audit records", x -> cmd("audit", "--request", second).out().contains("config"));
      assertThat(cmd("audit", "--request", first).ok().out()).contains("decision  deny (route_not_found, HTTP 404)\n", "config    " + v1 + "\n");
      assertThat(cmd("audit", "--request", second).ok().out()).contains("config    " + v2 + "\n");
      assertThat(cmd("explain", second).ok().out()).contains(", config " + v2);

      // An invalid file: refused with its errors, exit 1; the server keeps serving v2.
      String invalid = base.replace("tools:\n", "tools:\n" + EXTRA).replace("require: [api_key] }", "require: [apikey] }");
      write(invalid);
      int line = invalid.lines().toList().indexOf(invalid.lines().filter(l -> l.contains("[apikey]")).findFirst().orElseThrow()) + 1;
      Run refused = run("reload", "--pid-file", pidFile.toString());
      assertThat(refused.exit()).isEqualTo(1);
      assertThat(refused.out()).isEmpty();
      assertThat(refused.err()).startsWith(config + ":" + line + ": tools[3].policy.require[0]: unknown credential kind 'apikey'")
          .endsWith("config reload refused; still serving version " + v2 + "\n");
      assertThat(runningVersion()).isEqualTo(v2);
      assertThat(code("/extra")).isEqualTo("upstream_unreachable");
      assertThat(server.stderr()).contains("WARN ConfigReloader - config reload refused; still serving version " + v2);

      // kill -HUP, as systemd's ExecReload does: reloads, and the process lives on.
      String v3 = write(base);
      server.signal("HUP");
      await("version " + v3 + " in force", x -> {
        try {
          return v3.equals(runningVersion());
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      assertThat(code("/extra")).isEqualTo("route_not_found");
      assertThat(server.stderr()).contains("config reloaded: version " + v3 + " (was " + v2 + "), 5 tool(s)");

      server.signal("TERM");
      assertThat(server.waitForExit().exit()).isIn(0, 143);
      assertThat(pidFile).as("removed on a clean stop").doesNotExist();
      assertThat(ReloadReport.beside(pidFile)).doesNotExist();
    } finally {
      server.destroy();
    }
  }

  /**
   * A JVM started with SIGHUP ignored (nohup) cannot take it back: the server must say so at start,
   * not let {@code toolgate reload} wait for a report that never comes without a word why.
   */
  @Test
  void aServerStartedUnderNohupSaysThatSighupCannotReloadIt() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    write(CONFIG + "server: { host: 127.0.0.1, port: " + port + " }\n");
    Path pidFile = dir.resolve("toolgate.pid");
    CliProcess server = CliProcess.startUnderNohup(dir, "serve", "-c", config.toString(), "--pid-file", pidFile.toString());
    try {
      server.awaitOutput("Toolgate listening on http://127.0.0.1:" + port);
      assertThat(server.stderr()).contains("WARN ReloadSignal - SIGHUP is ignored by this process (started under nohup?)");
      run("reload", "--pid-file", pidFile.toString(), "--timeout", "1s").userError("did not report within 1s", "nohup");
      assertThat(server.isAlive()).isTrue();
    } finally {
      server.destroy();
    }
  }

  private static String requestId(HttpResponse<String> r) {
    return r.headers().firstValue("x-request-id").orElseThrow();
  }

  @Test
  void reloadSaysWhatIsWrongWithItsPidFile() throws Exception {
    Path pidFile = dir.resolve("toolgate.pid");
    run("reload", "--pid-file", pidFile.toString()).userError(pidFile + " does not exist: is the server running, started with `toolgate serve --pid-file");
    Files.writeString(pidFile, "not a pid\n");
    run("reload", "--pid-file", pidFile.toString()).userError(pidFile + " does not hold a process id");
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    Files.writeString(pidFile, ended.pid() + "\n");
    run("reload", "--pid-file", pidFile.toString()).userError("no process " + ended.pid() + " is running");
    run("reload", "--pid-file", pidFile.toString(), "--timeout", "soon").invalid("--timeout must be a number of seconds or minutes");
    run("reload").error(2, "--pid-file FILE", "--server URL");
  }

  /**
   * A pid file left by a server that died without removing it (kill -9, -XX:+ExitOnOutOfMemoryError)
   * names a process id the system may since have given to another program: SIGHUP ends most programs,
   * so reload must not send it to a process that is not the server that wrote the file.
   */
  @Test
  void reloadDoesNotSignalAnotherProgramThatNowHasTheServersPid() throws Exception {
    Path pidFile = dir.resolve("toolgate.pid");
    Process other = new ProcessBuilder("sleep", "60").start();
    try {
      Files.writeString(pidFile, other.pid() + "\n");
      run("reload", "--pid-file", pidFile.toString(), "--timeout", "2s")
          .userError("process " + other.pid() + " is not the Toolgate server that wrote " + pidFile);
      // The same with a report left by the dead server under that pid, as after a crash and a pid reuse.
      Files.writeString(ReloadReport.beside(pidFile), new JsonObject().put("pid", other.pid()).put("attempt", 3).put("result", "reloaded")
          .put("version", "0123456789ab").put("tools", 1).put("problems", new io.vertx.core.json.JsonArray()).put("started", 1_000L).encode());
      run("reload", "--pid-file", pidFile.toString(), "--timeout", "2s")
          .userError("process " + other.pid() + " is not the Toolgate server that wrote " + pidFile);
      assertThat(other.isAlive()).as("no SIGHUP was sent to it").isTrue();
    } finally {
      other.destroy();
    }
  }
}
