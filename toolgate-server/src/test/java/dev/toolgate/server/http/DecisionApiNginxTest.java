package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.toolgate.core.port.ClientRecord;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The decision API on its own, and behind Debian's nginx with {@code auth_request}, using the
 * sample configuration in docs/examples/nginx-auth-request.conf.
 */
class DecisionApiNginxTest {
  static final String TOOLS = """
        - name: orders
          platform: sendbird
          method: GET
          path: /orders/{order_id}
          upstream: UPSTREAM
          policy: { require: [api_key] }
      """;

  @Test
  void theDecisionApiJudgesTheDescribedCallWithoutForwardingIt() throws Exception {
    try (GatewayHarness h = new GatewayHarness(TOOLS)) {
      ClientRecord client = h.admin.createClient("app", "sendbird");
      String key = h.admin.createApiKey(client.id(), Set.of("orders"), null).plaintext();
      h.start();
      int before = h.upstream.hits.get();
      HttpResponse<String> allowed = h.send(HttpRequest.newBuilder(URI.create(h.base() + "/decisions"))
          .header("x-original-uri", "/orders/A-1?full=1").header("x-forwarded-method", "GET").header("api-key", key));
      assertThat(allowed.statusCode()).isEqualTo(200);
      assertThat(allowed.headers().firstValue("x-toolgate-client")).hasValue(client.id());
      assertThat(allowed.headers().firstValue("x-toolgate-tool")).hasValue("orders");
      HttpResponse<String> envoyStyle = h.send(HttpRequest.newBuilder(URI.create(h.base() + "/decisions/orders/A-1")).header("api-key", key));
      assertThat(envoyStyle.statusCode()).isEqualTo(200);
      HttpResponse<String> denied = h.send(HttpRequest.newBuilder(URI.create(h.base() + "/decisions/orders/A-1")).header("api-key", "tgk_wrong"));
      assertThat(denied.statusCode()).isEqualTo(401);
      assertThat(new JsonObject(denied.body()).getString("code")).isEqualTo("api_key_invalid");
      HttpResponse<String> undescribed = h.send(HttpRequest.newBuilder(URI.create(h.base() + "/decisions")));
      assertThat(undescribed.statusCode()).isEqualTo(400);
      assertThat(h.upstream.hits.get()).as("the decision API never forwards").isEqualTo(before);
    }
  }

  @Test
  void nginxAuthRequestAllowsAndDeniesThroughToolgate() throws Exception {
    Path nginx = Path.of("/usr/sbin/nginx");
    assumeTrue(Files.isExecutable(nginx), "Debian's nginx is not installed (apt-get install nginx-light)");
    try (GatewayHarness h = new GatewayHarness(TOOLS)) {
      ClientRecord client = h.admin.createClient("app", "sendbird");
      String key = h.admin.createApiKey(client.id(), Set.of("orders"), null).plaintext();
      h.start();
      int nginxPort = freePort();
      Path prefix = Files.createTempDirectory(h.dir, "nginx");
      String sample = Files.readString(Path.of("..", "docs", "examples", "nginx-auth-request.conf"))
          .replace("127.0.0.1:8080", "127.0.0.1:" + h.gateway.port())
          .replace("127.0.0.1:9000", "127.0.0.1:" + h.upstream.port())
          .replace("listen 80;", "listen 127.0.0.1:" + nginxPort + ";");
      Path conf = prefix.resolve("nginx.conf");
      Files.writeString(conf, """
          daemon off;
          worker_processes 1;
          pid %1$s/nginx.pid;
          error_log %1$s/error.log warn;
          events { worker_connections 64; }
          http {
            access_log off;
            client_body_temp_path %1$s/body;
            proxy_temp_path %1$s/proxy;
            fastcgi_temp_path %1$s/fastcgi;
            uwsgi_temp_path %1$s/uwsgi;
            scgi_temp_path %1$s/scgi;
          %2$s
          }
          """.formatted(prefix, sample));
      Process process = new ProcessBuilder(nginx.toString(), "-p", prefix.toString(), "-c", conf.toString())
          .redirectErrorStream(true).redirectOutput(prefix.resolve("stdout.log").toFile()).start();
      try {
        waitForPort(nginxPort, process, prefix);
        String base = "http://127.0.0.1:" + nginxPort;
        HttpResponse<String> allowed = h.send(HttpRequest.newBuilder(URI.create(base + "/orders/A-1?full=1")).header("api-key", key));
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
        assertThat(h.upstream.lastUri).isEqualTo("/orders/A-1?full=1");
        assertThat(h.upstream.lastHeaders.get("x-toolgate-client")).isEqualTo(client.id());
        assertThat(h.upstream.lastHeaders.contains("api-key")).isFalse();
        int before = h.upstream.hits.get();
        assertThat(h.send(HttpRequest.newBuilder(URI.create(base + "/orders/A-1")).header("api-key", "tgk_wrong")).statusCode()).isEqualTo(401);
        assertThat(h.send(HttpRequest.newBuilder(URI.create(base + "/orders/A-1"))).statusCode()).isEqualTo(401);
        assertThat(h.upstream.hits.get()).as("denied calls never reach the tool").isEqualTo(before);
      } finally {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static void waitForPort(int port, Process process, Path prefix) throws Exception {
    for (int i = 0; i < 100; i++) {
      if (!process.isAlive()) {
        throw new AssertionError("nginx exited: " + Files.readString(prefix.resolve("stdout.log")));
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (java.io.IOException e) {
        Thread.sleep(100);
      }
    }
    throw new AssertionError("nginx did not start listening on " + port);
  }
}
