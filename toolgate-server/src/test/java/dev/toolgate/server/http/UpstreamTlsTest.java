package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.pki.TestCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An https upstream's certificate is verified, with its host name: against the tool's
 * {@code upstream_ca}, or the JVM's trust store without one. One that does not verify gets the call
 * answered 502 {@code upstream_certificate_invalid} with a WARN, and is never sent the call.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpstreamTlsTest {
  Vertx vertx;
  final AtomicInteger selfSignedHits = new AtomicInteger();
  final AtomicInteger otherNameHits = new AtomicInteger();
  GatewayHarness h;
  ServerLog log;

  HttpServer https(TestCertificates.Issued certificate, AtomicInteger hits) {
    HttpServerOptions options = new HttpServerOptions().setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(certificate.chainPem())).setKeyValue(Buffer.buffer(certificate.keyPem())));
    return vertx.createHttpServer(options).requestHandler(req -> {
      hits.incrementAndGet();
      req.response().end("secure upstream saw " + req.uri() + " from " + req.getHeader("x-toolgate-tool"));
    }).listen(0, "127.0.0.1").await();
  }

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    Path dir = Files.createTempDirectory("toolgate-upstream-tls-");
    TestCertificates.Issued selfSigned = TestCertificates.selfSigned(TestCertificates.spec().subject("CN=orders.internal")
        .dns("localhost").ip("127.0.0.1").serverAuth());
    TestCertificates.Issued internalCa = TestCertificates.ca("Internal CA");
    TestCertificates.Issued otherName = TestCertificates.issue(internalCa, TestCertificates.spec().subject("CN=other.example").dns("other.example"));
    int selfSignedPort = https(selfSigned, selfSignedHits).actualPort();
    int otherNamePort = https(otherName, otherNameHits).actualPort();
    Path selfSignedPem = Files.writeString(dir.resolve("orders-internal.pem"), selfSigned.chainPem());
    Path internalCaPem = Files.writeString(dir.resolve("internal-ca.pem"), internalCa.chainPem());
    String tools = """
          - name: verified
            method: GET
            path: /verified/**
            upstream: https://127.0.0.1:SELF
            upstream_ca: SELF_PEM
            policy: { anonymous: true }
          - name: also_verified
            method: GET
            path: /also/**
            upstream: https://localhost:SELF
            upstream_ca: SELF_PEM
            policy: { anonymous: true }
          - name: jvm_trust
            method: GET
            path: /jvm/**
            upstream: https://127.0.0.1:SELF
            policy: { anonymous: true }
          - name: wrong_name
            method: GET
            path: /wrong/**
            upstream: https://127.0.0.1:OTHER
            upstream_ca: OTHER_CA_PEM
            policy: { anonymous: true }
        """.replace("SELF_PEM", selfSignedPem.toString()).replace("OTHER_CA_PEM", internalCaPem.toString())
        .replace("SELF", Integer.toString(selfSignedPort)).replace("OTHER", Integer.toString(otherNamePort));
    h = new GatewayHarness(tools, "10s");
    log = ServerLog.capture();
    h.start();
  }

  @AfterAll
  void stop() {
    log.close();
    h.close();
    vertx.close().await();
  }

  static String code(HttpResponse<String> r) {
    return r.body().replaceAll("(?s).*\"code\":\"([a-z_]+)\".*", "$1");
  }

  @Test
  void aSelfSignedUpstreamVerifiesAgainstItsUpstreamCaByAddressOrName() throws Exception {
    HttpResponse<String> r = h.send(h.get("/verified/a"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("secure upstream saw /verified/a from verified");
    HttpResponse<String> byName = h.send(h.get("/also/b"));
    assertThat(byName.statusCode()).as(byName.body()).isEqualTo(200);
    assertThat(byName.body()).isEqualTo("secure upstream saw /also/b from also_verified");
  }

  @Test
  void withoutItTheJvmTrustStoreRefusesItAndTheCallIsNeverSent() throws Exception {
    int before = selfSignedHits.get();
    HttpResponse<String> r = h.send(h.get("/jvm/c"));
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(code(r)).isEqualTo("upstream_certificate_invalid");
    assertThat(r.body()).contains("presented a TLS certificate that does not verify; the call was not forwarded");
    assertThat(selfSignedHits.get()).isEqualTo(before);
    assertThat(log.lines()).anyMatch(l -> l.contains("WARN") && l.contains("upstream of tool jvm_trust at https://127.0.0.1:")
        && l.contains("presented a certificate that does not verify") && l.contains("must lead to the tool's upstream_ca"));
    assertThat(log.lines()).noneMatch(l -> l.startsWith("\tat "));
  }

  @Test
  void aCertificateOfTheRightCaForAnotherHostIsRefused() throws Exception {
    HttpResponse<String> r = h.send(h.get("/wrong/d"));
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(code(r)).isEqualTo("upstream_certificate_invalid");
    assertThat(otherNameHits.get()).isZero();
  }
}
