package dev.toolgate.core.engine;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.credential.CredentialVerifier;
import dev.toolgate.core.credential.Verification;
import dev.toolgate.core.decision.Check;
import dev.toolgate.core.decision.Decision;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.port.ClientRecord;
import dev.toolgate.core.port.CredentialDirectory;
import dev.toolgate.core.port.UsageSink;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.Route;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides one call against its tool's policy: every required credential must verify, all of them
 * must belong to the same enabled client, and that client must be of the tool's platform.
 */
public final class PolicyEngine {
  private final Map<CredentialKind, CredentialVerifier> verifiers = new EnumMap<>(CredentialKind.class);
  private final CredentialDirectory directory;
  private final UsageSink usage;
  private final Clock clock;

  public PolicyEngine(List<CredentialVerifier> verifiers, CredentialDirectory directory, UsageSink usage, Clock clock) {
    for (CredentialVerifier v : verifiers) {
      this.verifiers.put(v.kind(), v);
    }
    this.directory = directory;
    this.usage = usage;
    this.clock = clock;
  }

  /** Refuses to start with a policy that names a kind nobody verifies. */
  public void checkCovers(List<Route> routes) {
    for (Route route : routes) {
      for (CredentialKind kind : route.tool().policy().require()) {
        if (!verifiers.containsKey(kind)) {
          throw new IllegalStateException("tool " + route.name() + " requires " + kind.yamlName() + " but no verifier is installed for it");
        }
      }
    }
  }

  public Decision decide(ToolCall call, Route route) {
    List<Check> trace = new ArrayList<>(4);
    trace.add(new Check("route", true, call.method() + " " + call.path().raw() + " is tool " + route.name()));
    if (route.tool().policy().anonymous() && route.tool().policy().require().isEmpty()) {
      trace.add(new Check("policy", true, "tool " + route.name() + " declares anonymous access"));
      return Decision.allow(null, List.of(), trace);
    }

    List<String> credentialIds = new ArrayList<>(2);
    String clientId = null;
    String subject = null;
    for (CredentialKind kind : route.tool().policy().require()) {
      CredentialVerifier verifier = verifiers.get(kind);
      Verification v = verifier.verify(call, route);
      trace.add(new Check(kind.yamlName(), v.passed(), v.detail()));
      if (!v.passed()) {
        // RFC 6750 §3: a challenge on 401, and on 403 insufficient_scope so the client learns the scope.
        boolean challenge = v.code().status() == 401 || v.code() == DenialCode.INSUFFICIENT_SCOPE;
        return Decision.deny(v.code(), v.detail(), clientId, credentialIds, challenge ? List.of(verifier.challenge(route, v)) : List.of(), trace);
      }
      credentialIds.add(v.credentialId());
      if (v.subject() != null) {
        subject = v.subject();
      }
      if (v.clientId() == null) {
        continue; // an end-user credential: it says who the user is, not which client calls
      }
      if (clientId == null) {
        clientId = v.clientId();
      } else if (!clientId.equals(v.clientId())) {
        String detail = kind.yamlName() + " belongs to client " + v.clientId() + ", earlier credentials to " + clientId;
        trace.add(new Check("same_client", false, detail));
        return Decision.deny(DenialCode.CLIENT_MISMATCH, detail, clientId, credentialIds, List.of(), trace);
      }
    }

    if (clientId != null) {
      Optional<ClientRecord> client = directory.client(clientId);
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
    } else if (credentialIds.isEmpty()) {
      String detail = "policy of tool " + route.name() + " requires no credential and does not declare anonymous access";
      trace.add(new Check("policy", false, detail));
      return Decision.deny(DenialCode.NOT_ALLOWED, detail, null, credentialIds, List.of(), trace);
    }
    var now = clock.instant();
    for (String id : credentialIds) {
      usage.used(id, now);
    }
    return Decision.allow(clientId, subject, credentialIds, trace);
  }
}
