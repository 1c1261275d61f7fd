package dev.toolgate.server.oauth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.toolgate.core.config.TrustedIssuer;
import dev.toolgate.core.token.JwkSetKeys;
import dev.toolgate.core.token.JwtKeys;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trusted issuer's JWKS: fetched from its configured {@code jwks_uri} only (never from a token
 * header), cached for {@code jwks_cache_ttl}, refreshed early when a token names an unknown
 * {@code kid} — at most once per {@code jwks_min_refresh_interval}, so forged kids cannot make
 * Toolgate hammer the issuer. Keys that fail to parse are skipped one by one.
 */
public final class ExternalJwks {
  private static final Logger LOG = LoggerFactory.getLogger(ExternalJwks.class);
  static final int MAX_JWKS_BYTES = 256 * 1024;
  /** A whole fetch, headers and body, must finish within this. */
  public static final Duration FETCH_TIMEOUT = Duration.ofSeconds(10);

  private final TrustedIssuer issuer;
  private final HttpClient http;
  private final Clock clock;
  private volatile JWKSet keys;
  private volatile Instant loadedAt = Instant.EPOCH;
  private volatile Instant lastAttempt = Instant.EPOCH;
  private volatile CompletableFuture<Void> inFlight;

  public ExternalJwks(TrustedIssuer issuer, HttpClient http, Clock clock) {
    this.issuer = issuer;
    this.http = http;
    this.clock = clock;
  }

  public JwtKeys asJwtKeys() {
    return new JwkSetKeys(() -> keys);
  }

  /** Whether there are keys to verify with (a failed refresh keeps the last good set). */
  /** Whether the key set as last fetched holds a key with this kid (a cached token's key may have left it). */
  public boolean publishes(String kid) {
    return !asJwtKeys().candidates(kid).isEmpty();
  }

  public boolean available() {
    return keys != null;
  }

  /**
   * Completes when the keys are as fresh as they may be for a token naming {@code kid}: at once when
   * the kid is known and the cache is fresh, otherwise after one (rate-limited) fetch.
   */
  public CompletableFuture<Void> ready(String kid) {
    Instant now = clock.instant();
    JWKSet current = keys;
    boolean fresh = current != null && now.isBefore(loadedAt.plus(issuer.jwksCacheTtl()));
    boolean known = current != null && (kid == null || current.getKeyByKeyId(kid) != null);
    if (fresh && known) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> running = inFlight;
    if (running != null && !running.isDone()) {
      return running; // a fetch is under way (e.g. the one at start): wait for it
    }
    if (now.isBefore(lastAttempt.plus(issuer.jwksMinRefreshInterval()))) {
      // Tried moments ago (whether or not it worked): the kid is unknown, or the issuer is down.
      return CompletableFuture.completedFuture(null);
    }
    return refresh();
  }

  /** Fetches now, joining a fetch already under way. */
  public synchronized CompletableFuture<Void> refresh() {
    if (inFlight != null && !inFlight.isDone()) {
      return inFlight;
    }
    lastAttempt = clock.instant();
    HttpRequest request = HttpRequest.newBuilder(issuer.jwksUri()).timeout(Duration.ofSeconds(5))
        .header("accept", "application/json").GET().build();
    inFlight = http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
        .thenAccept(response -> {
          try (java.io.InputStream body = response.body()) {
            if (response.statusCode() != 200) {
              throw new IllegalStateException("HTTP " + response.statusCode());
            }
            byte[] bytes = body.readNBytes(MAX_JWKS_BYTES + 1); // never hold more than the cap
            if (bytes.length > MAX_JWKS_BYTES) {
              throw new IllegalStateException("JWKS larger than " + MAX_JWKS_BYTES + " bytes");
            }
            keys = parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            loadedAt = clock.instant();
          } catch (java.io.IOException e) {
            throw new IllegalStateException("reading the JWKS failed: " + e.getMessage());
          } catch (java.text.ParseException e) {
            throw new IllegalStateException("the JWKS is not JSON with a keys array");
          }
        })
        // A stalled body must not hold every later refresh hostage.
        .orTimeout(FETCH_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .exceptionally(e -> {
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          LOG.warn("cannot fetch the JWKS of trusted issuer {} from {}: {}", issuer.name(), issuer.jwksUri(), cause.toString());
          return null;
        });
    return inFlight;
  }

  /** Only public signature keys; one bad key does not discard the others. */
  static JWKSet parse(String json) throws java.text.ParseException {
    Map<String, Object> root = com.nimbusds.jose.util.JSONObjectUtils.parse(json);
    List<Object> raw = com.nimbusds.jose.util.JSONObjectUtils.getJSONArray(root, "keys");
    List<JWK> out = new ArrayList<>();
    if (raw != null) {
      for (Object o : raw) {
        if (o instanceof Map<?, ?> m) {
          try {
            @SuppressWarnings("unchecked")
            JWK jwk = JWK.parse((Map<String, Object>) m);
            if (!jwk.isPrivate()) {
              out.add(jwk);
            }
          } catch (java.text.ParseException | RuntimeException e) {
            // skip this key only
          }
        }
      }
    }
    return new JWKSet(out);
  }
}
