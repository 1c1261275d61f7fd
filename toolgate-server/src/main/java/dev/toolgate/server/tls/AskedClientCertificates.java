package dev.toolgate.server.tls;

import dev.toolgate.core.pki.ClientCa;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The handshake side of client certificates: the server asks for one, listing the platforms' CAs
 * as acceptable issuers, and lets the handshake complete whatever is presented. The handshake
 * itself still proves the caller holds the certificate's key (its CertificateVerify). Whether the
 * certificate is good enough is decided per call, against the CA of the tool's platform
 * ({@link ClientCertificates}): so a certificate from another CA, an expired one or none at all
 * gets a 401 with a code that says which, instead of a handshake failure every client words
 * differently, and tools that do not require {@code mtls} serve the caller either way.
 */
final class AskedClientCertificates extends X509ExtendedTrustManager {
  private final X509Certificate[] issuers;

  AskedClientCertificates(Collection<ClientCa> cas) {
    List<X509Certificate> all = new ArrayList<>();
    for (ClientCa ca : cas) {
      all.addAll(ca.certificates());
    }
    this.issuers = all.toArray(new X509Certificate[0]);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) {
    // Checked per call against the tool's platform's CA.
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    // Checked per call against the tool's platform's CA.
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    // Checked per call against the tool's platform's CA.
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
    throw new java.security.cert.CertificateException("this trust manager only takes client certificates");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws java.security.cert.CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws java.security.cert.CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return issuers.clone();
  }
}
