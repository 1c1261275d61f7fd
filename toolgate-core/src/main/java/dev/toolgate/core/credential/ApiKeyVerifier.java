package dev.toolgate.core.credential;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.port.ApiKey;
import dev.toolgate.core.port.CredentialDirectory;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.Route;
import dev.toolgate.core.secret.SecretDigest;
import java.time.Clock;
import java.util.Optional;

/** An API key in a header ({@code api-key} unless the platform names another), scoped to named tools. */
public final class ApiKeyVerifier implements CredentialVerifier {
  private final CredentialDirectory directory;
  private final Clock clock;

  public ApiKeyVerifier(CredentialDirectory directory, Clock clock) {
    this.directory = directory;
    this.clock = clock;
  }

  @Override
  public CredentialKind kind() {
    return CredentialKind.API_KEY;
  }

  @Override
  public Verification verify(ToolCall call, Route route) {
    String header = route.platform().apiKeyHeader();
    HeaderValue sent = HeaderValue.single(call.headers(), header);
    switch (sent.problem()) {
      case MISSING -> { return Verification.fail(DenialCode.API_KEY_MISSING, "no " + header + " header"); }
      case REPEATED -> { return Verification.fail(DenialCode.API_KEY_INVALID, header + " header sent more than once"); }
      case NONE -> { }
    }
    Optional<ApiKey> found = directory.apiKeyByDigest(SecretDigest.of(sent.value()));
    if (found.isEmpty()) {
      return Verification.fail(DenialCode.API_KEY_INVALID, header + " is not a known API key");
    }
    ApiKey key = found.get();
    if (key.revokedAt() != null) {
      return Verification.fail(DenialCode.API_KEY_REVOKED, key.id(), "API key " + key.id() + " was revoked at " + key.revokedAt());
    }
    if (key.expiredAt(clock.instant())) {
      return Verification.fail(DenialCode.API_KEY_EXPIRED, key.id(), "API key " + key.id() + " expired at " + key.expiresAt());
    }
    if (!key.allows(route.name())) {
      return Verification.fail(DenialCode.NOT_ALLOWED, key.id(), "API key " + key.id() + " is not scoped to tool " + route.name() + " (scopes: " + String.join(",", key.tools()) + ")");
    }
    return Verification.pass(key.clientId(), key.id(), "API key " + key.id() + " is active and scoped to " + route.name());
  }

  @Override
  public String challenge(Route route, Verification failure) {
    return "ApiKey realm=\"toolgate\", header=\"" + route.platform().apiKeyHeader() + "\"";
  }
}
