package dev.toolgate.core.credential;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.config.MtlsPolicy;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.request.ClientCertificate;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.Route;
import java.time.Clock;
import java.time.Instant;

/**
 * {@code mtls}: the caller presented a client certificate in the TLS handshake, its chain leads to
 * the CA of the tool's platform and is within its dates, and, when the tool's {@code mtls} section
 * lists subjects or SPIFFE ids, it names one of them.
 *
 * <p>A certificate names no Toolgate client: it proves the caller is a workload the platform's CA
 * vouches for, like the platform's {@code allowed_ips} do for an address. So it takes no part in
 * the "same client?" check; combined with a client credential, the client comes from that one. Its
 * id in the decision is the certificate's SHA-256 thumbprint ({@code x5t#S256}); the trace names its
 * subject and SPIFFE id.
 */
public final class MtlsVerifier implements CredentialVerifier {
  private final Clock clock;

  public MtlsVerifier(Clock clock) {
    this.clock = clock;
  }

  @Override
  public CredentialKind kind() {
    return CredentialKind.MTLS;
  }

  @Override
  public Verification verify(ToolCall call, Route route) {
    ClientCertificate cert = call.clientCertificate();
    if (cert == null) {
      return Verification.fail(DenialCode.CLIENT_CERTIFICATE_MISSING, "no client certificate was presented in the TLS handshake");
    }
    String id = credentialId(cert);
    String platform = route.tool().platform();
    if (!cert.verified() || !cert.platform().equals(platform)) {
      String why = cert.verified() ? "it was checked against platform " + cert.platform() + ", not " + platform : cert.problem();
      return Verification.fail(DenialCode.CLIENT_CERTIFICATE_INVALID, id, "client certificate " + cert.describe() + " is refused: " + why);
    }
    Instant now = clock.instant();
    if (!now.isBefore(cert.notAfter())) {
      // The chain was checked when the connection first used it; a long-lived connection may outlast it.
      return Verification.fail(DenialCode.CLIENT_CERTIFICATE_INVALID, id,
          "client certificate " + cert.describe() + " is refused: its chain expired at " + cert.notAfter());
    }
    MtlsPolicy policy = route.tool().policy().mtls();
    if (policy != null && policy.restricted() && !allowed(policy, cert)) {
      return Verification.fail(DenialCode.CLIENT_CERTIFICATE_NOT_ALLOWED, id, "client certificate " + cert.describe()
          + " is valid, but tool " + route.name() + " allows only " + allowedList(policy));
    }
    return Verification.passWithoutClient(id, "client certificate " + cert.describe() + " issued under the CA of platform " + platform);
  }

  @Override
  public String challenge(Route route, Verification failure) {
    return "ClientCertificate realm=\"toolgate\"";
  }

  private static boolean allowed(MtlsPolicy policy, ClientCertificate cert) {
    String spiffeId = cert.spiffeId();
    if (spiffeId != null && policy.spiffeIds().contains(spiffeId)) {
      return true;
    }
    if (policy.subjects().isEmpty()) {
      return false;
    }
    String subject = MtlsPolicy.canonical(cert.subject());
    return policy.subjects().stream().anyMatch(s -> MtlsPolicy.canonical(s).equals(subject));
  }

  private static String allowedList(MtlsPolicy policy) {
    String subjects = policy.subjects().isEmpty() ? null : "subjects " + String.join("; ", policy.subjects());
    String ids = policy.spiffeIds().isEmpty() ? null : "SPIFFE ids " + String.join(", ", policy.spiffeIds());
    return subjects == null ? ids : ids == null ? subjects : subjects + " and " + ids;
  }

  /** The certificate's id in the decision: its thumbprint, never a name (names may hold commas, the audit's separator). */
  static String credentialId(ClientCertificate cert) {
    return "x5t#S256:" + cert.thumbprint();
  }
}
