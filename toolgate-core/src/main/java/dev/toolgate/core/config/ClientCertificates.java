package dev.toolgate.core.config;

import java.util.Objects;

/**
 * {@code platforms.<name>.client_certificates}: the CA bundle that issues this platform's client
 * certificates. With it, the server asks every TLS caller for a certificate (without requiring one),
 * and tools of the platform may require {@code mtls}.
 *
 * @param ca the PEM certificates a client certificate's chain must lead to
 */
public record ClientCertificates(PemFile ca) {
  public ClientCertificates {
    Objects.requireNonNull(ca, "ca");
  }
}
