package dev.toolgate.server.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.config.RedisNode;
import dev.toolgate.core.config.RedisSettings;
import dev.toolgate.core.limit.Charge;
import dev.toolgate.core.limit.QuotaOutcome;
import dev.toolgate.core.limit.QuotaRequest;
import dev.toolgate.core.limit.RateLimit;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rediss://} against a Redis that cannot prove who it is: a plain-text one, and a TLS one
 * whose self-signed certificate no trust store holds (a man in the middle). Toolgate must never
 * connect, never fall back to plain text, and say so without a secret.
 */
@Timeout(60)
class RedisTlsTest {
  static final Duration WATCH = Duration.ofSeconds(3);

  @TempDir Path dir;

  static RedisSettings tls(int port) {
    return new RedisSettings(RedisSettings.Topology.STANDALONE, List.of(new RedisNode("127.0.0.1", port)), null, 0, true, null,
        Optional.empty(), Duration.ofMillis(300), Duration.ofSeconds(1), null, null);
  }

  static void assertNeverUp(RedisConnector c) throws InterruptedException {
    long deadline = System.nanoTime() + WATCH.toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(c.health().up()).as("connected to a Redis it cannot trust: %s", c.health()).isFalse();
      Thread.sleep(50);
    }
    QuotaOutcome outcome = new RedisCallQuota(c, Clock.systemUTC())
        .settle(QuotaRequest.charge(new Charge("rl:t:tool", new RateLimit(1, Duration.ofMinutes(1))))).join();
    assertThat(outcome).isInstanceOf(QuotaOutcome.Unavailable.class);
  }

  @Test
  void redissToAPlainTextRedisNeverConnects() throws Exception {
    try (RedisServerProcess plain = RedisServerProcess.start(); RedisConnector c = RedisConnector.start(tls(plain.port()))) {
      assertNeverUp(c);
    }
  }

  @Test
  void redissToARedisWithAnUntrustedCertificateNeverConnects() throws Exception {
    Path key = dir.resolve("redis.key");
    Path cert = dir.resolve("redis.crt");
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
        "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
    openssl.getInputStream().readAllBytes();
    assertThat(openssl.waitFor(30, TimeUnit.SECONDS) && openssl.exitValue() == 0).as("openssl made a certificate").isTrue();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process redis = new ProcessBuilder(RedisServerProcess.BINARY.toString(), "--port", "0", "--tls-port", Integer.toString(port), "--bind", "127.0.0.1",
        "--tls-cert-file", cert.toString(), "--tls-key-file", key.toString(), "--tls-ca-cert-file", cert.toString(), "--tls-auth-clients", "no",
        "--save", "", "--appendonly", "no", "--dir", dir.toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile()).start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!listening(port)) {
        assertThat(System.nanoTime()).as("redis-server listens with TLS: %s", Files.exists(dir.resolve("redis.log"))
            ? Files.readString(dir.resolve("redis.log")) : "").isLessThan(deadline);
        Thread.sleep(50);
      }
      try (RedisConnector c = RedisConnector.start(tls(port))) {
        assertNeverUp(c);
        assertThat(c.health().reason()).as("the reason says why, in a line").doesNotContain("\n");
      }
    } finally {
      redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
