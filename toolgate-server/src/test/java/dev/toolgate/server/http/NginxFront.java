package dev.toolgate.server.http;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Debian's nginx running docs/examples/nginx-auth-request.conf as shipped (only its addresses
 * changed), in front of a {@link GatewayHarness}'s gateway and recording upstream. Tests that need
 * it are skipped when nginx is not installed.
 */
final class NginxFront implements AutoCloseable {
  static final Path NGINX = Path.of("/usr/sbin/nginx");
  static final Path EXAMPLE = Path.of("..", "docs", "examples", "nginx-auth-request.conf");

  final int port;
  private final Process process;
  private final Path prefix;

  private NginxFront(int port, Process process, Path prefix) {
    this.port = port;
    this.process = process;
    this.prefix = prefix;
  }

  static NginxFront start(GatewayHarness h) throws Exception {
    return start(h, UnaryOperator.identity());
  }

  /** @param edit changes the example file before it is used (a test of a hand-written variant) */
  static NginxFront start(GatewayHarness h, UnaryOperator<String> edit) throws Exception {
    assumeTrue(Files.isExecutable(NGINX), "Debian's nginx is not installed (apt-get install nginx-light)");
    int port = freePort();
    Path prefix = Files.createTempDirectory(h.dir, "nginx");
    String example = edit.apply(Files.readString(EXAMPLE))
        .replace("127.0.0.1:8080", "127.0.0.1:" + h.gateway.port())
        .replace("127.0.0.1:9000", "127.0.0.1:" + h.upstream.port())
        .replace("listen 80;", "listen 127.0.0.1:" + port + ";");
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
        """.formatted(prefix, example));
    Process process = new ProcessBuilder(NGINX.toString(), "-p", prefix.toString(), "-c", conf.toString())
        .redirectErrorStream(true).redirectOutput(prefix.resolve("stdout.log").toFile()).start();
    NginxFront front = new NginxFront(port, process, prefix);
    try {
      front.awaitListening();
    } catch (Exception | AssertionError e) {
      front.close();
      throw e;
    }
    return front;
  }

  String base() {
    return "http://127.0.0.1:" + port;
  }

  /**
   * Sends one request over a socket bound to {@code clientIp} (any 127.x address: all of 127/8 is
   * loopback), so nginx sees that address as {@code $remote_addr}; returns the whole response.
   */
  String sendFrom(String clientIp, String head) throws IOException {
    try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(clientIp), 0)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8); // heads carry Connection: close
    }
  }

  private void awaitListening() throws Exception {
    for (int i = 0; i < 100; i++) {
      if (!process.isAlive()) {
        throw new AssertionError("nginx exited: " + Files.readString(prefix.resolve("stdout.log")));
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new AssertionError("nginx did not start listening on " + port);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor(10, TimeUnit.SECONDS);
  }
}
