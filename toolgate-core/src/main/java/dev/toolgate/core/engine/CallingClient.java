package dev.toolgate.core.engine;

import dev.toolgate.core.decision.Check;
import dev.toolgate.core.decision.Decision;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.port.CredentialDirectory;
import dev.toolgate.core.route.Route;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The client every credential of a call agreed on: it must be enabled and of the tool's platform. A
 * client known only by its Client ID Metadata Document (an https URL, never a registered client's
 * id) is not in the directory: a token Toolgate signed for it, on a user's behalf, is the proof.
 */
final class CallingClient {
  /** The platform of clients that only use the authorization code flow (registered with it, or known by a metadata document). */
  static final String CODE_FLOW_PLATFORM = "oauth";

  private CallingClient() {}

  /** Null when {@code clientId} may call {@code route}; otherwise the refusal, its check added to {@code trace}. */
  static Decision refusal(CredentialDirectory directory, String clientId, boolean delegated, Route route, List<String> credentialIds,
      List<Check> trace) {
    Optional<ClientRecord> client = directory.client(clientId);
    if (client.isEmpty() && delegated && clientId.startsWith("https://")) {
      client = Optional.of(new ClientRecord(clientId, clientId, CODE_FLOW_PLATFORM, true, Instant.EPOCH));
    }
    if (client.isEmpty() || !client.get().enabled()) {
      String detail = "client " + clientId + " is disabled";
      trace.add(new Check("client", false, detail));
      return Decision.deny(DenialCode.CLIENT_DISABLED, detail, clientId, credentialIds, List.of(), trace);
    }
    String platform = route.tool().platform();
    if (platform != null && !platform.equals(client.get().platform())) {
      String detail = "client " + clientId + " is of platform " + client.get().platform() + "; tool " + route.name() + " accepts only " + platform;
      trace.add(new Check("platform", false, detail));
      return Decision.deny(DenialCode.NOT_ALLOWED, detail, clientId, credentialIds, List.of(), trace);
    }
    trace.add(new Check("client", true, "client " + clientId + " (" + client.get().name() + ") is enabled"));
    return null;
  }
}
