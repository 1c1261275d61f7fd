package dev.toolgate.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.ConfigLoader;
import dev.toolgate.core.config.GatewayConfig;
import dev.toolgate.core.config.StarterConfig;
import dev.toolgate.core.config.ToolConfig;
import dev.toolgate.server.Toolgate;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example tools of `toolgate init` answer against `toolgate sample-upstream --port 9000`, as the
 * README says: each tool's upstream route exists there and answers JSON, and an allowed call through
 * the gateway reaches it.
 */
class StarterToolsTest {
  private static final String STARTER_UPSTREAM = "http://127.0.0.1:9000";

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private Vertx vertx;
  private DemoUpstream upstream;
  private GatewayConfig starter;

  @BeforeEach
  void startSampleUpstreamAndLoadTheStarterPointedAtIt() throws Exception {
    assertThat(StarterConfig.text()).contains(STARTER_UPSTREAM);
    vertx = Vertx.vertx();
    upstream = DemoUpstream.start(vertx, "127.0.0.1", 0).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Path file = dir.resolve("toolgate.yaml");
    // The sample upstream on a free port instead of 9000; the gateway too.
    Files.writeString(file, StarterConfig.text().replace(STARTER_UPSTREAM, "http://127.0.0.1:" + upstream.port()), StandardCharsets.UTF_8);
    starter = ConfigLoader.load(file).withListenPort(0);
  }

  @AfterEach
  void stop() {
    vertx.close();
  }

  @Test
  void everyStarterToolsUpstreamRouteAnswersJsonOnTheSampleUpstream() throws Exception {
    assertThat(starter.tools()).hasSizeGreaterThanOrEqualTo(4);
    for (ToolConfig tool : starter.tools()) {
      String requestPath = tool.path().replaceAll("\\{[^}]+}", "x-1").replace("/**", "/any");
      String upstreamPath = tool.upstream().getRawPath();
      String target = upstreamPath == null || upstreamPath.isEmpty() || upstreamPath.equals("/")
          ? requestPath : upstreamPath.replaceAll("\\{[^}]+}", "x-1");
      HttpRequest.BodyPublisher body = tool.method().equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}");
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + upstream.port() + target))
          .method(tool.method(), body).header("content-type", "application/json").timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as("%s %s %s: %s", tool.name(), tool.method(), target, r.body()).isEqualTo(200);
      assertThat(r.headers().firstValue("content-type")).as(tool.name()).hasValue("application/json");
      new JsonObject(r.body());
    }
  }

  @Test
  void theOpenStarterToolReachesTheSampleUpstreamThroughTheGateway() throws Exception {
    ToolConfig open = starter.tools().stream().filter(t -> t.policy().anonymous()).findFirst().orElseThrow();
    try (Toolgate gateway = Toolgate.start(starter)) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + open.path()))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      JsonObject answer = new JsonObject(r.body());
      assertThat(answer.getString("status")).isEqualTo("ok");
      assertThat(answer.getJsonObject("upstream_saw").getString("x-toolgate-tool")).isEqualTo(open.name());
    }
  }
}
