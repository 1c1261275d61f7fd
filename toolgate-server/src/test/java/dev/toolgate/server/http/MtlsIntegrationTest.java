package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.decision.Check;
import dev.toolgate.core.port.AuditEvent;
import dev.toolgate.core.pki.TestCertificates;
import dev.toolgate.server.tls.TlsClients;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code mtls} end to end: the server asks for a client certificate (never requires one), and a
 * tool of a platform with {@code client_certificates} checks it on every call against that
 * platform's CA, with a 401 or 403 code that says what was wrong.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MtlsIntegrationTest {
  static final String SUPPORT = "spiffe://example.org/agents/support";
  static final String TOOLS = """
        - name: support_orders
          method: GET
          path: /agent/orders
          upstream: UPSTREAM
          platform: agents
          policy:
            require: [mtls]
            mtls: { spiffe_ids: [spiffe://example.org/agents/support] }
        - name: any_agent
          method: GET
          path: /agent/any
          upstream: UPSTREAM
          platform: agents
          policy: { require: [mtls] }
        - name: open
          method: GET
          path: /open/**
          upstream: UPSTREAM
          policy: { anonymous: true }
      """;

  TestCertificates.Issued serverCa;
  TestCertificates.Issued agentsCa;
  TestCertificates.Issued support;
  GatewayHarness h;
  Vertx vertx;

  @BeforeAll
  void start() throws Exception {
    Path certs = Files.createTempDirectory("toolgate-mtls-");
    serverCa = TestCertificates.ca("Toolgate Test CA");
    TestCertificates.Issued server = TestCertificates.server(serverCa);
    agentsCa = TestCertificates.ca("Agents Client CA");
    Path agentsCaFile = Files.writeString(certs.resolve("agents-ca.pem"), agentsCa.chainPem());
    support = TestCertificates.issue(agentsCa, TestCertificates.spec().subject("CN=support-agent,O=Example").uri(SUPPORT).clientAuth());
    h = new GatewayHarness(TOOLS, "2s", "  tls:\n    certificate: " + server.writeChain(certs.resolve("chain.pem")) + "\n    key: "
        + server.writeKey(certs.resolve("key.pem")) + "\n", "  agents:\n    client_certificates: {ca: " + agentsCaFile + "}\n");
    h.start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  void stop() {
    vertx.close().await();
    h.close();
  }

  HttpResponse<String> get(TestCertificates.Issued presented, String path) throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(TlsClients.context(serverCa, presented)).connectTimeout(Duration.ofSeconds(20)).build();
    return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + h.gateway.port() + path)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String code(HttpResponse<String> r) {
    return r.body().replaceAll("(?s).*\"code\":\"([a-z_]+)\".*", "$1");
  }

  AuditEvent audit(HttpResponse<String> r) {
    h.gateway.flushAudit();
    return h.auditLog.find(r.headers().firstValue("x-request-id").orElseThrow()).orElseThrow();
  }

  @Test
  void aCertificateOfThePlatformsCaWithTheListedSpiffeIdIsAllowed() throws Exception {
    HttpResponse<String> r = get(support, "/agent/orders");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(h.upstream.lastUri).isEqualTo("/agent/orders");
    assertThat(h.upstream.lastHeaders.get("x-toolgate-client")).isNull();
    AuditEvent event = audit(r);
    assertThat(event.credentialIds()).singleElement().asString().startsWith("x5t#S256:");
    assertThat(event.trace()).extracting(Check::name).contains("mtls");
    String detail = event.trace().stream().filter(c -> c.name().equals("mtls")).findFirst().orElseThrow().detail();
    assertThat(detail).isEqualTo("client certificate CN=support-agent,O=Example (" + SUPPORT + ") issued under the CA of platform agents")
        .doesNotContain("BEGIN");
  }

  @Test
  void noCertificateIsMissingButToolsWithoutMtlsServeTheCallerAnyway() throws Exception {
    int hits = h.upstream.hits.get();
    HttpResponse<String> r = get(null, "/agent/any");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(code(r)).isEqualTo("client_certificate_missing");
    assertThat(h.upstream.hits.get()).as("the refused call never reaches the upstream").isEqualTo(hits);
    assertThat(r.headers().firstValue("www-authenticate")).hasValue("ClientCertificate realm=\"toolgate\"");
    assertThat(get(null, "/open/x").statusCode()).isEqualTo(200);
  }

  @Test
  void aCertificateOfAnotherCaIsInvalidAfterAHandshakeThatSucceeded() throws Exception {
    TestCertificates.Issued stranger = TestCertificates.issue(TestCertificates.ca("Another CA"),
        TestCertificates.spec().subject("CN=support-agent,O=Example").uri(SUPPORT).clientAuth());
    int hits = h.upstream.hits.get();
    HttpResponse<String> r = get(stranger, "/agent/orders");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(code(r)).isEqualTo("client_certificate_invalid");
    assertThat(h.upstream.hits.get()).as("the refused call never reaches the upstream").isEqualTo(hits);
    assertThat(r.body()).contains("not issued by the CA of platform agents");
    assertThat(get(stranger, "/open/x").statusCode()).isEqualTo(200);
  }

  @Test
  void anExpiredCertificateIsInvalid() throws Exception {
    Instant past = Instant.now().minus(Duration.ofDays(1));
    TestCertificates.Issued expired = TestCertificates.issue(agentsCa, TestCertificates.spec().subject("CN=support-agent,O=Example").uri(SUPPORT)
        .clientAuth().valid(past.minus(Duration.ofDays(30)), past));
    int hits = h.upstream.hits.get();
    HttpResponse<String> r = get(expired, "/agent/orders");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(h.upstream.hits.get()).as("the refused call never reaches the upstream").isEqualTo(hits);
    assertThat(code(r)).isEqualTo("client_certificate_invalid");
    assertThat(r.body()).contains("the certificate has expired");
  }

  @Test
  void anotherSpiffeIdIsNotAllowedWhereTheToolListsIdsButIsElsewhere() throws Exception {
    TestCertificates.Issued billing = TestCertificates.issue(agentsCa, TestCertificates.spec().subject("CN=billing-agent,O=Example")
        .uri("spiffe://example.org/agents/billing").clientAuth());
    int hits = h.upstream.hits.get();
    HttpResponse<String> r = get(billing, "/agent/orders");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(h.upstream.hits.get()).as("the refused call never reaches the upstream").isEqualTo(hits);
    assertThat(code(r)).isEqualTo("client_certificate_not_allowed");
    assertThat(r.headers().firstValue("www-authenticate")).isEmpty();
    assertThat(get(billing, "/agent/any").statusCode()).isEqualTo(200);
  }

  @Test
  void overHttp2TooAndNeverThroughTheDecisionApi() {
    io.vertx.core.http.HttpClient h2 = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setUseAlpn(true)
        .setProtocolVersion(HttpVersion.HTTP_2).setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(serverCa.chainPem())))
        .setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(support.chainPem())).setKeyValue(Buffer.buffer(support.keyPem()))));
    int[] statuses = new int[2];
    String[] versions = new String[1];
    RequestOptions call = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(h.gateway.port()).setURI("/agent/orders");
    h2.request(call).compose(req -> req.send()).compose(resp -> {
      statuses[0] = resp.statusCode();
      versions[0] = resp.version().name();
      return resp.body();
    }).toCompletionStage().toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
    // The decision API judges the call a proxy describes: the certificate on this connection is the proxy's.
    RequestOptions decision = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(h.gateway.port()).setURI("/decisions")
        .addHeader("x-original-uri", "/agent/any").addHeader("x-original-method", "GET");
    String body = h2.request(decision).compose(req -> req.send()).compose(resp -> {
      statuses[1] = resp.statusCode();
      return resp.body();
    }).toCompletionStage().toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join().toString();
    assertThat(versions[0]).isEqualTo("HTTP_2");
    assertThat(statuses[0]).isEqualTo(200);
    assertThat(statuses[1]).isEqualTo(401);
    assertThat(body).contains("client_certificate_missing");
  }
}
