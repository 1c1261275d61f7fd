package dev.toolgate.server.http.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.store.AuditLog;
import dev.toolgate.server.store.AuditQuery;
import dev.toolgate.server.http.hostile.RawConnection.Response;
import dev.toolgate.server.http.hostile.WireUpstream.Seen;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Request smuggling over one connection: ambiguous framing is refused (by the HTTP codec or by
 * Toolgate) before anything is forwarded, and the upstream only ever sees requests Toolgate judged,
 * each stamped with the request id of an answer the client got. {@code /public/**} is anonymous
 * (its body is streamed), {@code GET /orders/status} needs a static token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SmugglingTest {
  static final String HEAD = "Host: toolgate.test\r\n";
  /** A request the smuggler wants the upstream to run without Toolgate judging it. */
  static final String SMUGGLED = "GET /orders/status HTTP/1.1\r\nHost: toolgate.test\r\nConnection: close\r\n\r\n";

  HostileGateway gateway;
  String token;

  @BeforeAll
  void start() throws Exception {
    gateway = new HostileGateway("""
          - name: public
            method: "*"
            path: /public/**
            upstream: WIRE
            policy: { anonymous: true }
          - name: orders
            platform: sendbird
            method: GET
            path: /orders/status
            upstream: WIRE
            policy: { require: [static_token] }
        """);
    ClientRecord client = gateway.harness.admin().createClient("app", "sendbird");
    token = gateway.harness.admin().createStaticToken(client.id(), null).plaintext();
    gateway.start();
  }

  @AfterAll
  void stop() throws Exception {
    gateway.close();
  }

  static String post(String headers, String body) {
    return "POST /public/a HTTP/1.1\r\n" + HEAD + headers + "\r\n" + body;
  }

  /** Framing that two parsers could read differently: refused, and nothing reaches the upstream. */
  static Stream<Arguments> refusedFraming() {
    return Stream.of(
        argumentSet("Content-Length and Transfer-Encoding", post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n" + SMUGGLED), "bad_request"),
        argumentSet("Transfer-Encoding and Content-Length", post("Transfer-Encoding: chunked\r\nContent-Length: 60\r\n", "0\r\n\r\n" + SMUGGLED), "bad_request"),
        argumentSet("two equal Content-Lengths", post("Content-Length: 5\r\nContent-Length: 5\r\nConnection: close\r\n", "hello"), "bad_request"),
        argumentSet("two different Content-Lengths", post("Content-Length: 5\r\nContent-Length: 0\r\n", "hello" + SMUGGLED), "bad_request"),
        argumentSet("a Content-Length list", post("Content-Length: 5, 5\r\nConnection: close\r\n", "hello"), "bad_request"),
        argumentSet("a Content-Length with a plus sign", post("Content-Length: +5\r\nConnection: close\r\n", "hello"), "bad_request"),
        argumentSet("a negative Content-Length", post("Content-Length: -1\r\nConnection: close\r\n", "hello"), "bad_request"),
        argumentSet("a Content-Length beyond 64 bits", post("Content-Length: 99999999999999999999999\r\nConnection: close\r\n", "hello"), "bad_request"),
        argumentSet("Transfer-Encoding: chunked, identity", post("Transfer-Encoding: chunked, identity\r\n", "5\r\nhello\r\n0\r\n\r\n" + SMUGGLED), "bad_request"),
        argumentSet("Transfer-Encoding: identity, chunked", post("Transfer-Encoding: identity, chunked\r\n", "5\r\nhello\r\n0\r\n\r\n" + SMUGGLED), "bad_request"),
        argumentSet("Transfer-Encoding: xchunked", post("Transfer-Encoding: xchunked\r\n", "5\r\nhello\r\n0\r\n\r\n" + SMUGGLED), "bad_request"),
        argumentSet("Transfer-Encoding: gzip", post("Transfer-Encoding: gzip\r\n", SMUGGLED), "bad_request"),
        argumentSet("Transfer-Encoding: chunked twice", post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n" + SMUGGLED), "bad_request"),
        argumentSet("a space before the colon of Transfer-Encoding", post("Transfer-Encoding : chunked\r\nContent-Length: 5\r\n", "hello" + SMUGGLED), "bad_request"),
        argumentSet("obs-fold right after the request line", "GET /public/a HTTP/1.1\r\n Host: toolgate.test\r\nConnection: close\r\n\r\n", "bad_request"),
        argumentSet("bare LF line endings", "GET /public/a HTTP/1.1\nHost: toolgate.test\nConnection: close\n\n", "bad_request"),
        argumentSet("a bare LF hiding a second request line", "GET /public/a HTTP/1.1\r\nHost: toolgate.test\r\nX-Note: a\nGET /orders/status HTTP/1.1\r\nConnection: close\r\n\r\n", "bad_request"),
        argumentSet("a bare CR ending the request line", "GET /public/a HTTP/1.1\rHost: toolgate.test\r\nConnection: close\r\n\r\n", "bad_request"),
        argumentSet("a bare CR hiding a header", "GET /public/a HTTP/1.1\r\nHost: toolgate.test\r\nX-Note: a\rContent-Length: 60\r\nConnection: close\r\n\r\n", "bad_request"),
        argumentSet("a NUL in a header value", "GET /public/a HTTP/1.1\r\nHost: toolgate.test\r\nX-Note: a\u0000b\r\nConnection: close\r\n\r\n", "bad_request"),
        argumentSet("a header line without a colon", "GET /public/a HTTP/1.1\r\nHost: toolgate.test\r\nX-Note\r\nConnection: close\r\n\r\n", "bad_request"),
        argumentSet("an HTTP/0.9 request line", "GET /public/a\r\n\r\n", "bad_request"));
  }

  @ParameterizedTest
  @MethodSource("refusedFraming")
  void ambiguousFramingIsRefused(String request, String code) throws Exception {
    gateway.send(request).refused(400, code);
  }

  /** A chunked body the codec cannot parse: the connection is cut, no answer, nothing upstream. */
  static Stream<Arguments> brokenChunks() {
    return Stream.of(
        argumentSet("a chunk size that is not hex", "zz\r\nhello\r\n0\r\n\r\n"),
        argumentSet("a negative chunk size", "-5\r\nhello\r\n0\r\n\r\n"),
        argumentSet("a 0x-prefixed chunk size", "0x5\r\nhello\r\n0\r\n\r\n"),
        argumentSet("a chunk size overflowing 64 bits", "ffffffffffffffff5\r\nhello\r\n0\r\n\r\n"),
        argumentSet("a chunk size beyond 32 bits", "100000005\r\nhello\r\n0\r\n\r\n"),
        argumentSet("a chunk extension ended by a bare LF", "5;ext\nhello\r\n0\r\n\r\n" + SMUGGLED),
        argumentSet("a quoted chunk extension holding a line break", "5;ext=\"a\r\n0\r\n\r\n\"\r\nhello\r\n0\r\n\r\n" + SMUGGLED));
  }

  @ParameterizedTest
  @MethodSource("brokenChunks")
  void aBrokenChunkedBodyCutsTheConnection(String body) throws Exception {
    HostileGateway.Outcome outcome = gateway.send(post("Transfer-Encoding: chunked\r\n", body));
    assertThat(outcome.answers()).isEmpty();
    outcome.assertUpstreamSawNothing();
  }

  /**
   * The body streams, so the judged request may have started upstream when the codec finds the
   * chunk broken: it is cut off there and never completes. Last in the class because what reaches
   * the upstream arrives after the client's connection is gone; the audit record, written once the
   * upstream exchange was abandoned, says when to look.
   */
  @Test
  @Order(Integer.MAX_VALUE)
  void chunkDataLongerThanItsSizeCutsTheJudgedRequestOff() throws Exception {
    String path = "/public/cut-" + System.nanoTime();
    WireUpstream.Mark before = gateway.upstream.mark();
    HostileGateway.Outcome outcome = gateway.send("POST " + path + " HTTP/1.1\r\n" + HEAD + "Transfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n" + SMUGGLED);
    assertThat(outcome.answers()).isEmpty();
    AuditEvent record = awaitAuditRecord(path);
    assertThat(record.status()).isEqualTo(499);
    assertThat(record.code()).isEqualTo("client_aborted");
    gateway.upstream.awaitQuiet();
    WireUpstream.Traffic traffic = gateway.upstream.since(before);
    assertThat(traffic.requests()).isEmpty();
    assertThat(traffic.leftovers()).allSatisfy(partial -> assertThat(partial).startsWith("POST " + path + " HTTP/1.1\r\n").contains("x-toolgate-tool: public"));
  }

  private AuditEvent awaitAuditRecord(String path) throws InterruptedException {
    AuditLog log = new AuditLog(gateway.harness.adminDb());
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      gateway.harness.flushAudit();
      for (AuditEvent e : log.query(AuditQuery.latest(1000))) {
        if (path.equals(e.path())) {
          return e;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no audit record for " + path + " within 10 s");
  }

  /** Framing Toolgate reads one way and re-frames for the upstream: exactly the judged request arrives. */
  Stream<Arguments> reframed() {
    return Stream.of(
        argumentSet("chunk extensions", post("Transfer-Encoding: chunked\r\nConnection: close\r\n", "5;ext=\"a b\";x\r\nhello\r\n0;last\r\n\r\n"),
            List.of("200 -"), List.of("POST /public/a HTTP/1.1 | hello")),
        argumentSet("trailer fields are not forwarded", post("Transfer-Encoding: chunked\r\nConnection: close\r\n", "5\r\nhello\r\n0\r\nAuthorization: Bearer tgt_x\r\nX-Toolgate-User: victim\r\n\r\n"),
            List.of("200 -"), List.of("POST /public/a HTTP/1.1 | hello")),
        argumentSet("Transfer-Encoding in upper case", post("Transfer-Encoding: CHUNKED\r\nConnection: close\r\n", "5\r\nhello\r\n0\r\n\r\n"),
            List.of("200 -"), List.of("POST /public/a HTTP/1.1 | hello")),
        argumentSet("obs-fold inside Transfer-Encoding (read as one value)", post("Transfer-Encoding:\r\n chunked\r\nConnection: close\r\n", "5\r\nhello\r\n0\r\n\r\n"),
            List.of("200 -"), List.of("POST /public/a HTTP/1.1 | hello")),
        argumentSet("a second request after a body is judged on its own", post("Content-Length: 5\r\n", "hello" + SMUGGLED),
            List.of("200 -", "401 token_missing"), List.of("POST /public/a HTTP/1.1 | hello")),
        argumentSet("a second request after a refused one is not processed",
            "GET /orders/status HTTP/1.1\r\n" + HEAD + "\r\nGET /public/second HTTP/1.1\r\n" + HEAD + "Connection: close\r\n\r\n",
            List.of("401 token_missing"), List.of()),
        argumentSet("a second request after a refused one with a whole body is not processed",
            "POST /orders/status HTTP/1.1\r\n" + HEAD + "Content-Length: 5\r\n\r\nhello" + post("Content-Length: 5\r\nConnection: close\r\n", "world"),
            List.of("405 method_not_allowed"), List.of()),
        argumentSet("a request inside the declared body of a refused one is never parsed",
            "POST /public/%2e HTTP/1.1\r\n" + HEAD + "Content-Length: " + SMUGGLED.length() + "\r\n\r\n" + SMUGGLED,
            List.of("400 bad_path"), List.of()),
        argumentSet("three pipelined requests, each judged",
            "GET /public/1 HTTP/1.1\r\n" + HEAD + "\r\nGET /orders/status HTTP/1.1\r\n" + HEAD + "Authorization: Bearer " + token + "\r\n\r\n"
                + "GET /public/3 HTTP/1.1\r\n" + HEAD + "Connection: close\r\n\r\n",
            List.of("200 -", "200 -", "200 -"), List.of("GET /public/1 HTTP/1.1 | ", "GET /orders/status HTTP/1.1 | ", "GET /public/3 HTTP/1.1 | ")));
  }

  @ParameterizedTest
  @MethodSource("reframed")
  void theUpstreamSeesOnlyJudgedRequests(String request, List<String> answers, List<String> forwarded) throws Exception {
    HostileGateway.Outcome outcome = gateway.send(request);
    assertThat(outcome.answers().stream().map(SmugglingTest::summary)).as(outcome.answers().toString()).containsExactlyElementsOf(answers);
    assertThat(outcome.forwarded().stream().map(s -> s.requestLine() + " | " + s.bodyText())).containsExactlyElementsOf(forwarded);
    assertThat(outcome.cutOff()).isEmpty();
    outcome.assertEveryForwardedRequestWasJudged();
  }

  /**
   * RFC 9112 §9.6: after an answer that says {@code Connection: close}, no further request on that
   * connection is processed. The second request here would be refused at once (and audited at
   * once) if it were processed at all, so its absence from the audit log is certain, not a race.
   */
  @Test
  void aRequestPipelinedBehindAClosingRefusalIsNeitherJudgedNorAudited() throws Exception {
    String second = "/public/%2e/pipelined-" + System.nanoTime();
    HostileGateway.Outcome outcome = gateway.send("GET /orders/status HTTP/1.1\r\n" + HEAD + "\r\nGET " + second + " HTTP/1.1\r\n" + HEAD + "Connection: close\r\n\r\n");
    assertThat(summary(outcome.only())).isEqualTo("401 token_missing");
    assertThat(outcome.only().header("connection")).isEqualTo("close");
    gateway.harness.flushAudit();
    List<AuditEvent> audited = new AuditLog(gateway.harness.adminDb()).query(AuditQuery.latest(1000));
    assertThat(audited).extracting(AuditEvent::requestId).contains(outcome.only().header("x-request-id"));
    assertThat(audited).extracting(AuditEvent::path).doesNotContain(second);
  }

  @Test
  void obsFoldJoinsTheValueAndNeverStartsAHeaderOfItsOwn() throws Exception {
    HostileGateway.Outcome outcome = gateway.send("GET /public/a HTTP/1.1\r\n" + HEAD + "X-Note: a\r\n X-Toolgate-User: victim\r\nConnection: close\r\n\r\n");
    assertThat(outcome.only().status()).isEqualTo(200);
    Seen seen = outcome.forwardedOnce();
    assertThat(seen.header("x-note")).containsExactly("a X-Toolgate-User: victim");
    assertThat(seen.header("x-toolgate-user")).isEmpty();
  }

  static String summary(Response r) {
    return r.status() + " " + (r.code() == null ? "-" : r.code());
  }
}
