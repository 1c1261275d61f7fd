package dev.toolgate.core.decision;

import dev.toolgate.core.limit.LimitOutcome;
import java.util.List;

/**
 * The outcome of evaluating a call against a tool's policy: data, not an exception.
 *
 * @param code null when allowed
 * @param clientId the client all credentials agreed on; null when anonymous or refused early
 * @param subject the end user the call is for (from a user token), or null
 * @param credentialIds ids (never values) of the credentials that matched
 * @param challenges {@code WWW-Authenticate} values for a 401
 * @param trace every check that ran, in order
 * @param limit the most restrictive rate-limit bucket the call touched (for the {@code RateLimit-*}
 *     and {@code Retry-After} headers), or null when none applies
 */
public record Decision(boolean allowed, DenialCode code, String detail, String clientId, String subject, List<String> credentialIds,
    List<String> challenges, List<Check> trace, LimitOutcome limit) {
  public Decision {
    credentialIds = List.copyOf(credentialIds);
    challenges = List.copyOf(challenges);
    trace = List.copyOf(trace);
  }

  /** Without a rate-limit outcome. */
  public Decision(boolean allowed, DenialCode code, String detail, String clientId, String subject, List<String> credentialIds,
      List<String> challenges, List<Check> trace) {
    this(allowed, code, detail, clientId, subject, credentialIds, challenges, trace, null);
  }

  /** This decision carrying {@code outcome} for the rate-limit headers. */
  public Decision withLimit(LimitOutcome outcome) {
    return new Decision(allowed, code, detail, clientId, subject, credentialIds, challenges, trace, outcome);
  }

  /** This decision with a longer trace (checks that ran after it was made). */
  public Decision withTrace(List<Check> newTrace) {
    return new Decision(allowed, code, detail, clientId, subject, credentialIds, challenges, newTrace, limit);
  }

  public static Decision allow(String clientId, List<String> credentialIds, List<Check> trace) {
    return allow(clientId, null, credentialIds, trace);
  }

  public static Decision allow(String clientId, String subject, List<String> credentialIds, List<Check> trace) {
    return new Decision(true, null, null, clientId, subject, credentialIds, List.of(), trace);
  }

  public static Decision deny(DenialCode code, String detail, String clientId, List<String> credentialIds, List<String> challenges, List<Check> trace) {
    return new Decision(false, code, detail, clientId, null, credentialIds, challenges, trace);
  }

  /** A refusal made before any policy ran (no route, bad path, body too large...). */
  public static Decision refuse(DenialCode code, String detail) {
    return deny(code, detail, null, List.of(), List.of(), List.of(new Check("request", false, detail)));
  }

  public int status() {
    return allowed ? 200 : code.status();
  }
}
