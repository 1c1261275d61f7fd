package dev.toolgate.core.pki;

import dev.toolgate.core.config.PemFile;
import dev.toolgate.core.request.ClientCertificate;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The CA bundle of one platform's client certificates ({@code platforms.<name>.client_certificates.ca})
 * and the check of a presented chain against it: PKIX path validation with the validity dates of
 * every certificate, and, when the certificate limits its use, use for client authentication.
 * Revocation (CRL, OCSP) is not checked: a client is cut off by its subject or SPIFFE id leaving
 * the tool's {@code mtls} lists, or by rotating the CA.
 */
public final class ClientCa {
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final String ANY_USAGE = "2.5.29.37.0";

  private final String platform;
  private final List<X509Certificate> certificates;
  private final Set<TrustAnchor> anchors = new HashSet<>();

  private ClientCa(String platform, List<X509Certificate> certificates) {
    this.platform = platform;
    this.certificates = List.copyOf(certificates);
    for (X509Certificate c : certificates) {
      anchors.add(new TrustAnchor(c, null));
    }
  }

  /** Reads the bundle now; errors name the setting. */
  public static ClientCa load(String platform, PemFile file) {
    return new ClientCa(platform, PemFiles.certificates(file, PemFiles.read(file)));
  }

  public String platform() {
    return platform;
  }

  /** The CA certificates (their subjects are what a TLS server lists as acceptable issuers). */
  public List<X509Certificate> certificates() {
    return certificates;
  }

  /** The presented chain (the client's certificate first), checked against this CA at {@code now}. */
  public ClientCertificate check(List<X509Certificate> chain, Instant now) {
    X509Certificate leaf = chain.get(0);
    Instant notAfter = leaf.getNotAfter().toInstant();
    for (X509Certificate c : chain) {
      notAfter = c.getNotAfter().toInstant().isBefore(notAfter) ? c.getNotAfter().toInstant() : notAfter;
    }
    return new ClientCertificate(leaf.getSubjectX500Principal().getName(), names(leaf, 6), names(leaf, 2),
        ServerCertificate.thumbprint(leaf), notAfter, platform, problem(chain, now));
  }

  /** Null when the chain verifies, else why not (for the decision trace). */
  private String problem(List<X509Certificate> chain, Instant now) {
    List<X509Certificate> path = new ArrayList<>(chain);
    // A client may send the CA itself at the end of its chain: it is the anchor, not part of the path.
    while (path.size() > 1 && certificates.contains(path.get(path.size() - 1))) {
      path.remove(path.size() - 1);
    }
    try {
      PKIXParameters parameters = new PKIXParameters(anchors);
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(now));
      CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
    } catch (CertPathValidatorException e) {
      return reason(e);
    } catch (InvalidAlgorithmParameterException e) {
      return "platform " + platform + " has no CA certificate to check it against";
    } catch (GeneralSecurityException e) {
      return "its chain cannot be checked: " + e.getMessage();
    }
    return clientAuthProblem(chain.get(0));
  }

  private String reason(CertPathValidatorException e) {
    String which = e.getIndex() <= 0 ? "the certificate" : "certificate " + (e.getIndex() + 1) + " of its chain";
    if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
      return which + " has expired";
    }
    if (e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
      return which + " is not valid yet";
    }
    if (e.getReason() == PKIXReason.NO_TRUST_ANCHOR) {
      return "it was not issued by the CA of platform " + platform + " (platforms." + platform + ".client_certificates.ca)";
    }
    if (e.getReason() == CertPathValidatorException.BasicReason.INVALID_SIGNATURE) {
      return "a signature in its chain does not verify";
    }
    return "its chain does not verify against the CA of platform " + platform + ": " + e.getMessage();
  }

  /** A certificate that limits its use (extended key usage) must allow client authentication. */
  private static String clientAuthProblem(X509Certificate leaf) {
    try {
      List<String> usages = leaf.getExtendedKeyUsage();
      if (usages != null && !usages.contains(CLIENT_AUTH) && !usages.contains(ANY_USAGE)) {
        return "the certificate is not for client authentication (its extended key usage lacks clientAuth)";
      }
      return null;
    } catch (CertificateParsingException e) {
      return "its extended key usage cannot be read";
    }
  }

  /** The subject alternative names of one type (2: DNS, 6: URI). */
  private static List<String> names(X509Certificate c, int type) {
    try {
      Collection<List<?>> all = c.getSubjectAlternativeNames();
      if (all == null) {
        return List.of();
      }
      List<String> out = new ArrayList<>();
      for (List<?> name : all) {
        if (name.size() >= 2 && name.get(0) instanceof Integer t && t == type && name.get(1) instanceof String value) {
          out.add(value);
        }
      }
      return out;
    } catch (CertificateParsingException e) {
      return List.of();
    }
  }
}
