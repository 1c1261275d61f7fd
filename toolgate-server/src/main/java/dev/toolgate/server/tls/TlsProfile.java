package dev.toolgate.server.tls;

import dev.toolgate.core.pki.ServerCertificate;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.net.TrustOptions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * How the listener speaks TLS: TLS 1.2 and 1.3 only, the cipher suites of Mozilla's "intermediate"
 * configuration (forward-secret AEAD suites only), HTTP/2 when the caller offers it by ALPN and
 * HTTP/1.1 otherwise, and, when some platform names the CA of its client certificates, a client
 * certificate asked for (never required: the tools that need one say so with {@code mtls}).
 */
final class TlsProfile {
  static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");
  /** Mozilla intermediate, JSSE names: the TLS 1.3 suites, then the ECDHE and DHE AEAD suites of TLS 1.2. */
  static final List<String> CIPHER_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
  /** HTTP/2 first: ALPN picks the first the caller also offers. */
  static final List<HttpVersion> ALPN = List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1);
  /** A caller that has not completed the handshake by then is cut off. */
  static final long HANDSHAKE_TIMEOUT_SECONDS = 10;

  private TlsProfile() {}

  /**
   * Sets everything on {@code ssl} (the options a server starts with, or those it is given on a reload).
   *
   * @param clientCas the CAs of the platforms' client certificates; null when no platform names one
   */
  static ServerSSLOptions apply(ServerSSLOptions ssl, ServerCertificate certificate, TrustOptions clientCas) {
    ssl.setEnabledSecureTransportProtocols(PROTOCOLS);
    ssl.getEnabledCipherSuites().clear();
    CIPHER_SUITES.forEach(ssl::addEnabledCipherSuite);
    ssl.setUseAlpn(true);
    ssl.setApplicationLayerProtocols(ALPN.stream().map(HttpVersion::alpnName).toList());
    ssl.setSslHandshakeTimeout(HANDSHAKE_TIMEOUT_SECONDS).setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
    ssl.setKeyCertOptions(new PemKeyCertOptions()
        .setCertValue(Buffer.buffer(certificate.chainPem()))
        .setKeyValue(Buffer.buffer(certificate.keyPem())));
    if (clientCas != null) {
      ssl.setClientAuth(ClientAuth.REQUEST);
      ssl.setTrustOptions(clientCas);
    } else {
      ssl.setClientAuth(ClientAuth.NONE);
    }
    return ssl;
  }
}
