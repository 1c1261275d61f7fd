package dev.toolgate.core.credential;

import dev.toolgate.core.decision.DenialCode;
import java.time.Instant;

/**
 * What one verifier concluded about one credential.
 *
 * @param clientId owner of the matched credential, for machine credentials (when passed)
 * @param subject the end user a user credential speaks for (when passed)
 * @param credentialId id of the matched credential (when passed, or when a known one was refused)
 * @param code why it failed (when not passed)
 * @param detail explanation for the decision trace; never a secret value
 * @param issuedAt when the user credential was issued (a JWT's {@code iat}); null otherwise or unknown
 * @param oneTime when passed: a message or token id the call uses up, claimed only once the whole
 *     policy allows the call (so a call refused for another reason does not burn it); null when none
 */
public record Verification(boolean passed, String clientId, String subject, String credentialId, DenialCode code, String detail,
    Instant issuedAt, OneTimeUse oneTime) {
  /** A machine credential that identifies a client. */
  public static Verification pass(String clientId, String credentialId, String detail) {
    return new Verification(true, clientId, null, credentialId, null, detail, null, null);
  }

  /** An end-user credential that identifies a user (its subject), not a client. */
  public static Verification passUser(String subject, String credentialId, String detail) {
    return passUser(subject, null, credentialId, detail);
  }

  /** An end-user credential issued at {@code issuedAt}. */
  public static Verification passUser(String subject, Instant issuedAt, String credentialId, String detail) {
    return new Verification(true, null, subject, credentialId, null, detail, issuedAt, null);
  }

  /**
   * An access token a user handed a client (the authorization code flow): it names the client and,
   * as its subject, the Toolgate user id it acts for.
   */
  public static Verification passDelegated(String clientId, String userId, Instant issuedAt, String credentialId, String detail) {
    return new Verification(true, clientId, userId, credentialId, null, detail, issuedAt, null);
  }

  /** Whether this names both a client and the Toolgate user it acts for ({@link #passDelegated}). */
  public boolean delegated() {
    return passed && clientId != null && subject != null;
  }

  /**
   * A credential that proves something about the caller but names neither a client nor a user (a
   * client certificate): it takes no part in the "same client?" check.
   */
  public static Verification passWithoutClient(String credentialId, String detail) {
    return new Verification(true, null, null, credentialId, null, detail, null, null);
  }

  public static Verification fail(DenialCode code, String detail) {
    return new Verification(false, null, null, null, code, detail, null, null);
  }

  public static Verification fail(DenialCode code, String credentialId, String detail) {
    return new Verification(false, null, null, credentialId, code, detail, null, null);
  }

  /** This pass, using up {@code use} when the call is allowed. */
  public Verification usingUp(OneTimeUse use) {
    if (!passed) {
      throw new IllegalStateException("only a passed verification uses something up");
    }
    return new Verification(true, clientId, subject, credentialId, null, detail, issuedAt, use);
  }
}
