package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code serve --management-port}, a busy management port, and the metrics URL {@code toolgate demo} prints. */
class ManagementPortCliTest extends CliTestSupport {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as("%s in:%n%s", regex, text).isTrue();
    return m.group(1);
  }

  @Test
  void helpDescribesTheManagementPort() {
    assertThat(run("serve", "--help").ok().out()).contains("--management-port=N").contains("/metrics, /healthz and /readyz");
  }

  @Test
  void aBusyManagementPortNamesTheSettingThatChoseIt() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String in = "the management port 127.0.0.1:" + busy.getLocalPort() + " is already in use by another program";
      cmd("serve", "--port", "0", "--management-port", Integer.toString(busy.getLocalPort()))
          .userError("cannot listen: " + in, "choose another port with --management-port");
      Files.writeString(config, CONFIG + "management: {port: " + busy.getLocalPort() + "}\n", StandardCharsets.UTF_8);
      cmd("serve", "--port", "0").userError("cannot listen: " + in, "choose another port with management.port in " + config + ", or --management-port");
    }
    cmd("serve", "--management-port", "70000").invalid("--management-port must be 0-65535, got 70000");
  }

  @Test
  void serveWithTheFlagPrintsTheManagementUrlAndServesMetricsThere() throws Exception {
    CliProcess serve = CliProcess.start(dir, null, Map.of(), "serve", "-c", config.toString(), "--port", "0", "--management-port", "0");
    try {
      serve.awaitOutput("(/metrics, /healthz, /readyz)");
      String base = find(serve.stdout(), "management: (http://127\\.0\\.0\\.1:[0-9]+) ");
      HttpResponse<String> metrics = get(base + "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("toolgate_store_up 1.0").contains("jvm_memory_used_bytes");
      assertThat(get(base + "/healthz").body()).isEqualTo("{\"status\":\"ok\"}");
      assertThat(serve.stderr()).contains("management interface on " + base + " (/metrics, /healthz, /readyz); access log off");
    } finally {
      serve.destroy();
    }
  }

  @Test
  void theDemoPrintsItsMetricsUrl() throws Exception {
    CliProcess demo = CliProcess.start(dir, Files.createDirectories(dir.resolve("tmp")), Map.of(), "demo", "--port", "0", "--upstream-port", "0");
    try {
      demo.awaitOutput("Press Ctrl-C to stop.");
      String url = find(demo.stdout(), "\nmetrics: (http://127\\.0\\.0\\.1:[0-9]+/metrics) ");
      HttpResponse<String> metrics = get(url);
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("# TYPE toolgate_store_up gauge");
    } finally {
      demo.destroy();
    }
  }
}
