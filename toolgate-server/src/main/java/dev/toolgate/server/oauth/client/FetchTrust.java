package dev.toolgate.server.oauth.client;

import dev.toolgate.core.pki.Pem;
import io.vertx.core.net.TrustOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The certificates a client metadata fetch trusts: the JDK's CAs, and the CAs of {@code trust_ca_file}
 * in addition (Vert.x's own PEM trust would replace the JDK's). Both are the JDK's PKIX trust
 * managers, called with the connection's engine, so each checks the host name as well as the chain.
 */
final class FetchTrust {
  private FetchTrust() {}

  /** Null (Vert.x's default: the JDK's CAs) when there is no extra bundle. */
  static TrustOptions options(Path caFile) {
    if (caFile == null) {
      return null;
    }
    return TrustOptions.wrap(new EitherTrustManager(manager(null), manager(keyStore(caFile))));
  }

  private static KeyStore keyStore(Path caFile) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(caFile)) {
      bytes = in.readNBytes(Pem.MAX_BYTES + 1);
    } catch (IOException | SecurityException e) {
      throw new IllegalArgumentException("trust_ca_file: cannot read " + caFile + ": " + e.getClass().getSimpleName(), e);
    }
    if (bytes.length > Pem.MAX_BYTES) {
      throw new IllegalArgumentException("trust_ca_file: " + caFile + " is larger than " + Pem.MAX_BYTES / 1024 + " KiB");
    }
    List<Pem.Block> blocks;
    try {
      blocks = Pem.withLabel(Pem.parse(bytes), "CERTIFICATE");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("trust_ca_file: " + caFile + " is not a valid PEM file: " + e.getMessage(), e);
    }
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("trust_ca_file: " + caFile + " holds no certificate (a -----BEGIN CERTIFICATE----- block)");
    }
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (int i = 0; i < blocks.size(); i++) {
        try {
          store.setCertificateEntry("ca-" + i, factory.generateCertificate(new ByteArrayInputStream(blocks.get(i).der())));
        } catch (CertificateException e) {
          throw new IllegalArgumentException("trust_ca_file: certificate " + (i + 1) + " of " + caFile + " is not a valid X.509 certificate", e);
        }
      }
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a trust store", e);
    }
  }

  /** The JDK's PKIX trust manager over {@code store} (the JDK's CAs when null). */
  private static X509ExtendedTrustManager manager(KeyStore store) {
    try {
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (TrustManager m : factory.getTrustManagers()) {
        if (m instanceof X509ExtendedTrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("the JDK has no X509ExtendedTrustManager");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a trust manager", e);
    }
  }

  /** Trusts what either manager trusts; only the server side is ever asked (this is a client). */
  private static final class EitherTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager first;
    private final X509ExtendedTrustManager second;

    EitherTrustManager(X509ExtendedTrustManager first, X509ExtendedTrustManager second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      try {
        first.checkServerTrusted(chain, authType, engine);
      } catch (CertificateException e) {
        try {
          second.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException also) {
          e.addSuppressed(also);
          throw e;
        }
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      try {
        first.checkServerTrusted(chain, authType, socket);
      } catch (CertificateException e) {
        second.checkServerTrusted(chain, authType, socket);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      // Without an engine no host name can be checked: never used by TLS, refused to be safe.
      throw new CertificateException("a server certificate is only checked with its connection (host name verification)");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      throw new CertificateException("client metadata fetches do not accept client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      throw new CertificateException("client metadata fetches do not accept client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("client metadata fetches do not accept client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      X509Certificate[] a = first.getAcceptedIssuers();
      X509Certificate[] b = second.getAcceptedIssuers();
      X509Certificate[] all = Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, all, a.length, b.length);
      return all;
    }
  }
}
