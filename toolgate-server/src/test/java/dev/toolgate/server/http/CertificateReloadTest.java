package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.toolgate.core.config.ConfigException;
import dev.toolgate.core.pki.TestCertificates;
import dev.toolgate.server.tls.TlsClients;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The certificate and key files are reloaded when they change, without a restart: a connection
 * kept alive keeps its certificate and keeps working, new connections get the renewed one; a pair
 * that does not pass is refused with a WARN and the certificate served before stays.
 */
class CertificateReloadTest {
  static final String TOOLS = """
        - name: open
          method: GET
          path: /open/**
          upstream: UPSTREAM
          policy: { anonymous: true }
      """;

  Path certs;
  Path chain;
  Path key;
  TestCertificates.Issued ca;
  TestCertificates.Issued first;
  GatewayHarness h;
  SSLContext trusting;
  ServerLog log;

  @BeforeEach
  void start() throws Exception {
    certs = Files.createTempDirectory("toolgate-reload-");
    ca = TestCertificates.ca("Toolgate Test CA");
    first = TestCertificates.server(ca);
    chain = first.writeChain(certs.resolve("fullchain.pem"));
    key = first.writeKey(certs.resolve("privkey.pem"));
    h = new GatewayHarness(TOOLS, "2s", "  tls:\n    certificate: fullchain.pem\n    key: privkey.pem\n    reload_interval: 1s\n", "");
    trusting = TlsClients.context(ca, null);
  }

  @AfterEach
  void stop() {
    if (log != null) {
      log.close();
    }
    h.close();
  }

  /** The harness's config file is in its own directory: the PEM paths are relative to it, so the files go there. */
  void placeFilesNextToTheConfig() throws IOException {
    Files.copy(chain, h.dir.resolve("fullchain.pem"));
    Files.copy(key, h.dir.resolve("privkey.pem"));
    chain = h.dir.resolve("fullchain.pem");
    key = h.dir.resolve("privkey.pem");
  }

  /** Replaces both files the way cert-manager or certbot do: written aside, then renamed over the old ones. */
  void install(TestCertificates.Issued certificate, TestCertificates.Issued keyOf) throws IOException {
    Path newChain = Files.writeString(h.dir.resolve("fullchain.pem.new"), certificate.chainPem());
    Path newKey = Files.writeString(h.dir.resolve("privkey.pem.new"), keyOf.keyPem());
    Files.move(newKey, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Files.move(newChain, chain, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  SSLSocket connect() throws IOException {
    SSLSocket socket = (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1", h.gateway.port());
    socket.setSoTimeout(20_000);
    socket.startHandshake();
    return socket;
  }

  X509Certificate served() throws IOException {
    try (SSLSocket socket = connect()) {
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  /** One GET on a kept-alive connection: the status line of its answer. */
  static String get(SSLSocket socket, String path) throws IOException {
    socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after " + head.toString(StandardCharsets.ISO_8859_1));
      }
      head.write(b);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    int length = Integer.parseInt(text.replaceAll("(?s).*\r\ncontent-length: *([0-9]+)\r\n.*", "$1"));
    in.readNBytes(length);
    return text.substring(0, text.indexOf("\r\n"));
  }

  static void await(String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  boolean serving(X509Certificate expected) {
    try {
      return served().equals(expected);
    } catch (IOException e) {
      return false;
    }
  }

  boolean logged(String text) {
    return logged(0, text);
  }

  /** Whether a line logged after the first {@code since} lines contains {@code text}. */
  boolean logged(int since, String text) {
    return log.lines().stream().skip(since).anyMatch(l -> l.contains(text));
  }

  @Test
  void aRenewedCertificateIsServedToNewConnectionsWhileAnOpenOneKeepsItsOwn() throws Exception {
    placeFilesNextToTheConfig();
    log = ServerLog.capture();
    h.start();
    try (SSLSocket kept = connect()) {
      assertThat(get(kept, "/open/before")).isEqualTo("HTTP/1.1 200 OK");
      assertThat(served()).isEqualTo(first.certificate());

      TestCertificates.Issued renewed = TestCertificates.server(ca);
      install(renewed, renewed);
      await("the renewed certificate is served", () -> serving(renewed.certificate()));
      assertThat(logged("TLS certificate reloaded: now serving CN=localhost, serial " + renewed.certificate().getSerialNumber().toString(16)))
          .isTrue();

      // New connections still negotiate HTTP/2 with the renewed certificate.
      java.net.http.HttpResponse<String> h2 = java.net.http.HttpClient.newBuilder().sslContext(trusting)
          .connectTimeout(Duration.ofSeconds(20)).build()
          .send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("https://127.0.0.1:" + h.gateway.port() + "/open/h2")).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(h2.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
      assertThat(h2.statusCode()).isEqualTo(200);

      // The connection opened before the renewal was not dropped: it goes on with the certificate it has.
      assertThat(get(kept, "/open/after")).isEqualTo("HTTP/1.1 200 OK");
      assertThat(kept.getSession().getPeerCertificates()[0]).isEqualTo(first.certificate());
      assertThat(h.upstream.lastUri).isEqualTo("/open/after");

      // A certificate installed without its key: refused with a WARN, the renewed one stays.
      TestCertificates.Issued next = TestCertificates.server(ca);
      int since = log.lines().size();
      install(next, renewed);
      await("the refusal is logged", () -> logged(since, "TLS certificate files changed but were refused; still serving"));
      assertThat(log.lines().stream().skip(since)).anyMatch(l -> l.contains("WARN") && l.contains("server.tls.key: the private key in " + key)
          && l.contains("is not the key of the certificate"));
      assertThat(served()).isEqualTo(renewed.certificate());

      // An expired one is refused as well.
      Instant past = Instant.now().minus(Duration.ofDays(1));
      TestCertificates.Issued expired = TestCertificates.issue(ca, TestCertificates.spec().subject("CN=localhost").ip("127.0.0.1")
          .valid(past.minus(Duration.ofDays(90)), past));
      install(expired, expired);
      await("the expired pair is refused", () -> logged("server.tls.certificate: the certificate (CN=localhost) expired at"));
      assertThat(served()).isEqualTo(renewed.certificate());

      // Then the right pair: served.
      install(next, next);
      await("the good pair is served", () -> serving(next.certificate()));
      assertThat(get(kept, "/open/last")).isEqualTo("HTTP/1.1 200 OK");
    }
    assertThat(log.lines()).noneMatch(l -> l.startsWith("\tat "));
  }

  @Test
  void aCertificateThatCannotBeServedStopsTheStartNamingItsLine() throws Exception {
    Instant past = Instant.now().minus(Duration.ofDays(1));
    TestCertificates.Issued expired = TestCertificates.issue(ca, TestCertificates.spec().subject("CN=localhost").valid(past.minus(Duration.ofDays(90)), past));
    Files.writeString(h.dir.resolve("fullchain.pem"), expired.chainPem());
    Files.writeString(h.dir.resolve("privkey.pem"), expired.keyPem());
    assertThatThrownBy(h::start).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(h.dir.resolve("toolgate.yaml") + ":8: server.tls.certificate: the certificate (CN=localhost) expired at ");

    Files.writeString(h.dir.resolve("fullchain.pem"), first.chainPem());
    Files.delete(h.dir.resolve("privkey.pem"));
    assertThatThrownBy(h::start).isInstanceOf(ConfigException.class)
        .hasMessage(h.dir.resolve("toolgate.yaml") + ":9: server.tls.key: cannot read " + h.dir.resolve("privkey.pem") + ": no such file");
  }
}
