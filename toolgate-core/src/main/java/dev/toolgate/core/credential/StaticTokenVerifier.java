package dev.toolgate.core.credential;

import dev.toolgate.core.config.CredentialKind;
import dev.toolgate.core.decision.DenialCode;
import dev.toolgate.core.port.CredentialDirectory;
import dev.toolgate.core.port.StaticToken;
import dev.toolgate.core.request.ToolCall;
import dev.toolgate.core.route.Route;
import dev.toolgate.core.secret.SecretDigest;
import java.time.Clock;
import java.util.Optional;

/**
 * A static bearer token ({@code Authorization: Bearer tgt_...}). Looked up by digest, so the
 * comparison is over SHA-256 outputs the caller cannot steer; prefixes and extensions of a valid
 * token simply have other digests.
 */
public final class StaticTokenVerifier implements CredentialVerifier {
  private final CredentialDirectory directory;
  private final Clock clock;

  public StaticTokenVerifier(CredentialDirectory directory, Clock clock) {
    this.directory = directory;
    this.clock = clock;
  }

  @Override
  public CredentialKind kind() {
    return CredentialKind.STATIC_TOKEN;
  }

  @Override
  public Verification verify(ToolCall call, Route route) {
    BearerToken.Extracted bearer = BearerToken.fromAuthorization(call.headers());
    if (bearer.failure() != null) {
      return bearer.failure();
    }
    Optional<StaticToken> found = directory.staticTokenByDigest(SecretDigest.of(bearer.token()));
    if (found.isEmpty()) {
      return Verification.fail(DenialCode.TOKEN_INVALID, "bearer token is not a known static token");
    }
    StaticToken token = found.get();
    if (token.revokedAt() != null) {
      return Verification.fail(DenialCode.TOKEN_REVOKED, token.id(), "static token " + token.id() + " was revoked at " + token.revokedAt());
    }
    if (token.expiredAt(clock.instant())) {
      return Verification.fail(DenialCode.TOKEN_EXPIRED, token.id(), "static token " + token.id() + " expired at " + token.expiresAt());
    }
    return Verification.pass(token.clientId(), token.id(), "static token " + token.id() + " is active");
  }

  @Override
  public String challenge(Route route, Verification failure) {
    return failure.code() == DenialCode.TOKEN_MISSING
        ? "Bearer realm=\"toolgate\""
        : "Bearer realm=\"toolgate\", error=\"invalid_token\"";
  }
}
