package dev.toolgate.server.tls;

import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** JDK TLS contexts for test clients: trusting one CA, presenting a client certificate or none. */
public final class TlsClients {
  private static final char[] PASSWORD = "test".toCharArray();

  private TlsClients() {}

  /** Trusts {@code ca} only; presents {@code presented} when not null. */
  public static SSLContext context(TestCertificates.Issued ca, TestCertificates.Issued presented) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.certificate());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManagerFactory kmf = null;
      if (presented != null) {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        List<X509Certificate> chain = new ArrayList<>(List.of(presented.certificate()));
        chain.addAll(presented.issuers());
        keys.setKeyEntry("client", presented.keys().getPrivate(), PASSWORD, chain.toArray(new X509Certificate[0]));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException("cannot make a test TLS context", e);
    }
  }
}
