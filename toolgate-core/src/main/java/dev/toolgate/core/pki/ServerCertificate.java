package dev.toolgate.core.pki;

import dev.toolgate.core.config.ServerTls;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The listener's certificate chain and private key, read from {@code server.tls} and checked before
 * anything serves them: the chain is in order (each certificate issued by the next), the key is the
 * certificate's, and no certificate of the chain has expired (clients would refuse it; a clear start
 * error beats handshake failures every client reports in its own words). A certificate not valid yet
 * is served, with a warning ({@link #validityWarning}): clocks differ.
 *
 * @param chain the server's certificate first
 * @param key its private key
 * @param digest SHA-256 over both files' bytes, to tell a change of content from a touched file
 */
public record ServerCertificate(List<X509Certificate> chain, PrivateKey key, String digest) {
  /** Within this of expiry the certificate is logged as about to expire. */
  public static final Duration EXPIRY_WARNING = Duration.ofDays(14);

  public ServerCertificate {
    chain = List.copyOf(chain);
  }

  /** Reads and checks the files now. */
  public static ServerCertificate load(ServerTls tls, Instant now) {
    return parse(tls, PemFiles.read(tls.certificate()), PemFiles.read(tls.key()), now);
  }

  /**
   * Checks the files' bytes (read by the caller, e.g. once it saw them change).
   *
   * @throws dev.toolgate.core.config.ConfigException naming the setting ({@code server.tls.certificate}
   *     or {@code server.tls.key}) and the problem
   */
  public static ServerCertificate parse(ServerTls tls, byte[] certificateBytes, byte[] keyBytes, Instant now) {
    List<X509Certificate> chain = PemFiles.certificates(tls.certificate(), certificateBytes);
    for (int i = 1; i < chain.size(); i++) {
      X509Certificate issued = chain.get(i - 1);
      X509Certificate issuer = chain.get(i);
      if (!issued.getIssuerX500Principal().equals(issuer.getSubjectX500Principal()) || !verifies(issued, issuer.getPublicKey())) {
        throw tls.certificate().error("the certificates of " + tls.certificate().path() + " are not a chain: certificate " + (i + 1)
            + " (" + subject(issuer) + ") did not issue certificate " + i + " (" + subject(issued) + "); put the server's certificate first,"
            + " then the certificate that issued it, and so on");
      }
    }
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate c = chain.get(i);
      if (now.isAfter(c.getNotAfter().toInstant())) {
        throw tls.certificate().error((i == 0 ? "the certificate" : "certificate " + (i + 1) + " of the chain") + " (" + subject(c)
            + ") expired at " + c.getNotAfter().toInstant() + "; install a renewed one");
      }
    }
    PrivateKey key;
    try {
      key = PrivateKeys.parse(PemFiles.blocks(tls.key(), keyBytes));
    } catch (IllegalArgumentException e) {
      throw tls.key().error(tls.key().path() + " " + e.getMessage());
    }
    if (!matches(key, chain.get(0).getPublicKey())) {
      throw tls.key().error("the private key in " + tls.key().path() + " is not the key of the certificate in "
          + tls.certificate().path() + " (" + subject(chain.get(0)) + "); a renewed certificate comes with its own key: install both");
    }
    return new ServerCertificate(chain, key, digest(certificateBytes, keyBytes));
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  /** The chain as PEM, the server's certificate first. */
  public String chainPem() {
    StringBuilder out = new StringBuilder();
    for (X509Certificate c : chain) {
      try {
        out.append(Pem.encode("CERTIFICATE", c.getEncoded()));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("a parsed certificate cannot be encoded", e);
      }
    }
    return out.toString();
  }

  /** The key as unencrypted PKCS#8 PEM. */
  public String keyPem() {
    return Pem.encode("PRIVATE KEY", key.getEncoded());
  }

  /** For logs: subject, serial number and expiry; nothing secret. */
  public String describe() {
    X509Certificate leaf = leaf();
    return subject(leaf) + ", serial " + leaf.getSerialNumber().toString(16) + ", valid until " + leaf.getNotAfter().toInstant();
  }

  /** A warning worth logging about the certificate's dates, or null. */
  public String validityWarning(Instant now) {
    X509Certificate leaf = leaf();
    Instant notBefore = leaf.getNotBefore().toInstant();
    Instant notAfter = leaf.getNotAfter().toInstant();
    if (now.isBefore(notBefore)) {
      return "the TLS certificate (" + subject(leaf) + ") is not valid before " + notBefore + ": clients will refuse it until then (is this clock right?)";
    }
    if (now.isAfter(notAfter)) {
      return "the TLS certificate (" + subject(leaf) + ") expired at " + notAfter + ": install a renewed one (it is reloaded without a restart)";
    }
    if (now.plus(EXPIRY_WARNING).isAfter(notAfter)) {
      return "the TLS certificate (" + subject(leaf) + ") expires at " + notAfter + ": install a renewed one (it is reloaded without a restart)";
    }
    return null;
  }

  static String subject(X509Certificate c) {
    return c.getSubjectX500Principal().getName();
  }

  private static boolean verifies(X509Certificate issued, PublicKey issuerKey) {
    try {
      issued.verify(issuerKey);
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** Whether the key signs what the certificate's public key verifies: one test for every algorithm. */
  private static boolean matches(PrivateKey key, PublicKey certified) {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm(); // Ed25519, Ed448
    };
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certified);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false; // a key of another algorithm than the certificate's
    }
  }

  /** SHA-256 over the two files' bytes: equal for equal contents, whatever their modification times. */
  public static String digest(byte[] certificate, byte[] key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(certificate);
      sha.update((byte) 0);
      sha.update(key);
      return HexFormat.of().formatHex(sha.digest());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }

  /** SHA-256 of the certificate's DER, base64url without padding (the {@code x5t#S256} of RFC 8705). */
  static String thumbprint(X509Certificate c) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("a parsed certificate cannot be digested", e);
    }
  }
}
