package dev.toolgate.core.pki;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates made for a test with BouncyCastle: CAs, server and client certificates, written as PEM files. */
public final class TestCertificates {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** A certificate, its key, and the certificates above it (not the root). */
  public record Issued(X509Certificate certificate, KeyPair keys, List<X509Certificate> issuers) {
    /** The certificate then its issuers, as PEM. */
    public String chainPem() {
      StringBuilder out = new StringBuilder(pem("CERTIFICATE", encoded(certificate)));
      issuers.forEach(c -> out.append(pem("CERTIFICATE", encoded(c))));
      return out.toString();
    }

    /** The key as PKCS#8 ({@code PRIVATE KEY}). */
    public String keyPem() {
      return pem("PRIVATE KEY", keys.getPrivate().getEncoded());
    }

    /** The key as openssl's legacy form: PKCS#1 {@code RSA PRIVATE KEY} or SEC1 {@code EC PRIVATE KEY} naming its curve. */
    public String legacyKeyPem() {
      if (keys.getPrivate() instanceof java.security.interfaces.ECPrivateKey ec) {
        try {
          DERBitString point = new DERBitString(SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData().getOctets());
          return pem("EC PRIVATE KEY", new ECPrivateKey(256, ec.getS(), point, SECObjectIdentifiers.secp256r1).getEncoded());
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
      StringWriter out = new StringWriter();
      try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
        writer.writeObject(keys.getPrivate());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return out.toString();
    }

    public Path writeChain(Path file) throws IOException {
      return Files.writeString(file, chainPem());
    }

    public Path writeKey(Path file) throws IOException {
      return Files.writeString(file, keyPem());
    }
  }

  /** What to put in a certificate. */
  public static final class Spec {
    String subject = "CN=test";
    Instant notBefore = Instant.now().minus(Duration.ofHours(1));
    Instant notAfter = Instant.now().plus(Duration.ofDays(30));
    boolean ca;
    final List<GeneralName> names = new ArrayList<>();
    KeyPurposeId usage;
    String keyAlgorithm = "EC";

    public Spec subject(String dn) { subject = dn; return this; }
    public Spec valid(Instant from, Instant until) { notBefore = from; notAfter = until; return this; }
    public Spec ca() { ca = true; return this; }
    public Spec dns(String name) { names.add(new GeneralName(GeneralName.dNSName, name)); return this; }
    public Spec ip(String address) { names.add(new GeneralName(GeneralName.iPAddress, address)); return this; }
    public Spec uri(String uri) { names.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri)); return this; }
    public Spec serverAuth() { usage = KeyPurposeId.id_kp_serverAuth; return this; }
    public Spec clientAuth() { usage = KeyPurposeId.id_kp_clientAuth; return this; }
    public Spec rsa() { keyAlgorithm = "RSA"; return this; }
  }

  private TestCertificates() {}

  public static Spec spec() {
    return new Spec();
  }

  public static Issued ca(String cn) {
    return selfSigned(spec().subject("CN=" + cn).ca());
  }

  public static Issued selfSigned(Spec spec) {
    KeyPair keys = keyPair(spec.keyAlgorithm);
    return new Issued(build(spec, keys, spec.subject, keys), keys, List.of());
  }

  public static Issued issue(Issued issuer, Spec spec) {
    KeyPair keys = keyPair(spec.keyAlgorithm);
    X509Certificate cert = build(spec, keys, issuer.certificate().getSubjectX500Principal().getName(), issuer.keys());
    List<X509Certificate> chain = new ArrayList<>();
    if (!issuer.certificate().getSubjectX500Principal().equals(issuer.certificate().getIssuerX500Principal())) {
      chain.add(issuer.certificate()); // an intermediate goes with the chain; the root does not
      chain.addAll(issuer.issuers());
    }
    return new Issued(cert, keys, chain);
  }

  /** A server certificate for 127.0.0.1 and localhost. */
  public static Issued server(Issued ca) {
    return issue(ca, spec().subject("CN=localhost").dns("localhost").ip("127.0.0.1").serverAuth());
  }

  public static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + label + "-----\n";
  }

  private static byte[] encoded(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair keyPair(String algorithm) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (algorithm.equals("EC")) {
        generator.initialize(new ECGenParameterSpec("secp256r1"));
      } else {
        generator.initialize(2048);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X500Name name(String dn) {
    return X500Name.getInstance(new X500Principal(dn).getEncoded());
  }

  private static X509Certificate build(Spec spec, KeyPair keys, String issuer, KeyPair issuerKeys) {
    try {
      // Names encoded as the JDK encodes them, so that it prints them back as written (RFC 2253).
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name(issuer), BigInteger.valueOf(SERIAL.incrementAndGet()),
          Date.from(spec.notBefore), Date.from(spec.notAfter), name(spec.subject), keys.getPublic());
      if (spec.ca) {
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      }
      if (!spec.names.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(spec.names.toArray(new GeneralName[0])));
      }
      if (spec.usage != null) {
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(spec.usage));
      }
      String algorithm = issuerKeys.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
      return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKeys.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException("cannot make a test certificate", e);
    }
  }
}
