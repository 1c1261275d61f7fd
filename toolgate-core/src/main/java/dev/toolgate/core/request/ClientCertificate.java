package dev.toolgate.core.request;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The certificate a caller presented in the TLS handshake (and so proved it holds the key of), as
 * the server read it and checked its chain against the CA of one platform. Core has no TLS: the
 * server fills this in ({@code mtls} checks it, {@code dev.toolgate.core.credential.MtlsVerifier}).
 *
 * @param subject the subject's distinguished name (RFC 2253 form)
 * @param uris the URI subject alternative names (a SPIFFE id among them: {@link #spiffeId()})
 * @param dnsNames the DNS subject alternative names
 * @param thumbprint SHA-256 of the certificate, base64url ({@code x5t#S256}, RFC 8705): its id in the audit
 * @param notAfter the earliest expiry in the chain
 * @param platform the platform whose CA the chain was checked against
 * @param problem null when the chain verified (PKIX, validity dates, usable for client authentication)
 *     against that CA at the time of the check, else why not
 */
public record ClientCertificate(String subject, List<String> uris, List<String> dnsNames, String thumbprint, Instant notAfter,
    String platform, String problem) {
  private static final String SPIFFE = "spiffe://";

  public ClientCertificate {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(thumbprint, "thumbprint");
    uris = List.copyOf(uris);
    dnsNames = List.copyOf(dnsNames);
  }

  public boolean verified() {
    return problem == null;
  }

  /**
   * The SPIFFE id of an X.509-SVID: its only URI name, when that is a {@code spiffe://} URI (an SVID
   * carries exactly one); null otherwise.
   */
  public String spiffeId() {
    return uris.size() == 1 && uris.get(0).startsWith(SPIFFE) ? uris.get(0) : null;
  }

  /** Subject and SPIFFE id, for the decision trace (never the whole certificate). */
  public String describe() {
    String id = spiffeId();
    return id == null ? subject : subject + " (" + id + ")";
  }
}
