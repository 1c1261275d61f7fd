package dev.toolgate.server.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.ConfigLoader;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.server.Toolgate;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /readyz} reports the store and Redis separately, and is 503 while a configured Redis is down; {@code /healthz} stays 200. */
class RedisReadinessTest {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  @TempDir Path dir;

  private GatewayConfig config(String redisSection) throws Exception {
    Path file = dir.resolve("toolgate.yaml");
    Files.writeString(file, "server: {host: 127.0.0.1, port: 0}\n" + redisSection
        + "tools:\n  - {name: h, method: GET, path: /h, upstream: \"http://127.0.0.1:9\", policy: {anonymous: true}}\n");
    return ConfigLoader.load(file);
  }

  private HttpResponse<String> get(Toolgate server, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Polls /readyz until its body satisfies {@code condition}; returns that answer. */
  private HttpResponse<String> awaitReadyz(Toolgate server, Predicate<JsonObject> condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (true) {
      HttpResponse<String> r = get(server, "/readyz");
      if (condition.test(new JsonObject(r.body()))) {
        return r;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("/readyz never matched; last: " + r.statusCode() + " " + r.body());
      }
      Thread.sleep(50);
    }
  }

  @Test
  void withoutRedisReadyzReportsTheStoreAlone() throws Exception {
    try (Toolgate server = Toolgate.start(config(""))) {
      HttpResponse<String> r = get(server, "/readyz");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(r.body())).isEqualTo(new JsonObject().put("status", "ready").put("reason", "ready").put("store", "up").put("audit", "ok"));
      assertThat(server.redis()).isEmpty();
    }
  }

  @Test
  void readyzFollowsRedisDownAndBackWithoutARestart() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start("readyz-secret")) {
      Path pw = dir.resolve("redis.pw");
      Files.writeString(pw, "readyz-secret\n");
      GatewayConfig config = config("redis:\n  url: redis://127.0.0.1:" + redis.port() + "\n  password_file: redis.pw\n");
      try (Toolgate server = Toolgate.start(config)) {
        HttpResponse<String> up = awaitReadyz(server, b -> "up".equals(b.getString("redis")));
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(up.body()))
            .isEqualTo(new JsonObject().put("status", "ready").put("reason", "ready").put("store", "up").put("audit", "ok").put("redis", "up"));
        assertThat(server.redis()).isPresent();

        redis.kill();
        HttpResponse<String> down = awaitReadyz(server, b -> "down".equals(b.getString("redis")));
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(new JsonObject(down.body())).isEqualTo(
            new JsonObject().put("status", "not_ready").put("reason", "redis unreachable").put("store", "up").put("audit", "ok").put("redis", "down"));
        assertThat(down.body()).doesNotContain("readyz-secret");
        assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);

        redis.restart();
        HttpResponse<String> back = awaitReadyz(server, b -> "up".equals(b.getString("redis")));
        assertThat(back.statusCode()).isEqualTo(200);
        assertThat(back.body()).contains("\"status\":\"ready\"");
      }
    }
  }

  @Test
  void startingWhileRedisIsDownServesAndIsNotReadyUntilRedisAnswers() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      redis.kill();
      try (Toolgate server = Toolgate.start(config("redis:\n  url: redis://127.0.0.1:" + redis.port() + "\n"))) {
        HttpResponse<String> down = get(server, "/readyz");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(new JsonObject(down.body()).getString("redis")).isEqualTo("down");
        assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);
        redis.restart();
        assertThat(awaitReadyz(server, b -> "ready".equals(b.getString("status"))).statusCode()).isEqualTo(200);
      }
    }
  }
}
