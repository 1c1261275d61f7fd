package dev.toolgate.core.config;

import java.util.List;
import javax.security.auth.x500.X500Principal;

/**
 * {@code policy.mtls}: which client certificates of the tool's platform may call it. Empty lists
 * (the default): any certificate the platform's CA issued. Otherwise the certificate's subject must
 * be one of {@code subjects} or its SPIFFE id one of {@code spiffeIds}.
 *
 * @param subjects distinguished names as written (e.g. {@code CN=agent,O=Example}); compared in
 *     their canonical form (RFC 4514 names, case and spacing folded), see {@link #canonical}
 * @param spiffeIds SPIFFE ids ({@code spiffe://trust-domain/path}), compared exactly
 */
public record MtlsPolicy(List<String> subjects, List<String> spiffeIds) {
  public MtlsPolicy {
    subjects = subjects == null ? List.of() : List.copyOf(subjects);
    spiffeIds = spiffeIds == null ? List.of() : List.copyOf(spiffeIds);
  }

  /** Any certificate of the platform's CA. */
  public static MtlsPolicy any() {
    return new MtlsPolicy(List.of(), List.of());
  }

  public boolean restricted() {
    return !subjects.isEmpty() || !spiffeIds.isEmpty();
  }

  /**
   * A distinguished name in the one form two spellings of it share ({@code CN=Agent, O=Example} and
   * {@code cn=agent,o=example}).
   *
   * @throws IllegalArgumentException when the text is not a distinguished name
   */
  public static String canonical(String distinguishedName) {
    return new X500Principal(distinguishedName).getName(X500Principal.CANONICAL);
  }
}
