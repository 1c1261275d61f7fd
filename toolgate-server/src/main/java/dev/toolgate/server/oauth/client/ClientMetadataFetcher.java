package dev.toolgate.server.oauth.client;

import dev.toolgate.core.config.ClientMetadataSettings;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Resolves a {@code client_id} that is an https URL to the client its Client ID Metadata Document
 * describes (draft-ietf-oauth-client-id-metadata-document; MCP authorization 2025-11-25). Answers are
 * cached as their HTTP caching headers allow, within {@code cache_min}/{@code cache_max}; concurrent
 * lookups of one URL share one fetch; a failed fetch is remembered for {@link #FAILURE_TTL} so that one
 * client id cannot make Toolgate hammer a host.
 *
 * <p>The answer is never a failed future: a URL or document that does not pass is a {@link Lookup.Failed}
 * with an OAuth error code and a description fit for {@code error_description}.
 */
public final class ClientMetadataFetcher {
  /**
   * How long a failure is remembered. The draft says errors must not be cached; this is a brief back-off
   * rather than a cache of the client: a client that fixes its document waits at most this long.
   */
  public static final Duration FAILURE_TTL = Duration.ofSeconds(30);
  /** Cached documents (successes and failures); at most a few kilobytes each. */
  static final int MAX_ENTRIES = 4096;
  /** Distinct URLs fetched at once; past it a lookup is refused rather than queued (each holds a connection). */
  static final int MAX_IN_FLIGHT = 256;
  /**
   * Fetches under way from one host: a slow host named by many client ids (one path each) cannot
   * take every fetch slot and shut out the other clients' documents.
   */
  static final int MAX_IN_FLIGHT_PER_HOST = 8;
  /** Name lookups in flight at once; a slow resolver holds these threads, not the shared worker pool. */
  private static final int RESOLVER_THREADS = 4;

  /** What a lookup found. */
  public sealed interface Lookup {
    /** The client the document describes. */
    record Found(AuthorizationClient client) implements Lookup {}

    /**
     * The client_id cannot be used.
     *
     * @param error the OAuth error code: {@code invalid_request} for a client_id that is not a valid
     *     Client Identifier URL, {@code invalid_client} for every other problem
     * @param description printable ASCII without {@code "} or {@code \}, never holding a document's text
     */
    record Failed(String error, String description) implements Lookup {}
  }

  private record Cached(Lookup lookup, Duration ttl) {}

  private final Vertx vertx;
  private final ClientMetadataSettings settings;
  private final HttpClient client;
  private final WorkerExecutor resolver;
  private final DocumentFetch documents;
  private final Duration failureTtl;
  private final Cache<String, Cached> cache;
  /** The fetch under way for each URL: concurrent lookups share it. An entry leaves once the cache has its answer. */
  private final Map<String, Future<Cached>> inFlight = new ConcurrentHashMap<>();
  private final Map<String, Integer> inFlightPerHost = new ConcurrentHashMap<>();

  /** Reads {@code trust_ca_file} now: an unreadable one is an {@link IllegalArgumentException} at startup. */
  public ClientMetadataFetcher(Vertx vertx, ClientMetadataSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
    // One connection per fetch (no keep-alive): fetches are rare, and a pooled connection would outlive
    // the address check it was made for. Host names are always verified; SNI is sent even for names
    // the JDK would leave out (no dot), so a server picks its certificate by the URL's host.
    HttpClientOptions options = new HttpClientOptions()
        .setKeepAlive(false)
        .setVerifyHost(true)
        .setForceSni(true)
        .setDecompressionSupported(false)
        .setMaxRedirects(0)
        .setTrustOptions(FetchTrust.options(settings.trustCaFile()));
    this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(16));
    this.resolver = vertx.createSharedWorkerExecutor("toolgate-client-metadata-dns", RESOLVER_THREADS,
        settings.timeout().toMillis() * 2, TimeUnit.MILLISECONDS);
    this.failureTtl = FAILURE_TTL.compareTo(settings.cacheMax()) > 0 ? settings.cacheMax() : FAILURE_TTL;
    this.documents = new DocumentFetch(vertx, client, resolver, settings, failureTtl);
    this.cache = Caffeine.newBuilder()
        .maximumSize(MAX_ENTRIES)
        .expireAfter(new Expiry<String, Cached>() {
          @Override
          public long expireAfterCreate(String key, Cached value, long currentTime) {
            return nanos(value.ttl());
          }

          @Override
          public long expireAfterUpdate(String key, Cached value, long currentTime, long currentDuration) {
            return nanos(value.ttl());
          }

          @Override
          public long expireAfterRead(String key, Cached value, long currentTime, long currentDuration) {
            return currentDuration;
          }
        })
        .build();
  }

  /**
   * The client a Client Identifier URL names. Completes on the calling thread's Vert.x context (at once
   * for a cached answer); never blocks it and never fails.
   */
  public Future<Lookup> fetch(String clientIdUrl) {
    if (!settings.enabled()) {
      return Future.succeededFuture(new Lookup.Failed("invalid_client", "client metadata documents are not enabled on this server"));
    }
    ClientIdUrl.Decision url = ClientIdUrl.check(clientIdUrl, settings);
    if (!url.ok()) {
      // Refused before any fetch, and not cached: a flood of invalid ids must not evict real clients.
      return Future.succeededFuture(new Lookup.Failed(url.byPolicy() ? "invalid_client" : "invalid_request", url.problem()));
    }
    Cached cached = cache.getIfPresent(clientIdUrl);
    if (cached != null) {
      return Future.succeededFuture(cached.lookup());
    }
    if (inFlight.size() >= MAX_IN_FLIGHT && !inFlight.containsKey(clientIdUrl)) {
      return Future.succeededFuture(new Lookup.Failed("invalid_client", "too many client metadata documents are being fetched at once; try again shortly"));
    }
    String host = url.host().toLowerCase(java.util.Locale.ROOT);
    if (!inFlight.containsKey(clientIdUrl) && inFlightPerHost.getOrDefault(host, 0) >= MAX_IN_FLIGHT_PER_HOST) {
      return Future.succeededFuture(new Lookup.Failed("invalid_client", "too many client metadata documents are being fetched from "
          + url.host() + " at once; try again shortly"));
    }
    Promise<Cached> fetch = Promise.promise();
    Future<Cached> shared = inFlight.putIfAbsent(clientIdUrl, fetch.future());
    if (shared == null) {
      shared = fetch.future();
      inFlightPerHost.merge(host, 1, Integer::sum);
      fetch.future().onComplete(done -> inFlightPerHost.computeIfPresent(host, (h, n) -> n > 1 ? n - 1 : null));
      start(url, fetch);
    }
    // Delivered on the caller's own context, whichever event loop ran the fetch.
    return Future.fromCompletionStage(shared.map(Cached::lookup).toCompletionStage(), vertx.getOrCreateContext());
  }

  /**
   * Runs the fetch for {@code fetch}, which is already in {@link #inFlight}. It completes only once the
   * answer is cached and it has left {@code inFlight}, so a caller that sees the answer and asks again
   * finds the cached one (or, for an answer with no lifetime, starts a new fetch).
   */
  private void start(ClientIdUrl.Decision url, Promise<Cached> fetch) {
    documents.run(url)
        .map(f -> new Cached(f.lookup(), f.ttl()))
        .otherwise(e -> new Cached(new Lookup.Failed("invalid_client", "fetching the client metadata document failed"), failureTtl))
        .andThen(ar -> {
          if (ar.succeeded() && !ar.result().ttl().isZero()) {
            cache.put(url.clientId(), ar.result());
          }
          inFlight.remove(url.clientId(), fetch.future());
        })
        .onComplete(fetch);
  }

  public Future<Void> close() {
    cache.invalidateAll();
    resolver.close();
    return client.close();
  }

  private static long nanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
