package dev.toolgate.server.tls;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.pki.ClientCa;
import dev.toolgate.core.request.ClientCertificate;
import dev.toolgate.core.route.Route;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.TrustOptions;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The client certificate of a call, checked against the CA of the tool's platform, for tools that
 * require {@code mtls}. A chain that verified is kept on the TLS session, so the calls of one
 * connection check it once (the engine still compares its expiry with the clock on every call); one
 * that did not is checked again on the next call.
 */
public final class ClientCertificates {
  /** No platform names a client CA: certificates are not asked for. */
  public static final ClientCertificates NONE = new ClientCertificates(Map.of(), Clock.systemUTC());
  private static final String SESSION_KEY = "toolgate.client-certificate.";

  private final Map<String, ClientCa> byPlatform;
  private final Clock clock;

  ClientCertificates(Map<String, ClientCa> byPlatform, Clock clock) {
    this.byPlatform = Map.copyOf(byPlatform);
    this.clock = clock;
  }

  /** What the handshake asks for; null when no platform names a client CA. */
  TrustOptions handshakeTrust() {
    return byPlatform.isEmpty() ? null : TrustOptions.wrap(new AskedClientCertificates(byPlatform.values()));
  }

  /** The certificate the caller presented, checked for the route's platform; null when none (or the tool does not require mtls). */
  public ClientCertificate of(HttpServerRequest req, Route route) {
    if (!route.tool().policy().requires(CredentialKind.MTLS)) {
      return null;
    }
    ClientCa ca = byPlatform.get(route.tool().platform());
    SSLSession session = req.connection() == null ? null : req.connection().sslSession();
    if (ca == null || session == null) {
      return null;
    }
    String key = SESSION_KEY + ca.platform();
    if (session.getValue(key) instanceof ClientCertificate known) {
      return known;
    }
    List<X509Certificate> chain = chain(session);
    if (chain.isEmpty()) {
      return null;
    }
    ClientCertificate checked = ca.check(chain, clock.instant());
    if (checked.verified()) {
      session.putValue(key, checked);
    }
    return checked;
  }

  private static List<X509Certificate> chain(SSLSession session) {
    try {
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : session.getPeerCertificates()) {
        if (c instanceof X509Certificate x509) {
          out.add(x509);
        }
      }
      return out;
    } catch (SSLPeerUnverifiedException e) {
      return List.of(); // none presented
    }
  }
}
