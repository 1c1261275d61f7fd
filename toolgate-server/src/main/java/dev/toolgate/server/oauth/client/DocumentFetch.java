package dev.toolgate.server.oauth.client;

import dev.toolgate.core.config.ClientMetadataSettings;
import dev.toolgate.server.oauth.client.ClientMetadataFetcher.Lookup;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One fetch of one Client ID Metadata Document, never blocking an event loop: the name is looked up on
 * a worker, every address it resolves to is checked, and the connection goes to a checked address
 * itself (no second lookup an attacker's DNS could answer differently), while the Host header, SNI and
 * certificate check all use the URL's host name. No redirect is followed; only a 200 with a JSON type is
 * read, and no more than {@code max_bytes} of it; the whole fetch ends at {@code timeout}.
 */
final class DocumentFetch {
  private static final Logger LOG = LoggerFactory.getLogger(DocumentFetch.class);
  private static final Pattern JSON_TYPE = Pattern.compile("application/([a-z0-9.!#$&^_-]+\\+)?json");
  /** Never a server's address, whatever allow_private_addresses says: 0.0.0.0 reaches this machine. */
  private static final Set<String> ALWAYS_REFUSED = Set.of("unspecified", "multicast or broadcast");

  /** A fetch's outcome and how long it may be reused. */
  record Fetched(Lookup lookup, Duration ttl) {}

  private final Vertx vertx;
  private final HttpClient client;
  private final WorkerExecutor resolver;
  private final ClientMetadataSettings settings;
  private final Duration failureTtl;

  DocumentFetch(Vertx vertx, HttpClient client, WorkerExecutor resolver, ClientMetadataSettings settings, Duration failureTtl) {
    this.vertx = vertx;
    this.client = client;
    this.resolver = resolver;
    this.settings = settings;
    this.failureTtl = failureTtl;
  }

  /** Never fails: every problem is a {@link Lookup.Failed}, kept for the failure lifetime. */
  Future<Fetched> run(ClientIdUrl.Decision url) {
    Context context = vertx.getOrCreateContext();
    Promise<Fetched> done = Promise.promise();
    context.runOnContext(v -> new Attempt(url, done).start());
    return done.future();
  }

  /** The state of one fetch; all its callbacks run on one context. */
  private final class Attempt {
    private final ClientIdUrl.Decision url;
    private final Promise<Fetched> done;
    private HttpClientRequest current;
    private long timer;

    Attempt(ClientIdUrl.Decision url, Promise<Fetched> done) {
      this.url = url;
      this.done = done;
    }

    void start() {
      timer = vertx.setTimer(settings.timeout().toMillis(), t -> {
        unreachable("the document did not arrive within " + seconds(settings.timeout()));
        if (current != null) { // after the answer, so the reset's error is not taken for it
          current.reset();
        }
      });
      String name = bare(url.host());
      resolver.<InetAddress[]>executeBlocking(() -> InetAddress.getAllByName(name), false)
          .onSuccess(this::connect)
          .onFailure(this::failed);
    }

    private void connect(InetAddress[] addresses) {
      if (done.future().isComplete()) {
        return;
      }
      for (InetAddress a : addresses) {
        String kind = SpecialUseAddresses.kind(a);
        if (kind != null && (!settings.allowPrivateAddresses() || ALWAYS_REFUSED.contains(kind))) {
          String reason = ("aeiou".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind + " address; client metadata is only fetched from public addresses";
          if (dev.toolgate.core.net.CidrBlock.literal(bare(url.host())) != null) {
            fail("client_id host " + url.host() + " is " + reason); // an address written out tells nobody anything new
          } else {
            unreachable("the host resolves to " + a.getHostAddress() + ", " + reason);
          }
          return;
        }
      }
      send(List.of(addresses), 0);
    }

    private void send(List<InetAddress> addresses, int index) {
      RequestOptions options = new RequestOptions()
          .setMethod(HttpMethod.GET)
          .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(addresses.get(index), url.port())))
          .setHost(bare(url.host()))
          .setPort(url.port())
          .setURI(url.requestTarget())
          .setSsl(true)
          .setFollowRedirects(false)
          .setConnectTimeout(settings.timeout().toMillis())
          .setIdleTimeout(settings.timeout().toMillis())
          .putHeader("accept", "application/json")
          .putHeader("user-agent", "Toolgate");
      client.request(options).onComplete(ar -> {
        if (ar.failed()) {
          // Only a refused or unreachable address moves on to the next one; a TLS failure does not.
          if (causedBy(ar.cause(), ConnectException.class) && index + 1 < addresses.size() && !done.future().isComplete()) {
            send(addresses, index + 1);
          } else {
            failed(ar.cause());
          }
          return;
        }
        current = ar.result();
        current.exceptionHandler(this::failed); // before any reset, which would otherwise be logged as an error
        if (done.future().isComplete()) {
          current.reset();
          return;
        }
        current.send().onSuccess(this::answered).onFailure(this::failed);
      });
    }

    private void answered(HttpClientResponse response) {
      // Before any reset: a response without a handler logs the reset as an error.
      response.exceptionHandler(this::failed);
      int status = response.statusCode();
      if (status != 200) {
        abandon(response, status >= 300 && status < 400
            ? "the client metadata document URL answered with a redirect (HTTP " + status + "); redirects are not followed"
            : "the client metadata document URL answered HTTP " + status + "; a document must be served with 200");
        return;
      }
      String type = response.getHeader("content-type");
      String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
      if (!JSON_TYPE.matcher(media).matches()) {
        abandon(response, "the client metadata document is not served as JSON (Content-Type must be application/json)");
        return;
      }
      String encoding = response.getHeader("content-encoding");
      if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
        abandon(response, "the client metadata document is served with a Content-Encoding, which was not asked for");
        return;
      }
      String length = response.getHeader("content-length");
      if (length != null && (length.length() > 9 || !length.chars().allMatch(Character::isDigit) || Long.parseLong(length) > settings.maxBytes())) {
        abandon(response, tooLarge());
        return;
      }
      Buffer body = Buffer.buffer();
      response.handler(chunk -> {
        if (done.future().isComplete()) {
          return;
        }
        if (body.length() + chunk.length() > settings.maxBytes()) {
          abandon(response, tooLarge()); // stop reading: the rest is never wanted
        } else {
          body.appendBuffer(chunk);
        }
      });
      response.endHandler(v -> {
        if (done.future().isComplete()) {
          return;
        }
        try {
          ClientMetadataDocument.Result parsed = ClientMetadataDocument.parse(url.clientId(), body.getBytes());
          if (!parsed.ok()) {
            fail(parsed.problem());
            return;
          }
          Duration ttl = CacheLifetime.of(joined(response.headers().getAll("cache-control")), response.getHeader("expires"),
              response.getHeader("date"), response.getHeader("age"), response.getHeader("pragma"),
              settings.cacheMin(), settings.cacheMax(), Instant.now());
          finish(new Fetched(new Lookup.Found(parsed.client()), ttl));
        } catch (RuntimeException e) {
          // A bug here, not the client's: logged, and the client still gets an answer, not a hang.
          LOG.warn("reading the client metadata document of {} failed", url.clientId(), e);
          fail("the client metadata document could not be read");
        }
      });
    }

    private String tooLarge() {
      return "the client metadata document is larger than " + settings.maxBytes() + " bytes";
    }

    /** Answers first, then drops the connection: the reset's own error must not become the answer. */
    private void abandon(HttpClientResponse response, String description) {
      fail(description);
      response.request().reset();
    }

    private void failed(Throwable cause) {
      if (!done.future().isComplete()) {
        LOG.debug("client metadata fetch for host {} failed", url.host(), cause);
        unreachable(describe(cause));
      }
    }

    /**
     * The host could not be asked: one answer for every reason (no such name, not a public address,
     * nothing listening, a certificate that does not verify, too slow), so that client ids cannot be
     * used to probe which names resolve and which ports answer from this server. The reason is logged.
     */
    private void unreachable(String reason) {
      if (!done.future().isComplete()) {
        LOG.info("client metadata document {} not fetched: {}", url.clientId(), reason);
      }
      fail("the client metadata document could not be fetched from " + url.host()
          + ": it must be served over https by a public host with a valid certificate (the reason is in the server log)");
    }

    private void fail(String description) {
      finish(new Fetched(new Lookup.Failed("invalid_client", description), failureTtl));
    }

    private void finish(Fetched fetched) {
      if (done.tryComplete(fetched)) {
        vertx.cancelTimer(timer);
      }
    }

    private String describe(Throwable cause) {
      for (Throwable t = cause; t != null; t = t.getCause()) {
        if (t instanceof UnknownHostException) {
          return "client_id host " + url.host() + " could not be resolved";
        }
        if (t instanceof SSLException || t instanceof CertificateException) {
          return "the TLS certificate of " + url.host() + " does not verify: it must be valid for " + url.host()
              + " and issued by a trusted CA";
        }
        if (t instanceof ConnectException) {
          return "could not connect to " + url.host() + " port " + url.port();
        }
      }
      return "fetching the client metadata document from " + url.host() + " failed (" + cause.getClass().getSimpleName() + ")";
    }
  }

  /** The host as a name or address, without the brackets of an IPv6 literal. */
  private static String bare(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static String joined(List<String> values) {
    return values.isEmpty() ? null : String.join(",", values);
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
