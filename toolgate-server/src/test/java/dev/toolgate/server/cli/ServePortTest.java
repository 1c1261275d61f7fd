package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.server.ConfigFile;
import dev.toolgate.server.redis.RedisServerProcess;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code serve --port}: several instances on one machine share one configuration file (and one Redis). */
class ServePortTest extends CliTestSupport {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void helpDescribesPort() {
    assertThat(run("serve", "--help").ok().out()).contains("--port=N").contains("instead of server.port");
  }

  @Test
  void aBusyPortGivenWithTheFlagNamesTheFlagAndABadOneIsRefused() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      cmd("serve", "--port", Integer.toString(busy.getLocalPort()))
          .userError("cannot listen: 127.0.0.1:" + busy.getLocalPort() + " is already in use by another program", "choose another port with --port");
    }
    cmd("serve", "--port", "70000").invalid("--port must be 0-65535, got 70000");
  }

  @Test
  void anUnsetRedisPasswordVariableStopsServeNamingTheLineNotTheValue() throws Exception {
    Files.writeString(config, CONFIG + "redis:\n  url: redis://127.0.0.1:6379\n  password_env: TG_TEST_UNSET_REDIS_PASSWORD_1\n",
        StandardCharsets.UTF_8);
    int line = (int) CONFIG.lines().count() + 3;
    cmd("serve").userError(config + ":" + line + ": redis.password_env: the environment variable it names is not set (or is empty)");
  }

  @Test
  void twoInstancesShareOneFileOnTheirOwnPortsAndOneRedis() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start("shared-redis-secret");
        ServerSocket filePort = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      // The file's port is taken: each instance listens where --port says.
      Files.writeString(config, CONFIG + "server: {host: 127.0.0.1, port: " + filePort.getLocalPort() + "}\n"
          + "redis:\n  url: redis://127.0.0.1:" + redis.port() + "\n  password_env: TG_TEST_REDIS_PASSWORD\n", StandardCharsets.UTF_8);
      Map<String, String> env = Map.of("TG_TEST_REDIS_PASSWORD", "shared-redis-secret");
      List<Integer> ports = List.of(freePort(), freePort());
      CliProcess first = CliProcess.start(dir, null, env, "serve", "-c", config.toString(), "--port", ports.get(0).toString());
      CliProcess second = null;
      try {
        first.awaitOutput("Toolgate listening on http://127.0.0.1:" + ports.get(0));
        // One after the other: the first has created the store and its key.
        second = CliProcess.start(dir, null, env, "serve", "-c", config.toString(), "--port", ports.get(1).toString());
        second.awaitOutput("Toolgate listening on http://127.0.0.1:" + ports.get(1));
        for (int port : ports) {
          long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
          HttpResponse<String> ready = get(port, "/readyz");
          while (ready.statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            ready = get(port, "/readyz");
          }
          assertThat(new JsonObject(ready.body())).isEqualTo(
              new JsonObject().put("status", "ready").put("reason", "ready").put("store", "up").put("audit", "ok").put("redis", "up")
                  .put("config_version", ConfigFile.version(Files.readAllBytes(config))));
          // Both issue and accept the same tokens: the issuer is the file's, not the port each listens on.
          assertThat(new JsonObject(get(port, "/.well-known/oauth-authorization-server").body()).getString("issuer"))
              .isEqualTo("http://127.0.0.1:" + filePort.getLocalPort());
        }
        assertThat(redis.command("CLIENT", "LIST")).contains("name=toolgate");
      } finally {
        first.destroy();
        if (second != null) {
          second.destroy();
        }
      }
      assertThat(first.stderr() + first.stdout()).contains("Redis: standalone redis://127.0.0.1:" + redis.port())
          .doesNotContain("shared-redis-secret");
      assertThat(second.stderr() + second.stdout()).doesNotContain("shared-redis-secret");
    }
  }
}
