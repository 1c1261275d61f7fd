package dev.toolgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.ConfigLoader;
import dev.toolgate.server.Toolgate;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code toolgate healthcheck} against a real server: 0 while it is ready, 1 once it is gone. */
class HealthcheckCommandTest extends CliTestSupport {
  @Test
  void exitsZeroWhileTheConfiguredServerIsReadyAndOneWhenNothingAnswers() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    // 0.0.0.0 in the file: the check asks loopback.
    Files.writeString(config, CONFIG + "server: {host: 0.0.0.0, port: " + port + "}\n", StandardCharsets.UTF_8);
    Toolgate server = Toolgate.start(ConfigLoader.load(config));
    try {
      Run r = cmd("healthcheck");
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (r.exit() != 0 && System.nanoTime() < deadline) {   // /readyz is 503 until credentials are loaded
        Thread.sleep(100);
        r = cmd("healthcheck");
      }
      r.ok();
      assertThat(r.out()).isEqualTo("http://127.0.0.1:" + port + "/readyz: 200\n");
      assertThat(cmd("healthcheck", "--url", "http://127.0.0.1:" + port + "/no-such-path").exit()).isEqualTo(1);
    } finally {
      server.close();
    }
    Run down = cmd("healthcheck", "--timeout", "2");
    assertThat(down.exit()).isEqualTo(1);
    assertThat(down.err()).startsWith("http://127.0.0.1:" + port + "/readyz: ConnectException");
  }

  @Test
  void withAManagementPortTheCheckAsksItThereInPlainHttp() throws Exception {
    int port;
    int management;
    try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = a.getLocalPort();
      management = b.getLocalPort();
    }
    Files.writeString(config, CONFIG + "server: {port: " + port + "}\nmanagement: {port: " + management + "}\n", StandardCharsets.UTF_8);
    Toolgate server = Toolgate.start(ConfigLoader.load(config));
    try {
      Run r = cmd("healthcheck");
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (r.exit() != 0 && System.nanoTime() < deadline) {
        Thread.sleep(100);
        r = cmd("healthcheck");
      }
      r.ok();
      assertThat(r.out()).isEqualTo("http://127.0.0.1:" + management + "/readyz: 200\n");
    } finally {
      server.close();
    }
  }

  @Test
  void aTimeoutOutOfRangeIsRefused() {
    cmd("healthcheck", "--timeout", "0").invalid("--timeout must be 1-60 seconds, got 0");
  }

  @Test
  void aUrlThatIsNotHttpIsRefusedWithoutAStackTrace() {
    for (String url : new String[] {"file:///etc/passwd", "ftp://127.0.0.1/", "/readyz", "http://a b/"}) {
      cmd("healthcheck", "--url", url).invalid("--url must be an absolute http:// or https:// URL");
    }
  }
}
