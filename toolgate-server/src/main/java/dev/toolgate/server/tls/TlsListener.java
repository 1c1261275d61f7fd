package dev.toolgate.server.tls;

import dev.toolgate.core.config.ConfigException;
import dev.toolgate.core.config.ServerTls;
import dev.toolgate.core.pki.PemFiles;
import dev.toolgate.core.pki.ServerCertificate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.net.TrustOptions;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener's TLS: the certificate it serves, and its reload. Every {@code server.tls.reload_interval}
 * the two files are read and hashed (off the event loop; they are a few KiB, and a content hash sees
 * a change that keeps the size within a file system's mtime granularity). A content that differs
 * from the one served is checked like at start and, if good, handed to the server
 * ({@code HttpServer.updateSSLOptions}): new connections get the new certificate, open ones keep
 * theirs, nothing is dropped. A pair that does not pass (say the new
 * certificate was written and its key not yet) is refused with a WARN and the old one keeps
 * serving; the next change of either file is tried again.
 */
public final class TlsListener {
  private static final Logger LOG = LoggerFactory.getLogger(TlsListener.class);

  private final ServerTls settings;
  private final TrustOptions clientTrust;
  private final Clock clock;
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private volatile ServerCertificate current;
  /** The digest of the content last refused (or the reason files could not be read), so that it is warned about once. */
  private volatile String refused;
  private boolean checking;

  private TlsListener(ServerTls settings, ServerCertificate initial, TrustOptions clientTrust, Clock clock) {
    this.settings = settings;
    this.current = initial;
    this.clientTrust = clientTrust;
    this.clock = clock;
  }

  /**
   * Reads and checks the certificate and key now.
   *
   * @throws ConfigException naming {@code server.tls.certificate} or {@code server.tls.key}
   */
  static TlsListener load(ServerTls settings, ClientCertificates clientCertificates, Clock clock) {
    ServerCertificate certificate = ServerCertificate.load(settings, clock.instant());
    String warning = certificate.validityWarning(clock.instant());
    if (warning != null) {
      LOG.warn(warning);
    }
    return new TlsListener(settings, certificate, clientCertificates.handshakeTrust(), clock);
  }

  /** The certificate being served. */
  public ServerCertificate certificate() {
    return current;
  }

  /** Makes a server's options speak TLS with the current certificate. */
  public void configure(HttpServerOptions options) {
    options.setSsl(true).setAlpnVersions(TlsProfile.ALPN);
    TlsProfile.apply(options.getSslOptions(), current, clientTrust);
  }

  /** A server listening with these options; the shared port's servers take one update together. */
  public void serving(HttpServer server) {
    servers.add(server);
  }

  /** Looks for changed files every {@code reload_interval}. */
  public void watch(Vertx vertx) {
    vertx.setPeriodic(settings.reloadInterval().toMillis(), id -> check(vertx));
  }

  /** One look at the files; completes with whether a new certificate is now served. */
  public Future<Boolean> check(Vertx vertx) {
    synchronized (this) {
      if (checking || servers.isEmpty()) {
        return Future.succeededFuture(false);
      }
      checking = true;
    }
    return vertx.executeBlocking(this::changed, false)
        .compose(renewed -> renewed == null ? Future.succeededFuture(false) : install(renewed))
        .onFailure(e -> LOG.warn("TLS certificate files could not be checked; still serving {}: {}", current.describe(), e.toString()))
        .eventually(() -> {
          synchronized (this) {
            checking = false;
          }
          return Future.succeededFuture();
        });
  }

  /** A checked new certificate when the files hold a new good pair; null otherwise. Blocking. */
  private ServerCertificate changed() {
    String digest = null;
    try {
      byte[] certificate = PemFiles.read(settings.certificate());
      byte[] key = PemFiles.read(settings.key());
      digest = ServerCertificate.digest(certificate, key);
      if (digest.equals(current.digest()) || digest.equals(refused)) {
        return null;
      }
      ServerCertificate renewed = ServerCertificate.parse(settings, certificate, key, clock.instant());
      refused = null;
      return renewed;
    } catch (ConfigException e) {
      String problem = e.getMessage();
      // Warned once per refused content (or, for a file that cannot be read, per reason).
      String key = digest != null ? digest : problem;
      if (!key.equals(refused)) {
        refused = key;
        LOG.warn("TLS certificate files changed but were refused; still serving {}: {}", current.describe(), problem);
      }
      return null;
    }
  }

  private Future<Boolean> install(ServerCertificate renewed) {
    ServerSSLOptions options = TlsProfile.apply(new ServerSSLOptions(), renewed, clientTrust);
    // One update reaches every server sharing the port: they take their TLS context from the one that bound it.
    return servers.get(0).updateSSLOptions(options).map(updated -> {
      ServerCertificate previous = current;
      current = renewed;
      LOG.info("TLS certificate reloaded: now serving {} (was {})", renewed.describe(), previous.describe());
      String warning = renewed.validityWarning(clock.instant());
      if (warning != null) {
        LOG.warn(warning);
      }
      return true;
    }).recover(e -> {
      LOG.warn("TLS certificate files changed but the server refused them; still serving {}: {}", current.describe(), e.toString());
      return Future.succeededFuture(false);
    });
  }
}
