package dev.toolgate.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.server.store.OAuthClientStore;
import dev.toolgate.core.pki.TestCertificates;
import dev.toolgate.server.tls.TlsClients;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The gateway behind {@code server.tls}, through the real pipeline: TLS 1.2 and 1.3 only with
 * forward-secret AEAD suites, HTTP/2 by ALPN (JDK and Vert.x clients, curl) and HTTP/1.1 otherwise,
 * for tool calls, the token endpoint and the decision API; HTTP/2 calls are judged like HTTP/1.1
 * ones and go upstream over HTTP/1.1.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsGatewayTest {
  static final String TOOLS = """
        - name: open
          method: "*"
          path: /open/**
          upstream: UPSTREAM
          policy: { anonymous: true }
        - name: orders
          method: POST
          path: /orders/{id}
          upstream: UPSTREAM
          platform: sendbird
          policy: { require: [static_token] }
        - name: profile
          method: GET
          path: /profile
          upstream: UPSTREAM
          platform: asapp
          policy: { require: [client_token] }
      """;

  Path certs;
  TestCertificates.Issued ca;
  GatewayHarness h;
  String token;
  ClientRecord asapp;
  String secret;
  HttpClient http1;
  HttpClient http2;
  Vertx vertx;
  io.vertx.core.http.HttpClient vertxH2;

  @BeforeAll
  void start() throws Exception {
    certs = Files.createTempDirectory("toolgate-tls-");
    ca = TestCertificates.ca("Toolgate Test CA");
    TestCertificates.Issued server = TestCertificates.server(ca);
    Path chain = server.writeChain(certs.resolve("chain.pem"));
    Path key = server.writeKey(certs.resolve("key.pem"));
    h = new GatewayHarness(TOOLS, "2s", "  tls:\n    certificate: " + chain + "\n    key: " + key + "\n", "");
    token = h.admin.createStaticToken(h.admin.createClient("sendbird-prod", "sendbird").id(), null).plaintext();
    asapp = h.admin.createClient("asapp-prod", "asapp");
    OAuthClientStore oauth = new OAuthClientStore(h.adminDb);
    oauth.setOAuthSettings(asapp.id(), Set.of(), Duration.ofMinutes(30), Set.of("client_secret_basic"), null);
    secret = oauth.createClientSecret(asapp.id(), null).plaintext();
    h.start();
    SSLContext trusting = TlsClients.context(ca, null);
    http1 = HttpClient.newBuilder().sslContext(trusting).version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(20)).build();
    http2 = HttpClient.newBuilder().sslContext(trusting).version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(20)).build();
    vertx = Vertx.vertx();
    vertxH2 = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2)
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(ca.chainPem()))).setVerifyHost(true));
  }

  @AfterAll
  void stop() {
    vertx.close().await();
    h.close();
  }

  String base() {
    return "https://127.0.0.1:" + h.gateway.port();
  }

  /** One answer to the Vert.x HTTP/2 client. */
  record Answer(int status, MultiMap headers, String body, HttpVersion version) {}

  Answer h2(HttpMethod method, String uri, MultiMap headers, String body) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(h.gateway.port()).setURI(uri)
        .setHeaders(headers == null ? MultiMap.caseInsensitiveMultiMap() : headers);
    Future<Answer> answer = vertxH2.request(options).compose(req -> (body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), resp.headers(), b.toString(), resp.version()))));
    return answer.toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
  }

  @Test
  void http11AndHttp2BothReachTheUpstreamOverHttp11() throws Exception {
    HttpResponse<String> one = http1.send(HttpRequest.newBuilder(URI.create(base() + "/open/one")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(one.version()).isEqualTo(HttpClient.Version.HTTP_1_1);

    HttpResponse<String> two = http2.send(HttpRequest.newBuilder(URI.create(base() + "/open/two?x=1")).header("x-toolgate-client", "forged")
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(two.statusCode()).isEqualTo(200);
    assertThat(two.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(two.body()).isEqualTo("upstream got 0 bytes at /open/two?x=1");
    assertThat(h.upstream.lastVersion).isEqualTo(HttpVersion.HTTP_1_1);
    assertThat(h.upstream.lastHeaders.get("host")).isEqualTo("127.0.0.1:" + h.upstream.port());
    assertThat(h.upstream.lastHeaders.get("x-forwarded-proto")).isEqualTo("https");
    assertThat(h.upstream.lastHeaders.get("x-forwarded-host")).isEqualTo("127.0.0.1:" + h.gateway.port());
    assertThat(h.upstream.lastHeaders.get("x-toolgate-client")).isNull();
  }

  @Test
  void anHttp2BodyOfUnannouncedLengthGoesUpstreamChunkedAndJudgedLikeHttp11() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("authorization", "Bearer " + token).add("content-type", "application/json");
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(h.gateway.port())
        .setURI("/orders/A-1").setHeaders(headers);
    Answer answer = vertxH2.request(options).compose(req -> {
      req.setChunked(true); // HTTP/2: no content-length, the body in DATA frames
      req.write("{\"order\":");
      return req.end("\"A-1\"}").compose(v -> req.response()).compose(resp -> resp.body()
          .map(b -> new Answer(resp.statusCode(), resp.headers(), b.toString(), resp.version())));
    }).toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
    assertThat(answer.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(h.upstream.lastBody.toString()).isEqualTo("{\"order\":\"A-1\"}");
    assertThat(h.upstream.lastHeaders.get("transfer-encoding")).isEqualTo("chunked");
    assertThat(h.upstream.lastHeaders.get("authorization")).isNull();

    Answer refused = h2(HttpMethod.POST, "/orders/A-1", MultiMap.caseInsensitiveMultiMap().add("authorization", "Bearer tgt_wrong"), "{}");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.body()).contains("\"code\":\"token_invalid\"");
    assertThat(refused.headers().get("www-authenticate")).startsWith("Bearer");
  }

  @Test
  void theTokenEndpointAndAClientTokenOverHttp2() {
    String basic = Base64.getEncoder().encodeToString((asapp.id() + ":" + secret).getBytes(StandardCharsets.UTF_8));
    Answer issued = h2(HttpMethod.POST, "/oauth/token", MultiMap.caseInsensitiveMultiMap().add("authorization", "Basic " + basic)
        .add("content-type", "application/x-www-form-urlencoded"), "grant_type=client_credentials");
    assertThat(issued.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(issued.status()).as(issued.body()).isEqualTo(200);
    String accessToken = new io.vertx.core.json.JsonObject(issued.body()).getString("access_token");
    // The default issuer follows the listener: https.
    String payload = new String(Base64.getUrlDecoder().decode(accessToken.split("\\.")[1]), StandardCharsets.UTF_8);
    assertThat(payload).contains("\"iss\":\"https://127.0.0.1:" + h.gateway.port() + "\"");

    Answer called = h2(HttpMethod.GET, "/profile", MultiMap.caseInsensitiveMultiMap().add("authorization", "Bearer " + accessToken), null);
    assertThat(called.status()).as(called.body()).isEqualTo(200);
    assertThat(h.upstream.lastHeaders.get("x-toolgate-client")).isEqualTo(asapp.id());
  }

  @Test
  void theDecisionApiOverHttp2() {
    Answer allowed = h2(HttpMethod.GET, "/decisions", MultiMap.caseInsensitiveMultiMap().add("x-original-uri", "/open/x")
        .add("x-original-method", "GET"), null);
    assertThat(allowed.status()).isEqualTo(200);
    assertThat(allowed.headers().get("x-toolgate-tool")).isEqualTo("open");
    Answer refused = h2(HttpMethod.GET, "/decisions", MultiMap.caseInsensitiveMultiMap().add("x-original-uri", "/orders/A-1")
        .add("x-original-method", "POST"), null);
    assertThat(refused.status()).isEqualTo(401);
  }

  @Test
  void http2PathsAreJudgedLikeHttp11Ones() {
    int before = h.upstream.hits.get();
    Answer dots = h2(HttpMethod.GET, "/open/%2e%2e/admin", null, null);
    assertThat(dots.status()).isEqualTo(400);
    assertThat(dots.body()).contains("\"code\":\"bad_path\"");
    Answer own = h2(HttpMethod.GET, "/oauth/%2e%2e/admin", null, null);
    assertThat(own.status()).isEqualTo(400);
    assertThat(own.body()).contains("\"code\":\"bad_path\"");
    assertThat(h.upstream.hits.get()).isEqualTo(before);
  }

  @Test
  void curlSpeaksHttp2ByAlpn() throws Exception {
    Path caFile = Files.writeString(certs.resolve("ca.pem"), ca.chainPem());
    Process curl;
    try {
      curl = new ProcessBuilder("curl", "-sS", "--http2", "--cacert", caFile.toString(), "-o", "/dev/null",
          "-w", "%{http_version} %{http_code}", base() + "/open/curl").redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      assumeTrue(false, "curl is not installed");
      return;
    }
    assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("2 200");
  }

  @Test
  void onlyTls12And13WithForwardSecretAeadSuites() throws Exception {
    for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
      try (SSLSocket socket = socket()) {
        socket.setEnabledProtocols(new String[] {protocol});
        socket.startHandshake();
        assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
        assertThat(socket.getSession().getCipherSuite()).matches("TLS_(AES|CHACHA20|ECDHE_ECDSA_WITH).*(GCM_SHA256|GCM_SHA384|POLY1305_SHA256)");
      }
    }
    try (SSLSocket socket = socket()) {
      socket.setEnabledProtocols(new String[] {"TLSv1.2"});
      socket.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"});
      assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class);
    }
  }

  SSLSocket socket() throws Exception {
    SSLSocket socket = (SSLSocket) TlsClients.context(ca, null).getSocketFactory().createSocket("127.0.0.1", h.gateway.port());
    socket.setSoTimeout(10_000);
    return socket;
  }
}
