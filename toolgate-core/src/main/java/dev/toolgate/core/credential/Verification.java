package dev.toolgate.core.credential;

import dev.toolgate.core.decision.DenialCode;

/**
 * What one verifier concluded about one credential.
 *
 * @param clientId owner of the matched credential, for machine credentials (when passed)
 * @param subject the end user a user credential speaks for (when passed)
 * @param credentialId id of the matched credential (when passed, or when a known one was refused)
 * @param code why it failed (when not passed)
 * @param detail explanation for the decision trace; never a secret value
 */
public record Verification(boolean passed, String clientId, String subject, String credentialId, DenialCode code, String detail) {
  /** A machine credential that identifies a client. */
  public static Verification pass(String clientId, String credentialId, String detail) {
    return new Verification(true, clientId, null, credentialId, null, detail);
  }

  /** An end-user credential that identifies a user (its subject), not a client. */
  public static Verification passUser(String subject, String credentialId, String detail) {
    return new Verification(true, null, subject, credentialId, null, detail);
  }

  public static Verification fail(DenialCode code, String detail) {
    return new Verification(false, null, null, null, code, detail);
  }

  public static Verification fail(DenialCode code, String credentialId, String detail) {
    return new Verification(false, null, null, credentialId, code, detail);
  }
}
