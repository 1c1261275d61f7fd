package dev.toolgate.core.port;

import dev.toolgate.core.decision.Check;
import java.time.Instant;
import java.util.List;

/**
 * One recorded decision. Carries ids of the credentials that matched, never their values.
 *
 * @param tool tool name, null when no route matched
 * @param clientId authenticated client, null when none
 * @param decision {@code allow} or {@code deny}
 * @param code stable machine code of a denial ({@code ok} when allowed)
 * @param status HTTP status answered to the caller
 * @param latencyMicros time from request start to the decision being answered or forwarded
 * @param detail human explanation of a denial, never containing secrets
 * @param trace every check that ran and what it concluded ({@code toolgate explain}); never secrets
 * @param configVersion the version of {@code toolgate.yaml} that decided (12 hex digits of its
 *     SHA-256); null when the configuration was not read from a file, or for records made before versions
 */
public record AuditEvent(
    Instant time,
    String requestId,
    String method,
    String path,
    String remoteAddress,
    String tool,
    String clientId,
    List<String> credentialIds,
    String decision,
    String code,
    int status,
    long latencyMicros,
    String detail,
    List<Check> trace,
    String configVersion) {
  public AuditEvent {
    credentialIds = List.copyOf(credentialIds);
    trace = trace == null ? List.of() : List.copyOf(trace);
  }

  /** An event without a configuration version. */
  public AuditEvent(Instant time, String requestId, String method, String path, String remoteAddress, String tool, String clientId,
      List<String> credentialIds, String decision, String code, int status, long latencyMicros, String detail, List<Check> trace) {
    this(time, requestId, method, path, remoteAddress, tool, clientId, credentialIds, decision, code, status, latencyMicros, detail, trace, null);
  }

  /** An event without a decision trace (system endpoints). */
  public AuditEvent(Instant time, String requestId, String method, String path, String remoteAddress, String tool, String clientId,
      List<String> credentialIds, String decision, String code, int status, long latencyMicros, String detail) {
    this(time, requestId, method, path, remoteAddress, tool, clientId, credentialIds, decision, code, status, latencyMicros, detail, List.of());
  }
}
