package dev.toolgate.core.credential;

import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.port.CredentialDirectory;
import dev.toolgate.core.route.Route;

/**
 * The answer to a signature that matched none of the secrets an instance can read, when some of
 * the platform's secrets it cannot decrypt (a master key it lacks): 503, since the call may well be
 * genuine. A dependency problem of the instance is never reported as a bad signature.
 */
final class UnreadableSecrets {
  private UnreadableSecrets() {}

  /** The 503 to answer instead of {@code invalid}, or {@code invalid} itself when every secret was readable. */
  static Verification orInvalid(CredentialDirectory directory, Route route, Verification invalid) {
    int unreadable = directory.unreadableSigningSecrets(route.tool().platform());
    if (unreadable == 0) {
      return invalid;
    }
    return Verification.fail(DenialCode.UNAVAILABLE, "the signature matches none of the signing secrets this instance can read, and "
        + unreadable + " active signing secret(s) of this platform cannot be decrypted with its master key (see the server log)");
  }
}
