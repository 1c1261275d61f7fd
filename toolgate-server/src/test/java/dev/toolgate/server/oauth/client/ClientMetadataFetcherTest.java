package dev.toolgate.server.oauth.client;

import dev.toolgate.core.config.ClientMetadataSettings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.toolgate.core.pki.TestCertificates;
import dev.toolgate.server.oauth.client.ClientMetadataFetcher.Lookup;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The fetcher against real https servers on loopback, with certificates of a test CA that only
 * {@code trust_ca_file} makes trusted. The good server's certificate names {@code localhost} and no
 * address, so a fetch that connects to the checked address 127.0.0.1 passes only if it verifies the
 * certificate against the URL's host name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientMetadataFetcherTest {
  static final String UNREACHABLE = "invalid_client: the client metadata document could not be fetched from localhost: it must be served over"
      + " https by a public host with a valid certificate (the reason is in the server log)";
  Vertx vertx;
  Path caFile;
  int port;
  int otherNamePort;
  int addressOnlyPort;
  final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  final List<String> serverNames = new CopyOnWriteArrayList<>();
  final CompletableFuture<HttpServerRequest> held = new CompletableFuture<>();
  ClientMetadataFetcher fetcher;

  HttpServer https(TestCertificates.Issued certificate) {
    HttpServerOptions options = new HttpServerOptions().setSsl(true).setSni(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(certificate.chainPem())).setKeyValue(Buffer.buffer(certificate.keyPem())));
    return vertx.createHttpServer(options).requestHandler(this::handle).listen(0, "127.0.0.1").await();
  }

  /** The document of the URL this request was sent to, read from its Host header and path. */
  static JsonObject document(HttpServerRequest req) {
    return new JsonObject().put("client_id", "https://" + req.getHeader("host") + req.path()).put("client_name", "Test client")
        .put("redirect_uris", new JsonArray().add("http://127.0.0.1:33418/callback"));
  }

  void handle(HttpServerRequest req) {
    hits.computeIfAbsent(req.path(), p -> new AtomicInteger()).incrementAndGet();
    serverNames.add(String.valueOf(req.connection().indicatedServerName()));
    var res = req.response().putHeader("content-type", "application/json");
    if (req.path().startsWith("/slow-many/")) {
      return; // never answered: one host's fetches piling up
    }
    switch (req.path()) {
      case "/good/client.json" -> res.putHeader("cache-control", "public, max-age=300").end(document(req).encode());
      case "/no-headers/client.json", "/not-trusted/client.json" -> res.end(document(req).encode());
      case "/max-age-0/client.json" -> res.putHeader("cache-control", "max-age=0").end(document(req).encode());
      case "/no-store/client.json" -> res.putHeader("cache-control", "no-store").end(document(req).encode());
      case "/json-type/client.json" -> res.putHeader("content-type", "application/oauth-client+json; charset=utf-8").end(document(req).encode());
      case "/mismatch/client.json" -> res.end(document(req).put("client_id", "https://localhost/other").encode());
      case "/html/client.json" -> res.putHeader("content-type", "text/html").end("<html>" + document(req).encode() + "</html>");
      case "/redirect/client.json" -> res.setStatusCode(302).putHeader("location", "/good/client.json").end();
      case "/missing/client.json" -> res.setStatusCode(404).end("{}");
      case "/big/client.json" -> res.end(padded(document(req), 6000).encode());
      case "/big-chunked/client.json" -> {
        res.setChunked(true);
        String body = padded(document(req), 6000).encode();
        res.write(body.substring(0, 3000));
        res.end(body.substring(3000));
      }
      case "/slow/client.json" -> { } // never answered
      case "/held/client.json" -> held.complete(req); // answered by the test
      default -> res.setStatusCode(500).end();
    }
  }

  static JsonObject padded(JsonObject doc, int size) {
    return doc.put("padding", "x".repeat(size));
  }

  int hits(String path) {
    AtomicInteger n = hits.get(path);
    return n == null ? 0 : n.get();
  }

  String url(String path) {
    return url(port, path);
  }

  static String url(int port, String path) {
    return "https://localhost:" + port + path;
  }

  /** A generous timeout: a loaded machine must not turn a certificate or size check into a timeout. */
  static final Duration PATIENT = Duration.ofSeconds(60);

  ClientMetadataSettings loopbackTrusting() {
    return ClientMetadataSettings.defaults().withAllowPrivateAddresses(true).withTrustCaFile(caFile).withLimits(5120, PATIENT);
  }

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    TestCertificates.Issued ca = TestCertificates.ca("CIMD Test CA");
    caFile = Files.writeString(Files.createTempDirectory("toolgate-cimd-").resolve("ca.pem"), ca.chainPem());
    port = https(TestCertificates.issue(ca, TestCertificates.spec().subject("CN=localhost").dns("localhost").serverAuth())).actualPort();
    otherNamePort = https(TestCertificates.issue(ca, TestCertificates.spec().subject("CN=other.example").dns("other.example").serverAuth())).actualPort();
    addressOnlyPort = https(TestCertificates.issue(ca, TestCertificates.spec().subject("CN=127.0.0.1").ip("127.0.0.1").serverAuth())).actualPort();
    fetcher = new ClientMetadataFetcher(vertx, loopbackTrusting());
  }

  @AfterAll
  void stop() {
    fetcher.close().await();
    vertx.close().await();
  }

  Lookup fetch(String url) {
    return fetch(fetcher, url);
  }

  static Lookup fetch(ClientMetadataFetcher f, String url) {
    return f.fetch(url).await();
  }

  static String failure(Lookup lookup) {
    assertThat(lookup).isInstanceOf(Lookup.Failed.class);
    Lookup.Failed failed = (Lookup.Failed) lookup;
    assertThat(failed.description()).doesNotContain("\"").doesNotContain("\\");
    return failed.error() + ": " + failed.description();
  }

  @Test
  void aGoodDocumentIsTheClientWithSniAndHostForTheUrlsName() {
    Lookup lookup = fetch(url("/good/client.json"));
    assertThat(lookup).isInstanceOf(Lookup.Found.class);
    AuthorizationClient client = ((Lookup.Found) lookup).client();
    assertThat(client.clientId()).isEqualTo(url("/good/client.json"));
    assertThat(client.name()).isEqualTo("Test client");
    assertThat(client.redirectUris()).containsExactly("http://127.0.0.1:33418/callback");
    assertThat(client.isPublic()).isTrue();
    assertThat(client.source()).isEqualTo(AuthorizationClient.Source.METADATA_DOCUMENT);
    assertThat(serverNames).contains("localhost").doesNotContain("127.0.0.1");
  }

  @Test
  void aMoreSpecificJsonTypeIsAccepted() {
    assertThat(fetch(url("/json-type/client.json"))).isInstanceOf(Lookup.Found.class);
  }

  @Test
  void loopbackIsRefusedUnlessPrivateAddressesAreAllowedAndNothingIsSent() {
    ClientMetadataFetcher strict = new ClientMetadataFetcher(vertx, ClientMetadataSettings.defaults().withTrustCaFile(caFile).withLimits(5120, PATIENT));
    try {
      String problem = failure(fetch(strict, url("/no-headers/client.json?")));
      assertThat(problem).contains("query"); // still refused before anything else
      int before = hits("/no-headers/client.json");
      problem = failure(fetch(strict, url("/no-headers/client.json")));
      // One answer for every unreachable host: client ids must not probe what resolves where.
      assertThat(problem).isEqualTo(UNREACHABLE);
      assertThat(failure(fetch(strict, "https://127.0.0.1:" + port + "/no-headers/client.json"))).contains("loopback address");
      assertThat(failure(fetch(strict, "https://[::1]:" + port + "/no-headers/client.json"))).contains("loopback address");
      assertThat(failure(fetch(strict, "https://[::ffff:127.0.0.1]:" + port + "/no-headers/client.json"))).contains("address");
      assertThat(failure(fetch(strict, "https://0.0.0.0:" + port + "/no-headers/client.json"))).contains("unspecified address");
      // Odd spellings of 127.0.0.1: not host names to RFC 3986 parsing, and loopback if they were resolved.
      assertThat(failure(fetch(strict, "https://127.1:" + port + "/no-headers/client.json"))).containsAnyOf("loopback address", "valid host name", "could not be fetched");
      assertThat(failure(fetch(strict, "https://2130706433:" + port + "/no-headers/client.json"))).containsAnyOf("loopback address", "valid host name", "could not be fetched");
      assertThat(hits("/no-headers/client.json")).isEqualTo(before);
    } finally {
      strict.close().await();
    }
  }

  @Test
  void theUnspecifiedAddressIsRefusedEvenWhenPrivateAddressesAreAllowed() {
    assertThat(failure(fetch("https://0.0.0.0:" + port + "/no-headers/client.json"))).contains("unspecified address");
  }

  @Test
  void aDocumentLargerThanMaxBytesIsRefused() {
    assertThat(failure(fetch(url("/big/client.json")))).isEqualTo("invalid_client: the client metadata document is larger than 5120 bytes");
    assertThat(failure(fetch(url("/big-chunked/client.json")))).isEqualTo("invalid_client: the client metadata document is larger than 5120 bytes");
  }

  @Test
  void oneSlowHostCannotTakeEveryFetchSlot() {
    ClientMetadataFetcher f = new ClientMetadataFetcher(vertx, loopbackTrusting().withLimits(5120, Duration.ofSeconds(30)));
    try {
      for (int i = 0; i < ClientMetadataFetcher.MAX_IN_FLIGHT_PER_HOST; i++) {
        f.fetch(url("/slow-many/" + i + "/client.json")); // each a client id of its own, none ever answered
      }
      assertThat(failure(fetch(f, url("/slow-many/next/client.json"))))
          .isEqualTo("invalid_client: too many client metadata documents are being fetched from localhost at once; try again shortly");
    } finally {
      f.close().await();
    }
  }

  @Test
  void aServerThatNeverAnswersEndsInATimeoutError() {
    ClientMetadataFetcher quick = new ClientMetadataFetcher(vertx, loopbackTrusting().withLimits(5120, Duration.ofMillis(500)));
    try {
      assertThat(failure(fetch(quick, url("/slow/client.json"))))
          .isEqualTo(UNREACHABLE);
    } finally {
      quick.close().await();
    }
  }

  @Test
  void aRedirectIsRefusedAndNotFollowed() {
    int before = hits("/good/client.json");
    assertThat(failure(fetch(url("/redirect/client.json")))).contains("answered with a redirect (HTTP 302); redirects are not followed");
    assertThat(hits("/good/client.json")).isEqualTo(before);
  }

  @Test
  void aDocumentNotServedAsJsonIsRefused() {
    assertThat(failure(fetch(url("/html/client.json")))).contains("not served as JSON");
  }

  @Test
  void aDocumentNamingAnotherClientIdIsRefused() {
    assertThat(failure(fetch(url("/mismatch/client.json")))).contains("does not match the URL it was fetched from");
  }

  @Test
  void aCertificateForAnotherHostNameIsRefusedBeforeAnyRequest() {
    int before = hits("/no-headers/client.json");
    assertThat(failure(fetch(url(otherNamePort, "/no-headers/client.json"))))
        .isEqualTo(UNREACHABLE);
    assertThat(hits("/no-headers/client.json")).isEqualTo(before);
  }

  @Test
  void aCertificateForTheConnectedAddressButNotTheHostNameIsRefused() {
    // The connection goes to 127.0.0.1; a check against that address instead of the name would pass.
    assertThat(failure(fetch(url(addressOnlyPort, "/no-headers/client.json")))).isEqualTo(UNREACHABLE);
  }

  @Test
  void withoutTrustCaFileTheTestCaIsNotTrusted() {
    ClientMetadataFetcher jdkOnly = new ClientMetadataFetcher(vertx, ClientMetadataSettings.defaults().withAllowPrivateAddresses(true).withLimits(5120, PATIENT));
    try {
      assertThat(failure(fetch(jdkOnly, url("/not-trusted/client.json")))).isEqualTo(UNREACHABLE);
      assertThat(hits("/not-trusted/client.json")).isZero();
    } finally {
      jdkOnly.close().await();
    }
  }

  @Test
  void aCachedDocumentIsNotFetchedAgainUntilItsMaxAge() {
    assertThat(fetch(url("/good/client.json"))).isInstanceOf(Lookup.Found.class);
    int after = hits("/good/client.json");
    assertThat(fetch(url("/good/client.json"))).isInstanceOf(Lookup.Found.class);
    assertThat(hits("/good/client.json")).isEqualTo(after).isPositive();
  }

  @Test
  void withoutCachingHeadersTheDocumentIsKeptForCacheMin() {
    ClientMetadataFetcher f = new ClientMetadataFetcher(vertx, loopbackTrusting());
    try {
      String u = url("/json-type/client.json");
      int before = hits("/json-type/client.json");
      assertThat(fetch(f, u)).isInstanceOf(Lookup.Found.class);
      assertThat(fetch(f, u)).isInstanceOf(Lookup.Found.class);
      assertThat(hits("/json-type/client.json")).isEqualTo(before + 1);
    } finally {
      f.close().await();
    }
  }

  @Test
  void maxAgeZeroAndNoStoreAreFetchedEveryTime() {
    for (String path : List.of("/max-age-0/client.json", "/no-store/client.json")) {
      int before = hits(path);
      assertThat(fetch(url(path))).isInstanceOf(Lookup.Found.class);
      assertThat(fetch(url(path))).isInstanceOf(Lookup.Found.class);
      assertThat(hits(path)).as(path).isEqualTo(before + 2);
    }
  }

  @Test
  void aFailureIsRememberedBrieflySoTheHostIsNotHammered() {
    assertThat(failure(fetch(url("/missing/client.json")))).contains("answered HTTP 404; a document must be served with 200");
    assertThat(failure(fetch(url("/missing/client.json")))).contains("HTTP 404");
    assertThat(hits("/missing/client.json")).isEqualTo(1);
  }

  @Test
  void concurrentLookupsOfOneUrlShareOneFetch() throws Exception {
    List<Future<Lookup>> lookups = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      lookups.add(fetcher.fetch(url("/held/client.json")));
    }
    HttpServerRequest req = held.get(60, TimeUnit.SECONDS);
    req.response().putHeader("content-type", "application/json").putHeader("cache-control", "max-age=0").end(document(req).encode());
    for (Future<Lookup> f : lookups) {
      assertThat(f.await()).isInstanceOf(Lookup.Found.class);
    }
    assertThat(hits("/held/client.json")).isEqualTo(1);
  }

  @Test
  void disabledOrMalformedClientIdsAreAnsweredWithoutAFetch() {
    ClientMetadataSettings d = loopbackTrusting();
    ClientMetadataFetcher off = new ClientMetadataFetcher(vertx, new ClientMetadataSettings(false, d.allowDomains(), d.denyDomains(),
        true, caFile, d.maxBytes(), d.timeout(), d.cacheMin(), d.cacheMax()));
    try {
      assertThat(failure(fetch(off, url("/good/client.json")))).isEqualTo("invalid_client: client metadata documents are not enabled on this server");
    } finally {
      off.close().await();
    }
    assertThat(failure(fetch(url("/a/../good/client.json")))).startsWith("invalid_request: ").contains(". or ..");
    ClientMetadataFetcher allowList = new ClientMetadataFetcher(vertx, loopbackTrusting().withDomains(List.of("example.com"), List.of()));
    try {
      assertThat(failure(fetch(allowList, url("/good/client.json")))).startsWith("invalid_client: ").contains("allow_domains");
    } finally {
      allowList.close().await();
    }
  }
}
