package dev.toolgate.server.tls;

import dev.toolgate.core.pki.TestCertificates;

import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * JDK TLS contexts for test clients: trusting one CA, presenting a client certificate or none. A
 * presented certificate is sent whatever issuers the server lists as acceptable, as curl and
 * openssl do (the JDK's own key manager would send none when its issuer is not listed).
 */
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
      context.init(kmf == null ? null : new KeyManager[] {new Always((X509ExtendedKeyManager) kmf.getKeyManagers()[0])},
          tmf.getTrustManagers(), null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException("cannot make a test TLS context", e);
    }
  }

  /** The one client certificate, offered whatever the server asks for. */
  private static final class Always extends X509ExtendedKeyManager {
    private final X509ExtendedKeyManager keys;

    Always(X509ExtendedKeyManager keys) {
      this.keys = keys;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return "client";
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return "client";
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {"client"};
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return keys.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return keys.getPrivateKey(alias);
    }
  }
}
