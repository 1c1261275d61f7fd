package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.server.tls.RawHttp2;
import dev.toolgate.core.pki.TestCertificates;
import dev.toolgate.server.tls.TlsClients;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile bytes at the TLS port: what is not a TLS 1.2 or 1.3 ClientHello is dropped without a log
 * line or a stuck event loop, and HTTP/2 requests a client library would not send (written frame by
 * frame) are refused by the HTTP/2 codec or by the same checks as HTTP/1.1, never forwarded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsHostileTest {
  static final String TOOLS = """
        - name: open
          method: "*"
          path: /open/**
          upstream: UPSTREAM
          policy: { anonymous: true }
      """;

  GatewayHarness h;
  SSLContext trusting;
  ServerLog log;

  @BeforeAll
  void start() throws Exception {
    Path certs = Files.createTempDirectory("toolgate-tls-");
    TestCertificates.Issued ca = TestCertificates.ca("Toolgate Test CA");
    TestCertificates.Issued server = TestCertificates.server(ca);
    h = new GatewayHarness(TOOLS, "2s", "  request_head_timeout: 1s\n  tls:\n    certificate: " + server.writeChain(certs.resolve("chain.pem"))
        + "\n    key: " + server.writeKey(certs.resolve("key.pem")) + "\n", "");
    log = ServerLog.capture();
    h.start();
    trusting = TlsClients.context(ca, null);
  }

  @AfterAll
  void stop() {
    log.close();
    h.close();
    assertThat(log.lines()).as("no stack trace or exception in the log").noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception"));
  }

  int port() {
    return h.gateway.port();
  }

  /** Sends raw bytes and reads what comes back until the server closes (or 10 s pass). */
  byte[] rawExchange(byte[] bytes, boolean thenWait) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(bytes);
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      try {
        byte[] buffer = new byte[4096];
        for (int n; (n = in.read(buffer)) >= 0; ) {
          got.write(buffer, 0, n);
          if (!thenWait) {
            break;
          }
        }
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the server neither answered nor closed within 10 s", e);
      } catch (java.net.SocketException e) {
        // reset by the server: closed
      }
      return got.toByteArray();
    }
  }

  /** A TLS 1.1 ClientHello (no supported_versions extension), CBC suites only. */
  static byte[] tls11ClientHello() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x03, 0x02});
    body.writeBytes(new byte[32]);
    body.write(0); // session id
    byte[] suites = {(byte) 0xc0, 0x13, (byte) 0xc0, 0x09, 0x00, 0x2f};
    body.writeBytes(new byte[] {0, (byte) suites.length});
    body.writeBytes(suites);
    body.writeBytes(new byte[] {1, 0}); // compression: null
    byte[] hello = body.toByteArray();
    ByteArrayOutputStream record = new ByteArrayOutputStream();
    int handshakeLength = hello.length + 4;
    record.writeBytes(new byte[] {0x16, 0x03, 0x01, (byte) (handshakeLength >> 8), (byte) handshakeLength});
    record.writeBytes(new byte[] {0x01, 0, (byte) (hello.length >> 8), (byte) hello.length});
    record.writeBytes(hello);
    return record.toByteArray();
  }

  @Test
  void tls11IsRefusedWithAProtocolVersionAlert() throws Exception {
    byte[] answer = rawExchange(tls11ClientHello(), true);
    // Either nothing (closed) or an alert record; never a ServerHello (a handshake record, 0x16).
    if (answer.length > 0) {
      assertThat(answer[0]).as("record type").isEqualTo((byte) 0x15);
      assertThat(answer[answer.length - 1]).as("alert description").isEqualTo((byte) 70);
    }
    assertServing();
  }

  @Test
  void whatIsNotTlsIsDroppedWithoutAnAnswerOrALogLine() throws Exception {
    byte[] plain = rawExchange("GET /open/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII), true);
    assertThat(new String(plain, StandardCharsets.ISO_8859_1)).doesNotContain("HTTP/1.1");
    byte[] garbage = new byte[600];
    new java.util.Random(7).nextBytes(garbage);
    garbage[0] = 0x16; // looks like a handshake record, then nonsense
    rawExchange(garbage, true);
    assertServing();
  }

  @Test
  void aHalfSentClientHelloDoesNotHoldUpOthersAndIsCutOffAtTheHandshakeTimeout() throws Exception {
    byte[] hello = tls11ClientHello();
    try (Socket stalled = new Socket("127.0.0.1", port())) {
      stalled.getOutputStream().write(hello, 0, hello.length / 2);
      stalled.getOutputStream().flush();
      long start = System.nanoTime();
      assertServing();
      stalled.setSoTimeout(30_000);
      int read;
      try {
        read = stalled.getInputStream().read();
      } catch (java.net.SocketException e) {
        read = -1; // reset: closed
      }
      assertThat(read).as("closed by the server").isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }
  }

  @Test
  void aSlowRequestHeadOverTlsGets408LikeOverPlainHttp() throws Exception {
    try (SSLSocket socket = (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1", port())) {
      socket.setSoTimeout(20_000);
      socket.startHandshake();
      socket.getOutputStream().write("GET /open/slow HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 408 ").contains("\"code\":\"request_timeout\"");
    }
  }

  /** A new connection gets its call answered (the TLS handshake is part of the connect timeout: generous, for a loaded machine). */
  void assertServing() throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(trusting).connectTimeout(Duration.ofSeconds(20)).build();
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port() + "/open/alive"))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
  }

  static List<String[]> request(String method, String path, String... more) {
    List<String[]> fields = new ArrayList<>();
    fields.add(new String[] {":method", method});
    fields.add(new String[] {":scheme", "https"});
    fields.add(new String[] {":path", path});
    for (int i = 0; i < more.length; i += 2) {
      fields.add(new String[] {more[i], more[i + 1]});
    }
    return fields;
  }

  static final long PROTOCOL_ERROR = 1;

  /** Each row: the HTTP/2 request's fields, its body, and the status (400 with the code) or the stream or connection error. */
  Stream<Arguments> hostileHttp2() {
    String authority = "127.0.0.1:PORT";
    return Stream.of(
        Arguments.of("no :authority and no Host", request("GET", "/open/x"), null, 400, "bad_request"),
        Arguments.of("Host naming another authority", request("GET", "/open/x", ":authority", authority, "host", "evil.example"), null, -1, null),
        Arguments.of("a Connection header", request("GET", "/open/x", ":authority", authority, "connection", "keep-alive"), null, -1, null),
        Arguments.of("Transfer-Encoding", request("POST", "/open/x", ":authority", authority, "transfer-encoding", "chunked"), "5\r\nhello\r\n0\r\n\r\n",
            -1, null),
        Arguments.of("an upper-case name", request("GET", "/open/x", ":authority", authority, "X-Forged", "1"), null, -1, null),
        Arguments.of("a pseudo-header after a field", List.of(new String[] {":method", "GET"}, new String[] {"x-a", "1"},
            new String[] {":scheme", "https"}, new String[] {":path", "/open/x"}, new String[] {":authority", authority}), null, -1, null),
        Arguments.of("a body longer than its content-length", request("POST", "/open/x", ":authority", authority, "content-length", "2"),
            "{}GET /admin HTTP/1.1\r\nHost: x\r\n\r\n", -1, null),
        Arguments.of("a body shorter than its content-length", request("POST", "/open/x", ":authority", authority, "content-length", "50"), "{}",
            -1, null),
        Arguments.of("dot segments", request("GET", "/open/%2e%2e/admin", ":authority", authority), null, 400, "bad_path"),
        Arguments.of("an absolute :path", request("GET", "https://evil.example/open/x", ":authority", authority), null, 400, "bad_request"),
        Arguments.of("a :path of *", request("OPTIONS", "*", ":authority", authority), null, 400, "bad_request"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileHttp2")
  void hostileHttp2IsRefusedAndNeverForwarded(String name, List<String[]> fields, String body, int status, String code) throws Exception {
    int before = h.upstream.hits.get();
    List<String[]> withPort = fields.stream().map(f -> new String[] {f[0], f[1].replace("PORT", Integer.toString(port()))}).toList();
    RawHttp2.Answer answer = RawHttp2.exchange(trusting, port(), withPort, body == null ? null : body.getBytes(StandardCharsets.ISO_8859_1));
    if (status > 0) {
      assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
      assertThat(answer.body()).contains("\"code\":\"" + code + "\"");
    } else {
      // Refused by the HTTP/2 codec: the stream (or the connection) ends with PROTOCOL_ERROR, or a 400.
      boolean codecError = answer.reset() == PROTOCOL_ERROR || answer.goAway() == PROTOCOL_ERROR;
      assertThat(codecError || answer.status() == 400).as(answer.toString()).isTrue();
    }
    assertThat(h.upstream.hits.get()).as("the upstream saw nothing").isEqualTo(before);
  }

  /**
   * HTTP/2 carries header values as octets, and the HTTP/2 codec does not check their characters:
   * a value the upstream's HTTP/1.1 request cannot carry (a control character, DEL) gets an answer
   * at once, never a stream left hanging.
   */
  @ParameterizedTest(name = "{0}: {1}")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {"x-odd|a\u007fb", "x-odd|a\u0001b", "x-odd|a\u0000b",
      "x-odd|a\u000bb", "x{odd}|v", "x\u00e9|v", "x odd|v"})
  void anHttp2FieldHttp11CannotCarryIsRefusedAtOnceAndNeverForwarded(String name, String value) throws Exception {
    int before = h.upstream.hits.get();
    // No answer at all (the regression this guards against) ends in RawHttp2's read timeout and fails below.
    RawHttp2.Answer answer = RawHttp2.exchange(trusting, port(), request("GET", "/open/ctl", ":authority", "127.0.0.1:" + port(),
        name, value), null);
    boolean codecError = answer.reset() == PROTOCOL_ERROR || answer.goAway() == PROTOCOL_ERROR;
    assertThat(codecError || answer.status() == 400).as(answer.toString()).isTrue();
    if (!codecError) {
      assertThat(answer.body()).contains("\"code\":\"bad_request\"");
    }
    assertThat(h.upstream.hits.get()).as("the upstream saw nothing").isEqualTo(before);
  }

  @Test
  void aWellFormedRawRequestIsForwardedWithoutForgedIdentity() throws Exception {
    RawHttp2.Answer answer = RawHttp2.exchange(trusting, port(), request("GET", "/open/raw", ":authority", "127.0.0.1:" + port(),
        "x-toolgate-client", "forged", "x-forwarded-client-cert", "Hash=abc;Subject=\"CN=admin\""), null);
    assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
    assertThat(h.upstream.lastHeaders.get("x-toolgate-client")).isNull();
    assertThat(h.upstream.lastHeaders.get("x-forwarded-client-cert")).isNull();
  }
}
