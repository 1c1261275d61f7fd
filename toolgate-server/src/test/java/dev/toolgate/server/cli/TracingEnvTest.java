package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.server.tracing.OtlpReceiver;
import dev.toolgate.server.tracing.OtlpReceiver.Received;
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

/** The standard OTEL_* environment variables switch tracing on and configure it, in a {@code toolgate serve} of its own. */
class TracingEnvTest extends CliTestSupport {
  @Test
  void theOtelVariablesSwitchTracingOnAndPointItAtTheReceiver() throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver(); ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = free.getLocalPort();
      free.close();
      Files.writeString(config, CONFIG + "server: {host: 127.0.0.1, port: " + port + "}\n", StandardCharsets.UTF_8);
      Map<String, String> env = Map.of("OTEL_TRACES_EXPORTER", "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.url(),
          "OTEL_SERVICE_NAME", "toolgate-from-env", "OTEL_BSP_SCHEDULE_DELAY", "50");
      CliProcess serve = CliProcess.start(dir, null, env, "serve", "-c", config.toString());
      List<Received> spans;
      try {
        serve.awaitOutput("Toolgate listening on");
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status"))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(502); // the tool's upstream is NOWHERE
        spans = receiver.awaitSpans(2, Duration.ofSeconds(20));
      } finally {
        serve.destroy();
      }
      assertThat(spans).extracting(Received::name).containsExactlyInAnyOrder("GET /status", "GET");
      Received server = spans.stream().filter(s -> s.name().equals("GET /status")).findFirst().orElseThrow();
      assertThat(server.resourceAttribute("service.name")).isEqualTo("toolgate-from-env");
      assertThat(server.attribute("toolgate.tool")).isEqualTo("service_status");
      assertThat(server.attribute("toolgate.code")).isEqualTo("upstream_unreachable");
      assertThat(serve.stderr()).contains("Tracing on, OTLP/HTTP to " + receiver.url());
    }
  }

  @Test
  void aVariableAskingForWhatIsNotBuiltInStopsTheStartWithOneLine() throws Exception {
    Run grpc = CliProcess.run(dir, Map.of("OTEL_TRACES_EXPORTER", "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        "serve", "-c", config.toString());
    grpc.userError("tracing cannot start: OTEL_EXPORTER_OTLP_PROTOCOL=grpc: OTLP over gRPC is not built in",
        "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf");
    assertThat(grpc.out()).doesNotContain("listening");
    Run zipkin = CliProcess.run(dir, Map.of("OTEL_TRACES_EXPORTER", "zipkin"), "serve", "-c", config.toString());
    zipkin.userError("tracing cannot start: ", "zipkin");
  }
}
