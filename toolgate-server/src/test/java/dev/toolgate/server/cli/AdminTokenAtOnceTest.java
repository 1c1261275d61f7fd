package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.server.Toolgate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A script creates an admin token with the CLI beside a running server and uses it at once. */
class AdminTokenAtOnceTest extends CliTestSupport {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void anAdminTokenCreatedWithTheCliWorksOnTheRunningServerAtOnce() throws Exception {
    Files.writeString(config, CONFIG + "server: { host: 127.0.0.1, port: 0 }\n", StandardCharsets.UTF_8);
    try (Toolgate server = Toolgate.start(loadedConfig())) {
      for (int i = 0; i < 5; i++) {
        String token = cmd("admin-token", "create", "--name", "ci-" + i).ok().find("(tga_[A-Za-z0-9_-]{43})");
        HttpResponse<String> users = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/admin/users"))
            .header("authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(users.statusCode()).as("token %d: %s", i, users.body()).isEqualTo(200);
      }
    }
  }
}
